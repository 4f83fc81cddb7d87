// Runs the `arena` binary as a user would and checks what it prints.
#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdio>
#include <set>
#include <sstream>

#include "core/json.h"
#include "tests/cli/run_arena.h"

namespace arena {
namespace {

using testing::lines;
using testing::Output;
using testing::run_arena;

TEST(Cli, GamesListsEveryGameAsJson) {
  Output r = run_arena("games");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::optional<Json> j = parse_json(r.out);
  ASSERT_TRUE(j && j->is_array()) << r.out;
  std::set<std::string> names;
  for (const Json& g : *j) {
    names.insert(g["name"].get<std::string>());
    for (const char* key : {"parameters", "players", "perfect_information", "chance", "simultaneous",
                            "num_distinct_actions", "observation_shape", "description"}) {
      EXPECT_TRUE(g.contains(key)) << g["name"] << " lacks " << key;
    }
  }
  EXPECT_TRUE(names.count("kuhn_poker"));
  EXPECT_TRUE(names.count("game24"));
}

TEST(Cli, PlayPrintsOneLinePerMatchAndASummary) {
  Output r = run_arena("play --game kuhn_poker --agents random,random --games 20 --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::vector<std::string> out = lines(r.out);
  ASSERT_EQ(out.size(), 21u);
  double total0 = 0;
  for (int i = 0; i < 20; ++i) {
    std::optional<Json> m = parse_json(out[i]);
    ASSERT_TRUE(m) << out[i];
    EXPECT_EQ((*m)["match"], i);
    EXPECT_EQ((*m)["game"], "kuhn_poker");
    const std::vector<double> returns = (*m)["returns"];
    ASSERT_EQ(returns.size(), 2u);
    EXPECT_EQ(returns[0] + returns[1], 0.0);
    // Seats alternate, so the first agent's return is returns[i % 2].
    total0 += returns[i % 2];
    EXPECT_GE((*m)["length"].get<int>(), 4);
  }
  std::optional<Json> summary = parse_json(out[20]);
  ASSERT_TRUE(summary && summary->contains("summary")) << out[20];
  const Json& first = (*summary)["summary"]["agents"][0];
  EXPECT_NEAR(first["mean_return"].get<double>(), total0 / 20, 1e-9);
  EXPECT_EQ(first["wins"].get<int>() + first["losses"].get<int>() + first["draws"].get<int>(), 20);
  // The same seed plays the same matches.
  EXPECT_EQ(run_arena("play --game kuhn_poker --agents random,random --games 20 --seed 3").out, r.out);
}

TEST(Cli, PlaysAOnePlayerPuzzle) {
  Output r = run_arena("play --game 'game24(puzzle=1)' --agents random --games 5");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(lines(r.out).size(), 6u);

  // The solver solves every ranked puzzle; the summary gives the solved rate and its interval.
  r = run_arena("play --game game24 --agents solver --games 12");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::vector<std::string> out = lines(r.out);
  ASSERT_EQ(out.size(), 13u) << r.out;
  std::optional<Json> summary = parse_json(out.back());
  ASSERT_TRUE(summary) << out.back();
  const Json& solver = (*summary)["summary"]["agents"][0];
  EXPECT_EQ(solver["solved"], 12);
  EXPECT_EQ(solver["solved_rate"], 1.0);
  EXPECT_NEAR(solver["solved_rate_95"][0].get<double>(), 0.7575, 1e-3);
  EXPECT_FALSE(solver.contains("wins")) << "a puzzle has no one to beat";

  // The solver plays only games that have one.
  r = run_arena("play --game kuhn_poker --agents solver,random --games 1");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("the solver plays puzzles with an exact solver"), std::string::npos) << r.out;
}

// A database file of the test's own, removed afterwards.
class TempDb {
 public:
  TempDb() : path_(std::string(::testing::TempDir()) + "cli_test_" + std::to_string(::getpid()) + ".db") {
    remove();
  }
  ~TempDb() { remove(); }
  const std::string& path() const { return path_; }

