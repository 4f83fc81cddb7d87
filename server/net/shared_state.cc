#include "server/net/shared_state.h"

#include "server/net/websocket_session.h"

namespace arena::net {

SharedState::SharedState(asio::io_context& io, Arena& arena, db::Store& store, ServerConfig config,
                         std::function<size_t()> store_queue_depth)
    : io(io),
      arena(arena),
      store(store),
      config(std::move(config)),
      connections(this->config.max_connections, this->config.max_connections_per_address),
      websockets(this->config.max_websockets, this->config.max_websockets_per_address),
      limits(this->config.abuse),
      hub(arena),
      rest(arena, store, stats, std::move(store_queue_depth), this->config.extra_metrics,
           this->config.games_root, this->config.browser, &limits, this->config.runs_root,
           this->config.learn),
      workers(static_cast<size_t>(std::max(1, this->config.worker_threads))) {}

void SharedState::track(const std::shared_ptr<WebSocketSession>& session) {
  std::lock_guard lock(sessions_mutex_);
  std::erase_if(sessions_, [](const auto& w) { return w.expired(); });
  sessions_.push_back(session);
}

void SharedState::close_sessions() {
  std::lock_guard lock(sessions_mutex_);
  for (const auto& weak : sessions_) {
    if (auto s = weak.lock())
      s->close(websocket::close_reason(websocket::close_code::going_away, "server shutting down"));
  }
}

}  // namespace arena::net
