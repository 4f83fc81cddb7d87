#include "server/net/server.h"

#include "server/net/cluster_link.h"
#include "server/net/listener.h"
#include "server/net/shared_state.h"

namespace arena::net {

Server::Server(asio::io_context& io, Arena& arena, db::Store& store, ServerConfig config,
               std::function<size_t()> store_queue_depth)
    : state_(
          std::make_shared<SharedState>(io, arena, store, std::move(config), std::move(store_queue_depth))),
      listener_(std::make_shared<Listener>(state_)) {
  Hub* hub = &state_->hub;
  if (const ServerConfig& c = state_->config; c.broker) {
    link_ = std::make_unique<ClusterLink>(io, *c.broker, c.node, c.arena_name, arena, store, state_->workers,
                                          *hub);
    state_->cluster = link_.get();
    hub->set_link(link_.get());
  }
  subscription_ = arena.subscribe([hub](const ArenaEvent& e) { hub->on_event(e); });
}

Server::~Server() {
  stop();
  state_->hub.set_link(nullptr);
  state_->cluster = nullptr;
  state_->arena.unsubscribe(subscription_);
}

Result<uint16_t> Server::listen() {
  const ServerConfig& config = state_->config;
  if (config.metrics == ServerConfig::Metrics::kSeparate) {
    metrics_listener_ = std::make_shared<Listener>(state_, Listener::Role::kMetricsOnly);
    Result<uint16_t> port = metrics_listener_->listen(config.metrics_bind, config.metrics_port);
    if (!port.ok()) return port.error();
    metrics_port_ = *port;
  }
  return listener_->listen(config.bind, config.port);
}

void Server::stop() {
  listener_->close();
  if (metrics_listener_) metrics_listener_->close();
  state_->close_sessions();
}

ServerStats& Server::stats() { return state_->stats; }

}  // namespace arena::net
