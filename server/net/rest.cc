#include "server/net/rest.h"

#include <charconv>
#include <future>
#include <sstream>

#include "core/prometheus.h"
#include "games/registry.h"
#include "server/arena/export.h"
#include "server/arena/generalization.h"
#include "server/arena/leaderboard.h"
#include "server/net/auth.h"
#include "server/net/wire.h"

namespace arena::net {
namespace {

constexpr int kLeaderboardBootstrap = 200;
constexpr int kMaxPage = 200;
constexpr int kMaxReportBootstrap = 2000;  // a request may not ask for minutes of fitting
constexpr const char* kNameRule =
    "a name is 1-40 letters, digits, '_', '-' or '.', and does not start with 'guest-'";

// server/net/openapi.json, embedded at build time (bytes, then a terminating zero).
const char kOpenApi[] = {
#include "server/net/openapi.inc"
    0};

HttpResponse json_response(unsigned status, const Json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (!pair.empty()) {
      out[percent_decode(pair.substr(0, eq))] =
          eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const size_t slash = path.find('/');
    parts.emplace_back(percent_decode(path.substr(0, slash)));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return parts;
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

// GET /api/reports/generalization[?bootstrap=N]: the cross-game generalization report. Like
// the leaderboard it reads the store and fits ratings, so it runs on a worker (as all of
// handle() does), never on a network thread.
HttpResponse generalization_report(db::Store& store, const std::map<std::string, std::string>& query) {
  int bootstrap = kLeaderboardBootstrap;
  if (auto it = query.find("bootstrap"); it != query.end()) {
    int v = -1;
    auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc() || end != it->second.data() + it->second.size() || v < 0 ||
        v > kMaxReportBootstrap) {
      return error_response(400, "bad_request",
                            "bootstrap is an integer from 0 to " + std::to_string(kMaxReportBootstrap));
    }
    bootstrap = v;
  }
  Result<GeneralizationReport> report = compute_generalization(store, bootstrap);
  if (!report.ok())
    return error_response(status_for(report.error().code), report.error().code, report.error().message);
  return json_response(200, generalization_json(*report));
}

}  // namespace

HttpResponse error_response(unsigned status, const std::string& code, const std::string& message) {
  return json_response(status, error_body(code, message));
}

unsigned status_for(const std::string& code) {
  if (code == "not_found" || code == "unknown_match" || code == "unknown_player" ||
      code == "unknown_challenge") {
    return 404;
  }
  if (code == "unauthorized") return 401;
  if (code == "conflict" || code == "match_in_progress") return 409;
  if (code == "rate_limited") return 429;
  if (code == "db_error" || code == "internal") return 500;
  return 400;  // bad_request, bad_spec, bad_time_control, bad_message, ...
}

RestApi::RestApi(Arena& arena, db::Store& store, ServerStats& stats,
                 std::function<size_t()> store_queue_depth, std::function<std::string()> extra_metrics,
                 std::filesystem::path games_root)
    : arena_(arena),
      store_(store),
      stats_(stats),
      store_queue_depth_(std::move(store_queue_depth)),
      extra_metrics_(std::move(extra_metrics)),
      games_root_(std::move(games_root)) {}

const std::vector<Route>& RestApi::routes() {
  static const std::vector<Route> all = {
      {"GET", "/api/health"},
      {"GET", "/api/games"},
      {"GET", "/api/leaderboard"},
      {"GET", "/api/players/{id}"},
      {"GET", "/api/matches"},
      {"GET", "/api/matches/{id}"},
      {"GET", "/api/matches/{id}/export"},
      {"POST", "/api/bots"},
      {"POST", "/api/challenges"},
      {"GET", "/api/openapi.json"},
      {"GET", "/metrics"},
      {"GET", "/api/reports/generalization"},
      {"GET", "/api/matches/{id}/views"},
      {"GET", "/api/seeks"},
      {"POST", "/api/humans"},
      {"GET", "/api/me"},
      {"POST", "/api/session"},
      {"DELETE", "/api/session"},
  };
  return all;
}

const std::string& RestApi::openapi_document() {
  static const std::string doc = kOpenApi;
  return doc;
}

HttpResponse RestApi::handle(const HttpRequest& request) {
  ++stats_.http_requests;
  const size_t q = request.target.find('?');
  const std::string path = request.target.substr(0, q);
  const auto query = parse_query(q == std::string::npos ? std::string_view()
                                                        : std::string_view(request.target).substr(q + 1));
  const std::vector<std::string> parts = split_path(path);
  const std::string& method = request.method;
  auto only = [&](const char* allowed) -> std::optional<HttpResponse> {
    if (method == allowed || (std::string(allowed) == "GET" && method == "HEAD")) return std::nullopt;
    HttpResponse r =
        error_response(405, "method_not_allowed", method + " is not allowed here; use " + allowed);
    r.headers.emplace_back("Allow", allowed);
    return r;
  };
  try {
    if (parts.size() == 1 && parts[0] == "metrics") {
      if (auto bad = only("GET")) return *bad;
      return metrics();
    }
    if (parts.empty() || parts[0] != "api")
      return error_response(404, "not_found", "no such endpoint: " + path);
    const std::string what = parts.size() > 1 ? parts[1] : "";
    if (parts.size() == 2 && what == "health") {
      if (auto bad = only("GET")) return *bad;
      return health();
    }
    if (parts.size() == 2 && what == "games") {
      if (auto bad = only("GET")) return *bad;
      return games();
    }
    if (parts.size() == 2 && what == "openapi.json") {
      if (auto bad = only("GET")) return *bad;
      HttpResponse r;
      r.body = openapi_document();
      return r;
    }
    if (parts.size() == 2 && what == "leaderboard") {
      if (auto bad = only("GET")) return *bad;
      return leaderboard(query);
    }
    if (parts.size() == 3 && what == "reports" && parts[2] == "generalization") {
      if (auto bad = only("GET")) return *bad;
      return generalization_report(store_, query);
    }
    if (parts.size() == 3 && what == "players") {
      auto id = to_id(parts[2]);
      if (!id) return error_response(400, "bad_request", "a player id is a positive integer");
      {
        if (auto bad = only("GET")) return *bad;
        return player(*id);
      }
    }
    if (what == "matches" && parts.size() >= 2 && parts.size() <= 4) {
      if (parts.size() == 2) {
        if (auto bad = only("GET")) return *bad;
        return matches(query);
      }
      auto id = to_id(parts[2]);
      if (!id) return error_response(400, "bad_request", "a match id is a positive integer");
      if (parts.size() == 3) {
        if (auto bad = only("GET")) return *bad;
        return match(*id);
      }
      if (parts[3] == "export") {
        if (auto bad = only("GET")) return *bad;
        return export_match(*id);
      }
      if (parts[3] == "views") {
        if (auto bad = only("GET")) return *bad;
        return match_views(*id, query);
      }
    }
    if (parts.size() == 2 && what == "seeks") {
      if (auto bad = only("GET")) return *bad;
      return seeks();
    }
    if (parts.size() == 2 && what == "humans") {
      if (auto bad = only("POST")) return *bad;
      return register_human(request);
    }
    if (parts.size() == 2 && what == "me") {
      if (auto bad = only("GET")) return *bad;
      return me(request);
    }
    if (parts.size() == 2 && what == "session") {
      if (method == "POST") return sign_in(request);
      if (method == "DELETE") return sign_out();
      HttpResponse r =
          error_response(405, "method_not_allowed", method + " is not allowed here; use POST or DELETE");
      r.headers.emplace_back("Allow", "POST, DELETE");
      return r;
    }
    if (parts.size() == 2 && what == "bots") {
      if (auto bad = only("POST")) return *bad;
      return register_bot(request);
    }
    if (parts.size() == 2 && what == "challenges") {
      if (auto bad = only("POST")) return *bad;
      return challenge(request);
    }
    return error_response(404, "not_found", "no such endpoint: " + path + " (see /api/openapi.json)");
  } catch (const std::exception& e) {
    return error_response(500, "internal", e.what());
  }
}

HttpResponse RestApi::health() {
  const auto uptime =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_);
  return json_response(200, health_json(uptime.count(), arena_.live_matches().size(), store_queue_depth_()));
}

HttpResponse RestApi::games() {
  std::vector<GameListing> listings;
  for (const Json& description : describe_all_games()) {
    GameListing g;
    g.description = description;
    g.opponents = arena_.opponents(description.at("name").get<std::string>());
    // The family's browser board, when it has one (the UI draws the raw view otherwise).
    const std::string family = description.at("family").get<std::string>();
    std::error_code ec;
    if (!family.empty() && std::filesystem::is_regular_file(games_root_ / family / "web" / "board.js", ec)) {
      g.board = "/games/" + family + "/board.js";
    }
    listings.push_back(std::move(g));
  }
  return json_response(200, games_json(listings));
}

HttpResponse RestApi::seeks() { return json_response(200, seeks_json(arena_.open_seeks())); }

HttpResponse RestApi::leaderboard(const std::map<std::string, std::string>& query) {
  auto it = query.find("game");
  if (it == query.end() || it->second.empty())
    return error_response(400, "bad_request", "?game= is required");
  Result<RatingGroupQuery> named = resolve_rating_group(store_, it->second);
  if (!named.ok()) {
    const bool bad = named.error().code == "bad_spec";
    return error_response(bad ? 400 : 500, named.error().code, named.error().message);
  }
  const std::string& group = named->group;
  std::optional<db::PlayerKind> kind;
  if (auto k = query.find("kind"); k != query.end() && !k->second.empty()) {
    // Plural forms read naturally in a URL: ?kind=bots.
    std::string name = k->second;
    if (name.size() > 1 && name.back() == 's') name.pop_back();
    kind = db::player_kind_from_string(name);
    if (!kind) return error_response(400, "bad_request", "kind is one of human, bot, agent, engine, puzzle");
  }
  // A family's name names no group: it answers with its games' groups only.
  Result<Leaderboard> board = group.empty() ? Result<Leaderboard>(Leaderboard{})
                                            : compute_leaderboard(store_, group, kLeaderboardBootstrap);
  if (!board.ok()) return error_response(500, board.error().code, board.error().message);
  std::vector<db::RatingRow> live;
  if (!group.empty()) {
    Result<std::vector<db::RatingRow>> all = store_.ratings(group);
    if (!all.ok()) return error_response(500, all.error().code, all.error().message);
    live = std::move(all).value();
  }
  if (kind) {
    std::erase_if(board->entries, [&](const LeaderboardEntry& e) { return e.kind != *kind; });
    std::erase_if(live, [&](const db::RatingRow& r) { return r.player_kind != *kind; });
  }
  return json_response(200, leaderboard_json(*named, *board, live, kLeaderboardBootstrap));
}

HttpResponse RestApi::player(int64_t id) {
  Result<std::optional<db::PlayerRow>> p = store_.player(id);
  if (!p.ok()) return error_response(500, p.error().code, p.error().message);
  if (!*p) return error_response(404, "unknown_player", "no player " + std::to_string(id));
  Result<std::vector<db::RatingRow>> ratings = store_.player_ratings(id);
  Result<std::vector<db::RatingHistoryRow>> history = store_.rating_history(id, "");
  if (!ratings.ok() || !history.ok()) return error_response(500, "db_error", "cannot read ratings");
  return json_response(200, player_json(**p, *ratings, *history));
}

HttpResponse RestApi::matches(const std::map<std::string, std::string>& query) {
  db::MatchFilter f;
  auto get = [&](const char* key) {
    auto it = query.find(key);
    return it == query.end() ? std::string() : it->second;
  };
  f.game = get("game");
  f.status = get("status");
  if (!f.status.empty() && f.status != "pending" && f.status != "active" && f.status != "finished" &&
      f.status != "aborted") {
    return error_response(400, "bad_request", "status is one of pending, active, finished, aborted");
  }
  for (auto [key, target] :
       {std::pair<const char*, int64_t*>{"player", &f.player_id}, {"before", &f.before_id}}) {
    const std::string v = get(key);
    if (v.empty()) continue;
    auto id = to_id(v);
    if (!id) return error_response(400, "bad_request", std::string(key) + " is a positive integer");
    *target = *id;
  }
  if (const std::string v = get("limit"); !v.empty()) {
    auto n = to_id(v);
    if (!n || *n > kMaxPage)
      return error_response(400, "bad_request", "limit is from 1 to " + std::to_string(kMaxPage));
    f.limit = static_cast<int>(*n);
  }
  Result<std::vector<db::MatchRow>> rows = store_.matches(f);
  if (!rows.ok()) return error_response(500, rows.error().code, rows.error().message);
  // A full page may have more behind it.
  std::optional<int64_t> next_before;
  if (static_cast<int>(rows->size()) == f.limit && !rows->empty()) next_before = rows->back().id;
  return json_response(200, matches_page_json(*rows, next_before));
}

HttpResponse RestApi::match(int64_t id) {
  Result<std::optional<db::MatchRecord>> record = store_.match(id);
  if (!record.ok()) return error_response(500, record.error().code, record.error().message);
  if (!*record) return error_response(404, "unknown_match", "no match " + std::to_string(id));
  const bool in_play = (*record)->match.status == "active" || (*record)->match.status == "pending";
  return json_response(200,
                       match_json(**record, in_play ? MatchDisclosure::kInPlay : MatchDisclosure::kFull));
}

HttpResponse RestApi::export_match(int64_t id) {
  Result<std::optional<db::MatchRecord>> record = store_.match(id);
  if (!record.ok()) return error_response(500, record.error().code, record.error().message);
  if (!*record) return error_response(404, "unknown_match", "no match " + std::to_string(id));
  if ((*record)->match.status == "active" || (*record)->match.status == "pending") {
    return error_response(409, "match_in_progress", "match " + std::to_string(id) + " is still being played");
  }
  Result<ExportText> text = match_export(**record, false);
  if (!text.ok()) return error_response(500, text.error().code, text.error().message);
  HttpResponse r;
  r.content_type = text->content_type;
  r.body = text->text;
  r.headers.emplace_back("Content-Disposition", "inline; filename=\"match-" + std::to_string(id) + "." +
                                                    (text->format == "json" ? "json" : "txt") + "\"");
  r.headers.emplace_back("X-Arena-Format", text->format);
  return r;
}

HttpResponse RestApi::match_views(int64_t id, const std::map<std::string, std::string>& query) {
  Result<std::optional<db::MatchRecord>> record = store_.match(id);
  if (!record.ok()) return error_response(500, record.error().code, record.error().message);
  if (!*record) return error_response(404, "unknown_match", "no match " + std::to_string(id));
  if ((*record)->match.status == "active" || (*record)->match.status == "pending") {
    return error_response(409, "match_in_progress", "match " + std::to_string(id) + " is still being played");
  }
  Player viewer = kSpectator;
  std::string viewer_name = "spectator";
  if (auto it = query.find("viewer"); it != query.end() && it->second != "spectator") {
    int seat = -1;
    auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), seat);
    if (ec != std::errc() || end != it->second.data() + it->second.size() || seat < 0 ||
        seat >= static_cast<int>((*record)->seats.size())) {
      return error_response(
          400, "bad_request",
          "viewer is 'spectator' or a seat from 0 to " + std::to_string((*record)->seats.size() - 1));
    }
    viewer = seat;
    viewer_name = std::to_string(seat);
  }
  Result<Json> views = arena::match_views(**record, viewer);
  if (!views.ok()) return error_response(500, views.error().code, views.error().message);
  return json_response(200, match_views_json(id, viewer_name, *views));
}

