#include "server/net/rest.h"

#include <charconv>
#include <cmath>
#include <iostream>

#include "core/prometheus.h"
#include "server/net/auth.h"
#include "server/net/query.h"
#include "server/net/rest_internal.h"
#include "server/net/wire.h"

namespace arena::net {
namespace {

// server/net/openapi.json, embedded at build time (bytes, then a terminating zero).
const char kOpenApi[] = {
#include "server/net/openapi.inc"
    0};

constexpr std::string_view kIdSegment = "{id}";

// Where a route's path template has its {id}, if it has one.
std::optional<size_t> id_position(const std::vector<std::string>& pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == kIdSegment) return i;
  }
  return std::nullopt;
}

// Whether the first `n` segments of `parts` fit the template's; any text fits its {id}.
bool fits(const std::vector<std::string>& pattern, const std::vector<std::string>& parts, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (pattern[i] != kIdSegment && pattern[i] != parts[i]) return false;
  }
  return true;
}

// What the {id} after "/api/matches" names ("match"), for the error that refuses it.
std::string id_noun(std::string_view collection) {
  if (collection.ends_with("ches")) return std::string(collection.substr(0, collection.size() - 2));
  if (collection.ends_with('s')) return std::string(collection.substr(0, collection.size() - 1));
  return std::string(collection);
}

// 405, naming the methods the path does allow (HEAD goes with GET).
HttpResponse method_not_allowed(const std::string& method, const std::vector<std::string>& allowed) {
  std::string use, allow;
  for (const std::string& m : allowed) {
    use += (use.empty() ? "" : " or ") + m;
    allow += (allow.empty() ? "" : ", ") + m;
  }
  HttpResponse r = error_response(405, "method_not_allowed", method + " is not allowed here; use " + use);
  r.headers.emplace_back("Allow", allow);
  return r;
}

// Whether a Content-Type is `wanted` ("application/json"), with parameters or not
// ("application/json; charset=utf-8"), in any case.
bool is_media_type(std::string_view content_type, std::string_view wanted) {
  const std::string_view type = content_type.substr(0, content_type.find(';'));
  size_t begin = type.find_first_not_of(' ');
  if (begin == std::string_view::npos) return false;
  const std::string_view t = type.substr(begin, type.find_last_not_of(' ') - begin + 1);
  if (t.size() != wanted.size()) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(t[i])) != wanted[i]) return false;
  }
  return true;
}

}  // namespace

namespace rest {

HttpResponse json_response(unsigned status, const Json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

std::string_view header(const HttpRequest& request, const std::string& name) {
  auto it = request.headers.find(name);
  return it == request.headers.end() ? std::string_view() : std::string_view(it->second);
}

std::optional<int64_t> to_id(const std::string& s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

}  // namespace rest

HttpResponse error_response(unsigned status, const std::string& code, const std::string& message) {
  return rest::json_response(status, error_body(code, message));
}

HttpResponse error_response(unsigned status, const Error& error) {
  return error_response(status, error.code, error.message);
}

HttpResponse error_response(const Error& error) { return error_response(status_for(error.code), error); }

HttpResponse too_many_requests(const std::string& message, double wait_seconds) {
  HttpResponse r = error_response(429, "rate_limited", message);
  r.headers.emplace_back("Retry-After",
                         std::to_string(std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait_seconds)))));
  return r;
}

unsigned status_for(const std::string& code) {
  if (code == "not_found" || code == "unknown_match" || code == "unknown_player" ||
      code == "unknown_challenge") {
    return 404;
  }
  if (code == "unauthorized") return 401;
  if (code == "forbidden") return 403;
  if (code == "unsupported_media_type") return 415;
  if (code == "conflict" || code == "match_in_progress" || code == "stale") return 409;
  if (code == "rate_limited") return 429;
  if (code == "db_error" || code == "internal") return 500;
  if (code == "busy") return 503;
  return 400;  // bad_request, bad_spec, bad_time_control, bad_message, ...
}

