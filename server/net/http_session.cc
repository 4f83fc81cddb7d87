#include "server/net/http_session.h"

#include "games/registry.h"
#include "server/net/auth.h"
#include "server/net/shared_state.h"
#include "server/net/static_files.h"
#include "server/net/websocket_session.h"

namespace arena::net {
namespace {

std::string_view view(beast::string_view v) { return std::string_view(v.data(), v.size()); }

// The Beast request as the REST API's plain value (header names in lower case).
HttpRequest rest_request(const http::request<http::string_body>& req, const std::string& address) {
  HttpRequest r;
  r.remote_address = address;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  r.body = req.body();
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(field.value());
  }
  return r;
}

// Who an upgrade request is (auth.h: a bot's token, a person's session, or a guest cookie,
// made if absent; a new guest's row is written only once the handshake has succeeded).
// A page of another origin may not connect with the user's cookies. Blocking (reads the
// store): runs on a worker.
Result<Identity> identify_upgrade(db::Store& store, const http::request<http::string_body>& req,
                                  const BrowserPolicy& browser) {
  auto header = [&req](http::field f) {
    auto it = req.find(f);
    return it == req.end() ? std::string_view() : view(it->value());
  };
  if (Status s = check_origin(header(http::field::origin), header(http::field::host), browser.secure_cookies,
                              browser.allowed_origins);
      !s.ok()) {
    return s.error();
  }
  return identify(store, header(http::field::authorization), header(http::field::cookie), true,
                  browser.secure_cookies);
}

}  // namespace

HttpSession::HttpSession(tcp::socket&& socket, std::shared_ptr<SharedState> state,
                         ConnectionLimits::Slot slot, std::string address, bool metrics_only)
    : stream_(std::move(socket)),
      state_(std::move(state)),
      slot_(std::move(slot)),
      address_(std::move(address)),
      metrics_only_(metrics_only) {}

HttpSession::~HttpSession() { --state_->stats.http_connections; }

void HttpSession::run() {
  ++state_->stats.http_connections;
  asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::read, shared_from_this()));
}

void HttpSession::read() {
  parser_.emplace();
  // The largest limit any target has: Beast weighs a Content-Length against the limit while
  // it reads the header, before on_header() knows the target.
  const ServerConfig& config = state_->config;
  parser_->body_limit(config.learn.endpoint
                          ? std::max<uint64_t>(config.http_body_limit, config.learn.upload_body_limit)
                          : config.http_body_limit);
  parser_->header_limit(static_cast<std::uint32_t>(state_->config.http_header_limit));
  stream_.expires_after(state_->config.http_idle_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

void HttpSession::on_header(beast::error_code ec, size_t bytes) {
  if (ec) return on_read(ec, bytes);
  // This target's limit: for a Content-Length here, for chunks as they come.
  const uint64_t limit = body_limit();
  if (const auto length = parser_->content_length(); length && *length > limit)
    return on_read(http::error::body_limit, bytes);
  parser_->body_limit(limit);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

uint64_t HttpSession::body_limit() const {
  // A learner's shard uploads have a limit of their own (ServerConfig::learn).
  const ServerConfig& config = state_->config;
  if (config.learn.endpoint && view(parser_->get().target()).starts_with("/api/learn/shards"))
    return config.learn.upload_body_limit;
  return config.http_body_limit;
}

void HttpSession::on_read(beast::error_code ec, size_t) {
  if (ec == http::error::end_of_stream) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    return;
  }
  if (ec == http::error::body_limit) {
    return reply(
        error_response(413, "too_large", "request body over " + std::to_string(body_limit()) + " bytes"),
        false, 11, "POST");
  }
  if (ec == http::error::header_limit) {
    return reply(
        error_response(431, "headers_too_large",
                       "request headers over " + std::to_string(state_->config.http_header_limit) + " bytes"),
        false, 11, "GET");
  }
  if (ec) return;  // timeout, reset, malformed: drop the connection
  Request req = parser_->release();
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));
  // The metrics listener answers /metrics only; the main one, unless metrics are elsewhere.
  const bool metrics = path == "/metrics";
  if (metrics_only_ ? !metrics : metrics && state_->config.metrics != ServerConfig::Metrics::kServed) {
    return reply(error_response(404, "not_found", "no such endpoint: " + path), req.keep_alive(),
                 req.version(), std::string(req.method_string()));
  }
  if (websocket::is_upgrade(req)) {
    if (path != "/ws") {
      return reply(error_response(404, "not_found", "WebSocket is at /ws"), false, req.version(), "GET");
    }
    return upgrade(std::move(req));
  }
  state_->workers.post([self = shared_from_this(), req = std::move(req), path] { self->answer(req, path); });
}

