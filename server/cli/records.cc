// `arena ratings` and `arena export`: reading the store.
#include <cstdio>
#include <iostream>

#include "core/args.h"
#include "db/sql_store.h"
#include "games/registry.h"
#include "server/arena/leaderboard.h"
#include "server/arena/ratings/glicko2.h"
#include "server/cli/commands.h"
#include "server/cli/open_store.h"
#include "server/net/wire.h"

namespace arena::cli {
int run_ratings(const std::vector<std::string>& argv) {
  std::string game, db = "arena.db";
  int64_t bootstrap = 200;
  bool json = false;
  Options options(
      "ratings",
      "Prints the ratings of one game: a Bradley-Terry fit over every rated match with 95% bootstrap\n"
      "intervals, anchored so that the random agent is 0, beside the live Glicko-2 rating.");
  options
      .text("game", &game,
            "game spec (its rating group, e.g. kuhn_poker or go(size=9)), or a game's or family's name")
      .required()
      .text("db", &db, "SQLite file")
      .integer("bootstrap", &bootstrap, "bootstrap resamples for the intervals", 0)
      .flag("json", &json, "print JSON instead of a table");
  if (std::optional<int> code = options.parse(argv)) return *code;
  Result<std::unique_ptr<db::SqlStore>> store =
      open_existing_store(db, "record matches with arena play --db");
  if (!store.ok()) {
    std::cerr << "arena ratings: " << store.error().message << "\n";
    return 1;
  }
  // A spec names its rating group ("game24(puzzle=3)" is rated in "game24"); a game's or
  // family's name whose own group is empty names the groups that have ratings.
  Result<RatingGroupQuery> query = resolve_rating_group(**store, game);
  if (!query.ok()) {
    std::cerr << "arena ratings: " << query.error().message << "\n";
    return query.error().code == "bad_spec" ? 2 : 1;
  }
  std::string related;
  for (const std::string& g : query->related) related += (related.empty() ? "" : ", ") + g;
  if (query->group.empty()) {
    std::cout << game << " is a game family; its rating groups with ratings: "
              << (related.empty() ? "none yet" : related) << "\npass one with --game\n";
    return 0;
  }
  const std::string& group = query->group;
  Result<Leaderboard> board = compute_leaderboard(**store, group, static_cast<int>(bootstrap));
  if (!board.ok()) {
    std::cerr << "arena ratings: " << board.error().message << "\n";
    return 1;
  }
  if (json) {
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
      board->game.c_str(), board->matches, static_cast<long long>(bootstrap),
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
  int64_t id = 0;
  std::string db = "arena.db";
  bool json = false;
  Options options(
      "export",
      "Prints a stored match in its game's standard format (PGN, SGF, hand history, puzzle steps), or JSON.");
  options.integer("match", &id, "match id (arena play --db prints each match's)", 1)
      .required()
      .text("db", &db, "SQLite file")
      .flag("json", &json, "the whole record as JSON");
  if (std::optional<int> code = options.parse(argv)) return *code;
  Result<std::unique_ptr<db::SqlStore>> store =
      open_existing_store(db, "record matches with arena play --db");
  if (!store.ok()) {
    std::cerr << "arena export: " << store.error().message << "\n";
    return 1;
  }
  Result<std::optional<db::MatchRecord>> record = (*store)->match(id);
  if (!record.ok()) {
    std::cerr << "arena export: " << record.error().message << "\n";
    return 1;
  }
  if (!*record) {
    std::cerr << "arena export: no match " << id << "\n";
    return 1;
  }
  Result<ExportText> text = net::match_export(**record, json);
  if (!text.ok()) {
    std::cerr << "arena export: match " << id << ": " << text.error().message << "\n";
    return 1;
  }
  std::cout << text->text;
  return 0;
}

}  // namespace arena::cli
