// SharedState: what every connection of one server shares (Beast's chat-multi keeps the same
// in its shared_state): the configuration, the counters, the hub, the REST API and the
// worker pool that runs it, the connection caps and rate limits that hold across
// connections, and the open WebSocket sessions, for closing them at shutdown.
//
// Threading: thread-safe. The references and the configuration do not change; the hub,
// the REST API, the pool and the counters are thread-safe; the session list has its mutex.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/thread_pool.h"
#include "db/store.h"
#include "server/arena/arena.h"
#include "server/net/beast.h"
#include "server/net/connection_limits.h"
#include "server/net/hub.h"
#include "server/net/rest.h"
#include "server/net/server.h"

namespace arena::net {

class ClusterLink;
class WebSocketSession;

struct SharedState {
  SharedState(asio::io_context& io, Arena& arena, db::Store& store, ServerConfig config,
              std::function<size_t()> store_queue_depth);

  // A WebSocket connection is open (kept weakly, for close_sessions()).
  void track(const std::shared_ptr<WebSocketSession>& session);
  // Closes every open WebSocket connection ("going away"); pending writes finish first.
  void close_sessions();

  asio::io_context& io;
  Arena& arena;
  db::Store& store;
  const ServerConfig config;
  ServerStats stats;
  ConnectionLimits connections;  // every TCP connection
  ConnectionLimits websockets;   // upgraded ones, counted again
  AbuseLimits limits;
  Hub hub;
  RestApi rest;
  ThreadPool workers;  // REST handlers and store reads: never on the network threads
  // The link to the other nodes (the Server's; set before serving), null on a single server.
  ClusterLink* cluster = nullptr;

 private:
  std::mutex sessions_mutex_;
  std::vector<std::weak_ptr<WebSocketSession>> sessions_;
};

}  // namespace arena::net
