#include "agents/selfplay/actor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <numeric>
#include <set>
#include <thread>

#include "tests/selfplay/test_util.h"

namespace arena::selfplay {
namespace {

using testing::game_of;
using testing::small_config;

// A step's policy is a distribution over its legal actions, and its action one of them.
// `played`: the policy slot of the action played (the action itself in most games).
void expect_distribution_over(const TrajectoryStep& ts, Action played) {
  ASSERT_EQ(ts.policy.size(), ts.legal.size());
  double sum = 0;
  for (float p : ts.policy) {
    EXPECT_GE(p, 0.0f);
    sum += p;
  }
  EXPECT_NEAR(sum, 1.0, 1e-5);
  EXPECT_TRUE(std::binary_search(ts.legal.begin(), ts.legal.end(), played));
}

// Checks everything a learner relies on, replaying the history step by step.
void expect_well_formed(const Game& game, const Trajectory& t) {
  EXPECT_EQ(t.game, game.spec());
  EXPECT_EQ(t.num_players, game.num_players());
  Result<std::unique_ptr<State>> replay = game.state_from_history(t.history);
  ASSERT_TRUE(replay.ok()) << replay.error().message;
  ASSERT_TRUE((*replay)->is_terminal());
  std::vector<double> returns = (*replay)->returns();
  ASSERT_EQ(t.returns.size(), returns.size());
  ASSERT_EQ(t.scaled_returns.size(), returns.size());
  for (size_t p = 0; p < returns.size(); ++p) {
    EXPECT_EQ(t.returns[p], static_cast<float>(returns[p]));
    EXPECT_FLOAT_EQ(t.scaled_returns[p], scale_return(game, returns[p]));
    EXPECT_GE(t.scaled_returns[p], -1.0f);
    EXPECT_LE(t.scaled_returns[p], 1.0f);
  }

  // Replay again, matching each seat decision of the history with its recorded step.
  std::unique_ptr<State> s = game.new_initial_state();
  size_t k = 0;
  for (const Step& step : t.history) {
    if (step.player == kChancePlayer) {
      ASSERT_TRUE(s->apply(step.action).ok());
      continue;
    }
    if (step.player == kSimultaneousPlayer) {
      // One recorded step per order group of each acting seat, then the joint step's rewards
      // on the last of them.
      const size_t first = k;
      for (Player seat = 0; seat < static_cast<Player>(step.orders.size()); ++seat) {
        if (step.orders[seat].empty()) continue;
        const std::vector<std::vector<Action>> groups = s->order_groups(seat);
        ASSERT_EQ(groups.size(), step.orders[seat].size());
        for (size_t g = 0; g < groups.size(); ++g) {
          ASSERT_LT(k, t.steps.size()) << "an order of a joint step was not recorded";
          const TrajectoryStep& ts = t.steps[k++];
          EXPECT_EQ(ts.player, seat);
          EXPECT_EQ(ts.action, step.orders[seat][g]);
          EXPECT_EQ(ts.observation, s->observation_tensor(seat));
          // The group's orders as the network's policy slots (the same ids but in games with
          // slots of their own, such as Diplomacy: one per unit, kind and target).
          std::vector<Action> group;
          for (Action a : groups[g]) group.push_back(s->policy_slot(a));
          std::sort(group.begin(), group.end());
          group.erase(std::unique(group.begin(), group.end()), group.end());
          EXPECT_EQ(ts.legal, group);
          const Action slot = s->policy_slot(ts.action);
          expect_distribution_over(ts, slot);
          // The policy target is the search's average strategy over the group, and the order
          // was drawn from it.
          const size_t played = std::lower_bound(ts.legal.begin(), ts.legal.end(), slot) - ts.legal.begin();
          if (played < ts.policy.size()) {
            EXPECT_GT(ts.policy[played], 0.0f);
          }
        }
      }
      ASSERT_GT(k, first) << "a joint step without training steps";
      ASSERT_TRUE(s->apply_orders(step.orders).ok());
      const std::vector<double> rewards = s->rewards();
      for (size_t j = first; j < k; ++j) {
        ASSERT_EQ(t.steps[j].rewards.size(), rewards.size());
        for (size_t p = 0; p < rewards.size(); ++p) {
          EXPECT_EQ(t.steps[j].rewards[p], j + 1 == k ? static_cast<float>(rewards[p]) : 0.0f);
        }
      }
      continue;
    }
    ASSERT_LT(k, t.steps.size()) << "a seat decision of the history was not recorded";
    const TrajectoryStep& ts = t.steps[k++];
    EXPECT_EQ(ts.player, step.player);
    EXPECT_EQ(ts.action, step.action);
    EXPECT_EQ(ts.observation, s->observation_tensor(ts.player));
    EXPECT_EQ(ts.observation.size(), static_cast<size_t>(game.observation_size()));
    // The legal actions as the network's policy slots (the same ids but in no-limit hold'em).
    std::vector<Action> slots;
    for (Action a : s->legal_actions()) slots.push_back(s->policy_slot(a));
    slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
    EXPECT_EQ(ts.legal, slots);
    expect_distribution_over(ts, s->policy_slot(ts.action));
    ASSERT_TRUE(s->apply(step.action).ok());
    const std::vector<double> rewards = s->rewards();
    ASSERT_EQ(ts.rewards.size(), rewards.size());
    for (size_t p = 0; p < rewards.size(); ++p) EXPECT_EQ(ts.rewards[p], static_cast<float>(rewards[p]));
  }
  EXPECT_EQ(k, t.steps.size());
}

Trajectory play(const std::string& spec, uint64_t seed, const SelfPlayConfig& config) {
  auto game = game_of(spec);
  RolloutEvaluator evaluator(1, seed);
  Result<Trajectory> t = play_selfplay_game(*game, evaluator, config, seed);
  EXPECT_TRUE(t.ok()) << spec << ": " << (t.ok() ? "" : t.error().message);
  return t.ok() ? *t : Trajectory{};
}

class WellFormed : public ::testing::TestWithParam<std::string> {};

TEST_P(WellFormed, TrajectoryReplaysAndMatchesTheGame) {
  const std::string spec = GetParam();
  auto game = game_of(spec);
  for (uint64_t seed : {1, 2, 3}) {
    const Trajectory t = play(spec, seed, small_config({{spec}}, 12));
    EXPECT_EQ(t.seed, seed);
    expect_well_formed(*game, t);
    EXPECT_FALSE(t.steps.empty()) << "every game's decisions are training data, joint steps too";
  }
}

INSTANTIATE_TEST_SUITE_P(Games, WellFormed,
                         ::testing::Values("kuhn_poker", "game24", "go(size=5)", "test_nim(heap=9)",
                                           "test_blotto(rounds=2)",
                                           "test_rps(players=3,units=2,forfeit=true)", "holdem(stack=300)",
                                           "diplomacy(map=france_austria,max_year=1902)"),
                         [](const auto& info) {
                           std::string name;
                           for (char c : info.param)
                             name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

TEST(SelfPlayGame, SimultaneousPolicyTargetsAreTheSearchesAverageStrategy) {
  // Three seats, one order each; forfeit loses to everything: the targets, one per seat,
  // are distributions over the seat's four orders that all but drop it.
  const std::string spec = "test_rps(players=3,forfeit=true)";
  auto game = game_of(spec);
  for (uint64_t seed : {1, 2}) {
    const Trajectory t = play(spec, seed, small_config({{spec}}, 2000));
    expect_well_formed(*game, t);
    ASSERT_EQ(t.steps.size(), 3u);
    for (const TrajectoryStep& ts : t.steps) {
      ASSERT_EQ(ts.legal, (std::vector<Action>{0, 1, 2, 3}));
      EXPECT_LT(ts.policy[3], 0.05f) << "seat " << ts.player;
    }
  }
}

TEST(SelfPlayGame, PuzzleRewardsAddUpToTheReturn) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const Trajectory t = play("game24", seed, small_config({{"game24"}}, 24));
    ASSERT_FALSE(t.steps.empty());
    float sum = 0;
    for (const TrajectoryStep& s : t.steps) sum += s.rewards[0];
    EXPECT_NEAR(sum, t.returns[0], 1e-5);
  }
}

TEST(SelfPlayGame, SameSeedSameTrajectory) {
  for (const std::string spec : {"kuhn_poker", "go(size=5)", "game24"}) {
    const SelfPlayConfig config = small_config({{spec}});
    const Trajectory a = play(spec, 77, config);
    const Trajectory b = play(spec, 77, config);
    EXPECT_FALSE(a.history.empty());
    EXPECT_TRUE(a == b) << spec;
  }
  // Different seeds give different games (Go: 5x5 with noise and temperature).
  const SelfPlayConfig config = small_config({{"go(size=5)"}});
  std::set<std::vector<Action>> games;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    std::vector<Action> actions;
    for (const Step& step : play("go(size=5)", seed, config).history) actions.push_back(step.action);
    games.insert(actions);
  }
  EXPECT_GT(games.size(), 1u);
}

TEST(SelfPlayGame, AfterTheTemperatureMovesTheMostVisitedIsPlayed) {
  SelfPlayConfig config = small_config({{"go(size=5)"}}, 24);
  config.temperature_moves = 2;
  const Trajectory t = play("go(size=5)", 5, config);
  ASSERT_GT(t.steps.size(), 4u);
  for (size_t i = 2; i < t.steps.size(); ++i) {
    const TrajectoryStep& s = t.steps[i];
    const size_t chosen = std::lower_bound(s.legal.begin(), s.legal.end(), s.action) - s.legal.begin();
    EXPECT_EQ(s.policy[chosen], *std::max_element(s.policy.begin(), s.policy.end())) << "step " << i;
  }
}

TEST(SelfPlayGame, ANoisyGameHasOneSeatPlayingRandomMovesOverItsSearch) {
  SelfPlayConfig config = small_config({{"go(size=5)"}}, 24);
  config.temperature_moves = 0;
  config.noisy_games = 1;
  config.noisy_moves = 1;
  const Trajectory t = play("go(size=5)", 5, config);
  ASSERT_GT(t.steps.size(), 10u);
  // Off the most visited, by seat: one seat never (it plays its search), the other often
  // (a uniform move over a couple dozen points rarely is the most visited).
  int off[2] = {0, 0}, moves[2] = {0, 0};
  for (const TrajectoryStep& s : t.steps) {
    if (s.legal.size() < 2) continue;
    const size_t chosen = std::lower_bound(s.legal.begin(), s.legal.end(), s.action) - s.legal.begin();
    ++moves[s.player];
    if (s.policy[chosen] < *std::max_element(s.policy.begin(), s.policy.end())) ++off[s.player];
  }
  EXPECT_TRUE(off[0] == 0 || off[1] == 0) << off[0] << " " << off[1];
  EXPECT_GT(off[0] + off[1], (moves[0] + moves[1]) / 4) << off[0] << " " << off[1];
  // Without the share, both seats play their searches.
  config.noisy_games = 0;
  for (const TrajectoryStep& s : play("go(size=5)", 5, config).steps) {
    const size_t chosen = std::lower_bound(s.legal.begin(), s.legal.end(), s.action) - s.legal.begin();
    EXPECT_EQ(s.policy[chosen], *std::max_element(s.policy.begin(), s.policy.end()));
  }
}

TEST(SelfPlayGame, TemperatureDrawsByVisits) {
  // With temperature on every move, a move other than the most visited is sometimes played,
  // but never one without visits.
  SelfPlayConfig config = small_config({{"test_nim(heap=9)"}}, 8);
  config.temperature_moves = 100;
  config.dirichlet_alpha = 0;
  int not_most_visited = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const Trajectory t = play("test_nim(heap=9)", seed, config);
    for (const TrajectoryStep& s : t.steps) {
      const size_t chosen = std::lower_bound(s.legal.begin(), s.legal.end(), s.action) - s.legal.begin();
      EXPECT_GT(s.policy[chosen], 0.0f);
      if (s.policy[chosen] < *std::max_element(s.policy.begin(), s.policy.end())) ++not_most_visited;
    }
  }
  EXPECT_GT(not_most_visited, 5);
}

