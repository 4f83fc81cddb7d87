// Broker: how the nodes of one arena tell each other what happens (a match hosted on one
// node, watched or played from another). Built on existing engines, two of them behind one
// interface: Redis pub/sub (the lichess pattern) and PostgreSQL's LISTEN/NOTIFY.
//
// Semantics, the same for both: a message published on a channel reaches every subscriber
// listening on it at that moment, in the order its publisher published; nothing is stored
// (a node that was not listening missed it, and its clients resync from the store).
// PostgreSQL refuses payloads of 8,000 bytes or more (an Error from publish()); Redis
// takes any size.
//
// Threading: publish(), subscribe() and unsubscribe() may be called from any thread. The
// handler runs on the broker's own thread, one message at a time, in order: call nothing
// slow from it (post to your own executor).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/result.h"

namespace arena::cluster {

class Broker {
 public:
  using Handler = std::function<void(const std::string& channel, const std::string& payload)>;
  virtual ~Broker() = default;

  virtual Status publish(const std::string& channel, const std::string& payload) = 0;
  // From the moment subscribe() returns, the channel's messages reach the handler, until
  // unsubscribe() returns. Channels are names of letters, digits, '_', ':' and '.'.
  virtual Status subscribe(const std::string& channel) = 0;
  virtual Status unsubscribe(const std::string& channel) = 0;
};

// Connects to `url`: redis://host:port, redis:///path/to/redis.sock (a Unix socket), or a
// libpq URI (postgresql://...). Errors: "bad_url", "broker_error" (cannot connect).
Result<std::unique_ptr<Broker>> open_broker(const std::string& url, Broker::Handler handler);

}  // namespace arena::cluster
