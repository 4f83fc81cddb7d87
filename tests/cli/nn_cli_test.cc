// The shared network from the command line: `arena train` with its checkpoints on the
// leaderboard, `arena report generalization`, a checkpoint as a GTP engine, and the
// benchmarks' printed figures.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <vector>

#include "core/json.h"
#include "tests/cli/run_arena.h"

namespace arena {
namespace {

using testing::Output;
using testing::run_arena;
using testing::run_command;

TEST(NnCli, TrainEntersCheckpointsAsRatedPlayersAndTheReportShowsThem) {
  const std::string dir = testing::fresh_temp_dir("nn-cli");
  const std::string db = dir + "/arena.db";
  Output train =
      run_arena("train --games 'kuhn_poker;game24' --out " + dir + "/runs/clirun --db " + db +
                " --device cpu --steps 20 --checkpoint-every 10 --actors 2 --simulations 8 --blocks 1"
                " --channels 8 --batch 16 --eval-games 2 --eval-simulations 8 --seed 3");
  ASSERT_EQ(train.exit_code, 0) << train.out;
  EXPECT_NE(train.out.find("checkpoint " + dir + "/runs/clirun/checkpoints/step-00000020.pt"),
            std::string::npos)
      << train.out;
  EXPECT_NE(train.out.find("nn:clirun@20(simulations=8): kuhn_poker random "), std::string::npos)
      << train.out;
  EXPECT_NE(train.out.find("game24 solved "), std::string::npos) << train.out;
  EXPECT_NE(train.out.find("done: 20 learner steps"), std::string::npos) << train.out;

  // The checkpoints played rated matches: they are on the game's leaderboard.
  Output ratings = run_arena("ratings --game kuhn_poker --db " + db);
  ASSERT_EQ(ratings.exit_code, 0) << ratings.out;
  EXPECT_NE(ratings.out.find("nn:clirun@20(simulations=8)"), std::string::npos) << ratings.out;
  EXPECT_NE(ratings.out.find("nn:clirun@0(simulations=8)"), std::string::npos) << ratings.out;

  // A specialist run for the report's second column.
  Output specialist =
      run_arena("train --games kuhn_poker --out " + dir + "/runs/kuhnonly --db " + db +
                " --device cpu --steps 10 --checkpoint-every 10 --actors 2 --simulations 8 --blocks 1"
                " --channels 8 --batch 16 --eval-games 2 --eval-simulations 8");
  ASSERT_EQ(specialist.exit_code, 0) << specialist.out;
  Output report = run_arena("report generalization --db " + db);
  ASSERT_EQ(report.exit_code, 0) << report.out;
  EXPECT_NE(report.out.find("kuhn_poker"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("clirun"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("kuhnonly"), std::string::npos) << report.out;

  // Kuhn poker: `nn` searches with CFR+ from the start of the hand and `nn-policy` samples its
  // head, so both state their policies and are measured exactly. The search is near an
  // equilibrium after its 30 iterations whatever ten learner steps made of the network.
  const std::string checkpoint = "(checkpoint='" + dir + "/runs/kuhnonly/checkpoints/step-00000010.pt')";
  for (const std::string& agent : {"nn" + checkpoint, "nn-policy" + checkpoint}) {
    Output x = run_arena("poker exploitability --game kuhn_poker --agent \"" + agent + "\"");
    ASSERT_EQ(x.exit_code, 0) << x.out;
    std::optional<Json> j = parse_json(x.out);
    ASSERT_TRUE(j.has_value()) << x.out;
    EXPECT_EQ((*j)["method"], "exact") << agent;
    if (agent.rfind("nn(", 0) == 0) {
      EXPECT_LT((*j)["exploitability"].get<double>(), 0.1) << x.out;
    }
  }

  // The value head as a step scorer: the run folder's last checkpoint on one 24-game puzzle
  // (walked along the solver's path only), as JSON and into a file.
  const std::string out = dir + "/runs/clirun/step_auc.json";
  Output steps = run_arena("report steps --checkpoint " + dir +
                           "/runs/clirun --games 'game24(puzzle=5)' --problems 1 --random-paths 0"
                           " --bootstrap 10 --json --out " +
                           out);
  ASSERT_EQ(steps.exit_code, 0) << steps.out;
  std::optional<Json> doc = parse_json(steps.out.substr(steps.out.find("{\n")));
  ASSERT_TRUE(doc.has_value()) << steps.out;
  ASSERT_EQ((*doc)["scorers"].size(), 1u);
  EXPECT_EQ((*doc)["scorers"][0]["scorer"], "nn:clirun@20");
  const Json& row = (*doc)["scorers"][0]["rows"][0];
  EXPECT_EQ(row["game"], "game24");
  EXPECT_EQ(row["difficulty"], "rank 5");
  EXPECT_GT(row["positive_steps"].get<int>(), 0);
  EXPECT_GT(row["negative_steps"].get<int>(), 0);
  EXPECT_TRUE(row["auc"].is_number());
  EXPECT_TRUE(std::filesystem::exists(out));
  // A checkpoint that never learned the game, a game without problem sets, no checkpoint.
  Output unknown =
      run_arena("report steps --checkpoint " + dir + "/runs/kuhnonly --games game24 --problems 1");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.out.find("has no head for game24"), std::string::npos) << unknown.out;
  EXPECT_EQ(run_arena("report steps --checkpoint " + dir + "/runs/clirun --games kuhn_poker").exit_code, 2);
  EXPECT_EQ(run_arena("report steps --checkpoint " + dir + "/runs/none --games game24").exit_code, 1);
}

// A network trained on 5x5 Go plays GTP once the controller sets that size (the server
// starts on 19x19, which it has no head for); a run folder is not trained into twice.
TEST(NnCli, GtpFollowsBoardsizeAndARunFolderIsNotReused) {
  const std::string dir = testing::fresh_temp_dir("nn-cli");
  const std::string train = "train --games 'go(size=5,komi=0.5)' --out " + dir + "/runs/go5 --db " + dir +
                            "/arena.db --device cpu --steps 2 --checkpoint-every 2 --actors 2 --simulations 4"
                            " --blocks 1 --channels 8 --batch 8 --eval-games 0";
  Output trained = run_arena(train);
  ASSERT_EQ(trained.exit_code, 0) << trained.out;
  Output again = run_arena(train);
  EXPECT_EQ(again.exit_code, 1) << again.out;
  EXPECT_NE(again.out.find("already holds a run"), std::string::npos) << again.out;
  // --resume continues it to a larger budget with the options it was started with (the game
  // and the network here: another would be refused); a folder without a run has nothing to
  // resume.
  Output resumed = run_arena("train --out " + dir + "/runs/go5 --db " + dir + "/arena.db --steps 4 --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out;
  EXPECT_NE(resumed.out.find("done: 4 learner steps"), std::string::npos) << resumed.out;
  EXPECT_TRUE(std::filesystem::exists(dir + "/runs/go5/checkpoints/step-00000004.pt"));
  Output nothing = run_arena(std::regex_replace(train, std::regex("runs/go5"), "runs/none") + " --resume");
  EXPECT_EQ(nothing.exit_code, 1) << nothing.out;
  EXPECT_NE(nothing.out.find("holds no checkpoint"), std::string::npos) << nothing.out;

  const std::string agent = "nn-policy(checkpoint='" + dir + "/runs/go5/checkpoints/step-00000002.pt')";
  Output gtp = run_command("printf 'boardsize 5\\nclear_board\\ngenmove b\\nquit\\n' | " +
                           std::string(ARENA_BINARY) + " gtp --agent \"" + agent + "\"");
  ASSERT_EQ(gtp.exit_code, 0) << gtp.out;
  // Three empty successes, then a vertex on the 5x5 board (or pass).
  std::istringstream replies(gtp.out);
  std::vector<std::string> answers;
  for (std::string line; std::getline(replies, line);) {
    if (!line.empty()) answers.push_back(line);
  }
  ASSERT_GE(answers.size(), 3u) << gtp.out;
  EXPECT_EQ(answers[0], "= ") << gtp.out;
  EXPECT_EQ(answers[1], "= ") << gtp.out;
  const std::string move = answers[2];
  EXPECT_TRUE(std::regex_match(move, std::regex("= ([A-E][1-5]|pass)"))) << gtp.out;

  Output unknown = run_arena("gtp --agent nosuchagent < /dev/null");
  EXPECT_NE(unknown.exit_code, 0) << unknown.out;
}

TEST(NnCli, TrainUsageErrorsExitTwo) {
  EXPECT_EQ(run_arena("train --out /tmp/x").exit_code, 2);
  EXPECT_EQ(run_arena("train --games kuhn_poker").exit_code, 2);
  EXPECT_EQ(run_arena("train --games kuhn_poker --out /tmp/x --steps 0").exit_code, 2);
  EXPECT_EQ(run_arena("train --games kuhn_poker --out /tmp/x --kind sideways").exit_code, 2);
  EXPECT_EQ(run_arena("train --games kuhn_poker --out /tmp/x --steps-per-phase -1").exit_code, 2);
  EXPECT_EQ(run_arena("train --games kuhn_poker --out /tmp/x --games-per-phase -1").exit_code, 2);
  Output bad_game = run_arena("train --games 'no_such_game' --out " + testing::fresh_temp_dir("nn-cli") +
                              "/r --db " + testing::fresh_temp_dir("nn-cli") + "/a.db");
  EXPECT_EQ(bad_game.exit_code, 2) << bad_game.out;
  EXPECT_NE(bad_game.out.find("no_such_game"), std::string::npos) << bad_game.out;
}

TEST(NnCli, BenchmarksPrintTheirFigures) {
  Output inference = run_arena(
      "bench inference --device cpu --game kuhn_poker --blocks 1 --channels 8 --batches 1,4 --seconds 0.2");
  ASSERT_EQ(inference.exit_code, 0) << inference.out;
  EXPECT_NE(inference.out.find("raw pos/s"), std::string::npos) << inference.out;
  EXPECT_NE(inference.out.find("\n       4 "), std::string::npos) << inference.out;
  Output selfplay = run_arena(
      "bench selfplay --device cpu --game kuhn_poker --blocks 1 --channels 8 --actors 4"
      " --simulations 8 --seconds 0.5");
  ASSERT_EQ(selfplay.exit_code, 0) << selfplay.out;
  EXPECT_NE(selfplay.out.find("simulations/s"), std::string::npos) << selfplay.out;
  EXPECT_NE(selfplay.out.find("self-play keeps"), std::string::npos) << selfplay.out;
  EXPECT_EQ(run_arena("bench warp").exit_code, 2);
}

}  // namespace
}  // namespace arena
