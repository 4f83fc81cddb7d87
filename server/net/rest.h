// The REST API: plain request and response values in, no sockets, so the Beast session
// only adapts it. Handlers read the store and may wait on the arena, so they run on worker
// threads, never on the network threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "db/store.h"
#include "server/arena/arena.h"
#include "server/net/protocol.h"

namespace arena::net {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // path and query, as received
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
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
  std::atomic<int64_t> outbound_queued{0};  // messages waiting in WebSocket queues
};

// One route: its method and path template ("/api/matches/{id}"), for the OpenAPI check.
struct Route {
  std::string method;
  std::string path;
};

class RestApi {
 public:
  // `extra_metrics`, when set, adds its Prometheus text to /metrics.
  RestApi(Arena& arena, db::Store& store, ServerStats& stats, std::function<size_t()> store_queue_depth,
          std::function<std::string()> extra_metrics = {}, std::filesystem::path games_root = {});

  // Handles /api/... and /metrics; other targets are not its business (404).
  HttpResponse handle(const HttpRequest& request);
  static const std::vector<Route>& routes();
  // The OpenAPI document served at /api/openapi.json.
  static const std::string& openapi_document();

 private:
  HttpResponse health();
  HttpResponse games();
  HttpResponse leaderboard(const std::map<std::string, std::string>& query);
  HttpResponse player(int64_t id);
  HttpResponse matches(const std::map<std::string, std::string>& query);
  HttpResponse match(int64_t id);
  HttpResponse export_match(int64_t id);
  HttpResponse match_views(int64_t id, const std::map<std::string, std::string>& query);
  HttpResponse seeks();
  HttpResponse register_bot(const HttpRequest& request);
  HttpResponse register_human(const HttpRequest& request);
  HttpResponse sign_in(const HttpRequest& request);
  HttpResponse sign_out();
  HttpResponse me(const HttpRequest& request);
  Result<PlayerIdentity> register_player(const HttpRequest& request, db::PlayerKind kind);
  Result<std::string> new_token(int64_t player_id);
  HttpResponse challenge(const HttpRequest& request);
  HttpResponse metrics();

  Arena& arena_;
  db::Store& store_;
  ServerStats& stats_;
  std::function<size_t()> store_queue_depth_;
  std::function<std::string()> extra_metrics_;
  std::filesystem::path games_root_;  // where each family's web/board.js is looked for
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// {"error": {"code": ..., "message": ...}} with `status`.
HttpResponse error_response(unsigned status, const std::string& code, const std::string& message);
// The HTTP status that goes with an error code.
unsigned status_for(const std::string& code);

}  // namespace arena::net
