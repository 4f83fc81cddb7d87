// `arena puzzle export`: every stored puzzle attempt as step-labelled JSON lines
// (server/arena/PUZZLE_EXPORT.md). The puzzle families' own tools (`arena puzzle solve`)
// come from their folders; this one reads the store, which games may not.
#include <iostream>

#include "core/args.h"
#include "games/registry.h"
#include "server/arena/puzzle_export.h"
#include "server/cli/commands.h"
#include "server/cli/open_store.h"

namespace arena::cli {

int run_puzzle_export(const std::vector<std::string>& argv) {
  std::string db = "arena.db", format = "prm", game;
  Options options(
      "puzzle export",
      "Prints every finished attempt at a one-player puzzle in the database (by people, bots and\n"
      "agents) as one JSON line each: the problem, each step with its exact verdict and rating\n"
      "(+1, 0, -1), the final answer, in the shape of PRM800K's records (server/arena/PUZZLE_EXPORT.md).\n"
      "Oldest first. A count goes to stderr.");
  options.text("db", &db, "SQLite file")
      .text("format", &format, "prm (the only format)")
      .text("game", &game, "only this game's attempts (a rating group or spec, e.g. countdown); default all");
  if (std::optional<int> code = options.parse(argv)) return *code;
  if (format != "prm")
    return options.usage_error("unknown --format '" + format + "' (prm is the one there is)");
  Result<std::unique_ptr<db::SqlStore>> store =
      open_existing_store(db, "record matches with arena play --db");
  if (!store.ok()) {
    std::cerr << "arena puzzle export: " << store.error().message << "\n";
    return 1;
  }
  // Newest first by pages, then printed oldest first.
  std::vector<int64_t> ids;
  db::MatchFilter filter;
  filter.game = game;
  filter.status = "finished";
  filter.limit = 1000;
  for (;;) {
    Result<std::vector<db::MatchRow>> page = (*store)->matches(filter);
    if (!page.ok()) {
      std::cerr << "arena puzzle export: " << page.error().message << "\n";
      return 1;
    }
    for (const db::MatchRow& row : *page) {
      Result<std::shared_ptr<const Game>> g = make_game(row.game);
      if (g.ok() && (*g)->num_players() == 1) ids.push_back(row.id);
    }
    if (static_cast<int>(page->size()) < filter.limit) break;
    filter.before_id = page->back().id;
  }
  int written = 0, unreadable = 0;
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    Result<std::optional<db::MatchRecord>> record = (*store)->match(*it);
    Result<std::optional<PuzzleAttempt>> attempt = record.ok() && *record
                                                       ? puzzle_attempt(**record)
                                                       : Result<std::optional<PuzzleAttempt>>(std::nullopt);
    if (!record.ok() || !attempt.ok()) {
      std::cerr << "arena puzzle export: match " << *it << ": "
                << (record.ok() ? attempt.error().message : record.error().message) << "\n";
      ++unreadable;
      continue;
    }
    if (!*attempt) continue;
    std::cout << prm_json(**attempt).dump() << "\n";
    ++written;
  }
  std::cerr << "arena puzzle export: " << written << " attempts" << (unreadable ? ", " : "")
            << (unreadable ? std::to_string(unreadable) + " matches could not be replayed" : "") << "\n";
  return unreadable ? 1 : 0;
}

}  // namespace arena::cli
