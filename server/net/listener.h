// Listener: the accept loop. It binds one address, and hands every connection it accepts to
// an HttpSession on a strand of its own, if the connection caps leave it a slot (else the
// connection is closed at once). When accepting fails for want of file descriptors it
// frees a reserve descriptor to accept and shed the waiting connection, and backs off
// before it tries again, rather than spinning on the error.
//
// Threading: the acceptor lives on its own strand; listen() is called once before the loop
// runs, and close() may be called from any thread (it posts to the strand).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"
#include "server/net/beast.h"

namespace arena::net {

struct SharedState;

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // kMetricsOnly: its connections serve /metrics and nothing else.
  enum class Role { kMain, kMetricsOnly };
  explicit Listener(std::shared_ptr<SharedState> state, Role role = Role::kMain);
  ~Listener();

  // Binds and starts accepting; gives the port.
  Result<uint16_t> listen(const std::string& bind, uint16_t port);
  // Stops accepting.
  void close();

 private:
  void accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  // Out of descriptors: closes the reserve, accepts and drops one waiting connection,
  // reopens the reserve.
  void shed_one();

  std::shared_ptr<SharedState> state_;
  const Role role_;
  tcp::acceptor acceptor_;
  asio::steady_timer backoff_;
  int reserve_fd_ = -1;  // /dev/null, held for shed_one()
};

}  // namespace arena::net
