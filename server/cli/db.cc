// `arena db copy`: moving an arena between databases (an SQLite file and PostgreSQL).
#include <iomanip>
#include <iostream>
#include <sstream>

#include "core/args.h"
#include "db/copy.h"
#include "db/sql_store.h"
#include "server/arena/leaderboard.h"
#include "server/cli/commands.h"
#include "server/cli/open_store.h"

namespace arena::cli {
namespace {

// Every rating group's Bradley-Terry fit (no bootstrap: deterministic) and live ratings,
// as text to compare: the same matches must give the same ratings.
Result<std::string> ratings_fingerprint(db::Store& store) {
  Result<std::vector<db::RatingRow>> live = store.ratings("");
  if (!live.ok()) return live.error();
  std::ostringstream out;
  out << std::setprecision(17);
  std::vector<std::string> groups;
  for (const db::RatingRow& r : *live) {
    out << "live " << r.game << " " << r.player_name << " " << r.rating << " " << r.deviation << " "
        << r.volatility << " " << r.games << "\n";
    if (groups.empty() || groups.back() != r.game) groups.push_back(r.game);
  }
  for (const std::string& group : groups) {
    Result<Leaderboard> board = compute_leaderboard(store, group, /*bootstrap_samples=*/0);
    if (!board.ok()) return board.error();
    out << "fit " << group << " " << board->matches << "\n";
    for (const LeaderboardEntry& e : board->entries)
      out << "  " << e.name << " " << e.rating << " " << e.games << "\n";
  }
  return out.str();
}

int copy(const std::vector<std::string>& argv) {
  std::string from, to;
  Options options("db copy",
                  "Copies an arena from one database to another (an SQLite file or a postgresql:// URL; the\n"
                  "target is created and must be empty), then checks it: the same rows in every table and\n"
                  "the same ratings recomputed from the copied matches.");
  options.text("from", &from, "the arena's database (SQLite file or postgresql:// URL)")
      .required()
      .text("to", &to, "a new, empty database (SQLite file or postgresql:// URL)")
      .required();
  if (std::optional<int> code = options.parse(argv)) return *code;
  if (from == to) return options.usage_error("--from and --to name the same database");

  // Opening each as a store brings it to the latest schema.
  Result<std::unique_ptr<db::SqlStore>> source = open_existing_store(from, "nothing to copy");
  if (!source.ok()) {
    std::cerr << "arena db copy: " << source.error().message << "\n";
    return 1;
  }
  Result<std::unique_ptr<db::SqlStore>> target = db::SqlStore::open(to);
  if (!target.ok()) {
    std::cerr << "arena db copy: " << target.error().message << "\n";
    return 1;
  }
  Result<std::unique_ptr<db::Connection>> from_db = db::connect(from);
  Result<std::unique_ptr<db::Connection>> to_db = from_db.ok() ? db::connect(to) : from_db.error();
  if (!to_db.ok()) {
    std::cerr << "arena db copy: " << to_db.error().message << "\n";
    return 1;
  }
  Result<std::vector<db::TableCount>> copied = db::copy_database(**from_db, **to_db);
  if (!copied.ok()) {
    std::cerr << "arena db copy: " << copied.error().message << "\n";
    return 1;
  }

  // The check: rows per table on both sides, then the ratings from each side's matches.
  Result<std::vector<db::TableCount>> in_from = db::count_rows(**from_db);
  Result<std::vector<db::TableCount>> in_to = in_from.ok() ? db::count_rows(**to_db) : in_from.error();
  if (!in_to.ok()) {
    std::cerr << "arena db copy: counting rows: " << in_to.error().message << "\n";
    return 1;
  }
  bool same = true;
  std::cout << std::left << std::setw(16) << "table" << std::right << std::setw(10) << "source"
            << std::setw(10) << "target"
            << "\n";
  for (size_t i = 0; i < in_to->size(); ++i) {
    const bool equal = (*in_from)[i].rows == (*in_to)[i].rows;
    same = same && equal;
    std::cout << std::left << std::setw(16) << (*in_to)[i].table << std::right << std::setw(10)
              << (*in_from)[i].rows << std::setw(10) << (*in_to)[i].rows << (equal ? "" : "  DIFFERENT")
              << "\n";
  }
  Result<std::string> before = ratings_fingerprint(**source);
  Result<std::string> after = before.ok() ? ratings_fingerprint(**target) : before.error();
  if (!after.ok()) {
    std::cerr << "arena db copy: recomputing ratings: " << after.error().message << "\n";
    return 1;
  }
  const bool ratings_same = *before == *after;
  std::cout << "ratings recomputed from the copied matches: " << (ratings_same ? "the same" : "DIFFERENT")
            << "\n";
  if (!same || !ratings_same) {
    std::cerr << "arena db copy: the copy differs from the source (see above)\n";
    return 1;
  }
  std::cout << "copied " << from << " to " << to << "\n";
  return 0;
}

}  // namespace

int run_db(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout
        << "usage: arena db copy --from <db> --to <db>\n\n"
           "  copy   copy an arena into a new database (SQLite file or postgresql:// URL) and check it\n";
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "copy") return copy({args.begin() + 1, args.end()});
  std::cerr << "arena db: unknown tool '" << args[0] << "' (arena db copy)\n";
  return 2;
}

}  // namespace arena::cli
