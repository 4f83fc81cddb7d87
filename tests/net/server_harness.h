// A harness for integration tests of `arena serve`: it starts the real binary as a child
// process on an ephemeral port with a temporary database and web folder, and drives it with
// blocking Boost.Beast clients (HTTP and WebSocket) whose every wait has a deadline. Failures
// to start, connect or send are thrown (std::runtime_error), so a test fails and its RAII
// objects still kill the server and remove the temporary files.
//
// Threading: none of these classes is thread-safe; use each from the test's thread.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>  // before any Boost header: Boost 1.74 needs it with C++20
#include <vector>

#include "core/json.h"
#include "tests/support/server_process.h"

namespace arena::harness {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Headers = std::vector<std::pair<std::string, std::string>>;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------
// HTTP

struct HttpResult {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  // The body as JSON; null when it is not JSON.
  Json json() const {
    std::optional<Json> j = parse_json(body);
    return j ? *j : Json();
  }
};

// One request on a fresh connection (Connection: close), the whole exchange bounded by
// `timeout`. The response is read even when the server cut the request's body short.
inline HttpResult http_request(uint16_t port, http::verb method, const std::string& target,
                               const std::string& body = "", const Headers& headers = {},
                               std::chrono::milliseconds timeout = 10s) {
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
    throw std::runtime_error(std::string(http::to_string(method)) + " " + target + ": no response (" +
                             read_ec.message() + (write_ec ? "; writing: " + write_ec.message() : "") + ")");
  }
  HttpResult out;
  const http::response<http::string_body>& res = parser.get();
  out.status = res.result_int();
  out.body = res.body();
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  return out;
}

inline HttpResult http_get(uint16_t port, const std::string& target, const Headers& headers = {}) {
  return http_request(port, http::verb::get, target, "", headers);
}
inline HttpResult http_post(uint16_t port, const std::string& target, const std::string& body,
                            const Headers& headers = {}) {
  return http_request(port, http::verb::post, target, body, headers);
}

// Whether the server answers GET /api/health with 200 now (false when it cannot be reached).
inline bool answers_health(uint16_t port) {
  try {
    return http_get(port, "/api/health").status == 200;
  } catch (const std::exception&) {
    return false;
  }
}

// Reads a counter or gauge from Prometheus text; -1 if absent.
inline int64_t metric(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + " ", 0) == 0) return std::stoll(line.substr(name.size() + 1));
  }
  return -1;
}

// ---------------------------------------------------------------------------------------
// WebSocket

// Whether a server message answers the request with `ref` (operator[] on a const object
// must not be given a key it lacks: most messages have no "ref").
inline bool has_ref(const Json& j, const Json& ref) {
  return j.is_object() && j.contains("ref") && j["ref"] == ref;
}

