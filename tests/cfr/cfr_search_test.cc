// The shared agent's search in hidden-information games (agents/cfr/cfr_search.h): CFR+
// warm-started by a policy, measured by the exact best response. The "network" here is a
// stand-in evaluator whose priors are a given tabular policy, so what the warm start does is
// visible without LibTorch: a good prior needs few iterations, any prior still converges.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "agents/cfr/best_response.h"
#include "agents/cfr/cfr.h"
#include "agents/cfr/cfr_agent.h"
#include "agents/cfr/cfr_search.h"
#include "agents/selfplay/actor.h"
#include "games/registry.h"

namespace arena::cfr {
namespace {

std::shared_ptr<const GameTree> tree_of(const std::string& spec) {
  Result<std::shared_ptr<const Game>> game = make_game(spec);
  EXPECT_TRUE(game.ok());
  Result<std::shared_ptr<const GameTree>> tree = whole_tree(**game);
  EXPECT_TRUE(tree.ok()) << tree.error().message;
  return *tree;
}

TreePolicy solved(const std::shared_ptr<const GameTree>& tree, int iterations) {
  CfrPlusSolver solver(tree);
  solver.run(iterations);
  return solver.average_policy();
}

// Priors read from a tabular policy over one tree (values: zero).
class TablePriors final : public Evaluator {
 public:
  TablePriors(std::shared_ptr<const GameTree> tree, TreePolicy policy)
      : tree_(std::move(tree)), policy_(std::move(policy)) {}
  void evaluate(std::span<const EvalRequest> requests, std::span<Evaluation> out) override {
    ++calls;
    for (size_t i = 0; i < requests.size(); ++i) {
      const int32_t infoset =
          tree_->find(requests[i].player, requests[i].state->information_key(requests[i].player));
      ASSERT_GE(infoset, 0);
      out[i].priors.assign(policy_[infoset].begin(), policy_[infoset].end());
      out[i].values.assign(2, 0.0f);
    }
  }
  int calls = 0;

