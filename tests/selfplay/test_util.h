// Helpers shared by the self-play tests: games by spec, a small self-play config, and a
// deterministic evaluator that many threads may share.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "agents/search/evaluator.h"
#include "agents/selfplay/actor.h"
#include "games/registry.h"
#include "tests/games/test_games.h"

namespace arena::selfplay::testing {

inline std::shared_ptr<const Game> game_of(const std::string& spec) {
  arena::testing::register_test_games();
  Result<std::shared_ptr<const Game>> g = make_game(spec);
  EXPECT_TRUE(g.ok()) << spec << ": " << (g.ok() ? "" : g.error().message);
  return g.ok() ? *g : nullptr;
}

// The value of a Result that must be ok (moved out).
template <typename T>
T unwrap(Result<T> r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().code + ": " + r.error().message);
  return std::move(r).value();
}

// A few simulations, a little noise, temperature for the first moves.
inline SelfPlayConfig small_config(std::vector<GameChoice> games, int simulations = 16) {
  SelfPlayConfig c;
  c.games = std::move(games);
  c.search.simulations = simulations;
  c.search.c_puct = 1.4;
  c.search.batch_size = 4;
  c.dirichlet_alpha = 0.3;
  c.temperature_moves = 4;
  c.seed = 1234;
  return c;
}

// Values from one random playout whose generator is seeded by the leaf's history, so the
// answer depends only on the leaf: deterministic, and safe to share between threads (it
// keeps no state).
class HistorySeededEvaluator final : public Evaluator {
 public:
  void evaluate(std::span<const EvalRequest> requests, std::span<Evaluation> out) override {
    for (size_t i = 0; i < requests.size(); ++i) {
      const State& s = *requests[i].state;
      uint64_t h = 0xCBF29CE484222325ULL;
      for (const Step& step : s.history()) {
        h = (h ^ static_cast<uint64_t>(step.player + 7)) * 0x100000001B3ULL;
        h = (h ^ static_cast<uint64_t>(step.action + 11)) * 0x100000001B3ULL;
        for (const auto& orders : step.orders) {
          for (Action a : orders) h = (h ^ static_cast<uint64_t>(a + 13)) * 0x100000001B3ULL;
        }
      }
      Rng rng(h);
      std::unique_ptr<State> playout = s.clone();
      random_playout(*playout, rng);
      out[i].values = scaled_returns(*playout);
      out[i].priors.assign(requests[i].actions.size(),
                           1.0f / std::max<size_t>(1, requests[i].actions.size()));
    }
  }
  int preferred_batch_size() const override { return 4; }
};

// A factory giving every game a fresh RolloutEvaluator seeded with the game's seed.
inline EvaluatorFactory rollout_factory() {
  return [](int, uint64_t game_seed) -> std::shared_ptr<Evaluator> {
    return std::make_shared<RolloutEvaluator>(1, game_seed);
  };
}

}  // namespace arena::selfplay::testing