 private:
  void remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }
  std::string path_;
};

TEST(Cli, RecordedPlayThenRatingsAndExport) {
  TempDb db;
  Output r = run_arena("play --game kuhn_poker --agents random,random --games 40 --seed 2 --db " + db.path());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::vector<std::string> out = lines(r.out);
  ASSERT_EQ(out.size(), 41u);
  std::optional<Json> first = parse_json(out[0]);
  ASSERT_TRUE(first && first->contains("id")) << out[0];
  const int64_t id = (*first)["id"];

  r = run_arena("play --game game24 --agents random --games 20 --db " + db.path());
  ASSERT_EQ(r.exit_code, 0) << r.out;

  r = run_arena("ratings --game kuhn_poker --bootstrap 50 --db " + db.path());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("kuhn_poker: 40 rated matches"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("random = 0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("95% interval"), std::string::npos) << r.out;

  // Puzzles are rated as the solver's opponents: the table lists them with intervals.
  r = run_arena("ratings --game game24 --json --bootstrap 50 --db " + db.path());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::optional<Json> table = parse_json(r.out);
  ASSERT_TRUE(table) << r.out;
  EXPECT_EQ((*table)["matches"], 20);
  EXPECT_EQ((*table)["anchor"], "random");
  bool puzzle_rows = false;
  for (const Json& row : (*table)["players"]) {
    EXPECT_LE(row["low"].get<double>(), row["high"].get<double>());
    if (row["kind"] == "puzzle") puzzle_rows = true;
    if (row["name"] == "random") {
      EXPECT_EQ(row["elo"].get<double>(), 0.0);
    }
  }
  EXPECT_TRUE(puzzle_rows);

  // A family's name answers with its games' rating groups, never an empty table (random
  // against itself in Kuhn poker rates nobody).
  r = run_arena("ratings --game math --db " + db.path());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("math is a game family; its rating groups with ratings: game24"), std::string::npos)
      << r.out;
  r = run_arena("ratings --game poker --db " + db.path());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("poker is a game family; its rating groups with ratings: none yet"), std::string::npos)
      << r.out;
  r = run_arena("ratings --game checkers --db " + db.path());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("unknown game 'checkers'"), std::string::npos) << r.out;

  r = run_arena("export --match " + std::to_string(id) + " --db " + db.path());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("Arena Kuhn poker hand #" + std::to_string(id)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("*** SUMMARY ***"), std::string::npos) << r.out;
  r = run_arena("export --json --match " + std::to_string(id) + " --db " + db.path());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::optional<Json> record = parse_json(r.out);
  ASSERT_TRUE(record) << r.out;
  EXPECT_EQ((*record)["status"], "finished");
  EXPECT_EQ((*record)["moves"].size(), (*first)["length"].get<size_t>());

  r = run_arena("export --match 99999 --db " + db.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no match 99999"), std::string::npos) << r.out;
}

TEST(Cli, ReadingAMissingOrBrokenDatabaseIsAnError) {
  TempDb db;
  Output r = run_arena("ratings --game kuhn_poker --db " + db.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no database"), std::string::npos) << r.out;
  {
    std::FILE* f = std::fopen(db.path().c_str(), "wb");
    std::fputs("this is not a database, just text long enough to fill a header page......", f);
    std::fclose(f);
  }
  r = run_arena("ratings --game kuhn_poker --db " + db.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("arena ratings:"), std::string::npos) << r.out;
}

TEST(Cli, BadInputGivesAClearErrorAndExitCode) {
  Output r = run_arena("play --game chess2 --agents random,random");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("unknown game 'chess2'"), std::string::npos) << r.out;
  r = run_arena("play --game kuhn_poker --agents random");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("has 2 seats"), std::string::npos) << r.out;
  r = run_arena("play --game kuhn_poker --agents random,random --games lots");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("expects an integer"), std::string::npos) << r.out;
  r = run_arena("play --colour red");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("unknown option '--colour'"), std::string::npos) << r.out;
  r = run_arena("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("unknown command"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace arena