 private:
  std::shared_ptr<const GameTree> tree_;
  TreePolicy policy_;
};

TEST(CfrWarmStart, AnEquilibriumPriorIsKeptAndAUniformOneIsNotNeeded) {
  auto leduc = tree_of("leduc_poker");
  const TreePolicy equilibrium = solved(leduc, 1000);
  ASSERT_LT(exploitability(*leduc, equilibrium).exploitability, 0.001);

  CfrPlusSolver warm(leduc);
  ASSERT_TRUE(warm.warm_start(equilibrium, 5).ok());
  warm.run(3);
  EXPECT_EQ(warm.iterations(), 8);
  CfrPlusSolver cold(leduc);
  cold.run(3);
  const double warm_x = exploitability(*leduc, warm.average_policy()).exploitability;
  const double cold_x = exploitability(*leduc, cold.average_policy()).exploitability;
  EXPECT_LT(warm_x, 0.1) << "three iterations from an equilibrium stay near it";
  EXPECT_GT(cold_x, 0.5) << "three iterations from uniform are far from one";
}

TEST(CfrWarmStart, ABadPriorStillConverges) {
  auto kuhn = tree_of("kuhn_poker");
  // Always the first action (check or fold): exploitable by a lot.
  TreePolicy first(kuhn->infosets().size());
  for (size_t i = 0; i < first.size(); ++i) {
    first[i].assign(kuhn->infosets()[i].actions.size(), 0.0);
    first[i][0] = 1.0;
  }
  ASSERT_GT(exploitability(*kuhn, first).exploitability, 0.4);
  CfrPlusSolver solver(kuhn);
  ASSERT_TRUE(solver.warm_start(first, 20).ok());
  solver.run(2000);
  EXPECT_LT(exploitability(*kuhn, solver.average_policy()).exploitability, 0.002);
}

TEST(CfrWarmStart, RefusesAPriorOfTheWrongShapeOrAfterIterations) {
  auto kuhn = tree_of("kuhn_poker");
  CfrPlusSolver solver(kuhn);
  EXPECT_EQ(solver.warm_start(TreePolicy(3), 1).error().code, "bad_policy");
  TreePolicy wrong = uniform_policy(*kuhn);
  wrong[4].push_back(0.0);
  EXPECT_EQ(solver.warm_start(wrong, 1).error().code, "bad_policy");
  solver.run(1);
  EXPECT_EQ(solver.warm_start(uniform_policy(*kuhn), 1).error().code, "bad_state");
}

TEST(CfrSearch, WithUniformPriorsAndNoPriorWeightItIsPlainCfrPlus) {
  auto leduc = tree_of("leduc_poker");
  TablePriors uniform(leduc, uniform_policy(*leduc));
  Result<TreePolicy> searched = search_policy(*leduc, uniform, {.iterations = 20, .prior_iterations = 0});
  ASSERT_TRUE(searched.ok());
  EXPECT_EQ(*searched, solved(leduc, 20));
  EXPECT_EQ(uniform.calls, (936 + 63) / 64) << "every infoset asked once, in batches of 64";
}

TEST(CfrSearch, AGoodPriorNeedsFewIterations) {
  auto leduc = tree_of("leduc_poker");
  TablePriors good(leduc, solved(leduc, 1000));
  TablePriors uniform(leduc, uniform_policy(*leduc));
  const CfrSearchConfig few{.iterations = 3, .prior_iterations = 5};
  const double with_good = exploitability(*leduc, *search_policy(*leduc, good, few)).exploitability;
  const double with_uniform = exploitability(*leduc, *search_policy(*leduc, uniform, few)).exploitability;
  EXPECT_LT(with_good, 0.1);
  EXPECT_GT(with_uniform, 0.5);
}

TEST(CfrSearchAgent, StatesItsPolicyAndDrawsDecisionsFromIt) {
  auto kuhn = tree_of("kuhn_poker");
  auto priors = std::make_shared<TablePriors>(kuhn, uniform_policy(*kuhn));
  const CfrSearchConfig config{.iterations = 200, .prior_iterations = 1};
  CfrSearchAgent agent("searcher", kuhn, priors, config, 7);
  const TreePolicy expected = *search_policy(*kuhn, *priors, config);
  // Every infoset: the stated distribution is the search's average there.
  for (size_t i = 0; i < kuhn->infosets().size(); ++i) {
    std::unique_ptr<State> state = kuhn->state_at(static_cast<int32_t>(i));
    Result<std::vector<double>> probs = agent.action_probabilities(*state, kuhn->infosets()[i].player);
    ASSERT_TRUE(probs.ok()) << probs.error().message;
    EXPECT_EQ(*probs, expected[i]);
  }
  EXPECT_EQ(priors->calls, 2) << "searched once for the agent's first question, once above";
  EXPECT_LT(exploitability(*kuhn, expected).exploitability, 0.01);
  // At an infoset of the first player where the policy mixes, decisions are drawn, not argmaxed.
  int32_t mixed = -1;
  for (size_t i = 0; i < expected.size() && mixed < 0; ++i) {
    if (kuhn->infosets()[i].player == 0 && expected[i][0] > 0.1 && expected[i][0] < 0.9)
      mixed = static_cast<int32_t>(i);
  }
  ASSERT_GE(mixed, 0) << "Kuhn's equilibrium mixes somewhere for the first player";
  std::unique_ptr<State> state = kuhn->state_at(mixed);
  int first = 0;
  const int n = 400;
  for (int k = 0; k < n; ++k) {
    Result<Decision> d = agent.choose(state->clone(), 0, {}).get();
    ASSERT_TRUE(d.ok());
    first += d->actions[0] == kuhn->infosets()[mixed].actions[0];
  }
  EXPECT_NEAR(static_cast<double>(first) / n, expected[mixed][0], 0.1);
}

TEST(CfrSearchAgent, RefusesAStateOfAnotherSeat) {
  auto kuhn = tree_of("kuhn_poker");
  CfrSearchAgent agent("searcher", kuhn, std::make_shared<TablePriors>(kuhn, uniform_policy(*kuhn)), {}, 1);
  std::unique_ptr<State> state = kuhn->state_at(0);
  EXPECT_EQ(agent.action_probabilities(*state, 1 - kuhn->infosets()[0].player).error().code, "not_your_turn");
}

// Self-play in these games records the search's average policy as every decision's target
// and draws the move from it: a trajectory's targets match one search of the same priors.
TEST(CfrSelfPlay, PolicyTargetsAreTheSearchsAveragePolicy) {
  auto kuhn = tree_of("kuhn_poker");
  TablePriors priors(kuhn, uniform_policy(*kuhn));
  selfplay::SelfPlayConfig config;
  config.games = {{"kuhn_poker"}};
  config.search.simulations = 8;
  config.cfr = {.iterations = 50, .prior_iterations = 2};
  const TreePolicy expected = *search_policy(*kuhn, priors, config.cfr);
  std::map<int32_t, std::vector<int>> chosen;  // per infoset, how often each action was played
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    Result<selfplay::Trajectory> t =
        selfplay::play_selfplay_game(*make_game("kuhn_poker").value(), priors, config, seed);
    ASSERT_TRUE(t.ok()) << t.error().message;
    ASSERT_FALSE(t->steps.empty());
    // Replay the history to find each decision's infoset.
    std::unique_ptr<State> state = kuhn->game().new_initial_state();
    size_t k = 0;
    for (const Step& step : t->history) {
      if (!state->is_chance_node()) {
        const Player seat = state->current_player();
        const int32_t infoset = kuhn->find(seat, state->information_key(seat));
        ASSERT_GE(infoset, 0);
        const selfplay::TrajectoryStep& record = t->steps[k++];
        ASSERT_EQ(record.policy.size(), expected[infoset].size());
        for (size_t a = 0; a < record.policy.size(); ++a)
          EXPECT_NEAR(record.policy[a], expected[infoset][a], 1e-6);
        std::vector<int>& counts = chosen[infoset];
        counts.resize(record.legal.size());
        ++counts[std::find(record.legal.begin(), record.legal.end(), record.action) - record.legal.begin()];
      }
      ASSERT_TRUE(state->apply_step(step).ok());
    }
    EXPECT_EQ(k, t->steps.size()) << "one record per decision";
  }
  // Some infoset where the policy mixes saw both of its actions played.
  bool mixed_played = false;
  for (const auto& [infoset, counts] : chosen) {
    if (expected[infoset][0] > 0.2 && expected[infoset][0] < 0.8 && counts[0] > 0 && counts[1] > 0)
      mixed_played = true;
  }
  EXPECT_TRUE(mixed_played);
}

}  // namespace
}  // namespace arena::cfr
