// The harness's HTTP and WebSocket clients (server_harness.h), on Boost.Beast.
#include "tests/net/server_harness.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cctype>
#include <deque>
#include <sstream>
#include <stdexcept>
#include <utility>  // before any Boost header: Boost 1.74 needs it with C++20

namespace arena::harness {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

// A Beast response's status, body and headers (names in lower case).
template <class Body>
HttpResult to_result(const http::response<Body>& res) {
  HttpResult out;
  out.status = res.result_int();
  out.body = res.body();
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  return out;
}

}  // namespace

HttpResult http_request(uint16_t port, const std::string& method_name, const std::string& target,
                        const std::string& body, const Headers& headers, std::chrono::milliseconds timeout) {
  const http::verb method = http::string_to_verb(method_name);
  if (method == http::verb::unknown) throw std::runtime_error("unknown HTTP method " + method_name);
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(timeout);  // one deadline for connect, write and read together
  beast::error_code connect_ec, write_ec, read_ec;
  stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                       [&](beast::error_code ec) { connect_ec = ec; });
  io.run();
  if (connect_ec)
    throw std::runtime_error("connect to port " + std::to_string(port) + ": " + connect_ec.message());

  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  req.set(http::field::user_agent, "arena-integration-test");
  if (!body.empty() || method == http::verb::post) req.set(http::field::content_type, "application/json");
  req.keep_alive(false);
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  http::async_write(stream, req, [&](beast::error_code ec, size_t) { write_ec = ec; });
  io.restart();
  io.run();
  if (write_ec == beast::error::timeout) throw std::runtime_error(target + ": timed out writing the request");

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::async_read(stream, buffer, parser, [&](beast::error_code ec, size_t) { read_ec = ec; });
  io.restart();
  io.run();
  if (read_ec) {
    throw std::runtime_error(method_name + " " + target + ": no response (" + read_ec.message() +
                             (write_ec ? "; writing: " + write_ec.message() : "") + ")");
  }
  return to_result(parser.get());
}

bool answers_health(uint16_t port) {
  try {
    return http_get(port, "/api/health").status == 200;
  } catch (const std::exception&) {
    return false;
  }
}

int64_t metric(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + " ", 0) == 0) return std::stoll(line.substr(name.size() + 1));
  }
  return -1;
}

struct WsClient::Impl {
  Impl() : ws(io) { ws.read_message_max(64 * 1024 * 1024); }

  void read() {
    ws.async_read(buffer, [this](beast::error_code ec, size_t) {
      if (ec) {
        read_error = ec;
        return;
      }
      const std::string text = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      std::optional<Json> j = parse_json(text);
      inbox.push_back(j ? *j : Json(text));
      read();
    });
  }

  // Runs handlers until `done` or the deadline; false when not done.
  bool run_until(const std::function<bool()>& done, Clock::time_point deadline) {
    while (!done()) {
      if (Clock::now() >= deadline) return false;
      io.restart();
      if (io.run_one_until(deadline) == 0 && io.stopped()) return done();  // nothing left to wait for
    }
    return true;
  }

  bool is_open() const { return open && !read_error; }

  void shut(bool graceful, int code) {
    auto& socket = beast::get_lowest_layer(ws).socket();
    if (graceful && is_open()) {
      bool done = false;
      ws.async_close(websocket::close_reason(static_cast<uint16_t>(code)),
                     [&](beast::error_code) { done = true; });
      run_until([&] { return done && read_error.has_value(); }, Clock::now() + 5s);
    }
    if (socket.is_open()) {
      beast::error_code ignored;
      socket.set_option(asio::socket_base::linger(true, 0), ignored);
      socket.close(ignored);
    }
    // Let the aborted operations finish while this object is still whole.
    run_until([&] { return false; }, Clock::now() + 1s);
    if (!read_error) read_error = asio::error::operation_aborted;
    open = false;
  }

  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buffer;
  HttpResult response;
  std::deque<Json> inbox;
  std::optional<beast::error_code> read_error;
  bool open = false;
  uint32_t mask_seed = 0;
};

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}
WsClient::~WsClient() { impl_->shut(false, kCloseNormal); }

ErrorCode WsClient::connect(uint16_t port, const Headers& headers, std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  auto& tcp_layer = beast::get_lowest_layer(s.ws);
  tcp_layer.expires_after(timeout);
  beast::error_code ec;
  bool done = false;
  tcp_layer.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  s.run_until([&] { return done; }, Clock::now() + timeout + 1s);
  if (!done) return beast::error::timeout;
  if (ec) return ec;
  s.ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    req.set(http::field::user_agent, "arena-integration-test");
    for (const auto& [name, value] : headers) req.set(name, value);
  }));
  done = false;
  auto response = std::make_shared<websocket::response_type>();
  s.ws.async_handshake(*response, "127.0.0.1:" + std::to_string(port), "/ws",
                       [&, response](beast::error_code e) {
                         ec = e;
                         done = true;
                       });
  s.run_until([&] { return done; }, Clock::now() + timeout + 1s);
  if (!done) return beast::error::timeout;
  s.response = to_result(*response);
  if (ec) return ec;
  tcp_layer.expires_never();  // from here on, every wait is bounded by the caller's deadline
  s.ws.text(true);
  s.open = true;
  s.read();
  return {};
}

