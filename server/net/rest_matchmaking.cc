// REST: matchmaking: the open seeks, and challenges (a house agent accepts at once; a
// player is asked over its WebSocket).
#include <future>

#include "server/net/auth.h"
#include "server/net/rest.h"
#include "server/net/rest_bodies.h"
#include "server/net/rest_internal.h"
#include "server/net/wire.h"

namespace arena::net {

HttpResponse RestApi::seeks(const Call& call) {
  int64_t after = 0;
  int64_t limit = 100;
  if (auto it = call.query.find("after"); it != call.query.end()) {
    std::optional<int64_t> v = it->second == "0" ? std::optional<int64_t>(0) : rest::to_id(it->second);
    if (!v) return error_response(400, "bad_request", "'after' is a seek id (0 or more)");
    after = *v;
  }
  if (auto it = call.query.find("limit"); it != call.query.end()) {
    std::optional<int64_t> v = rest::to_id(it->second);
    if (!v || *v > 500) return error_response(400, "bad_request", "'limit' is 1-500");
    limit = *v;
  }
  bool more = false;
  std::vector<Arena::OpenSeek> page = arena_.open_seeks(after, static_cast<size_t>(limit), &more);
  return rest::json_response(200, seeks_json(page, more));
}

HttpResponse RestApi::challenge(const Call& call) {
  const HttpRequest& request = call.request;
  Result<Identity> id =
      identify(store_, rest::header(request, "authorization"), rest::header(request, "cookie"), false);
  if (!id.ok()) return error_response(id.error());
  if (id->who.guest) {
    return error_response(
        401, "unauthorized",
        "send 'Authorization: Bearer <token>' (POST /api/bots), or sign in (POST /api/humans)");
  }
  const PlayerIdentity& who = id->who;

  Result<ChallengeBody> body = parse_challenge_body(request.body);
  if (!body.ok()) return error_response(400, body.error());
  SeatRequest from;
  from.player_id = who.id;
  from.name = who.name;
  from.kind = db::player_kind_from_string(who.kind).value_or(db::PlayerKind::kBot);
  if (limits_ && !arena_.is_house_opponent(body->to)) {
    if (const double wait = challenge_wait(*limits_, who.id, request.remote_address); wait > 0) {
      ++stats_.rate_limited;
      return too_many_requests("too many challenges", wait);
    }
  }
  std::promise<Result<Arena::ChallengeOutcome>> done;
  arena_.challenge(from, body->to, body->game, body->time_control, body->rated,
                   [&done](Result<Arena::ChallengeOutcome> r) { done.set_value(r); });
  Result<Arena::ChallengeOutcome> outcome = done.get_future().get();
  if (!outcome.ok()) return error_response(outcome.error());
  return rest::json_response(201, challenge_outcome_json(*outcome));
}

}  // namespace arena::net
