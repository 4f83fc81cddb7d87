// HttpSession: one HTTP connection. It reads requests; answers /api/... and /metrics with the
// REST API and everything else with static files (the web UI, and each registered family's
// board under /games/<family>/), both on the worker pool; and hands an upgrade to /ws to a
// WebSocketSession once the request's identity is known (if the WebSocket caps leave room).
// A connection of the metrics listener answers /metrics only.
//
// Threading: one strand per connection (the socket's executor); work done on the pool posts
// its answer back to that strand.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "server/net/beast.h"
#include "server/net/connection_limits.h"
#include "server/net/rest.h"

namespace arena::net {

struct SharedState;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  // `slot`: this connection's place under the connection caps, held while it lasts;
  // `address`: the peer's IP address.
  HttpSession(tcp::socket&& socket, std::shared_ptr<SharedState> state, ConnectionLimits::Slot slot,
              std::string address, bool metrics_only = false);
  ~HttpSession();

  void run();

 private:
  using Request = http::request<http::string_body>;

  void read();
  // The request's header is in: its body limit is chosen by its target, then the body read.
  void on_header(beast::error_code ec, size_t bytes);
  void on_read(beast::error_code ec, size_t);
  // The body limit of the request being read (its header is in).
  uint64_t body_limit() const;
  // On a worker: the answer to `req` (REST or a static file), then its reply on the strand.
  void answer(const Request& req, const std::string& path);
  // A static file; `content_length` is what GET would send, for HEAD.
  HttpResponse static_file(const Request& req, std::optional<size_t>& content_length) const;
  void reply(HttpResponse res, bool keep_alive, unsigned version, const std::string& method,
             std::optional<size_t> content_length = std::nullopt);
  void upgrade(Request req);

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<SharedState> state_;
  std::optional<ConnectionLimits::Slot> slot_;  // moves to the WebSocketSession on upgrade
  const std::string address_;
  const bool metrics_only_;
};

}  // namespace arena::net
