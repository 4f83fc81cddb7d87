// A small HTTP/1.1 client (Beast) for the arena's own processes that call a server: a
// self-play worker talking to its learner (`arena selfplay --server`). One request per
// connection, one deadline over resolve, connect, write and read. Plain http only: put TLS
// in front with a proxy (as the server itself is deployed).
//
// Threading: the functions are reentrant; each call runs an io_context of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace arena::net {

// "http://host[:port][/base]" (the port 80 when absent; a trailing '/' dropped).
struct HttpUrl {
  std::string host;
  std::string port = "80";
  std::string base;  // a path prefix every target goes under, "" or "/learner"
  std::string text() const;
};
// Errors: "bad_url" (not http://host..., an https URL among them).
Result<HttpUrl> parse_http_url(std::string_view url);

struct HttpReply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

struct HttpCall {
  std::string method = "GET";
  std::string target;  // under the URL's base, "/api/learn?x=1"
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{60'000};
  uint64_t body_limit = 1ull << 30;  // of the response
};

// Sends the call and reads the reply, whatever its status. Errors: "unreachable" (the name
// does not resolve, nothing accepts the connection), "timeout", "io" (the connection broke,
// the reply did not parse or was over the body limit).
Result<HttpReply> http_call(const HttpUrl& server, const HttpCall& call);

}  // namespace arena::net