// A client of /ws. Once connected it reads all the time its io_context runs (that is,
// inside its own calls), so the server never sees it as a slow reader while it sends;
// messages wait in an inbox until asked for. A text frame that is not JSON is kept as a
// JSON string.
class WsClient {
 public:
  WsClient() : ws_(io_) { ws_.read_message_max(64 * 1024 * 1024); }
  ~WsClient() { shut(false); }
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Opens ws://127.0.0.1:port/ws with `headers` on the upgrade request; gives the handshake's
  // error (none on success). The server's answer is in upgrade_response() either way.
  beast::error_code connect(uint16_t port, const Headers& headers = {},
                            std::chrono::milliseconds timeout = 10s) {
    auto& tcp_layer = beast::get_lowest_layer(ws_);
    tcp_layer.expires_after(timeout);
    beast::error_code ec;
    bool done = false;
    tcp_layer.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                            [&](beast::error_code e) {
                              ec = e;
                              done = true;
                            });
    run_until([&] { return done; }, Clock::now() + timeout + 1s);
    if (!done) return beast::error::timeout;
    if (ec) return ec;
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      req.set(http::field::user_agent, "arena-integration-test");
      for (const auto& [name, value] : headers) req.set(name, value);
    }));
    done = false;
    ws_.async_handshake(response_, "127.0.0.1:" + std::to_string(port), "/ws", [&](beast::error_code e) {
      ec = e;
      done = true;
    });
    run_until([&] { return done; }, Clock::now() + timeout + 1s);
    if (!done) return beast::error::timeout;
    if (ec) return ec;
    tcp_layer.expires_never();  // from here on, every wait is bounded by the caller's deadline
    ws_.text(true);
    open_ = true;
    read();
    return {};
  }

  const websocket::response_type& upgrade_response() const { return response_; }

  // Sends one text frame and waits until it is written.
  void send_text(std::string text, std::chrono::milliseconds timeout = 10s) {
    if (!open_) throw std::runtime_error("send on a closed WebSocket");
    auto frame = std::make_shared<std::string>(std::move(text));
    auto result = std::make_shared<std::optional<beast::error_code>>();
    ws_.async_write(asio::buffer(*frame), [frame, result](beast::error_code ec, size_t) { *result = ec; });
    if (!run_until([&] { return result->has_value(); }, Clock::now() + timeout)) {
      throw std::runtime_error("timed out sending a WebSocket message");
    }
    if (**result) throw std::runtime_error("WebSocket send failed: " + (*result)->message());
  }
  void send_json(const Json& message, std::chrono::milliseconds timeout = 10s) {
    send_text(message.dump(), timeout);
  }

  // Sends many text frames in one TCP write, so that the server finds them all waiting at
  // once (as from a client that batches). The frames are built here, masked as a client's
  // must be; nothing else may be writing meanwhile.
  void send_burst(const std::vector<std::string>& texts, std::chrono::milliseconds timeout = 10s) {
    if (!open_) throw std::runtime_error("send on a closed WebSocket");
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
      const uint32_t key = ++mask_seed_ * 2654435761u;
      const char mask[4] = {static_cast<char>(key >> 24), static_cast<char>(key >> 16),
                            static_cast<char>(key >> 8), static_cast<char>(key)};
      wire->append(mask, 4);
      for (size_t i = 0; i < text.size(); ++i) wire->push_back(static_cast<char>(text[i] ^ mask[i % 4]));
    }
    auto result = std::make_shared<std::optional<beast::error_code>>();
    asio::async_write(beast::get_lowest_layer(ws_), asio::buffer(*wire),
                      [wire, result](beast::error_code ec, size_t) { *result = ec; });
    if (!run_until([&] { return result->has_value(); }, Clock::now() + timeout)) {
      throw std::runtime_error("timed out sending a burst of WebSocket messages");
    }
    if (**result) throw std::runtime_error("WebSocket burst failed: " + (*result)->message());
  }

  // The next message; nullopt when none came in time or the connection is closed.
  std::optional<Json> receive_json(std::chrono::milliseconds timeout = 10s) {
    run_until([&] { return !inbox_.empty() || read_error_; }, Clock::now() + timeout);
    if (inbox_.empty()) return std::nullopt;
    Json j = std::move(inbox_.front());
    inbox_.pop_front();
    return j;
  }

  // The first message for which `match` is true; the ones before it go to `skipped`.
  std::optional<Json> receive_until(const std::function<bool(const Json&)>& match,
                                    std::chrono::milliseconds timeout = 10s,
                                    std::vector<Json>* skipped = nullptr) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      std::optional<Json> j = receive_json(std::max(left, 0ms));
      if (!j) return std::nullopt;
      if (match(*j)) return j;
      if (skipped) skipped->push_back(std::move(*j));
    }
  }

  // Waits until the connection ends (a close from the server, or an error); the messages
  // that came first go to `before`. False when it is still open at the deadline.
  bool wait_closed(std::chrono::milliseconds timeout, std::vector<Json>* before = nullptr) {
    run_until([&] { return read_error_.has_value(); }, Clock::now() + timeout);
    while (before && !inbox_.empty()) {
      before->push_back(std::move(inbox_.front()));
      inbox_.pop_front();
    }
    return read_error_.has_value();
  }

  // Whether the connection still reads (no close or error seen yet).
  bool is_open() const { return open_ && !read_error_; }
  // How reading ended: websocket::error::closed after a close frame, else the transport's error.
  beast::error_code read_error() const { return read_error_.value_or(beast::error_code()); }
  // The close frame the server sent (code 0 if none).
  websocket::close_reason close_reason() const { return ws_.reason(); }

  // A clean close from this side.
  void close(websocket::close_code code = websocket::close_code::normal) { shut(true, code); }
  // An abrupt end, as when a process dies: no close frame, and a TCP reset.
  void drop() { shut(false); }

 private:
  void read() {
    ws_.async_read(buffer_, [this](beast::error_code ec, size_t) {
      if (ec) {
        read_error_ = ec;
        return;
      }
      const std::string text = beast::buffers_to_string(buffer_.data());
      buffer_.consume(buffer_.size());
      std::optional<Json> j = parse_json(text);
      inbox_.push_back(j ? *j : Json(text));
      read();
    });
  }

  // Runs handlers until `done` or the deadline; false when not done.
  bool run_until(const std::function<bool()>& done, Clock::time_point deadline) {
    while (!done()) {
      if (Clock::now() >= deadline) return false;
      io_.restart();
      if (io_.run_one_until(deadline) == 0 && io_.stopped()) return done();  // nothing left to wait for
    }
    return true;
  }

  void shut(bool graceful, websocket::close_code code = websocket::close_code::normal) {
    auto& socket = beast::get_lowest_layer(ws_).socket();
    if (graceful && is_open()) {
      bool done = false;
      ws_.async_close(code, [&](beast::error_code) { done = true; });
      run_until([&] { return done && read_error_.has_value(); }, Clock::now() + 5s);
    }
    if (socket.is_open()) {
      beast::error_code ignored;
      socket.set_option(asio::socket_base::linger(true, 0), ignored);
      socket.close(ignored);
    }
    // Let the aborted operations finish while this object is still whole.
    run_until([&] { return false; }, Clock::now() + 1s);
    if (!read_error_) read_error_ = asio::error::operation_aborted;
    open_ = false;
  }

  asio::io_context io_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  websocket::response_type response_;
  std::deque<Json> inbox_;
  std::optional<beast::error_code> read_error_;
  bool open_ = false;
  uint32_t mask_seed_ = 0;
};

}  // namespace arena::harness
