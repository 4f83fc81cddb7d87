// REST: players: a player's page, registering bots and people (each with a token shown
// once), signing in and out with the session cookie, and who a request is.
#include "server/net/auth.h"
#include "server/net/rest.h"
#include "server/net/rest_bodies.h"
#include "server/net/rest_internal.h"
#include "server/net/wire.h"

namespace arena::net {
namespace {

constexpr const char* kNameRule =
    "a name is 1-40 letters, digits, '_', '-' or '.', and does not start with 'guest-'";

}  // namespace

HttpResponse RestApi::player(const Call& call) {
  Result<std::optional<db::PlayerRow>> p = store_.player(call.id);
  if (!p.ok()) return error_response(500, p.error());
  if (!*p) return error_response(404, "unknown_player", "no player " + std::to_string(call.id));
  Result<std::vector<db::RatingRow>> ratings = store_.player_ratings(call.id);
  Result<std::vector<db::RatingHistoryRow>> history = store_.rating_history(call.id, "");
  if (!ratings.ok() || !history.ok()) return error_response(500, "db_error", "cannot read ratings");
  return rest::json_response(200, player_json(**p, *ratings, *history));
}

// A person's or bot's new name and token (stored as its hash only). Every refusal is an
// Error whose code gives the status (a store failure is a db_error: 500).
Result<RestApi::Registered> RestApi::register_player(const HttpRequest& request, db::PlayerKind kind) {
  Result<std::string> asked =
      parse_registration_body(request.body, kind == db::PlayerKind::kBot ? "my-bot" : "your name");
  if (!asked.ok()) return asked.error();
  const std::string name = *asked;
  if (!valid_player_name(name)) return make_error("bad_request", kNameRule);
  Result<std::optional<db::PlayerRow>> existing = store_.find_player(name);
  if (!existing.ok()) return existing.error();
  if (*existing) return make_error("conflict", "the name '" + name + "' is taken");
  Result<int64_t> id = db::wait([&](db::Store::DoneId d) { store_.ensure_player(name, kind, "", d); });
  if (!id.ok()) return id.error();
  const std::string token = random_token();
  Result<int64_t> stored =
      db::wait([&](db::Store::DoneId d) { store_.add_token(*id, sha256_hex(token), "play", d); });
  if (!stored.ok()) return stored.error();
  return Registered{PlayerIdentity{*id, name, db::to_string(kind), false}, token};
}

HttpResponse RestApi::register_human(const Call& call) {
  Result<Registered> r = register_player(call.request, db::PlayerKind::kHuman);
  if (!r.ok()) return error_response(r.error());
  HttpResponse res = rest::json_response(201, human_registered_json(r->who, r->token));
  res.headers.emplace_back("Set-Cookie", set_cookie_header(kSessionCookie, r->token));
  return res;
}

HttpResponse RestApi::register_bot(const Call& call) {
  Result<Registered> r = register_player(call.request, db::PlayerKind::kBot);
  if (!r.ok()) return error_response(r.error());
  return rest::json_response(201, bot_registered_json(r->who, r->token));
}

HttpResponse RestApi::sign_in(const Call& call) {
  std::optional<Json> body = parse_json(call.request.body);
  if (!body || !body->is_object() || !(*body)["token"].is_string()) {
    return error_response(400, "bad_request", "send {\"token\": \"...\"}");
  }
  const std::string token = (*body)["token"].get<std::string>();
  Result<std::optional<PlayerIdentity>> who = token_player(store_, token);
  if (!who.ok()) return error_response(500, who.error());
  if (!*who) return error_response(401, "unauthorized", "unknown or revoked token");
  HttpResponse r = rest::json_response(200, identity_json(**who));
  r.headers.emplace_back("Set-Cookie", set_cookie_header(kSessionCookie, token));
  return r;
}

HttpResponse RestApi::sign_out(const Call&) {
  HttpResponse r = rest::json_response(200, signed_out_json());
  r.headers.emplace_back("Set-Cookie", clear_cookie_header(kSessionCookie));
  return r;
}

HttpResponse RestApi::me(const Call& call) {
  Result<Identity> who = identify(store_, rest::header(call.request, "authorization"),
                                  rest::header(call.request, "cookie"), false);
  if (!who.ok()) return error_response(who.error());
  return rest::json_response(200, identity_json(who->who));
}

}  // namespace arena::net
