// The generalization experiment's pieces that need no network: the configuration, the plan
// of training runs and their budgets, colour-paired evaluation games, and the analysis
// (ratings of arms over seeds with intervals on their differences, repeated games left
// out, learning-curve summaries). The whole command runs in tests/cli/experiment_cli_test.cc.
#include "server/arena/experiment.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "core/rng.h"

namespace arena::experiment {
namespace {

Json minimal_config() {
  return Json::parse(R"json({
    "games": ["connect_four", "kuhn_poker"],
    "target": "connect_four",
    "seeds": [1, 2],
    "budget": {"batch_size": 16, "samples_per_game": 64, "transfer_samples": 32},
    "evaluation": {"games_per_pairing": 4,
                   "anchors": {"connect_four": ["random", "mcts(simulations=8)"], "kuhn_poker": ["random"]}}
  })json");
}

TEST(ExperimentConfig, ReadsAConfigurationAndFillsTheDefaults) {
  Result<Config> c = parse_config(minimal_config());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->target, "connect_four");
  EXPECT_EQ(c->arms, arm_names());
  EXPECT_EQ(c->curve_anchor, "random");  // the target's first anchor
  EXPECT_EQ(c->bootstrap, 2000);
  // What it writes reads back the same.
  Result<Config> again = parse_config(c->to_json());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->to_json(), c->to_json());
}

TEST(ExperimentConfig, RefusesWhatCannotBeRunWithAReason) {
  auto error_of = [](const std::function<void(Json&)>& edit) {
    Json j = minimal_config();
    edit(j);
    Result<Config> c = parse_config(j);
    return c.ok() ? std::string("accepted") : c.error().code + ": " + c.error().message;
  };
  EXPECT_NE(error_of([](Json& j) { j["target"] = "go(size=9)"; }).find("not one of the games"),
            std::string::npos);
  EXPECT_NE(error_of([](Json& j) { j["games"].push_back("no_such_game"); }).find("no_such_game"),
            std::string::npos);
  EXPECT_NE(error_of([](Json& j) {
              j["arms"] = {"shared", "sideways"};
            }).find("unknown arm"),
            std::string::npos);
  EXPECT_NE(error_of([](Json& j) { j["evaluation"]["games_per_pairing"] = 3; }).find("even"),
            std::string::npos);
  EXPECT_NE(error_of([](Json& j) { j["evaluation"]["anchors"].erase("kuhn_poker"); }).find("no anchors"),
            std::string::npos);
  EXPECT_NE(
      error_of([](Json& j) { j["evaluation"]["anchors"]["kuhn_poker"] = {"no_such_agent"}; }).find("anchor"),
      std::string::npos);
  EXPECT_NE(error_of([](Json& j) { j["budget"]["samples_per_game"] = 8; }).find("one batch"),
            std::string::npos);
  EXPECT_NE(error_of([](Json& j) { j["seeds"] = "three"; }).find("wrong type"), std::string::npos);
  EXPECT_EQ(error_of([](Json& j) { j["games"] = {"connect_four"}; }).rfind("bad_config", 0), 0u);
}

TEST(ExperimentPlan, EveryArmGetsTheSameBudgetPerGameAndTransferStartsHeldOut) {
  Result<Config> c = parse_config(minimal_config());
  ASSERT_TRUE(c.ok());
  const std::vector<PlannedRun> runs = plan_runs(*c);
  std::map<std::string, PlannedRun> by_name;
  for (const PlannedRun& r : runs) by_name[r.name] = r;
  // Per seed: shared, two specialists, the held-out run, two transfers, scratch.
  EXPECT_EQ(runs.size(), 2u * 7u);
  // 64 samples per game in batches of 16: 4 steps per game.
  EXPECT_EQ(by_name.at("shared-s1").steps, 8);
  EXPECT_EQ(by_name.at("shared-s1").games.size(), 2u);
  EXPECT_EQ(by_name.at("specialist-connect_four-s1").steps, 4);
  EXPECT_EQ(by_name.at("specialist-kuhn_poker-s2").games, std::vector<std::string>{"kuhn_poker"});
  const PlannedRun& held_out = by_name.at("heldout-s2");
  EXPECT_EQ(held_out.games, std::vector<std::string>{"kuhn_poker"});
  EXPECT_EQ(held_out.steps, 4);
  for (const char* arm : {"transfer-frozen-s2", "transfer-finetuned-s2"}) {
    const PlannedRun& t = by_name.at(arm);
    EXPECT_EQ(t.init_from, "heldout-s2");
    EXPECT_EQ(t.games, std::vector<std::string>{"connect_four"});
    EXPECT_EQ(t.steps, 2);  // 32 transfer samples
    EXPECT_EQ(t.kind, "transfer");
  }
  EXPECT_TRUE(by_name.at("transfer-frozen-s1").freeze_trunk);
  EXPECT_FALSE(by_name.at("transfer-finetuned-s1").freeze_trunk);
  EXPECT_EQ(by_name.at("scratch-s1").steps, 2);
  EXPECT_EQ(by_name.at("scratch-s1").init_from, "");
  // A run comes after the run it starts from.
  std::set<std::string> seen;
  for (const PlannedRun& r : runs) {
    if (!r.init_from.empty()) EXPECT_TRUE(seen.contains(r.init_from)) << r.name;
    seen.insert(r.name);
  }
}

