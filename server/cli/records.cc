// `arena ratings` and `arena export`: reading the store.
#include <cstdio>
#include <iostream>

#include "core/args.h"
#include "db/sqlite_store.h"
#include "games/registry.h"
#include "server/arena/leaderboard.h"
#include "server/arena/ratings/glicko2.h"
#include "server/cli/commands.h"
#include "server/cli/open_store.h"
#include "server/net/wire.h"

namespace arena::cli {
int run_ratings(const std::vector<std::string>& argv) {
  auto parsed = parse_command(
      "ratings",
      "Prints the ratings of one game: a Bradley-Terry fit over every rated match with 95% bootstrap\n"
      "intervals, anchored so that the random agent is 0, beside the live Glicko-2 rating.",
      argv,
      {{"game", true, "game (its rating group, e.g. kuhn_poker or game24) (required)"},
       {"db", true, "SQLite file (default ./arena.db)"},
       {"bootstrap", true, "bootstrap resamples for the intervals (default 200)"},
       {"json", false, "print JSON instead of a table"}});
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  if (!args.has("game")) {
    std::cerr << "arena ratings: --game is required\n";
    return 2;
  }
  Result<int64_t> bootstrap = args.get_int("bootstrap", 200);
  if (!bootstrap.ok() || *bootstrap < 0) {
    std::cerr << "arena ratings: --bootstrap expects a non-negative integer\n";
    return 2;
  }
  Result<std::unique_ptr<db::SqliteStore>> store =
      open_existing_store(args.get("db", "arena.db"), "record matches with arena play --db");
  if (!store.ok()) {
    std::cerr << "arena ratings: " << store.error().message << "\n";
    return 1;
  }
  // A spec names its rating group ("game24(puzzle=3)" is rated in "game24"); a game's or
  // family's name whose own group is empty names the groups that have ratings.
  Result<RatingGroupQuery> query = resolve_rating_group(**store, args.get("game"));
  if (!query.ok()) {
    std::cerr << "arena ratings: " << query.error().message << "\n";
    return query.error().code == "bad_spec" ? 2 : 1;
  }
  std::string related;
  for (const std::string& g : query->related) related += (related.empty() ? "" : ", ") + g;
  if (query->group.empty()) {
    std::cout << args.get("game") << " is a game family; its rating groups with ratings: "
              << (related.empty() ? "none yet" : related) << "\npass one with --game\n";
    return 0;
  }
  const std::string& group = query->group;
  Result<Leaderboard> board = compute_leaderboard(**store, group, static_cast<int>(*bootstrap));
  if (!board.ok()) {
    std::cerr << "arena ratings: " << board.error().message << "\n";
    return 1;
  }
  if (args.has("json")) {
    Json rows = Json::array();
    for (const LeaderboardEntry& e : board->entries) {
      Json row = {{"player_id", e.player_id}, {"name", e.name},  {"kind", db::to_string(e.kind)},
                  {"elo", e.rating},          {"low", e.low},    {"high", e.high},
                  {"games", e.games},         {"score", e.score}};
      if (e.live) {
        row["live"] = {
            {"elo", e.live->rating},
            {"deviation", e.live->deviation},
            {"games", e.live->games},
            {"provisional", is_provisional({e.live->rating, e.live->deviation, e.live->volatility})}};
      }
      rows.push_back(row);
    }
    std::cout << Json{{"game", board->game},
                      {"related_groups", query->related},
                      {"anchor", board->anchor},
                      {"matches", board->matches},
                      {"players", rows}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::printf(
      "%s: %d rated matches; Bradley-Terry Elo with 95%% bootstrap intervals (%lld resamples), %s = 0\n",
      board->game.c_str(), board->matches, static_cast<long long>(*bootstrap),
      board->anchor.empty() ? "nobody" : board->anchor.c_str());
  std::printf("%-28s %8s  %-19s %6s %6s  %s\n", "player", "elo", "95% interval", "games", "score",
              "live (Glicko-2)");
  for (const LeaderboardEntry& e : board->entries) {
    char interval[48];
    std::snprintf(interval, sizeof interval, "[%.0f, %.0f]", e.low, e.high);
    char live[48] = "-";
    if (e.live) {
      std::snprintf(
          live, sizeof live, "%.0f +/- %.0f%s", e.live->rating, 2 * e.live->deviation,
          is_provisional({e.live->rating, e.live->deviation, e.live->volatility}) ? " (provisional)" : "");
    }
    std::printf("%-28s %8.1f  %-19s %6d %6.3f  %s\n", e.name.c_str(), e.rating, interval, e.games, e.score,
                live);
  }
  if (board->entries.empty() && !related.empty()) {
    std::printf("no rated matches in %s; rating groups of %s with ratings: %s\n", group.c_str(),
                group.substr(0, group.find('(')).c_str(), related.c_str());
  }
  return 0;
}

int run_export(const std::vector<std::string>& argv) {
  auto parsed = parse_command(
      "export",
      "Prints a stored match in its game's standard format (PGN, SGF, hand history, puzzle steps), or JSON.",
      argv,
      {{"match", true, "match id (required)"},
       {"db", true, "SQLite file (default ./arena.db)"},
       {"json", false, "the whole record as JSON"}});
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  Result<int64_t> id = args.get_int("match", 0);
  if (!id.ok() || *id <= 0) {
    std::cerr << "arena export: --match expects a match id\n";
    return 2;
  }
  Result<std::unique_ptr<db::SqliteStore>> store =
      open_existing_store(args.get("db", "arena.db"), "record matches with arena play --db");
  if (!store.ok()) {
    std::cerr << "arena export: " << store.error().message << "\n";
    return 1;
  }
  Result<std::optional<db::MatchRecord>> record = (*store)->match(*id);
  if (!record.ok()) {
    std::cerr << "arena export: " << record.error().message << "\n";
    return 1;
  }
  if (!*record) {
    std::cerr << "arena export: no match " << *id << "\n";
    return 1;
  }
  Result<ExportText> text = net::match_export(**record, args.has("json"));
  if (!text.ok()) {
    std::cerr << "arena export: match " << *id << ": " << text.error().message << "\n";
    return 1;
  }
  std::cout << text->text;
  return 0;
}

}  // namespace arena::cli