const HttpResult& WsClient::upgrade_response() const { return impl_->response; }

void WsClient::send_text(std::string text, std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  if (!s.open) throw std::runtime_error("send on a closed WebSocket");
  auto frame = std::make_shared<std::string>(std::move(text));
  auto result = std::make_shared<std::optional<beast::error_code>>();
  s.ws.async_write(asio::buffer(*frame), [frame, result](beast::error_code ec, size_t) { *result = ec; });
  if (!s.run_until([&] { return result->has_value(); }, Clock::now() + timeout)) {
    throw std::runtime_error("timed out sending a WebSocket message");
  }
  if (**result) throw std::runtime_error("WebSocket send failed: " + (*result)->message());
}

void WsClient::send_burst(const std::vector<std::string>& texts, std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  if (!s.open) throw std::runtime_error("send on a closed WebSocket");
  auto wire = std::make_shared<std::string>();
  for (const std::string& text : texts) {
    wire->push_back(static_cast<char>(0x81));  // FIN, text
    const uint64_t n = text.size();
    if (n < 126) {
      wire->push_back(static_cast<char>(0x80 | n));
    } else if (n < 65536) {
      wire->push_back(static_cast<char>(0x80 | 126));
      for (int shift = 8; shift >= 0; shift -= 8) wire->push_back(static_cast<char>((n >> shift) & 0xff));
    } else {
      wire->push_back(static_cast<char>(0x80 | 127));
      for (int shift = 56; shift >= 0; shift -= 8) wire->push_back(static_cast<char>((n >> shift) & 0xff));
    }
    const uint32_t key = ++s.mask_seed * 2654435761u;
    const char mask[4] = {static_cast<char>(key >> 24), static_cast<char>(key >> 16),
                          static_cast<char>(key >> 8), static_cast<char>(key)};
    wire->append(mask, 4);
    for (size_t i = 0; i < text.size(); ++i) wire->push_back(static_cast<char>(text[i] ^ mask[i % 4]));
  }
  auto result = std::make_shared<std::optional<beast::error_code>>();
  asio::async_write(beast::get_lowest_layer(s.ws), asio::buffer(*wire),
                    [wire, result](beast::error_code ec, size_t) { *result = ec; });
  if (!s.run_until([&] { return result->has_value(); }, Clock::now() + timeout)) {
    throw std::runtime_error("timed out sending a burst of WebSocket messages");
  }
  if (**result) throw std::runtime_error("WebSocket burst failed: " + (*result)->message());
}

std::optional<Json> WsClient::receive_json(std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  s.run_until([&] { return !s.inbox.empty() || s.read_error; }, Clock::now() + timeout);
  if (s.inbox.empty()) return std::nullopt;
  Json j = std::move(s.inbox.front());
  s.inbox.pop_front();
  return j;
}

std::optional<Json> WsClient::receive_until(const std::function<bool(const Json&)>& match,
                                            std::chrono::milliseconds timeout, std::vector<Json>* skipped) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    std::optional<Json> j = receive_json(std::max(left, 0ms));
    if (!j) return std::nullopt;
    if (match(*j)) return j;
    if (skipped) skipped->push_back(std::move(*j));
  }
}

bool WsClient::wait_closed(std::chrono::milliseconds timeout, std::vector<Json>* before) {
  Impl& s = *impl_;
  s.run_until([&] { return s.read_error.has_value(); }, Clock::now() + timeout);
  while (before && !s.inbox.empty()) {
    before->push_back(std::move(s.inbox.front()));
    s.inbox.pop_front();
  }
  return s.read_error.has_value();
}

bool WsClient::is_open() const { return impl_->is_open(); }
ErrorCode WsClient::read_error() const { return impl_->read_error.value_or(beast::error_code()); }
bool WsClient::closed_cleanly() const {
  return impl_->read_error == beast::error_code(websocket::error::closed);
}
CloseReason WsClient::close_reason() const {
  const websocket::close_reason& r = impl_->ws.reason();
  return {static_cast<int>(r.code), std::string(r.reason.data(), r.reason.size())};
}
void WsClient::close(int code) { impl_->shut(true, code); }
void WsClient::drop() { impl_->shut(false, kCloseNormal); }

}  // namespace arena::harness
