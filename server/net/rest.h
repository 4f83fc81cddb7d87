// The REST API: plain request and response values in, no sockets, so the Beast session
// only adapts it. One route table (rest.cc) both dispatches and lists the routes that
// openapi.json documents; the handlers live by resource in rest_*.cc, and their JSON bodies
// in wire.cc. Handlers read the store and may wait on the arena, so they run on worker
// threads, never on the network threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "db/store.h"
#include "server/arena/arena.h"
#include "server/net/learn_endpoint.h"
#include "server/net/protocol.h"
#include "server/net/rate_limiter.h"

namespace arena::net {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // path and query, as received
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote_address;  // the peer's IP address, for per-address limits
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Counters the server keeps for /metrics. Thread-safe (atomics).
struct ServerStats {
  std::atomic<int64_t> http_connections{0};
  std::atomic<int64_t> websocket_connections{0};
  std::atomic<int64_t> http_requests{0};
  std::atomic<int64_t> ws_messages_in{0};
  std::atomic<int64_t> ws_messages_out{0};
  std::atomic<int64_t> ws_dropped_slow{0};
  std::atomic<int64_t> moves_acknowledged{0};
  std::atomic<int64_t> rate_limited{0};
  std::atomic<int64_t> connections_refused{0};  // past a connection or upgrade cap
  std::atomic<int64_t> accept_errors{0};        // failed accepts (e.g. out of file descriptors)
  std::atomic<int64_t> outbound_queued{0};      // messages waiting in WebSocket queues
};

// One route: its method and path template ("/api/matches/{id}"), for the OpenAPI check.
struct Route {
  std::string method;
  std::string path;
};

// How the REST API treats browsers (the server's configuration: --secure-cookies and
// --allowed-origin of `arena serve`).
struct BrowserPolicy {
  bool secure_cookies = false;               // cookies are Secure; the served origin is https://Host
  std::vector<std::string> allowed_origins;  // origins besides the served one ("https://arena.example")
};

// Thread-safe: handle() may run on several workers at once (the arena and store are
// thread-safe; the rest is read-only after construction).
class RestApi {
 public:
  // `extra_metrics`, when set, adds its Prometheus text to /metrics.
  // `limits`, when given, limits registrations, sign-ins and challenges per address and
  // per player (429 with Retry-After past them).
  // `learn`, when it has an endpoint, serves /api/learn to self-play workers.
  // `runs_root` is the folder of training runs, where /api/reports/steps finds the newest
  // <run>/step_auc.json (`arena report steps --out`) and /api/reports/figures the runs' SVGs.
  RestApi(Arena& arena, db::Store& store, ServerStats& stats, std::function<size_t()> store_queue_depth,
          std::function<std::string()> extra_metrics = {}, std::filesystem::path games_root = {},
          BrowserPolicy browser = {}, AbuseLimits* limits = nullptr, std::filesystem::path runs_root = {},
          LearnRoutes learn = {});

  // Handles /api/... and /metrics; other targets are not its business (404). A POST or
  // DELETE from a browser page of another origin is refused (403, check_origin() in auth.h),
  // and one with a body that is not Content-Type application/json too (415).
  HttpResponse handle(const HttpRequest& request);
  // Every route of the table, in its order.
  static const std::vector<Route>& routes();
  // The OpenAPI document served at /api/openapi.json.
  static const std::string& openapi_document();

 private:
  // What a handler is given: the request, its decoded query, and the path's {id} (0 when
  // the route has none; a positive integer otherwise, checked before the handler runs).
  struct Call {
    const HttpRequest& request;
    const std::map<std::string, std::string>& query;
    int64_t id = 0;
  };
  using Handler = HttpResponse (RestApi::*)(const Call&);
  struct Endpoint {
    const char* method;
    const char* path;
    Handler handler;
    const char* body_type = "application/json";  // what a POST's body must be
  };
  static const std::vector<Endpoint>& table();

  // rest.cc: the service itself.
  HttpResponse health(const Call&);
  HttpResponse openapi(const Call&);
  HttpResponse metrics(const Call&);
  // rest_games.cc: games and their ratings.
  HttpResponse games(const Call&);
  HttpResponse leaderboard(const Call&);
  HttpResponse generalization_report(const Call&);
  HttpResponse steps_report(const Call&);
  HttpResponse figures_report(const Call&);
  HttpResponse training_report(const Call&);
  HttpResponse shared_report(const Call&);
  // rest_matches.cc: stored matches.
  HttpResponse matches(const Call&);
  HttpResponse match(const Call&);
  HttpResponse export_match(const Call&);
  HttpResponse match_views(const Call&);
  // rest_players.cc: players, their tokens and sessions.
  HttpResponse player(const Call&);
  HttpResponse register_bot(const Call&);
  HttpResponse register_human(const Call&);
  HttpResponse sign_in(const Call&);
  HttpResponse sign_out(const Call&);
  HttpResponse me(const Call&);
  HttpResponse revoke_token(const Call&);
  struct Registered {
    PlayerIdentity who;
    std::string token;  // shown once; the store keeps its hash
  };
  Result<Registered> register_player(const HttpRequest& request, db::PlayerKind kind);
  // A new browser session of `player_id`: the Set-Cookie header value holding its id.
  Result<std::string> new_session(int64_t player_id);
  // A 429 when `request`'s address is past `limiter`'s rate (counting this request).
  std::optional<HttpResponse> limited(KeyedRateLimiter AbuseLimits::*limiter, const HttpRequest& request,
                                      const std::string& what);
  // rest_matchmaking.cc: open seeks and challenges.
  HttpResponse seeks(const Call&);
  HttpResponse challenge(const Call&);
  // rest_learn.cc: a training run's learner, for self-play workers.
  HttpResponse learn(const Call&);
  HttpResponse learn_checkpoint(const Call&);
  HttpResponse learn_upload(const Call&);

  Arena& arena_;
  db::Store& store_;
  ServerStats& stats_;
  std::function<size_t()> store_queue_depth_;
  std::function<std::string()> extra_metrics_;
  std::filesystem::path games_root_;  // where each family's web/board.js is looked for
  const BrowserPolicy browser_;
  AbuseLimits* limits_;
  std::filesystem::path runs_root_;
  const LearnRoutes learn_;
  KeyedRateLimiter learn_uploads_;  // per worker
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// {"error": {"code": ..., "message": ...}} with `status`.
HttpResponse error_response(unsigned status, const std::string& code, const std::string& message);
HttpResponse error_response(unsigned status, const Error& error);
// The error with the status that goes with its code (status_for).
HttpResponse error_response(const Error& error);
// The HTTP status that goes with an error code.
unsigned status_for(const std::string& code);
// 429 "rate_limited" with `message` and a Retry-After of `wait_seconds` (rounded up).
HttpResponse too_many_requests(const std::string& message, double wait_seconds);

}  // namespace arena::net
