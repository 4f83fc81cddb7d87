// REST: the registered games, their leaderboards and the cross-game generalization report.
#include <charconv>

#include "games/registry.h"
#include "server/arena/generalization.h"
#include "server/arena/leaderboard.h"
#include "server/net/rest.h"
#include "server/net/rest_internal.h"
#include "server/net/wire.h"

namespace arena::net {
namespace {

constexpr int kLeaderboardBootstrap = 200;
constexpr int kMaxReportBootstrap = 2000;  // a request may not ask for minutes of fitting

}  // namespace

HttpResponse RestApi::games(const Call&) {
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
  return rest::json_response(200, games_json(listings));
}

HttpResponse RestApi::leaderboard(const Call& call) {
  auto it = call.query.find("game");
  if (it == call.query.end() || it->second.empty())
    return error_response(400, "bad_request", "?game= is required");
  Result<RatingGroupQuery> named = resolve_rating_group(store_, it->second);
  if (!named.ok()) return error_response(named.error().code == "bad_spec" ? 400u : 500u, named.error());
  const std::string& group = named->group;
  std::optional<db::PlayerKind> kind;
  if (auto k = call.query.find("kind"); k != call.query.end() && !k->second.empty()) {
    // Plural forms read naturally in a URL: ?kind=bots.
    std::string name = k->second;
    if (name.size() > 1 && name.back() == 's') name.pop_back();
    kind = db::player_kind_from_string(name);
    if (!kind) return error_response(400, "bad_request", "kind is one of human, bot, agent, engine, puzzle");
  }
  // A family's name names no group: it answers with its games' groups only.
  Result<Leaderboard> board = group.empty() ? Result<Leaderboard>(Leaderboard{})
                                            : compute_leaderboard(store_, group, kLeaderboardBootstrap);
  if (!board.ok()) return error_response(500, board.error());
  std::vector<db::RatingRow> live;
  if (!group.empty()) {
    Result<std::vector<db::RatingRow>> all = store_.ratings(group);
    if (!all.ok()) return error_response(500, all.error());
    live = std::move(all).value();
  }
  if (kind) {
    std::erase_if(board->entries, [&](const LeaderboardEntry& e) { return e.kind != *kind; });
    std::erase_if(live, [&](const db::RatingRow& r) { return r.player_kind != *kind; });
  }
  return rest::json_response(200, leaderboard_json(*named, *board, live, kLeaderboardBootstrap));
}

// GET /api/reports/generalization[?bootstrap=N]: like the leaderboard it reads the store and
// fits ratings, so it runs on a worker (as every handler does), never on a network thread.
HttpResponse RestApi::generalization_report(const Call& call) {
  int bootstrap = kLeaderboardBootstrap;
  if (auto it = call.query.find("bootstrap"); it != call.query.end()) {
    int v = -1;
    auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc() || end != it->second.data() + it->second.size() || v < 0 ||
        v > kMaxReportBootstrap) {
      return error_response(400, "bad_request",
                            "bootstrap is an integer from 0 to " + std::to_string(kMaxReportBootstrap));
    }
    bootstrap = v;
  }
  Result<GeneralizationReport> report = compute_generalization(store_, bootstrap);
  if (!report.ok()) return error_response(report.error());
  return rest::json_response(200, generalization_json(*report));
}

}  // namespace arena::net
