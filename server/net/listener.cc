#include "server/net/listener.h"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>

#include "server/net/http_session.h"
#include "server/net/shared_state.h"

namespace arena::net {
namespace {

int open_reserve() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

// Accept's errors are system errors: their values are errno's. (Comparing with an errc
// condition makes a virtual call UBSan's vptr check refuses across Boost 1.74's categories.)
bool out_of_descriptors(const beast::error_code& ec) { return ec.value() == EMFILE || ec.value() == ENFILE; }

}  // namespace

Listener::Listener(std::shared_ptr<SharedState> state, Role role)
    : state_(std::move(state)),
      role_(role),
      acceptor_(asio::make_strand(state_->io)),
      backoff_(acceptor_.get_executor()),
      reserve_fd_(open_reserve()) {}

Listener::~Listener() {
  if (reserve_fd_ >= 0) ::close(reserve_fd_);
}

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
    self->backoff_.cancel();
  });
}

void Listener::accept() {
  acceptor_.async_accept(asio::make_strand(state_->io),
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Re-arming at once would spin on the same error: shed what waits, then back off.
    ++state_->stats.accept_errors;
    if (out_of_descriptors(ec)) shed_one();
    backoff_.expires_after(std::chrono::milliseconds(out_of_descriptors(ec) ? 100 : 10));
    backoff_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec && self->acceptor_.is_open()) self->accept();
    });
    return;
  }
  beast::error_code peer_ec;
  const tcp::endpoint peer = socket.remote_endpoint(peer_ec);
  std::string address = peer_ec ? std::string() : peer.address().to_string();
  if (std::optional<ConnectionLimits::Slot> slot = state_->connections.acquire(address)) {
    // Small messages go out at once: Nagle's delay would add ~40 ms to every answer and
    // charge it to clocks.
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<HttpSession>(std::move(socket), state_, std::move(*slot), std::move(address),
                                  role_ == Role::kMetricsOnly)
        ->run();
  } else {
    ++state_->stats.connections_refused;
    beast::error_code ignored;
    socket.close(ignored);
  }
  accept();
}

void Listener::shed_one() {
  if (reserve_fd_ >= 0) {
    ::close(reserve_fd_);
    reserve_fd_ = -1;
  }
  beast::error_code ec;
  tcp::socket dropped(acceptor_.get_executor());
  acceptor_.non_blocking(true, ec);
  acceptor_.accept(dropped, ec);
  acceptor_.non_blocking(false, ec);
  dropped.close(ec);
  reserve_fd_ = open_reserve();
}

}  // namespace arena::net
