// A harness for integration tests of `arena serve`: it starts the real binary as a child
// process on an ephemeral port with a temporary database and web folder
// (tests/support/server_process.h), and drives it with blocking clients (HTTP and WebSocket)
// whose every wait has a deadline. Failures to start, connect or send are thrown
// (std::runtime_error), so a test fails and its RAII objects still kill the server and remove
// the temporary files.
//
// The clients are Boost.Beast's, compiled once in server_harness.cc: this header names no
// Beast type, so the tests that include it do not instantiate Beast's templates again.
//
// Threading: none of these classes is thread-safe; use each from the test's thread.
#pragma once

#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/json.h"
#include "tests/support/server_process.h"

namespace arena::harness {

using ErrorCode = boost::system::error_code;
using Headers = std::vector<std::pair<std::string, std::string>>;

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

// One request (`method`: "GET", "POST", ...) on a fresh connection (Connection: close), the
// whole exchange bounded by `timeout`. The response is read even when the server cut the
// request's body short.
HttpResult http_request(uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body = "", const Headers& headers = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

inline HttpResult http_get(uint16_t port, const std::string& target, const Headers& headers = {}) {
  return http_request(port, "GET", target, "", headers);
}
inline HttpResult http_post(uint16_t port, const std::string& target, const std::string& body,
                            const Headers& headers = {}) {
  return http_request(port, "POST", target, body, headers);
}

// Whether the server answers GET /api/health with 200 now (false when it cannot be reached).
bool answers_health(uint16_t port);

// Reads a counter or gauge from Prometheus text; -1 if absent.
int64_t metric(const std::string& text, const std::string& name);

// ---------------------------------------------------------------------------------------
// WebSocket

// Whether a server message answers the request with `ref` (operator[] on a const object
// must not be given a key it lacks: most messages have no "ref").
inline bool has_ref(const Json& j, const Json& ref) {
  return j.is_object() && j.contains("ref") && j["ref"] == ref;
}

// WebSocket close codes (RFC 6455, section 7.4.1) the tests name.
inline constexpr int kCloseNormal = 1000;
inline constexpr int kCloseGoingAway = 1001;
inline constexpr int kCloseTooBig = 1009;

struct CloseReason {
  int code = 0;  // 0: no close frame came
  std::string reason;
};

// A client of /ws. Once connected it reads all the time its io_context runs (that is,
// inside its own calls), so the server never sees it as a slow reader while it sends;
// messages wait in an inbox until asked for. A text frame that is not JSON is kept as a
// JSON string.
class WsClient {
 public:
  WsClient();
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Opens ws://127.0.0.1:port/ws with `headers` on the upgrade request; gives the handshake's
  // error (none on success). The server's answer is in upgrade_response() either way.
  ErrorCode connect(uint16_t port, const Headers& headers = {},
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The server's answer to the upgrade request (status 101 when it was accepted).
  const HttpResult& upgrade_response() const;

  // Sends one text frame and waits until it is written.
  void send_text(std::string text, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  void send_json(const Json& message, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    send_text(message.dump(), timeout);
  }

  // Sends many text frames in one TCP write, so that the server finds them all waiting at
  // once (as from a client that batches). The frames are built here, masked as a client's
  // must be; nothing else may be writing meanwhile.
  void send_burst(const std::vector<std::string>& texts,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The next message; nullopt when none came in time or the connection is closed.
  std::optional<Json> receive_json(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The first message for which `match` is true; the ones before it go to `skipped`.
  std::optional<Json> receive_until(const std::function<bool(const Json&)>& match,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                    std::vector<Json>* skipped = nullptr);

  // Waits until the connection ends (a close from the server, or an error); the messages
  // that came first go to `before`. False when it is still open at the deadline.
  bool wait_closed(std::chrono::milliseconds timeout, std::vector<Json>* before = nullptr);

  // Whether the connection still reads (no close or error seen yet).
  bool is_open() const;
  // How reading ended: after a close frame closed_cleanly() is true; else the transport's error.
  ErrorCode read_error() const;
  bool closed_cleanly() const;
  // The close frame the server sent (code 0 if none).
  CloseReason close_reason() const;

  // A clean close from this side.
  void close(int code = kCloseNormal);
  // An abrupt end, as when a process dies: no close frame, and a TCP reset.
  void drop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace arena::harness
