#include "server/net/server.h"

#include "server/net/listener.h"
#include "server/net/shared_state.h"

namespace arena::net {

Server::Server(asio::io_context& io, Arena& arena, db::Store& store, ServerConfig config,
               std::function<size_t()> store_queue_depth)
    : state_(
          std::make_shared<SharedState>(io, arena, store, std::move(config), std::move(store_queue_depth))),
      listener_(std::make_shared<Listener>(state_)) {
  Hub* hub = &state_->hub;
  subscription_ = arena.subscribe([hub](const ArenaEvent& e) { hub->on_event(e); });
}

Server::~Server() {
  stop();
  state_->arena.unsubscribe(subscription_);
}

Result<uint16_t> Server::listen() { return listener_->listen(state_->config.bind, state_->config.port); }

void Server::stop() {
  listener_->close();
  state_->close_sessions();
}

ServerStats& Server::stats() { return state_->stats; }

}  // namespace arena::net
