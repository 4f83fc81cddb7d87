// Listener: the accept loop. It binds one address, and hands every connection it accepts to
// an HttpSession on a strand of its own.
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
  explicit Listener(std::shared_ptr<SharedState> state);

  // Binds and starts accepting; gives the port.
  Result<uint16_t> listen(const std::string& bind, uint16_t port);
  // Stops accepting.
  void close();

 private:
  void accept();

  std::shared_ptr<SharedState> state_;
  tcp::acceptor acceptor_;
};

}  // namespace arena::net
