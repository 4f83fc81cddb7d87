// CFR+ and the exact best response on Kuhn and Leduc poker, against the values known from
// the literature (and OpenSpiel's tests): Kuhn's game value -1/18 and the uniform policy's
// NashConv of 11/12; Leduc's value about -0.0856 and the uniform NashConv 4.747222.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "agents/cfr/best_response.h"
#include "agents/cfr/cfr.h"
#include "agents/cfr/cfr_agent.h"
#include "agents/registry.h"
#include "games/registry.h"

namespace arena::cfr {
namespace {

std::shared_ptr<const GameTree> tree_of(const std::string& spec) {
  Result<std::shared_ptr<const Game>> game = make_game(spec);
  EXPECT_TRUE(game.ok());
  Result<std::shared_ptr<const GameTree>> tree = GameTree::build(*game);
  EXPECT_TRUE(tree.ok()) << tree.error().message;
  return *tree;
}

TEST(GameTree, KuhnAndLeducHaveTheirKnownSizes) {
  auto kuhn = tree_of("kuhn_poker");
  EXPECT_EQ(kuhn->nodes().size(), 58u);
  EXPECT_EQ(kuhn->infosets().size(), 12u);
  auto leduc = tree_of("leduc_poker");
  EXPECT_EQ(leduc->nodes().size(), 9457u);
  EXPECT_EQ(leduc->infosets().size(), 936u);
}

TEST(GameTree, RefusesGamesCfrDoesNotSolve) {
  Result<std::shared_ptr<const Game>> puzzle = make_game("game24");
  ASSERT_TRUE(puzzle.ok());
  Result<std::shared_ptr<const GameTree>> tree = GameTree::build(*puzzle);
  ASSERT_FALSE(tree.ok());
  EXPECT_EQ(tree.error().code, "unsupported");
  Result<std::shared_ptr<const Game>> c4 = make_game("connect_four");
  ASSERT_TRUE(c4.ok());
  tree = GameTree::build(*c4, 10'000);
  ASSERT_FALSE(tree.ok()) << "too large";
  EXPECT_EQ(tree.error().code, "unsupported");
}

// The size estimate that refuses huge trees before building them: near the true size for
// Kuhn and Leduc, astronomically large for hold'em, which is refused at once.
TEST(GameTree, EstimatesItsSizeAndRefusesHugeTreesUnbuilt) {
  for (const auto& [spec, nodes] :
       {std::pair<std::string, double>{"kuhn_poker", 58}, {"leduc_poker", 9457}}) {
    const double estimate = GameTree::estimated_size(**make_game(spec));
    EXPECT_GT(estimate, nodes / 3) << spec;
    EXPECT_LT(estimate, nodes * 3) << spec;
  }
  Result<std::shared_ptr<const Game>> holdem = make_game("holdem(limit=true)");
  ASSERT_TRUE(holdem.ok());
  EXPECT_GT(GameTree::estimated_size(**holdem), 1e12);
  Result<std::shared_ptr<const GameTree>> tree = GameTree::build(*holdem, 100'000);
  ASSERT_FALSE(tree.ok());
  EXPECT_EQ(tree.error().code, "unsupported");
  EXPECT_NE(tree.error().message.find("estimated"), std::string::npos) << tree.error().message;
}

TEST(BestResponse, UniformPolicyNashConv) {
  auto kuhn = tree_of("kuhn_poker");
  Exploitability k = exploitability(*kuhn, uniform_policy(*kuhn));
  EXPECT_NEAR(k.nash_conv, 11.0 / 12.0, 1e-4);
  EXPECT_NEAR(k.exploitability, 11.0 / 24.0, 1e-4);
  EXPECT_NEAR(k.on_policy[0] + k.on_policy[1], 0.0, 1e-12);
  auto leduc = tree_of("leduc_poker");
  Exploitability l = exploitability(*leduc, uniform_policy(*leduc));
  EXPECT_NEAR(l.nash_conv, 4.747222, 1e-4);
  EXPECT_NEAR(l.exploitability, 2.373611, 1e-4);
}

// A member of Kuhn's equilibrium family (the first player's alpha = 0): a best response gains
// nothing against it, and the first player's value is -1/18.
TEST(BestResponse, KnownKuhnEquilibriumIsUnexploitable) {
  auto kuhn = tree_of("kuhn_poker");
  TabularPolicy eq;
  // Player 0 (alpha = 0): checks every card; facing a bet after checking: folds
  // J, calls Q with 1/3, calls K.
  eq[{0, "dealt=2;bets=;card0=J"}] = {1, 0};
  eq[{0, "dealt=2;bets=;card0=Q"}] = {1, 0};
  eq[{0, "dealt=2;bets=;card0=K"}] = {1, 0};
  eq[{0, "dealt=2;bets=pb;card0=J"}] = {1, 0};
  eq[{0, "dealt=2;bets=pb;card0=Q"}] = {2.0 / 3, 1.0 / 3};
  eq[{0, "dealt=2;bets=pb;card0=K"}] = {0, 1};
  // Player 1: facing a bet, folds J, calls Q 1/3, calls K; after a check, bets J 1/3,
  // checks Q, bets K.
  eq[{1, "dealt=2;bets=b;card1=J"}] = {1, 0};
  eq[{1, "dealt=2;bets=b;card1=Q"}] = {2.0 / 3, 1.0 / 3};
  eq[{1, "dealt=2;bets=b;card1=K"}] = {0, 1};
  eq[{1, "dealt=2;bets=p;card1=J"}] = {2.0 / 3, 1.0 / 3};
  eq[{1, "dealt=2;bets=p;card1=Q"}] = {1, 0};
  eq[{1, "dealt=2;bets=p;card1=K"}] = {0, 1};
  Result<TreePolicy> policy = to_tree_policy(*kuhn, eq);
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  Exploitability e = exploitability(*kuhn, *policy);
  EXPECT_NEAR(e.on_policy[0], -1.0 / 18, 1e-9);
  EXPECT_NEAR(e.nash_conv, 0.0, 1e-9);
  TabularPolicy bad = eq;
  bad[{0, "dealt=2;bets=;card0=J"}] = {0.5, 0.6};
  EXPECT_FALSE(to_tree_policy(*kuhn, bad).ok());
}

TEST(CfrPlus, SolvesKuhn) {
  auto kuhn = tree_of("kuhn_poker");
  CfrPlusSolver solver(kuhn);
  solver.run(300);
  Exploitability e = exploitability(*kuhn, solver.average_policy());
  EXPECT_LT(e.exploitability, 0.001);
  EXPECT_NEAR(e.on_policy[0], -1.0 / 18, 0.001);
}

TEST(CfrPlus, SolvesLeduc) {
  auto leduc = tree_of("leduc_poker");
  CfrPlusSolver solver(leduc);
  const auto start = std::chrono::steady_clock::now();
  solver.run(300);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Exploitability e = exploitability(*leduc, solver.average_policy());
  std::printf("leduc: %d iterations in %.2f s, exploitability %.5f, value %.5f\n", solver.iterations(),
              seconds, e.exploitability, e.on_policy[0]);
  EXPECT_LT(e.exploitability, 0.01);
  EXPECT_NEAR(e.on_policy[0], -0.0856, 0.005);
  // The tabular form keys the same policy by information key.
  Result<TreePolicy> back = to_tree_policy(*leduc, solver.average_tabular_policy());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, solver.average_policy());
}

TEST(CfrAgent, PlaysLegalActionsDrawnFromTheAveragePolicy) {
  for (const char* spec : {"kuhn_poker", "leduc_poker"}) {
    Result<std::shared_ptr<const Game>> game = make_game(spec);
    ASSERT_TRUE(game.ok());
    Result<std::unique_ptr<Agent>> agent = make_agent("cfr(iterations=100)", **game, 7);
    ASSERT_TRUE(agent.ok()) << agent.error().message;
    EXPECT_EQ((*agent)->name(), "cfr(iterations=100)");
    Rng rng(11);
    for (int hand = 0; hand < 30; ++hand) {
      std::unique_ptr<State> s = (*game)->new_initial_state();
      while (!s->is_terminal()) {
        if (s->is_chance_node()) {
          ASSERT_TRUE(s->apply(sample_chance(*s, rng)).ok());
          continue;
        }
        Result<Decision> d = (*agent)->choose(s->clone(), s->current_player(), {}).get();
        ASSERT_TRUE(d.ok()) << d.error().message;
        ASSERT_EQ(d->actions.size(), 1u);
        ASSERT_TRUE(s->apply(d->actions[0]).ok()) << "illegal " << d->actions[0] << " at " << s->to_string();
      }
    }
  }
  // Kuhn, first player holding the jack facing a bet: the average policy never calls.
  Result<std::shared_ptr<const Game>> kuhn = make_game("kuhn_poker");
  std::unique_ptr<State> s = (*kuhn)->new_initial_state();
  for (Action a : {0, 2, 0, 1}) ASSERT_TRUE(s->apply(a).ok());  // J, K, check, bet
  CfrAgent agent(100, 3);
  Result<std::vector<double>> probs = agent.action_probabilities(*s, 0);
  ASSERT_TRUE(probs.ok());
  EXPECT_GT((*probs)[0], 0.99) << "folds";
}

// Decisions are drawn with the average policy's probabilities, not its argmax: Kuhn's second
// player holding the jack after a check bluffs about a third of the time.
TEST(CfrAgent, DrawsDecisionsWithThePolicysProbabilities) {
  Result<std::shared_ptr<const Game>> kuhn = make_game("kuhn_poker");
  ASSERT_TRUE(kuhn.ok());
  std::unique_ptr<State> s = (*kuhn)->new_initial_state();
  for (Action a : {1, 0, 0}) ASSERT_TRUE(s->apply(a).ok());  // Q, J, check
  CfrAgent agent(1000, 5);
  Result<std::vector<double>> probs = agent.action_probabilities(*s, 1);
  ASSERT_TRUE(probs.ok());
  EXPECT_NEAR((*probs)[1], 1.0 / 3, 0.02) << "bluffs a third of the time";
  int bets = 0;
  constexpr int kDecisions = 600;
  for (int i = 0; i < kDecisions; ++i) {
    Result<Decision> d = agent.choose(s->clone(), 1, {}).get();
    ASSERT_TRUE(d.ok());
    bets += d->actions[0] == 1;
  }
  EXPECT_NEAR(static_cast<double>(bets) / kDecisions, (*probs)[1], 0.06);
}

TEST(CfrAgent, SolvesOncePerSpecAndIterationsAcrossThreads) {
  Result<std::shared_ptr<const Game>> game = make_game("leduc_poker");
  ASSERT_TRUE(game.ok());
  std::vector<std::shared_ptr<const CfrSolution>> got(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] { got[i] = *solve_cached(**game, 50); });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& s : got) EXPECT_EQ(s, got[0]);
  EXPECT_EQ(got[0]->iterations, 50);
  EXPECT_NE(*solve_cached(**game, 51), got[0]);
}

TEST(CfrAgent, RefusesOtherGames) {
  Result<std::shared_ptr<const Game>> puzzle = make_game("game24");
  ASSERT_TRUE(puzzle.ok());
  Status s = can_play("cfr", **puzzle);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "bad_spec");
  Result<std::shared_ptr<const Game>> c4 = make_game("connect_four");
  ASSERT_TRUE(c4.ok());
  EXPECT_FALSE(can_play("cfr", **c4).ok()) << "perfect information: left to search";
  Result<std::shared_ptr<const Game>> kuhn = make_game("kuhn_poker");
  EXPECT_FALSE(can_play("cfr(iterations=0)", **kuhn).ok());
  EXPECT_TRUE(can_play("cfr", **kuhn).ok());
}

}  // namespace
}  // namespace arena::cfr
