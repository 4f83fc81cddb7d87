#include "server/net/listener.h"

#include "server/net/http_session.h"
#include "server/net/shared_state.h"

namespace arena::net {

Listener::Listener(std::shared_ptr<SharedState> state)
    : state_(std::move(state)), acceptor_(asio::make_strand(state_->io)) {}

Result<uint16_t> Listener::listen(const std::string& bind, uint16_t port) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(bind, ec);
  if (ec) return make_error("bad_address", "cannot use '" + bind + "': " + ec.message());
  const tcp::endpoint endpoint(address, port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error("listen_failed",
                      "cannot listen on " + bind + ":" + std::to_string(port) + ": " + ec.message());
  }
  accept();
  return acceptor_.local_endpoint().port();
}

void Listener::close() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->acceptor_.close(ignored);
  });
}

void Listener::accept() {
  acceptor_.async_accept(asio::make_strand(state_->io),
                         [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                           if (ec == asio::error::operation_aborted || !self->acceptor_.is_open()) return;
                           if (!ec) {
                             // Small messages go out at once: Nagle's delay would add ~40 ms to every answer
                             // and charge it to clocks.
                             beast::error_code ignored;
                             socket.set_option(tcp::no_delay(true), ignored);
                             std::make_shared<HttpSession>(std::move(socket), self->state_)->run();
                           }
                           self->accept();
                         });
}

}  // namespace arena::net