TEST(ExperimentPairing, GamesArePairedBySeatsWithOneOpeningAndReplayTheSameForASeed) {
  Result<std::vector<GameRecord>> games =
      play_pairing("final", "connect_four", "random", "mcts(simulations=4)", 0, 6, 3, 5, 2);
  ASSERT_TRUE(games.ok()) << games.error().message;
  ASSERT_EQ(games->size(), 6u);
  for (int pair = 0; pair < 3; ++pair) {
    const GameRecord& a = (*games)[2 * pair];
    const GameRecord& b = (*games)[2 * pair + 1];
    EXPECT_EQ(a.seats, (std::vector<std::string>{"random", "mcts(simulations=4)"}));
    EXPECT_EQ(b.seats, (std::vector<std::string>{"mcts(simulations=4)", "random"}));
    EXPECT_EQ(a.pairing, "random vs mcts(simulations=4)");
    // Three opening plies, the same in both games of the pair.
    auto opening = [](const std::string& moves) {
      size_t at = 0;
      for (int k = 0; k < 3; ++k) at = moves.find(' ', at) + 1;
      return moves.substr(0, at);
    };
    EXPECT_EQ(opening(a.moves), opening(b.moves));
  }
  EXPECT_NE((*games)[0].moves.substr(0, 6), (*games)[2].moves.substr(0, 6)) << "pairs open differently";
  Result<std::vector<GameRecord>> again =
      play_pairing("final", "connect_four", "random", "mcts(simulations=4)", 2, 2, 3, 5, 1);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].moves, (*games)[2].moves) << "game 2 of the pairing is the same game, played alone";
  EXPECT_EQ((*again)[0].pairing_game, 2);
}

// Records of a two-player game where `player` wins `won` of `games` against `opponent`,
// each a distinct game.
void add_games(std::vector<GameRecord>& out, const std::string& player, const std::string& opponent,
               int games, int won) {
  for (int g = 0; g < games; ++g) {
    const bool mine_won = g < won;
    const bool first = g % 2 == 0;
    GameRecord r;
    r.set = "final";
    r.game = "connect_four";
    r.pairing = player + " vs " + opponent;
    r.pairing_game = g;
    r.seats = first ? std::vector{player, opponent} : std::vector{opponent, player};
    r.returns = (mine_won == first) ? std::vector{1.0, -1.0} : std::vector{-1.0, 1.0};
    r.moves = player + opponent + std::to_string(g);
    out.push_back(r);
  }
}

TEST(ExperimentRating, ArmsAreMeansOverSeedsWithIntervalsOnTheirDifference) {
  std::vector<GameRecord> records;
  // Two seeds of a strong arm, two of a weak one, both against random and an MCTS anchor.
  add_games(records, "strong-1", "random", 60, 57);
  add_games(records, "strong-2", "random", 60, 55);
  add_games(records, "weak-1", "random", 60, 33);
  add_games(records, "weak-2", "random", 60, 30);
  add_games(records, "strong-1", "mcts", 60, 40);
  add_games(records, "strong-2", "mcts", 60, 38);
  add_games(records, "weak-1", "mcts", 60, 8);
  add_games(records, "weak-2", "mcts", 60, 6);
  // A repeated game (same seats, same moves) counts once.
  records.push_back(records.front());
  GameRecord other_set = records.front();
  other_set.set = "curve";
  records.push_back(other_set);
  const std::map<std::string, std::pair<std::string, uint64_t>> arm_of = {{"strong-1", {"shared", 1}},
                                                                          {"strong-2", {"shared", 2}},
                                                                          {"weak-1", {"specialist", 1}},
                                                                          {"weak-2", {"specialist", 2}}};
  const GameTable t = rate_game("connect_four", records, arm_of, "random", 400, 3);
  EXPECT_EQ(t.games, 480);
  EXPECT_EQ(t.duplicates, 1);
  EXPECT_EQ(t.anchor, "random");
  ASSERT_EQ(t.arms.size(), 2u);
  EXPECT_EQ(t.arms[0].arm, "shared");
  EXPECT_EQ(t.arms[0].seeds, 2);
  EXPECT_GT(t.arms[0].rating, t.arms[1].rating + 200);
  for (const ArmRow& a : t.arms) {
    EXPECT_LT(a.low, a.rating);
    EXPECT_GT(a.high, a.rating);
  }
  ASSERT_EQ(t.differences.size(), 1u);
  const Difference& d = t.differences[0];
  EXPECT_EQ(d.a, "shared");
  EXPECT_EQ(d.b, "specialist");
  EXPECT_NEAR(d.value, t.arms[0].rating - t.arms[1].rating, 1e-9);
  EXPECT_GT(d.low, 0.0) << "a clear difference has an interval above 0";
  EXPECT_LT(d.low, d.value);
  EXPECT_GT(d.high, d.value);
  EXPECT_DOUBLE_EQ(d.above_zero, 1.0);
  // The anchor is 0 and the MCTS anchor sits between the arms.
  for (const PlayerRow& p : t.players) {
    if (p.player == "random") EXPECT_EQ(p.rating, 0.0);
    if (p.player == "mcts") {
      EXPECT_GT(p.rating, t.arms[1].rating);
      EXPECT_LT(p.rating, t.arms[0].rating);
    }
  }
}