RestApi::RestApi(Arena& arena, db::Store& store, ServerStats& stats,
                 std::function<size_t()> store_queue_depth, std::function<std::string()> extra_metrics,
                 std::filesystem::path games_root, BrowserPolicy browser, AbuseLimits* limits,
                 std::filesystem::path runs_root, LearnRoutes learn)
    : arena_(arena),
      store_(store),
      stats_(stats),
      store_queue_depth_(std::move(store_queue_depth)),
      extra_metrics_(std::move(extra_metrics)),
      games_root_(std::move(games_root)),
      browser_(std::move(browser)),
      limits_(limits),
      runs_root_(std::move(runs_root)),
      learn_(learn),
      learn_uploads_(learn.uploads_per_minute / 60, std::max(1.0, learn.uploads_per_minute)) {}

// The one list of routes: dispatch reads it, routes() (and so the OpenAPI test) is made of it.
const std::vector<RestApi::Endpoint>& RestApi::table() {
  static const std::vector<Endpoint> all = {
      {"GET", "/api/health", &RestApi::health},
      {"GET", "/api/games", &RestApi::games},
      {"GET", "/api/leaderboard", &RestApi::leaderboard},
      {"GET", "/api/players/{id}", &RestApi::player},
      {"GET", "/api/matches", &RestApi::matches},
      {"GET", "/api/matches/{id}", &RestApi::match},
      {"GET", "/api/matches/{id}/export", &RestApi::export_match},
      {"POST", "/api/bots", &RestApi::register_bot},
      {"POST", "/api/challenges", &RestApi::challenge},
      {"GET", "/api/openapi.json", &RestApi::openapi},
      {"GET", "/metrics", &RestApi::metrics},
      {"GET", "/api/reports/generalization", &RestApi::generalization_report},
      {"GET", "/api/matches/{id}/views", &RestApi::match_views},
      {"GET", "/api/seeks", &RestApi::seeks},
      {"POST", "/api/humans", &RestApi::register_human},
      {"GET", "/api/me", &RestApi::me},
      {"POST", "/api/session", &RestApi::sign_in},
      {"DELETE", "/api/session", &RestApi::sign_out},
      {"DELETE", "/api/token", &RestApi::revoke_token},
      {"GET", "/api/reports/steps", &RestApi::steps_report},
      {"GET", "/api/reports/figures", &RestApi::figures_report},
      {"GET", "/api/reports/training", &RestApi::training_report},
      {"GET", "/api/reports/shared", &RestApi::shared_report},
      {"GET", "/api/learn", &RestApi::learn},
      {"GET", "/api/learn/checkpoint", &RestApi::learn_checkpoint},
      {"POST", "/api/learn/shards", &RestApi::learn_upload, "application/octet-stream"},
  };
  return all;
}

const std::vector<Route>& RestApi::routes() {
  static const std::vector<Route> all = [] {
    std::vector<Route> out;
    for (const Endpoint& e : table()) out.push_back({e.method, e.path});
    return out;
  }();
  return all;
}

const std::string& RestApi::openapi_document() {
  static const std::string doc = kOpenApi;
  return doc;
}