// A person's or bot's new name and token (stored as its hash only).
Result<PlayerIdentity> RestApi::register_player(const HttpRequest& request, db::PlayerKind kind) {
  std::optional<Json> body = parse_json(request.body);
  if (!body || !body->is_object() || !(*body)["name"].is_string()) {
    return make_error("bad_request", kind == db::PlayerKind::kBot ? "send {\"name\": \"my-bot\"}"
                                                                  : "send {\"name\": \"your name\"}");
  }
  const std::string name = (*body)["name"].get<std::string>();
  if (!valid_player_name(name)) return make_error("bad_request", kNameRule);
  Result<std::optional<db::PlayerRow>> existing = store_.find_player(name);
  if (!existing.ok()) return existing.error();
  if (*existing) return make_error("conflict", "the name '" + name + "' is taken");
  Result<int64_t> id = db::wait([&](db::Store::DoneId d) { store_.ensure_player(name, kind, "", d); });
  if (!id.ok()) return id.error();
  return PlayerIdentity{*id, name, db::to_string(kind), false};
}

Result<std::string> RestApi::new_token(int64_t player_id) {
  const std::string token = random_token();
  Result<int64_t> stored =
      db::wait([&](db::Store::DoneId d) { store_.add_token(player_id, sha256_hex(token), "play", d); });
  if (!stored.ok()) return stored.error();
  return token;
}

