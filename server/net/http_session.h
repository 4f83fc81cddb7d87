// HttpSession: one HTTP connection. It reads requests; answers /api/... and /metrics with the
// REST API and everything else with static files (the web UI, and each registered family's
// board under /games/<family>/), both on the worker pool; and hands an upgrade to /ws to a
// WebSocketSession once the request's identity is known.
//
// Threading: one strand per connection (the socket's executor); work done on the pool posts
// its answer back to that strand.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "server/net/beast.h"
#include "server/net/rest.h"

namespace arena::net {

struct SharedState;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, std::shared_ptr<SharedState> state);
  ~HttpSession();

  void run();

 private:
  using Request = http::request<http::string_body>;

  void read();
  void on_read(beast::error_code ec, size_t);
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
};

}  // namespace arena::net
