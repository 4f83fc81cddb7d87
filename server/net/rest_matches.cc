// REST: stored matches: pages of them, one match with its moves, its export in the game's
// format, and its views move by move (replays).
#include <charconv>

#include "server/arena/export.h"
#include "server/net/rest.h"
#include "server/net/rest_internal.h"
#include "server/net/wire.h"

namespace arena::net {
namespace {

constexpr int kMaxPage = 200;

bool in_play(const db::MatchRecord& record) {
  return record.match.status == "active" || record.match.status == "pending";
}

// Reads match `id`; without one, `refusal` says why (the store failed, or there is no such match).
std::optional<db::MatchRecord> read_match(db::Store& store, int64_t id, HttpResponse& refusal) {
  Result<std::optional<db::MatchRecord>> record = store.match(id);
  if (!record.ok()) {
    refusal = error_response(500, record.error());
    return std::nullopt;
  }
  if (!*record) refusal = error_response(404, "unknown_match", "no match " + std::to_string(id));
  return std::move(record).value();
}

// An ended match, for the routes that show what a match in play keeps to itself.
std::optional<db::MatchRecord> read_ended_match(db::Store& store, int64_t id, HttpResponse& refusal) {
  std::optional<db::MatchRecord> record = read_match(store, id, refusal);
  if (record && in_play(*record)) {
    refusal =
        error_response(409, "match_in_progress", "match " + std::to_string(id) + " is still being played");
    return std::nullopt;
  }
  return record;
}

}  // namespace

HttpResponse RestApi::matches(const Call& call) {
  db::MatchFilter f;
  auto get = [&](const char* key) {
    auto it = call.query.find(key);
    return it == call.query.end() ? std::string() : it->second;
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
    auto id = rest::to_id(v);
    if (!id) return error_response(400, "bad_request", std::string(key) + " is a positive integer");
    *target = *id;
  }
  if (const std::string v = get("limit"); !v.empty()) {
    auto n = rest::to_id(v);
    if (!n || *n > kMaxPage)
      return error_response(400, "bad_request", "limit is from 1 to " + std::to_string(kMaxPage));
    f.limit = static_cast<int>(*n);
  }
  Result<std::vector<db::MatchRow>> rows = store_.matches(f);
  if (!rows.ok()) return error_response(500, rows.error());
  // A full page may have more behind it.
  std::optional<int64_t> next_before;
  if (static_cast<int>(rows->size()) == f.limit && !rows->empty()) next_before = rows->back().id;
  return rest::json_response(200, matches_page_json(*rows, next_before));
}

HttpResponse RestApi::match(const Call& call) {
  HttpResponse refusal;
  std::optional<db::MatchRecord> record = read_match(store_, call.id, refusal);
  if (!record) return refusal;
  const MatchDisclosure disclosure = in_play(*record) ? MatchDisclosure::kInPlay : MatchDisclosure::kFull;
  return rest::json_response(200, match_json(*record, disclosure));
}

HttpResponse RestApi::export_match(const Call& call) {
  HttpResponse refusal;
  std::optional<db::MatchRecord> record = read_ended_match(store_, call.id, refusal);
  if (!record) return refusal;
  Result<ExportText> text = match_export(*record, false);
  if (!text.ok()) return error_response(500, text.error());
  HttpResponse r;
  r.content_type = text->content_type;
  r.body = text->text;
  r.headers.emplace_back("Content-Disposition", "inline; filename=\"match-" + std::to_string(call.id) + "." +
                                                    (text->format == "json" ? "json" : "txt") + "\"");
  r.headers.emplace_back("X-Arena-Format", text->format);
  return r;
}

HttpResponse RestApi::match_views(const Call& call) {
  HttpResponse refusal;
  std::optional<db::MatchRecord> record = read_ended_match(store_, call.id, refusal);
  if (!record) return refusal;
  Player viewer = kSpectator;
  std::string viewer_name = "spectator";
  if (auto it = call.query.find("viewer"); it != call.query.end() && it->second != "spectator") {
    int seat = -1;
    auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), seat);
    if (ec != std::errc() || end != it->second.data() + it->second.size() || seat < 0 ||
        seat >= static_cast<int>(record->seats.size())) {
      return error_response(
          400, "bad_request",
          "viewer is 'spectator' or a seat from 0 to " + std::to_string(record->seats.size() - 1));
    }
    viewer = seat;
    viewer_name = std::to_string(seat);
  }
  Result<Json> views = arena::match_views(*record, viewer);
  if (!views.ok()) return error_response(500, views.error());
  return rest::json_response(200, match_views_json(call.id, viewer_name, *views));
}

}  // namespace arena::net