TEST(SelfPlayGame, CancelledGameIsAnError) {
  auto game = game_of("go(size=5)");
  RolloutEvaluator evaluator(1, 1);
  std::atomic<bool> cancel{true};
  Result<Trajectory> t = play_selfplay_game(*game, evaluator, small_config({{"go(size=5)"}}), 1, &cancel);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "cancelled");
}

TEST(SelfPlayActors, BadConfigIsAnError) {
  auto expect_code = [](SelfPlayConfig config, const std::string& code) {
    Result<std::unique_ptr<SelfPlayActors>> a = SelfPlayActors::create(config, testing::rollout_factory());
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().code, code);
  };
  expect_code(small_config({}), "bad_config");
  expect_code(small_config({{"kuhn_poker", -1.0}}), "bad_config");
  expect_code(small_config({{"kuhn_poker", 0.0}}), "bad_config");
  expect_code(small_config({{"no_such_game"}}), "bad_spec");
  SelfPlayConfig zero = small_config({{"kuhn_poker"}});
  zero.threads = 0;
  expect_code(zero, "bad_config");
  Result<std::unique_ptr<SelfPlayActors>> no_factory =
      SelfPlayActors::create(small_config({{"kuhn_poker"}}), nullptr);
  ASSERT_FALSE(no_factory.ok());
}