TEST(ExperimentRating, ArmsThatPlayAlikeHaveADifferenceIntervalAcrossZero) {
  std::vector<GameRecord> records;
  add_games(records, "a-1", "random", 40, 30);
  add_games(records, "a-2", "random", 40, 29);
  add_games(records, "b-1", "random", 40, 30);
  add_games(records, "b-2", "random", 40, 31);
  const GameTable t = rate_game("connect_four", records,
                                {{"a-1", {"transfer-finetuned", 1}},
                                 {"a-2", {"transfer-finetuned", 2}},
                                 {"b-1", {"scratch", 1}},
                                 {"b-2", {"scratch", 2}}},
                                "random", 400, 3);
  ASSERT_EQ(t.differences.size(), 1u);
  EXPECT_LT(t.differences[0].low, 0.0);
  EXPECT_GT(t.differences[0].high, 0.0);
  EXPECT_GT(t.differences[0].above_zero, 0.05);
  EXPECT_LT(t.differences[0].above_zero, 0.95);
}

TEST(ExperimentRating, PuzzleAttemptsOfOnePairAreComparedAndGiveTheSolveRate) {
  std::vector<GameRecord> records;
  for (int g = 0; g < 40; ++g) {
    GameRecord r;
    r.set = "final";
    r.game = "game24";
    r.pairing = "solver vs random";
    r.pairing_game = g;
    r.seats = {g % 2 == 0 ? "solver" : "random"};
    // The solver solves every puzzle, random one in four.
    r.returns = {g % 2 == 0 || g % 8 == 1 ? 1.0 : 0.0};
    r.moves = std::to_string(g);
    records.push_back(r);
  }
  const GameTable t = rate_game("game24", records, {{"solver", {"shared", 1}}}, "random", 200, 1);
  ASSERT_EQ(t.players.size(), 2u);
  EXPECT_EQ(t.players[0].player, "solver");
  EXPECT_DOUBLE_EQ(t.players[0].score, 1.0);
  EXPECT_EQ(t.players[0].games, 20);
  EXPECT_DOUBLE_EQ(t.players[1].score, 0.25);
  EXPECT_GT(t.players[0].rating, 200.0);
}

TEST(ExperimentCurves, AreaUnderTheCurveAndSamplesToThreshold) {
  std::vector<CurvePoint> points;
  // Seed 1 rises linearly from 0 to 1 over 100 samples; seed 2 stays at 0.2.
  for (int64_t s : {0, 50, 100}) {
    points.push_back({"scratch", 1, s, s / 100.0, 20});
    points.push_back({"scratch", 2, s, 0.2, 20});
  }
  points.push_back({"shared", 1, 0, 0.6, 20});
  points.push_back({"shared", 1, 100, 0.6, 20});
  const std::vector<CurveSummary> curves = summarise_curves(points, 0.5);
  ASSERT_EQ(curves.size(), 2u);
  const CurveSummary& shared = curves[0];
  const CurveSummary& scratch = curves[1];
  EXPECT_EQ(shared.arm, "shared");
  EXPECT_NEAR(shared.auc, 0.6, 1e-12);
  ASSERT_TRUE(shared.samples_to_threshold.has_value());
  EXPECT_EQ(*shared.samples_to_threshold, 0.0);
  EXPECT_EQ(scratch.seeds, 2);
  EXPECT_NEAR(scratch.auc, (0.5 + 0.2) / 2, 1e-12);
  EXPECT_NEAR(scratch.auc_low, 0.2, 1e-12);
  EXPECT_NEAR(scratch.auc_high, 0.5, 1e-12);
  EXPECT_EQ(scratch.seeds_reaching, 1);
  EXPECT_EQ(*scratch.samples_to_threshold, 50.0);
  ASSERT_EQ(scratch.mean.size(), 3u);
  EXPECT_NEAR(scratch.mean[2].second, (1.0 + 0.2) / 2, 1e-12);
}

TEST(ExperimentRecords, ReadBackWhatTheyWriteAndRefuseDamage) {
  GameRecord r{"final", "kuhn_poker", "a vs b", {"a", "b"}, {1, -1}, "0 1 2 ", 3};
  Result<GameRecord> back = GameRecord::from_json(r.to_json());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->to_json(), r.to_json());
  Json damaged = r.to_json();
  damaged["returns"] = {1};
  EXPECT_EQ(GameRecord::from_json(damaged).error().code, "bad_record");
  damaged.erase("seats");
  EXPECT_EQ(GameRecord::from_json(damaged).error().code, "bad_record");
}

}  // namespace
}  // namespace arena::experiment