HttpResponse RestApi::handle(const HttpRequest& request) {
  ++stats_.http_requests;
  // Every decoded text may reach a JSON answer, and JSON holds UTF-8 only: refuse it here.
  Result<RequestTarget> target = parse_target(request.target);
  if (!target.ok()) return error_response(400, target.error());
  const std::string& path = target->path;
  const auto& query = target->query;
  const std::vector<std::string>& parts = target->segments;
  const std::string& method = request.method;
  try {
    // The routes at this path, whatever their method; and the {id} of the routes as deep as
    // the path. A bad id is refused first (before the method, before an unknown last
    // segment): it is what is wrong with "/api/matches/abc/views" and "/api/matches/abc/x".
    static const std::vector<std::vector<std::string>> patterns = [] {
      std::vector<std::vector<std::string>> out;
      for (const Endpoint& e : table()) out.push_back(split_path(e.path));
      return out;
    }();
    std::vector<const Endpoint*> here;
    int64_t id = 0;
    for (size_t i = 0; i < table().size(); ++i) {
      const std::vector<std::string>& pattern = patterns[i];
      if (pattern.size() != parts.size()) continue;
      if (std::optional<size_t> at = id_position(pattern); at && fits(pattern, parts, *at)) {
        std::optional<int64_t> parsed = rest::to_id(parts[*at]);
        if (!parsed) {
          return error_response(400, "bad_request",
                                "a " + id_noun(parts[*at - 1]) + " id is a positive integer");
        }
        id = *parsed;
      }
      if (fits(pattern, parts, parts.size())) here.push_back(&table()[i]);
    }
    if (here.empty()) {
      if (parts.empty() || parts[0] != "api")
        return error_response(404, "not_found", "no such endpoint: " + path);
      return error_response(404, "not_found", "no such endpoint: " + path + " (see /api/openapi.json)");
    }
    std::vector<std::string> allowed;
    for (const Endpoint* e : here) {
      if (method == e->method || (method == "HEAD" && std::string_view(e->method) == "GET")) {
        if (method == "POST" || method == "DELETE") {
          // A browser acts with its cookies: only pages of the allowed origins may ask it to.
          if (Status s = check_origin(rest::header(request, "origin"), rest::header(request, "host"),
                                      browser_.secure_cookies, browser_.allowed_origins);
              !s.ok()) {
            return error_response(s.error());
          }
          if (!request.body.empty() && !is_media_type(rest::header(request, "content-type"), e->body_type)) {
            return error_response(415, "unsupported_media_type",
                                  std::string("send the body with Content-Type: ") + e->body_type);
          }
        }
        return (this->*(e->handler))(Call{request, query, id});
      }
      allowed.emplace_back(e->method);
    }
    return method_not_allowed(method, allowed);
  } catch (const std::exception& e) {
    // The text is for the operator, not the client (it may name internals, or not be UTF-8).
    std::cerr << "arena: internal error in " << method << " " << path << ": " << e.what() << "\n";
    return error_response(500, "internal", "internal error");
  }
}

HttpResponse RestApi::health(const Call&) {
  const auto uptime =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_);
  return rest::json_response(200,
                             health_json(uptime.count(), arena_.live_matches().size(), store_queue_depth_()));
}

HttpResponse RestApi::openapi(const Call&) {
  HttpResponse r;
  r.body = openapi_document();
  return r;
}

HttpResponse RestApi::metrics(const Call&) {
  PrometheusText out;
  out.metric("arena_http_connections", "Open HTTP connections.", "gauge", stats_.http_connections.load());
  out.metric("arena_websocket_connections", "Open WebSocket connections.", "gauge",
             stats_.websocket_connections.load());
  out.metric("arena_http_requests_total", "HTTP requests handled.", "counter", stats_.http_requests.load());
  out.metric("arena_ws_messages_in_total", "WebSocket messages received.", "counter",
             stats_.ws_messages_in.load());
  out.metric("arena_ws_messages_out_total", "WebSocket messages sent.", "counter",
             stats_.ws_messages_out.load());
  out.metric("arena_ws_dropped_slow_total", "WebSocket clients dropped for not keeping up.", "counter",
             stats_.ws_dropped_slow.load());
  out.metric("arena_moves_acknowledged_total", "Moves stored and acknowledged to remote players.", "counter",
             stats_.moves_acknowledged.load());
  out.metric("arena_rate_limited_total", "Messages refused by rate limits.", "counter",
             stats_.rate_limited.load());
  out.metric("arena_connections_refused_total", "Connections refused past a connection or upgrade cap.",
             "counter", stats_.connections_refused.load());
  out.metric("arena_accept_errors_total", "Failed accepts (such as running out of file descriptors).",
             "counter", stats_.accept_errors.load());
  out.metric("arena_ws_outbound_queued", "Messages waiting in WebSocket send queues.", "gauge",
             stats_.outbound_queued.load());
  out.metric("arena_live_matches", "Matches in play.", "gauge",
             static_cast<double>(arena_.live_matches().size()));
  out.metric("arena_store_queue_depth", "Writes queued for the store.", "gauge",
             static_cast<double>(store_queue_depth_()));
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = out.text();
  if (extra_metrics_) r.body += extra_metrics_();
  return r;
}

}  // namespace arena::net