std::vector<Trajectory> batch(SelfPlayConfig config, int threads, int n, EvaluatorFactory factory) {
  config.threads = threads;
  Result<std::unique_ptr<SelfPlayActors>> actors = SelfPlayActors::create(config, std::move(factory));
  EXPECT_TRUE(actors.ok());
  Result<std::vector<Trajectory>> r = (*actors)->play_batch(n);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : std::vector<Trajectory>{};
}

TEST(SelfPlayActors, PlayBatchDoesNotDependOnTheThreadCount) {
  ::arena::testing::register_test_games();
  const SelfPlayConfig config = small_config(
      {{"kuhn_poker", 2.0}, {"game24", 1.0}, {"test_nim(heap=7)", 1.0}, {"test_blotto", 0.5}}, 12);
  const std::vector<Trajectory> one = batch(config, 1, 16, testing::rollout_factory());
  const std::vector<Trajectory> four = batch(config, 4, 16, testing::rollout_factory());
  ASSERT_EQ(one.size(), 16u);
  EXPECT_TRUE(one == four);
  std::set<std::string> games;
  for (size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].seed, config.seed + i) << "in index order";
    games.insert(one[i].game);
  }
  EXPECT_GE(games.size(), 3u) << "games are drawn by weight";

  // One evaluator shared by every thread (as the network service is).
  auto shared = std::make_shared<testing::HistorySeededEvaluator>();
  auto factory = [shared](int, uint64_t) -> std::shared_ptr<Evaluator> { return shared; };
  EXPECT_TRUE(batch(config, 1, 12, factory) == batch(config, 3, 12, factory));
}

