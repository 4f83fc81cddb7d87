// REST: players: a player's page, registering bots and people (each with a token shown
// once), signing in and out (a browser session in the session cookie), revoking a token,
// and who a request is.
#include <chrono>

#include "server/arena/reserved_names.h"
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
  const auto now = std::chrono::system_clock::now();
  for (db::RatingRow& row : *ratings) row = rating_as_of(row, arena_.rating_periods(), now);  // idle growth
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
  if (std::optional<std::string> why = reserved_name(name)) return make_error("bad_request", *why);
  // One insert that fails when the name is taken: of two registrations at once, one wins.
  Result<int64_t> id = db::wait([&](db::Store::DoneId d) { store_.create_player(name, kind, "", d); });
  if (!id.ok()) return id.error();
  const std::string token = random_token();
  Result<int64_t> stored =
      db::wait([&](db::Store::DoneId d) { store_.add_token(*id, sha256_hex(token), "play", d); });
  if (!stored.ok()) return stored.error();
  return Registered{PlayerIdentity{*id, name, db::to_string(kind), false}, token};
}

std::optional<HttpResponse> RestApi::limited(KeyedRateLimiter AbuseLimits::*limiter,
                                             const HttpRequest& request, const std::string& what) {
  if (!limits_) return std::nullopt;
  const double wait = (limits_->*limiter).take(address_key(request.remote_address));
  if (wait <= 0) return std::nullopt;
  ++stats_.rate_limited;
  return too_many_requests("too many " + what + " from your address", wait);
}

Result<std::string> RestApi::new_session(int64_t player_id) {
  const std::string session = random_token();
  Result<int64_t> stored = db::wait(
      [&](db::Store::DoneId d) { store_.add_session(player_id, sha256_hex(session), kSessionLifetime, d); });
  if (!stored.ok()) return stored.error();
  return set_cookie_header(kSessionCookie, session, kSessionLifetime, browser_.secure_cookies);
}

HttpResponse RestApi::register_human(const Call& call) {
  if (auto refused = limited(&AbuseLimits::registrations, call.request, "registrations")) return *refused;
  Result<Registered> r = register_player(call.request, db::PlayerKind::kHuman);
  if (!r.ok()) return error_response(r.error());
  Result<std::string> cookie = new_session(r->who.id);
  if (!cookie.ok()) return error_response(cookie.error());
  HttpResponse res = rest::json_response(201, human_registered_json(r->who, r->token));
  res.headers.emplace_back("Set-Cookie", *cookie);
  return res;
}

HttpResponse RestApi::register_bot(const Call& call) {
  if (auto refused = limited(&AbuseLimits::registrations, call.request, "registrations")) return *refused;
  Result<Registered> r = register_player(call.request, db::PlayerKind::kBot);
  if (!r.ok()) return error_response(r.error());
  return rest::json_response(201, bot_registered_json(r->who, r->token));
}

HttpResponse RestApi::sign_in(const Call& call) {
  if (auto refused = limited(&AbuseLimits::sign_ins, call.request, "sign-ins")) return *refused;
  std::optional<Json> body = parse_json(call.request.body);
  if (!body || !body->is_object() || !(*body)["token"].is_string()) {
    return error_response(400, "bad_request", "send {\"token\": \"...\"}");
  }
  const std::string token = (*body)["token"].get<std::string>();
  Result<std::optional<PlayerIdentity>> who = token_player(store_, token);
  if (!who.ok()) return error_response(500, who.error());
  if (!*who) return error_response(401, "unauthorized", "unknown or revoked token");
  Result<std::string> cookie = new_session((*who)->id);
  if (!cookie.ok()) return error_response(cookie.error());
  HttpResponse r = rest::json_response(200, identity_json(**who));
  r.headers.emplace_back("Set-Cookie", *cookie);
  return r;
}

// Ends this browser's session on the server (the session id is no good anywhere after it),
// and clears the cookie.
HttpResponse RestApi::sign_out(const Call& call) {
  if (std::optional<std::string> session = cookie_value(rest::header(call.request, "cookie"), kSessionCookie);
      session && !session->empty()) {
    Status deleted =
        db::wait_status([&](db::Store::Done d) { store_.delete_session(sha256_hex(*session), d); });
    if (!deleted.ok()) return error_response(500, deleted.error());
  }
  HttpResponse r = rest::json_response(200, signed_out_json());
  r.headers.emplace_back("Set-Cookie", clear_cookie_header(kSessionCookie, browser_.secure_cookies));
  return r;
}

// Revokes the bearer token that authorises the request: from then on it is refused (401).
// Browser sessions signed in with it stay until they end.
HttpResponse RestApi::revoke_token(const Call& call) {
  const std::string_view authorization = rest::header(call.request, "authorization");
  std::optional<std::string> token = bearer_token(authorization);
  if (!token) {
    return error_response(401, "unauthorized", "send the token to revoke as 'Authorization: Bearer <token>'");
  }
  Result<std::optional<PlayerIdentity>> who = token_player(store_, *token);
  if (!who.ok()) return error_response(500, who.error());
  if (!*who) return error_response(401, "unauthorized", "unknown or revoked token");
  Status revoked = db::wait_status([&](db::Store::Done d) { store_.revoke_token(sha256_hex(*token), d); });
  // Revoked meanwhile by another request: it is revoked all the same.
  if (!revoked.ok() && revoked.error().code != "not_found") return error_response(500, revoked.error());
  return rest::json_response(200, token_revoked_json(**who));
}

HttpResponse RestApi::me(const Call& call) {
  Result<Identity> who = identify(store_, rest::header(call.request, "authorization"),
                                  rest::header(call.request, "cookie"), false, browser_.secure_cookies);
  if (!who.ok()) return error_response(who.error());
  return rest::json_response(200, identity_json(who->who));
}

}  // namespace arena::net
