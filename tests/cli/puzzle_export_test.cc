// `arena puzzle export --format prm`: recorded puzzle attempts come out as step-labelled
// JSON lines that read back, through the documented schema, to exactly the attempts the
// store holds, with the verifier's verdicts.
#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdio>
#include <sstream>

#include "db/sql_store.h"
#include "server/arena/puzzle_export.h"
#include "tests/cli/run_arena.h"

namespace arena {
namespace {

using testing::lines;
using testing::Output;
using testing::run_arena;

class PuzzleExport : public ::testing::Test {
 protected:
  void SetUp() override { remove_db(); }
  void TearDown() override { remove_db(); }
  void remove_db() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db_ + suffix).c_str());
  }
  std::string db_ = std::string(::testing::TempDir()) + "puzzle_export_" + std::to_string(::getpid()) + ".db";
};

TEST_F(PuzzleExport, AttemptsRoundTripThroughTheDocumentedSchema) {
  ASSERT_EQ(run_arena("play --game game24 --agents solver --games 6 --seed 4 --db " + db_).exit_code, 0);
  ASSERT_EQ(run_arena("play --game game24 --agents random --games 12 --seed 5 --db " + db_).exit_code, 0);
  // Two-player matches in the same database are not puzzle attempts.
  ASSERT_EQ(run_arena("play --game kuhn_poker --agents random,random --games 3 --db " + db_).exit_code, 0);

  // (run_arena reads stdout and stderr together: the count on stderr comes last.)
  Output r = run_arena("puzzle export --format prm --db " + db_);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::vector<std::string> out = lines(r.out);
  ASSERT_EQ(out.size(), 19u) << r.out;
  EXPECT_EQ(out.back(), "arena puzzle export: 18 attempts");
  out.pop_back();

  Result<std::unique_ptr<db::SqlStore>> store = db::SqlStore::open(db_);
  ASSERT_TRUE(store.ok());
  int solver_solves = 0, dead_ends = 0;
  int64_t previous_id = 0;
  for (const std::string& line : out) {
    std::optional<Json> j = parse_json(line);
    ASSERT_TRUE(j) << line;
    EXPECT_EQ((*j)["labeler"], "arena-verifier");
    Result<PuzzleAttempt> read = attempt_from_prm_json(*j);
    ASSERT_TRUE(read.ok()) << read.error().message << "\n" << line;
    EXPECT_GT(read->match_id, previous_id) << "oldest first";
    previous_id = read->match_id;

    // The line is the stored attempt, field for field.
    Result<std::optional<db::MatchRecord>> record = (*store)->match(read->match_id);
    ASSERT_TRUE(record.ok() && *record);
    Result<std::optional<PuzzleAttempt>> stored = puzzle_attempt(**record);
    ASSERT_TRUE(stored.ok() && *stored);
    EXPECT_EQ(*read, **stored);
    EXPECT_EQ(prm_json(*read), *j);

    // One labelled step per decision (the deal is not one), rated by the verifier.
    int decisions = 0;
    for (const db::MoveRow& m : (*record)->moves) decisions += m.seat >= 0;
    ASSERT_EQ(static_cast<int>(read->steps.size()), decisions);
    EXPECT_EQ(read->answer, "24");
    EXPECT_NE(read->problem.find("24"), std::string::npos) << read->problem;
    if (read->player == "solver") {
      EXPECT_TRUE(read->solved);
      EXPECT_EQ(read->attempt_answer, "24");
      EXPECT_EQ((*j)["label"]["finish_reason"], "solution");
      for (const PuzzleStep& s : read->steps) EXPECT_EQ(s.rating, 1) << s.text;
      ASSERT_FALSE(read->steps.empty());
      EXPECT_EQ(read->steps.back().verdict, "solved");
      ++solver_solves;
    } else {
      EXPECT_EQ(read->player, "random");
      for (const PuzzleStep& s : read->steps) {
        EXPECT_EQ(s.rating == 1, s.verdict != "not on any solution path") << s.text;
        dead_ends += s.rating == -1;
      }
    }
  }
  EXPECT_EQ(solver_solves, 6);
  EXPECT_GT(dead_ends, 0) << "random play leaves the solution paths somewhere in 12 puzzles";

  // --game keeps one game's attempts.
  r = run_arena("puzzle export --game kuhn_poker --db " + db_);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "arena puzzle export: 0 attempts\n");
}

TEST_F(PuzzleExport, ReadingChecksTheSchemaAndNamesTheField) {
  PuzzleAttempt a;
  a.match_id = 7;
  a.game = "game24";
  a.puzzle = "game24(puzzle=1)";
  a.player = "someone";
  a.player_kind = "human";
  a.problem = "Make 24 from 1 1 1 8.";
  a.answer = "24";
  a.steps = {{"1+1=2", 1, "correct step"}, {"2+1=3", 1, "correct step"}, {"3*8=24", 1, "solved"}};
  a.solved = true;
  a.return_value = 1;
  a.attempt_answer = "24";
  Json j = prm_json(a);
  Result<PuzzleAttempt> back = attempt_from_prm_json(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, a);

  Json missing = j;
  missing["question"].erase("ground_truth_answer");
  back = attempt_from_prm_json(missing);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().code, "bad_record");
  EXPECT_NE(back.error().message.find("question.ground_truth_answer"), std::string::npos)
      << back.error().message;

  Json mistyped = j;
  mistyped["label"]["steps"][1]["completions"][0]["rating"] = "good";
  back = attempt_from_prm_json(mistyped);
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.error().message.find("rating"), std::string::npos) << back.error().message;

  Json out_of_scale = j;
  out_of_scale["label"]["steps"][0]["completions"][0]["rating"] = 2;
  EXPECT_FALSE(attempt_from_prm_json(out_of_scale).ok());

  Json inconsistent = j;
  inconsistent["label"]["finish_reason"] = "give_up";
  EXPECT_FALSE(attempt_from_prm_json(inconsistent).ok());

  EXPECT_FALSE(attempt_from_prm_json(Json::array()).ok());
}

TEST_F(PuzzleExport, BadUseIsAClearError) {
  Output r = run_arena("puzzle export --format csv --db " + db_);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("unknown --format 'csv'"), std::string::npos) << r.out;
  r = run_arena("puzzle export --db " + db_);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("no database at"), std::string::npos) << r.out;
  r = run_arena("puzzle --help");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("export"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("solve"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace arena
