// Server: HTTP and WebSocket on one port (Boost.Beast over Asio), the facade over the pieces
// Beast's own servers are made of: the listener (listener.h) accepts, each connection is an
// HttpSession (REST on worker threads, static files from the web folder) until it upgrades
// at /ws to a WebSocketSession (the protocol of server/PROTOCOL.md), and the hub (hub.h)
// routes the arena's events to them. It knows no game's rules: views, legal moves and
// notation come from the arena's events.
//
// Threading: call listen() once; stop() may be called from any thread. One strand per
// connection; one write in flight per WebSocket with a bounded queue (a client that cannot
// keep up is dropped with a close reason); store reads and REST handlers run on the server's
// worker pool, never on the network threads.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "db/store.h"
#include "server/arena/arena.h"
#include "server/net/learn_endpoint.h"
#include "server/net/rate_limiter.h"
#include "server/net/rest.h"

namespace arena::cluster {
class Broker;
}

namespace arena::net {

class ClusterLink;

struct SharedState;
class Listener;

struct ServerConfig {
  std::string bind = "127.0.0.1";
  uint16_t port = 8080;  // 0: an ephemeral port (listen() says which)
  std::filesystem::path web_root = "web";
  // The game families' folders: /games/<family>/<file> is <family>/web/<file> under it
  // (each family's browser board), for registered families only.
  std::filesystem::path games_root = "games";
  // The training runs: /api/reports/steps serves the newest <run>/step_auc.json here.
  std::filesystem::path runs_root = "runs";
  // Browsers: Secure cookies, and the origins (besides the served one) whose pages may open
  // /ws and POST or DELETE with the user's cookies.
  BrowserPolicy browser;
  size_t http_body_limit = 64 * 1024;
  size_t http_header_limit = 16 * 1024;  // past it: 431
  size_t ws_message_limit = 64 * 1024;
  std::chrono::seconds http_idle_timeout{30};
  std::chrono::seconds ws_idle_timeout{60};  // pinged before it is closed
  size_t spectator_queue_limit = 256;        // messages; past it a spectator is dropped
  size_t player_queue_limit = 8192;          // a player's queue is sized for its matches
  size_t max_spectated_matches = 64;         // live matches one connection watches at once
  // Bytes a connection may have waiting to be sent; past it the client is dropped ("too
  // slow"). Reading from a client pauses at half of either limit, and a client whose
  // queue does not drain for ws_stall_timeout while reading is paused is dropped too.
  size_t ws_send_budget = 4 << 20;
  std::chrono::seconds ws_stall_timeout{20};
  double messages_per_second = 200;  // per connection, with bursts of twice that
  // Connections open at once (0: no cap), in all and from one address; WebSocket
  // connections are counted again against caps of their own.
  size_t max_connections = 10'000;
  size_t max_connections_per_address = 512;
  size_t max_websockets = 10'000;
  size_t max_websockets_per_address = 256;
  AbuseLimitsConfig abuse;  // per-address and per-player rates (rate_limiter.h)
  int worker_threads = 4;
  // /metrics: served on the main port (kServed), not at all (kOff), or only on
  // metrics_bind:metrics_port (kSeparate), e.g. an address only the monitoring can reach.
  enum class Metrics { kServed, kOff, kSeparate };
  Metrics metrics = Metrics::kServed;
  std::string metrics_bind = "127.0.0.1";
  uint16_t metrics_port = 0;
  // More Prometheus text for /metrics from layers the server does not know (the shared
  // network's inference services); called on a worker thread.
  std::function<std::string()> extra_metrics;
  // A node of several serving one arena (arena serve --node): the broker to the others
  // (owned by the caller, outliving the server), this node's number and the arena's name on
  // the broker (ClusterLink); no broker: one server.
  // A training run's learner offered to self-play workers at /api/learn (arena train
  // --listen); none by default.
  LearnRoutes learn;
  cluster::Broker* broker = nullptr;
  int64_t node = 0;
  std::string arena_name;
};

class Server {
 public:
  Server(
      asio::io_context& io, Arena& arena, db::Store& store, ServerConfig config,
      std::function<size_t()> store_queue_depth = [] { return size_t{0}; });
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting; gives the port. With config.metrics kSeparate, the metrics
  // listener is bound too (metrics_port() says where).
  Result<uint16_t> listen();
  uint16_t metrics_port() const { return metrics_port_; }
  // Stops accepting and closes every connection ("going away"); pending writes finish first.
  void stop();

  ServerStats& stats();
  // This node's link to the others (config.broker); null on a single server. Its start()
  // goes before listen(); the broker's handler calls its on_message().
  ClusterLink* cluster() { return link_.get(); }

 private:
  // What the connections share; they hold it, so it outlives this facade while they last.
  std::shared_ptr<SharedState> state_;
  std::shared_ptr<Listener> listener_;
  std::shared_ptr<Listener> metrics_listener_;
  uint16_t metrics_port_ = 0;
  int subscription_ = 0;  // the hub's, to the arena's events
  std::unique_ptr<ClusterLink> link_;
};

}  // namespace arena::net
