// Runs the `arena` binary as a user would and checks what it prints.
#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
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

// The per-match lines of `arena play` output (all but the summary), parsed.
std::vector<Json> match_lines(const std::string& out) {
  std::vector<Json> matches;
  for (const std::string& line : lines(out)) {
    std::optional<Json> j = parse_json(line);
    EXPECT_TRUE(j) << line;
    if (j && !j->contains("summary")) matches.push_back(*j);
  }
  return matches;
}

Json summary_of(const std::string& out) {
  std::optional<Json> j = parse_json(lines(out).back());
  EXPECT_TRUE(j && j->contains("summary")) << out;
  return j ? (*j)["summary"] : Json();
}

TEST(Cli, DuplicatePlaysEachDealTwiceWithSeatsSwappedAndTheSameCards) {
  // Two calling stations: the same cards give each seat the same result in both plays, so
  // every pair cancels exactly (it would not if the second play saw other cards).
  Output r =
      run_arena("play --game leduc_poker --agents always_call,always_call --games 30 --seed 4 --duplicate");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::vector<Json> m = match_lines(r.out);
  ASSERT_EQ(m.size(), 60u);
  bool decided = false;
  for (int i = 0; i < 60; i += 2) {
    EXPECT_EQ(m[i]["deal"], i / 2);
    EXPECT_EQ(m[i + 1]["deal"], i / 2);
    EXPECT_EQ(m[i]["seed"], m[i + 1]["seed"]);
    EXPECT_EQ(m[i]["returns"], m[i + 1]["returns"]) << i;
    decided |= m[i]["returns"][0] != 0.0;
  }
  EXPECT_TRUE(decided) << "some showdowns have a winner";
  Json summary = summary_of(r.out);
  EXPECT_EQ(summary["matches"], 60);
  EXPECT_EQ(summary["deals"], 30);
  EXPECT_EQ(summary["duplicate"], true);
  EXPECT_EQ(summary["big_blind"], 1.0);
  for (const Json& agent : summary["agents"]) {
    EXPECT_EQ(agent["mean_return"], 0.0);
    EXPECT_EQ(agent["mean_return_95"], Json::array({0.0, 0.0}));
    EXPECT_EQ(agent["mbb_per_hand"], 0.0);
  }

  // Rules against random: the interval over the pairs, and mbb/hand in thousandths of
  // Leduc's ante. The rule player wins clearly.
  r = run_arena("play --game leduc_poker --agents rules,random --games 300 --seed 5 --duplicate");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  m = match_lines(r.out);
  ASSERT_EQ(m.size(), 600u);
  double total = 0;
  for (int i = 0; i < 600; ++i) {
    EXPECT_EQ(m[i]["agents"][i % 2], "rules");  // seats swap within each pair
    total += m[i]["returns"][i % 2].get<double>();
  }
  summary = summary_of(r.out);
  const Json& rules = summary["agents"][0];
  const double mean = rules["mean_return"];
  EXPECT_NEAR(mean, total / 600, 1e-9);
  const double low = rules["mean_return_95"][0], high = rules["mean_return_95"][1];
  EXPECT_LT(low, mean);
  EXPECT_GT(high, mean);
  EXPECT_NEAR(mean - low, high - mean, 1e-9);
  EXPECT_GT(low, 0.3) << r.out;
  EXPECT_NEAR(rules["mbb_per_hand"].get<double>(), 1000 * mean, 1e-6);
  EXPECT_NEAR(rules["mbb_per_hand_95"][0].get<double>(), 1000 * low, 1e-6);
  EXPECT_NEAR(rules["mbb_per_hand_95"][1].get<double>(), 1000 * high, 1e-6);
  EXPECT_NEAR(summary["agents"][1]["mean_return"].get<double>(), -mean, 1e-9) << "zero-sum";

  // A game without a big blind has the interval but no mbb/hand.
  r = run_arena("play --game connect_four --agents random,random --games 3 --duplicate");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  summary = summary_of(r.out);
  EXPECT_FALSE(summary.contains("big_blind"));
  EXPECT_TRUE(summary["agents"][0].contains("mean_return_95"));
  EXPECT_FALSE(summary["agents"][0].contains("mbb_per_hand"));

  // Without --duplicate the summary is as before.
  r = run_arena("play --game leduc_poker --agents rules,random --games 4");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_FALSE(summary_of(r.out)["agents"][0].contains("mean_return_95"));
}

TEST(Cli, DuplicateNeedsTwoSeats) {
  // No registered game has three seats; a one-seat puzzle is refused the same way.
  Output r = run_arena("play --game game24 --agents random --duplicate");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--duplicate plays two-player games (the seats swap); game24 has 1 seat"),
            std::string::npos)
      << r.out;
  r = run_arena("play --game kuhn_poker --agents rules,random --duplicate");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("the rules agent plays games whose family provides a rule-based player"),
            std::string::npos)
      << r.out;
  r = run_arena("play --game chess --agents always_call,random");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("always_call plays games whose decisions are named call or check (poker), not chess"),
            std::string::npos)
      << r.out;
}

TEST(Cli, DuplicateRecordsBothPlaysWithTheSameDeal) {
  TempDb db;
  Output r = run_arena("play --game leduc_poker --agents rules,random --games 4 --seed 9 --duplicate --db " +
                       db.path());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::vector<Json> m = match_lines(r.out);
  ASSERT_EQ(m.size(), 8u);
  for (int i = 0; i < 8; i += 2) {
    ASSERT_TRUE(m[i].contains("id") && m[i + 1].contains("id")) << m[i];
    EXPECT_NE(m[i]["id"], m[i + 1]["id"]);
    std::vector<std::vector<Json>> chance(2);
    for (int k = 0; k < 2; ++k) {
      Output e = run_arena("export --json --match " + std::to_string(m[i + k]["id"].get<int64_t>()) +
                           " --db " + db.path());
      ASSERT_EQ(e.exit_code, 0) << e.out;
      std::optional<Json> record = parse_json(e.out);
      ASSERT_TRUE(record) << e.out;
      EXPECT_EQ((*record)["seed"], m[i]["seed"]);
      for (const Json& move : (*record)["moves"]) {
        if (move["seat"] == -1) chance[k].push_back(move["action"]);
      }
    }
    // The private cards always; the public card where both plays reached it.
    ASSERT_GE(chance[0].size(), 2u);
    ASSERT_GE(chance[1].size(), 2u);
    const size_t both = std::min(chance[0].size(), chance[1].size());
    for (size_t c = 0; c < both; ++c) EXPECT_EQ(chance[0][c], chance[1][c]) << "deal " << i / 2;
  }
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
