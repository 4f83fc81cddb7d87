#include "server/net/http_client.h"

#include "server/net/beast.h"

namespace arena::net {

std::string HttpUrl::text() const { return "http://" + host + ":" + port + base; }

Result<HttpUrl> parse_http_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme))
    return make_error("bad_url",
                      "'" + std::string(url) + "' is not an http:// URL (for TLS, put a proxy in front)");
  std::string_view rest = url.substr(scheme.size());
  HttpUrl out;
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) out.base = std::string(rest.substr(slash));
  while (!out.base.empty() && out.base.back() == '/') out.base.pop_back();
  if (authority.starts_with('[')) {  // [::1]:8080
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return make_error("bad_url", "unclosed '[' in " + std::string(url));
    out.host = std::string(authority.substr(1, close - 1));
    authority = authority.substr(close + 1);
    if (!authority.empty() && authority[0] != ':')
      return make_error("bad_url", "bad port in " + std::string(url));
    if (!authority.empty()) out.port = std::string(authority.substr(1));
  } else {
    const size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) out.port = std::string(authority.substr(colon + 1));
  }
  if (out.host.empty()) return make_error("bad_url", "no host in " + std::string(url));
  if (out.port.empty() || out.port.size() > 5 ||
      out.port.find_first_not_of("0123456789") != std::string::npos || std::stoi(out.port) < 1 ||
      std::stoi(out.port) > 65535) {
    return make_error("bad_url", "bad port in " + std::string(url));
  }
  return out;
}

Result<HttpReply> http_call(const HttpUrl& server, const HttpCall& call) {
  const http::verb method = http::string_to_verb(call.method);
  if (method == http::verb::unknown) return make_error("bad_request", "unknown HTTP method " + call.method);
  asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  const auto deadline = std::chrono::steady_clock::now() + call.timeout;
  const std::string where = call.method + " " + server.text() + call.target;
  auto failed = [&](const beast::error_code& ec, const char* doing) -> Error {
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted)
      return make_error("timeout",
                        where + ": no answer within " + std::to_string(call.timeout.count()) + " ms");
    return make_error(doing, where + ": " + ec.message());
  };

  beast::error_code ec;
  tcp::resolver::results_type endpoints;
  resolver.async_resolve(server.host, server.port, [&](beast::error_code e, tcp::resolver::results_type r) {
    ec = e;
    endpoints = std::move(r);
  });
  io.run_until(deadline);
  if (!io.stopped()) return make_error("timeout", where + ": resolving " + server.host + " took too long");
  if (ec) return failed(ec, "unreachable");

  // Beast clears a stream's deadline when an operation completes: each one sets it again.
  auto run = [&] {
    io.restart();
    io.run();
  };
  stream.expires_at(deadline);
  stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
  run();
  if (ec) return failed(ec, "unreachable");

  http::request<http::string_body> req{method, server.base + call.target, 11};
  req.set(http::field::host, server.host + ":" + server.port);
  req.set(http::field::user_agent, "arena");
  for (const auto& [name, value] : call.headers) req.set(name, value);
  req.keep_alive(false);
  req.body() = call.body;
  req.prepare_payload();
  stream.expires_at(deadline);
  http::async_write(stream, req, [&](beast::error_code e, size_t) { ec = e; });
  run();
  // A server that refuses the request may answer and close before reading all of a large
  // body: read its reply even when the write broke off.
  const beast::error_code write_ec = ec;

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(call.body_limit);
  stream.expires_at(deadline);
  http::async_read(stream, buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
  run();
  if (ec) return failed(write_ec ? write_ec : ec, "io");
  HttpReply reply;
  const auto& res = parser.get();
  reply.status = res.result_int();
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  reply.body = std::move(parser.release().body());
  return reply;
}

}  // namespace arena::net
