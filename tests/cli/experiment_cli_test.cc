// `arena experiment generalization` end to end on a tiny configuration: every arm trained with
// two seeds, rated against the anchors, learning curves, the report; run again on the same
// folder, it finds everything done and plays nothing new.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/json.h"
#include "tests/cli/run_arena.h"

namespace arena {
namespace {

using testing::Output;
using testing::run_arena;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

size_t count_lines(const std::string& path) {
  const std::string text = read_file(path);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(ExperimentCli, ATinyConfigurationRunsEveryArmEndToEnd) {
  const std::string dir = testing::fresh_temp_dir("experiment-cli");
  const std::string config = dir + "/tiny.json";
  std::ofstream(config) << R"json({
    "name": "tiny",
    "games": ["connect_four", "kuhn_poker"],
    "target": "connect_four",
    "seeds": [1, 2],
    "network": {"blocks": 1, "channels": 8},
    "selfplay": {"simulations": 4, "actors": 2, "reuse": 4},
    "budget": {"batch_size": 16, "samples_per_game": 32, "transfer_samples": 32},
    "evaluation": {"games_per_pairing": 2, "simulations": 4, "threads": 2,
                   "anchors": {"connect_four": ["random", "mcts(simulations=4)"], "kuhn_poker": ["random"]},
                   "opening_plies": {"connect_four": 2}},
    "curves": {"points": 2, "games": 2},
    "bootstrap": 50
  })json";
  const std::string out = dir + "/exp";
  Output run = run_arena("experiment generalization --config " + config + " --out " + out + " --device cpu");
  ASSERT_EQ(run.exit_code, 0) << run.out;

  // Every planned run finished with its budget recorded.
  for (const char* name : {"shared-s1", "specialist-connect_four-s2", "specialist-kuhn_poker-s1",
                           "heldout-s2", "transfer-frozen-s1", "transfer-finetuned-s2", "scratch-s1"}) {
    SCOPED_TRACE(name);
    const Json summary = Json::parse(read_file(out + "/runs/" + name + "/summary.json"));
    EXPECT_GT(summary.at("learner_steps").get<int64_t>(), 0);
    EXPECT_FALSE(summary.at("checkpoints").empty());
    for (const auto& [game, data] : summary.at("per_game").items()) {
      EXPECT_GT(data.at("learner_samples").get<int64_t>(), 0) << game;
      EXPECT_GT(data.at("selfplay_simulations").get<int64_t>(), 0) << game;
    }
  }
  const Json frozen = Json::parse(read_file(out + "/runs/transfer-frozen-s1/summary.json"));
  EXPECT_NE(frozen.at("init_from").get<std::string>().find("heldout-s1"), std::string::npos);
  EXPECT_TRUE(frozen.at("frozen_trunk").get<bool>());

  const Json report = Json::parse(read_file(out + "/report.json"));
  ASSERT_EQ(report.at("games").size(), 2u);
  const Json& c4 = report.at("games")[0];
  EXPECT_EQ(c4.at("game"), "connect_four");
  EXPECT_EQ(c4.at("anchor"), "random");
  std::set<std::string> arms;
  for (const Json& a : c4.at("arms")) {
    arms.insert(a.at("arm").get<std::string>());
    EXPECT_EQ(a.at("seeds"), 2);
    EXPECT_LE(a.at("low").get<double>(), a.at("rating").get<double>());
    EXPECT_GE(a.at("high").get<double>(), a.at("rating").get<double>());
  }
  EXPECT_EQ(arms, (std::set<std::string>{"shared", "specialist", "transfer-frozen", "transfer-finetuned",
                                         "scratch"}));
  EXPECT_EQ(c4.at("differences").size(), 4u);
  // Kuhn poker is no target: shared and specialist only.
  EXPECT_EQ(report.at("games")[1].at("arms").size(), 2u);
  // 5 arms x 2 seeds x 2 anchors x 2 games on Connect Four, 2 arms x 2 seeds x 2 on Kuhn
  // (distinct plus repeats), and the curves: 2 checkpoints of 5 runs x 2 seeds, 2 games each.
  EXPECT_EQ(c4.at("games").get<int>() + c4.at("duplicates").get<int>(), 40);
  EXPECT_EQ(count_lines(out + "/games.jsonl"), 40u + 8u + 40u);
  EXPECT_EQ(report.at("curves").size(), 5u);
  // Exploitability in Kuhn poker (the only game here small enough to hold whole): the random
  // anchor exactly (the uniform policy: 11/24 chips a hand), and the
  // final checkpoints of the two arms that play it, two seeds each.
  int checkpoints = 0;
  for (const Json& e : report.at("exploitability")) {
    EXPECT_EQ(e.at("game"), "kuhn_poker") << e;
    EXPECT_GE(e.at("exploitability").get<double>(), 0.0) << e;
    EXPECT_LE(e.at("exploitability").get<double>(), 2.0) << e;
    if (e.at("player") == "random") {
      EXPECT_TRUE(e.at("exact").get<bool>());
      EXPECT_NEAR(e.at("exploitability").get<double>(), 11.0 / 24, 1e-6) << e;
    } else {
      ++checkpoints;
      EXPECT_TRUE(e.at("arm") == "shared" || e.at("arm") == "specialist") << e;
    }
  }
  EXPECT_EQ(checkpoints, 4);
  EXPECT_EQ(report.at("exploitability_by_arm").size(), 2u);
  const std::string text = read_file(out + "/report.txt");
  EXPECT_NE(text.find("exploitability in kuhn_poker"), std::string::npos) << text;
  EXPECT_NE(text.find("shared - specialist"), std::string::npos) << text;
  EXPECT_NE(text.find("learning curves on connect_four"), std::string::npos) << text;
  // The browser's figures: one per game and the curves, in the experiment's folder.
  for (const char* figure : {"connect_four.svg", "kuhn_poker.svg", "curves.svg"}) {
    EXPECT_EQ(read_file(out + "/" + figure).rfind("<svg", 0), 0u) << figure;
  }

  // Again on the same folder: nothing is trained or played twice, the report is the same.
  Output again =
      run_arena("experiment generalization --config " + config + " --out " + out + " --device cpu");
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_EQ(again.out.find("experiment: training"), std::string::npos) << again.out;
  EXPECT_EQ(count_lines(out + "/games.jsonl"), 88u);
  EXPECT_EQ(read_file(out + "/report.txt"), text);
}

TEST(ExperimentCli, ABadConfigurationIsAUsageErrorAndTrainsNothing) {
  const std::string dir = testing::fresh_temp_dir("experiment-cli");
  std::ofstream(dir + "/bad.json") << R"json({"games": ["connect_four"], "target": "go(size=9)"})json";
  Output bad = run_arena("experiment generalization --config " + dir + "/bad.json --out " + dir + "/exp");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("not one of the games"), std::string::npos) << bad.out;
  std::ofstream(dir + "/broken.json") << "{ not json";
  EXPECT_EQ(
      run_arena("experiment generalization --config " + dir + "/broken.json --out " + dir + "/exp").exit_code,
      2);
  EXPECT_EQ(run_arena("experiment generalization --config " + dir + "/missing.json --out " + dir + "/exp")
                .exit_code,
            1);
  EXPECT_EQ(run_arena("experiment sideways").exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir + "/exp/runs"));
}

}  // namespace
}  // namespace arena
