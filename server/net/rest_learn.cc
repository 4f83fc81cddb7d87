// REST: a training run's learner for self-play workers (learn_endpoint.h): the run, its
// checkpoints, and shard uploads. Workers are named by their bearer tokens; guests and the
// arena's players have no business here.
#include "server/net/auth.h"
#include "server/net/rest.h"
#include "server/net/rest_internal.h"

namespace arena::net {
namespace {

HttpResponse no_learner() {
  return error_response(404, "no_learner", "this server runs no learner (arena train --listen offers one)");
}

// A `step` query parameter: absent, or a learner step (0 or more).
Result<std::optional<int64_t>> step_of(const std::map<std::string, std::string>& query) {
  auto it = query.find("step");
  if (it == query.end()) return std::optional<int64_t>();
  if (it->second == "0") return std::optional<int64_t>(0);
  if (std::optional<int64_t> step = rest::to_id(it->second)) return step;
  return make_error("bad_request", "'step' is a learner step (0 or more)");
}

}  // namespace

HttpResponse RestApi::learn(const Call&) {
  if (!learn_.endpoint) return no_learner();
  return rest::json_response(200, learn_.endpoint->describe());
}

HttpResponse RestApi::learn_checkpoint(const Call& call) {
  if (!learn_.endpoint) return no_learner();
  Result<std::optional<int64_t>> step = step_of(call.query);
  if (!step.ok()) return error_response(400, step.error());
  int64_t served = 0;
  Result<std::string> bytes = learn_.endpoint->checkpoint(*step, served);
  if (!bytes.ok()) return error_response(bytes.error());
  HttpResponse r;
  r.content_type = "application/octet-stream";
  r.body = std::move(*bytes);
  r.headers.emplace_back("X-Arena-Step", std::to_string(served));
  // A step's checkpoint never changes; the current one does.
  r.headers.emplace_back("Cache-Control", *step ? "public, max-age=31536000, immutable" : "no-store");
  return r;
}

HttpResponse RestApi::learn_upload(const Call& call) {
  if (!learn_.endpoint) return no_learner();
  const std::optional<std::string> token = bearer_token(rest::header(call.request, "authorization"));
  const std::optional<std::string> worker = token ? learn_.endpoint->worker_of(*token) : std::nullopt;
  if (!worker) {
    return error_response(401, "unauthorized",
                          "send 'Authorization: Bearer <token>' with a worker token of this learner");
  }
  if (const double wait = learn_uploads_.take(*worker); wait > 0) {
    ++stats_.rate_limited;
    return too_many_requests("too many uploads from worker " + *worker, wait);
  }
  Result<std::optional<int64_t>> step = step_of(call.query);
  if (!step.ok()) return error_response(400, step.error());
  if (!*step)
    return error_response(400, "bad_request", "say which checkpoint played the games: ?step=<step>");
  if (call.request.body.empty()) return error_response(400, "bad_request", "the body is a shard file");
  Result<Json> taken = learn_.endpoint->upload(*worker, **step, call.request.body);
  if (!taken.ok()) return error_response(taken.error());
  return rest::json_response(200, *taken);
}

}  // namespace arena::net
