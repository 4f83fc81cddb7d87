// check_trajectory: what a learner refuses before it trains on a worker's upload.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "agents/selfplay/trajectory.h"
#include "tests/selfplay/test_util.h"

namespace arena::selfplay {
namespace {

using testing::game_of;
using testing::small_config;
using testing::unwrap;

class CheckTrajectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    game_ = game_of("connect_four");
    testing::HistorySeededEvaluator evaluator;
    good_ = unwrap(play_selfplay_game(*game_, evaluator, small_config({{"connect_four"}}, 8), 7));
    ASSERT_GT(good_.steps.size(), 4u);
  }
  // The code check_trajectory gives after `damage` is done to a copy of the good game.
  std::string code_after(const std::function<void(Trajectory&)>& damage) {
    Trajectory t = good_;
    damage(t);
    const Status s = check_trajectory(*game_, t);
    return s.ok() ? "ok" : s.error().code;
  }

  std::shared_ptr<const Game> game_;
  Trajectory good_;
};

TEST_F(CheckTrajectoryTest, AcceptsARealSelfPlayGame) {
  EXPECT_EQ(code_after([](Trajectory&) {}), "ok");
}

TEST_F(CheckTrajectoryTest, RefusesAnotherGame) {
  EXPECT_EQ(code_after([](Trajectory& t) { t.game = "go(size=9)"; }), "wrong_game");
  const Status s = check_trajectory(*game_of("go(size=5)"), good_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "wrong_game");
}

TEST_F(CheckTrajectoryTest, RefusesWhatWouldNotFitTheNetwork) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(code_after([](Trajectory& t) { t.num_players = 3; }), "bad_trajectory");
  EXPECT_EQ(code_after([](Trajectory& t) { t.scaled_returns.pop_back(); }), "bad_trajectory");
  EXPECT_EQ(code_after([](Trajectory& t) { t.scaled_returns[0] = 2; }), "bad_trajectory");
  EXPECT_EQ(code_after([&](Trajectory& t) { t.returns[1] = nan; }), "bad_trajectory");
  EXPECT_EQ(code_after([](Trajectory& t) { t.steps[2].player = 2; }), "bad_trajectory");
  EXPECT_EQ(code_after([](Trajectory& t) { t.steps[2].observation.pop_back(); }), "bad_trajectory");
  EXPECT_EQ(code_after([&](Trajectory& t) { t.steps[3].observation[0] = nan; }), "bad_trajectory");
  EXPECT_EQ(code_after([](Trajectory& t) { t.steps[1].legal.back() = 7; }), "bad_trajectory");  // 7 columns
  EXPECT_EQ(code_after([](Trajectory& t) { t.steps[1].legal.back() = -1; }), "bad_trajectory");
  EXPECT_EQ(code_after([](Trajectory& t) { std::swap(t.steps[1].legal[0], t.steps[1].legal[1]); }),
            "bad_trajectory");
  EXPECT_EQ(code_after([](Trajectory& t) { t.steps[1].policy.pop_back(); }), "bad_trajectory");
  EXPECT_EQ(code_after([](Trajectory& t) { t.steps[1].policy[0] += 0.5f; }), "bad_trajectory");
  EXPECT_EQ(code_after([](Trajectory& t) { t.steps[1].policy[0] = -t.steps[1].policy[0] - 0.1f; }),
            "bad_trajectory");
  EXPECT_EQ(code_after([](Trajectory& t) { t.steps[0].legal.clear(), t.steps[0].policy.clear(); }),
            "bad_trajectory");
  EXPECT_EQ(code_after([](Trajectory& t) { t.steps[4].rewards.push_back(0); }), "bad_trajectory");
}

}  // namespace
}  // namespace arena::selfplay