TEST(SelfPlayActors, BatchesContinueTheIndicesAndCount) {
  SelfPlayConfig config = small_config({{"kuhn_poker"}, {"game24", 0.0}}, 8);
  config.threads = 2;
  auto actors = testing::unwrap(SelfPlayActors::create(config, testing::rollout_factory()));
  const auto first = *actors->play_batch(5);
  const auto second = *actors->play_batch(3);
  ASSERT_EQ(second.size(), 3u);
  EXPECT_EQ(second[0].seed, config.seed + 5);
  EXPECT_EQ(actors->next_index(), 8u);
  size_t positions = 0;
  for (const auto* b : {&first, &second}) {
    for (const Trajectory& t : *b) {
      EXPECT_EQ(t.game, "kuhn_poker") << "a game of weight 0 is never drawn";
      positions += t.steps.size();
    }
  }
  const ActorStats stats = actors->stats();
  EXPECT_EQ(stats.games, 8u);
  EXPECT_EQ(stats.positions, positions);
  EXPECT_EQ(stats.per_game.at("kuhn_poker").games, 8u);
  EXPECT_EQ(stats.errors, 0u);
  EXPECT_EQ(actors->play_batch(0)->size(), 0u);
  EXPECT_EQ(actors->play_batch(-1).error().code, "bad_argument");

  // Resuming at an index replays the same games.
  auto again = testing::unwrap(SelfPlayActors::create(config, testing::rollout_factory()));
  again->set_next_index(5);
  EXPECT_TRUE(*again->play_batch(3) == second);
}