HttpResponse RestApi::register_human(const HttpRequest& request) {
  Result<PlayerIdentity> who = register_player(request, db::PlayerKind::kHuman);
  if (!who.ok()) return error_response(status_for(who.error().code), who.error().code, who.error().message);
  Result<std::string> token = new_token(who->id);
  if (!token.ok()) return error_response(500, token.error().code, token.error().message);
  HttpResponse r = json_response(201, human_registered_json(*who, *token));
  r.headers.emplace_back("Set-Cookie", set_cookie_header(kSessionCookie, *token));
  return r;
}

HttpResponse RestApi::sign_in(const HttpRequest& request) {
  std::optional<Json> body = parse_json(request.body);
  if (!body || !body->is_object() || !(*body)["token"].is_string()) {
    return error_response(400, "bad_request", "send {\"token\": \"...\"}");
  }
  const std::string token = (*body)["token"].get<std::string>();
  Result<std::optional<PlayerIdentity>> who = token_player(store_, token);
  if (!who.ok()) return error_response(500, who.error().code, who.error().message);
  if (!*who) return error_response(401, "unauthorized", "unknown or revoked token");
  HttpResponse r = json_response(200, identity_json(**who));
  r.headers.emplace_back("Set-Cookie", set_cookie_header(kSessionCookie, token));
  return r;
}

