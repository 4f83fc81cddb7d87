#include "agents/selfplay/replay_buffer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "tests/selfplay/test_util.h"

namespace arena::selfplay {
namespace {

// A trajectory of `steps` steps whose observations say where they come from: {id, step}.
Trajectory marked(const std::string& game, int id, int steps) {
  Trajectory t;
  t.game = game;
  t.seed = static_cast<uint64_t>(id);
  t.num_players = 2;
  for (int i = 0; i < steps; ++i) {
    TrajectoryStep s;
    s.player = i % 2;
    s.observation = {static_cast<float>(id), static_cast<float>(i)};
    s.legal = {0, 1};
    s.policy = {0.25f, 0.75f};
    s.action = 1;
    s.rewards = {static_cast<float>(i), -static_cast<float>(i)};
    t.steps.push_back(s);
  }
  t.returns = {static_cast<float>(id), -static_cast<float>(id)};
  t.scaled_returns = {id / 100.0f, -id / 100.0f};
  return t;
}

TEST(ReplayBuffer, KeepsTheNewestPositionsPerGroup) {
  ReplayBufferOptions options;
  options.capacity_per_group = 10;
  options.capacity = {{"small", 3}};
  ReplayBuffer buffer(options);
  for (int id = 0; id < 5; ++id) buffer.add(marked("a", id, 4));
  buffer.add(marked("small", 50, 5));
  buffer.add(marked("b", 60, 2));
  buffer.add(Trajectory{});  // no steps: nothing
  EXPECT_EQ(buffer.sizes(), (std::map<std::string, size_t>{{"a", 10}, {"b", 2}, {"small", 3}}));
  EXPECT_EQ(buffer.size("a"), 10u);
  EXPECT_EQ(buffer.size("none"), 0u);
  EXPECT_EQ(buffer.added().at("a"), 20u);

  Rng rng(1);
  std::map<std::pair<int, int>, int> seen;
  for (const Sample& s : testing::unwrap(buffer.sample("a", 2000, rng)))
    ++seen[{static_cast<int>(s.observation[0]), static_cast<int>(s.observation[1])}];
  // The newest 10 of 20: trajectories 4 and 3 whole, and the last two steps of 2.
  std::set<std::pair<int, int>> expected = {{2, 2}, {2, 3}};
  for (int id : {3, 4}) {
    for (int i = 0; i < 4; ++i) expected.insert({id, i});
  }
  std::set<std::pair<int, int>> got;
  for (const auto& [k, n] : seen) got.insert(k);
  EXPECT_EQ(got, expected);
  for (const Sample& s : testing::unwrap(buffer.sample("small", 100, rng))) EXPECT_GE(s.observation[1], 2.0f);
}

TEST(ReplayBuffer, SamplesUniformlyWithTheirTargets) {
  ReplayBuffer buffer;
  for (int id = 1; id <= 5; ++id) buffer.add(marked("g", id, 4));
  Rng rng(7);
  constexpr int kDraws = 20000;
  Result<std::vector<Sample>> samples = buffer.sample("g", kDraws, rng);
  ASSERT_TRUE(samples.ok());
  ASSERT_EQ(samples->size(), static_cast<size_t>(kDraws));
  std::map<std::pair<int, int>, int> counts;
  for (const Sample& s : *samples) {
    const int id = static_cast<int>(s.observation[0]), step = static_cast<int>(s.observation[1]);
    ++counts[{id, step}];
    EXPECT_EQ(s.group, "g");
    EXPECT_EQ(s.game, "g");
    EXPECT_EQ(s.player, step % 2);
    EXPECT_EQ(s.value, (std::vector<float>{id / 100.0f, -id / 100.0f})) << "value target: the scaled returns";
    EXPECT_EQ(s.reward, (std::vector<float>{static_cast<float>(step), -static_cast<float>(step)}));
    EXPECT_EQ(s.legal, (std::vector<Action>{0, 1}));
    EXPECT_EQ(s.policy, (std::vector<float>{0.25f, 0.75f}));
  }
  ASSERT_EQ(counts.size(), 20u);
  for (const auto& [k, n] : counts)
    EXPECT_NEAR(n, kDraws / 20, kDraws / 20 * 0.2) << k.first << "," << k.second;
}

TEST(ReplayBuffer, ValueTargetsOfRealGamesMatchTheirReturns) {
  ReplayBuffer buffer;
  std::map<uint64_t, Trajectory> by_seed;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    auto game = testing::game_of("game24");
    RolloutEvaluator evaluator(1, seed);
    Trajectory t =
        testing::unwrap(play_selfplay_game(*game, evaluator, testing::small_config({{"game24"}}, 8), seed));
    by_seed[seed] = t;
    buffer.add(t);
  }
  Rng rng(3);
  for (const Sample& s : testing::unwrap(buffer.sample("game24", 200, rng))) {
    // Find the step by its observation and check every target against the trajectory.
    bool found = false;
    for (const auto& [seed, t] : by_seed) {
      for (const TrajectoryStep& step : t.steps) {
        if (step.observation != s.observation || step.legal != s.legal) continue;
        found = true;
        EXPECT_EQ(s.value, t.scaled_returns);
        EXPECT_EQ(s.policy, step.policy);
        EXPECT_EQ(s.reward, step.rewards);
      }
    }
    EXPECT_TRUE(found);
  }
}

TEST(ReplayBuffer, MixedSamplingSplitsByWeight) {
  ReplayBuffer buffer;
  buffer.add(marked("a", 1, 50));
  buffer.add(marked("b", 2, 50));
  buffer.add(marked("c", 3, 50));
  Rng rng(11);
  Result<std::vector<Sample>> mix = buffer.sample_mixed({{"a", 3.0}, {"b", 1.0}, {"empty", 5.0}}, 400, rng);
  ASSERT_TRUE(mix.ok());
  std::map<std::string, int> per;
  for (const Sample& s : *mix) ++per[s.group];
  EXPECT_EQ(per, (std::map<std::string, int>{{"a", 300}, {"b", 100}}))
      << "absent and unweighted groups get none";

  // Remainders go to the largest fractions and the total is always n.
  for (int n = 0; n < 20; ++n) {
    std::map<std::string, int> split = *buffer.split({{"a", 1.0}, {"b", 1.0}, {"c", 1.0}}, n);
    int total = 0;
    for (const auto& [g, k] : split) {
      total += k;
      EXPECT_LE(k, n / 3 + 1);
      EXPECT_GE(k, n / 3);
    }
    EXPECT_EQ(total, n);
  }
  EXPECT_EQ(buffer.split({{"a", 2.0}, {"b", 1.0}}, 10)->at("a"), 7);
}

TEST(ReplayBuffer, BadRequestsAreErrors) {
  ReplayBuffer buffer;
  Rng rng(1);
  EXPECT_EQ(buffer.sample("none", 4, rng).error().code, "empty");
  buffer.add(marked("a", 1, 3));
  EXPECT_EQ(buffer.sample("a", -1, rng).error().code, "bad_argument");
  EXPECT_TRUE(buffer.sample("a", 0, rng)->empty());
  EXPECT_EQ(buffer.sample_mixed({{"a", -1.0}}, 4, rng).error().code, "bad_argument");
  EXPECT_EQ(buffer.sample_mixed({{"a", 0.0}, {"b", 1.0}}, 4, rng).error().code, "empty");
}

TEST(ReplayBuffer, GroupsByAKeyFunction) {
  // Group by rating group: every 24-game puzzle in one pool.
  ReplayBufferOptions options;
  options.group_key = [](const Trajectory& t) { return t.game.substr(0, t.game.find('(')); };
  ReplayBuffer buffer(options);
  buffer.add(marked("game24(puzzle=1)", 1, 2));
  buffer.add(marked("game24(puzzle=9)", 2, 3));
  buffer.add(marked("go(size=9)", 3, 1));
  EXPECT_EQ(buffer.sizes(), (std::map<std::string, size_t>{{"game24", 5}, {"go", 1}}));
}

TEST(ReplayBuffer, AddAndSampleFromManyThreads) {
  ReplayBufferOptions options;
  options.capacity_per_group = 500;
  ReplayBuffer buffer(options);
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) buffer.add(marked(t % 2 ? "a" : "b", t * 1000 + i, 3));
    });
  }
  std::thread reader([&] {
    Rng rng(5);
    while (!done) {
      Result<std::vector<Sample>> r = buffer.sample_mixed({{"a", 1.0}, {"b", 1.0}}, 16, rng);
      if (r.ok()) {
        for (const Sample& s : *r) EXPECT_EQ(s.observation.size(), 2u);
      }
    }
  });
  for (std::thread& t : threads) t.join();
  done = true;
  reader.join();
  EXPECT_EQ(buffer.sizes(), (std::map<std::string, size_t>{{"a", 500}, {"b", 500}}));
  EXPECT_EQ(buffer.added().at("a"), 1200u);
}

}  // namespace
}  // namespace arena::selfplay