TEST(SelfPlayActors, FactoryWithoutEvaluatorIsAnError) {
  auto actors = testing::unwrap(SelfPlayActors::create(
      small_config({{"kuhn_poker"}}), [](int, uint64_t) -> std::shared_ptr<Evaluator> { return nullptr; }));
  Result<std::vector<Trajectory>> r = actors->play_batch(2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_config");
  EXPECT_GE(actors->stats().errors, 1u);
}

TEST(SelfPlayActors, ContinuousPlayFeedsTheSinkUntilStopped) {
  SelfPlayConfig config = small_config({{"kuhn_poker"}, {"test_nim(heap=6)"}}, 8);
  config.threads = 3;
  ::arena::testing::register_test_games();
  auto actors = testing::unwrap(SelfPlayActors::create(config, testing::rollout_factory()));
  std::mutex mutex;
  std::vector<Trajectory> got;
  ASSERT_TRUE(actors
                  ->start([&](Trajectory&& t) {
                    std::lock_guard lock(mutex);
                    got.push_back(std::move(t));
                  })
                  .ok());
  EXPECT_TRUE(actors->running());
  EXPECT_EQ(actors->start([](Trajectory&&) {}).error().code, "busy");
  EXPECT_EQ(actors->play_batch(1).error().code, "busy");
  for (int i = 0; i < 2000 && actors->stats().games < 20; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  actors->stop();
  EXPECT_FALSE(actors->running());
  const ActorStats stats = actors->stats();
  std::vector<Trajectory> first;
  {
    std::lock_guard lock(mutex);
    first.swap(got);
  }
  EXPECT_GE(first.size(), 20u);
  EXPECT_EQ(stats.games, first.size()) << "finished games are all delivered";
  std::set<uint64_t> seeds;
  for (const Trajectory& t : first) {
    seeds.insert(t.seed);
    EXPECT_LT(t.seed, config.seed + actors->next_index());
    expect_well_formed(*game_of(t.game), t);
  }
  EXPECT_EQ(seeds.size(), first.size()) << "every game has its own index";

  // Restart, then cancel: the games in progress are dropped, nothing is an error.
  ASSERT_TRUE(actors
                  ->start([&](Trajectory&& t) {
                    std::lock_guard lock(mutex);
                    got.push_back(std::move(t));
                  })
                  .ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  actors->stop(/*finish_games=*/false);
  actors->stop();  // idempotent
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(actors->stats().games, first.size() + got.size());
  }
  EXPECT_EQ(actors->stats().errors, 0u);
  // Idle again: a batch may run.
  EXPECT_TRUE(actors->play_batch(1).ok());
}

}  // namespace
}  // namespace arena::selfplay