void HttpSession::answer(const Request& req, const std::string& path) {
  HttpResponse res;
  std::optional<size_t> content_length;  // HEAD of a static file: the size GET would send
  if (path == "/metrics" || path.rfind("/api/", 0) == 0 || path == "/api") {
    res = state_->rest.handle(rest_request(req, address_));
  } else {
    res = static_file(req, content_length);
  }
  asio::post(stream_.get_executor(),
             [self = shared_from_this(), res = std::move(res), keep_alive = req.keep_alive(),
              version = req.version(), method = std::string(req.method_string()), content_length]() mutable {
               self->reply(std::move(res), keep_alive, version, method, content_length);
             });
}

HttpResponse HttpSession::static_file(const Request& req, std::optional<size_t>& content_length) const {
  const ServerConfig& config = state_->config;
  // /games/<family>/<file>: the family's web/ folder, for a registered family.
  std::filesystem::path root = config.web_root;
  std::string_view target = view(req.target());
  if (target.starts_with("/games/")) {
    const std::string_view rest = target.substr(7);
    const std::string family(rest.substr(0, rest.find('/')));
    if (GameRegistry::instance().find_family(family) && family.size() < rest.size()) {
      root = config.games_root / family / "web";
      target = rest.substr(family.size());
    }
  }
  StaticResponse s =
      serve_static(root, view(req.method_string()), target, view(req[http::field::if_none_match]));
  content_length = s.content_length;
  HttpResponse res;
  res.status = s.status;
  res.content_type = s.content_type;
  res.body = std::move(s.body);
  res.headers = std::move(s.headers);
  return res;
}

void HttpSession::reply(HttpResponse res, bool keep_alive, unsigned version, const std::string& method,
                        std::optional<size_t> content_length) {
  auto msg =
      std::make_shared<http::response<http::string_body>>(static_cast<http::status>(res.status), version);
  msg->set(http::field::server, "arena");
  msg->set(http::field::content_type, res.content_type);
  for (const auto& [name, value] : res.headers) msg->set(name, value);
  if (res.content_type.rfind("application/json", 0) == 0 && !msg->count(http::field::cache_control)) {
    msg->set(http::field::cache_control, "no-store");
  }
  msg->keep_alive(keep_alive);
  const size_t length = content_length.value_or(res.body.size());
  if (method != "HEAD") msg->body() = std::move(res.body);
  msg->content_length(length);
  stream_.expires_after(state_->config.http_idle_timeout);
  http::async_write(stream_, *msg, [self = shared_from_this(), msg](beast::error_code ec, size_t) {
    if (ec) return;
    if (!msg->keep_alive()) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    self->read();
  });
}

void HttpSession::upgrade(Request req) {
  SharedState& state = *state_;
  std::optional<ConnectionLimits::Slot> websocket = state.websockets.acquire(address_);
  if (!websocket) {
    ++state.stats.connections_refused;
    return reply(
        error_response(503, "too_many_connections",
                       "too many WebSocket connections (from your address, or in all); try again later"),
        false, req.version(), "GET");
  }
  auto self = shared_from_this();
  stream_.expires_never();
  auto ws_slot = std::make_shared<ConnectionLimits::Slot>(std::move(*websocket));
  state_->workers.post([self, req = std::move(req), ws_slot]() mutable {
    auto identity = identify_upgrade(self->state_->store, req, self->state_->config.browser);
    asio::post(self->stream_.get_executor(), [self, req = std::move(req), identity = std::move(identity),
                                              ws_slot]() mutable {
      if (!identity.ok()) return self->reply(error_response(identity.error()), false, req.version(), "GET");
      // A guest the store has no row for is a new one, whatever cookie it brought (none, a
      // malformed one, one it made up): new guests are limited per address.
      if (identity->who.guest && identity->who.id == 0) {
        if (const double wait = self->state_->limits.guests.take(address_key(self->address_)); wait > 0) {
          ++self->state_->stats.rate_limited;
          return self->reply(too_many_requests("too many new guests from your address", wait), false,
                             req.version(), "GET");
        }
      }
      std::vector<ConnectionLimits::Slot> slots;
      slots.push_back(std::move(*self->slot_));
      slots.push_back(std::move(*ws_slot));
      self->slot_.reset();
      auto session = std::make_shared<WebSocketSession>(self->stream_.release_socket(), self->state_,
                                                        identity->who, self->address_, std::move(slots));
      self->state_->track(session);
      session->run(std::move(req), identity->set_cookie);
    });
  });
}

}  // namespace arena::net