HttpResponse RestApi::sign_out() {
  HttpResponse r = json_response(200, signed_out_json());
  r.headers.emplace_back("Set-Cookie", clear_cookie_header(kSessionCookie));
  return r;
}

HttpResponse RestApi::me(const HttpRequest& request) {
  Result<Identity> who = identify(store_, header(request, "authorization"), header(request, "cookie"), false);
  if (!who.ok()) return error_response(status_for(who.error().code), who.error().code, who.error().message);
  return json_response(200, identity_json(who->who));
}

HttpResponse RestApi::register_bot(const HttpRequest& request) {
  Result<PlayerIdentity> who = register_player(request, db::PlayerKind::kBot);
  if (!who.ok()) return error_response(status_for(who.error().code), who.error().code, who.error().message);
  Result<std::string> token = new_token(who->id);
  if (!token.ok()) return error_response(500, token.error().code, token.error().message);
  return json_response(201, bot_registered_json(*who, *token));
}

HttpResponse RestApi::challenge(const HttpRequest& request) {
  Result<Identity> id = identify(store_, header(request, "authorization"), header(request, "cookie"), false);
  if (!id.ok()) return error_response(status_for(id.error().code), id.error().code, id.error().message);
  if (id->who.guest) {
    return error_response(
        401, "unauthorized",
        "send 'Authorization: Bearer <token>' (POST /api/bots), or sign in (POST /api/humans)");
  }
  const PlayerIdentity& who = id->who;

  std::optional<Json> body = parse_json(request.body);
  if (!body || !body->is_object() || !(*body)["to"].is_string() || !(*body)["game"].is_string()) {
    return error_response(400, "bad_request",
                          "send {\"to\": \"random\", \"game\": \"kuhn_poker\", \"time_control\": "
                          "\"untimed\", \"rated\": true}");
  }
  Result<TimeControl> tc = TimeControl::parse(body->value("time_control", std::string("untimed")));
  if (!tc.ok()) return error_response(400, tc.error().code, tc.error().message);
  SeatRequest from;
  from.player_id = who.id;
  from.name = who.name;
  from.kind = db::player_kind_from_string(who.kind).value_or(db::PlayerKind::kBot);
  std::promise<Result<Arena::ChallengeOutcome>> done;
  arena_.challenge(from, (*body)["to"].get<std::string>(), (*body)["game"].get<std::string>(), *tc,
                   body->value("rated", true),
                   [&done](Result<Arena::ChallengeOutcome> r) { done.set_value(r); });
  Result<Arena::ChallengeOutcome> outcome = done.get_future().get();
  if (!outcome.ok())
    return error_response(status_for(outcome.error().code), outcome.error().code, outcome.error().message);
  return json_response(201, challenge_outcome_json(*outcome));
}

HttpResponse RestApi::metrics() {
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
