#include "agents/search/mcts.h"

#include <gtest/gtest.h>

#include <limits>
#include <map>

#include "agents/local_match.h"
#include "agents/random_agent.h"
#include "games/registry.h"
#include "tests/games/test_games.h"

namespace arena {
namespace {

std::shared_ptr<const Game> game_of(const std::string& spec) {
  testing::register_test_games();
  Result<std::shared_ptr<const Game>> g = make_game(spec);
  EXPECT_TRUE(g.ok()) << spec;
  return *g;
}

std::unique_ptr<State> play(const Game& game, const std::vector<Action>& actions) {
  std::unique_ptr<State> s = game.new_initial_state();
  for (Action a : actions) EXPECT_TRUE(s->apply(a).ok());
  return s;
}

Mcts rollout_mcts(MctsConfig config) {
  return Mcts(config, std::make_shared<RolloutEvaluator>(config.rollouts, config.seed + 1));
}

TEST(Mcts, TakesAnImmediateWin) {
  auto game = game_of("test_nim(heap=3)");
  std::unique_ptr<State> s = game->new_initial_state();
  Mcts mcts = rollout_mcts({.simulations = 100, .seed = 1});
  Result<SearchResult> r = mcts.search(*s, 0);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->decision.actions.size(), 1u);
  EXPECT_EQ(r->decision.actions[0], 2) << "take 3 wins at once";
  EXPECT_EQ(r->simulations, 100);
  EXPECT_GT(r->root_value[0], 0.5f);
}

TEST(Mcts, FindsTheWinningMoveAFewPliesDeep) {
  // Heap 5: take 1, leaving the opponent a multiple of 4.
  auto game = game_of("test_nim(heap=5)");
  Mcts mcts = rollout_mcts({.simulations = 600, .seed = 2});
  Result<SearchResult> r = mcts.search(*game->new_initial_state(), 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->decision.actions[0], 0);
}

// Counts the leaves of each evaluate() call: searches gather several leaves per pass.
class CountingEvaluator final : public Evaluator {
 public:
  explicit CountingEvaluator(int batch) : batch_(batch), inner_(1, 9) {}
  void evaluate(std::span<const EvalRequest> requests, std::span<Evaluation> out) override {
    batches.push_back(static_cast<int>(requests.size()));
    inner_.evaluate(requests, out);
  }
  int preferred_batch_size() const override { return batch_; }
  std::vector<int> batches;

 private:
  int batch_;
  RolloutEvaluator inner_;
};

TEST(Mcts, EvaluatesLeavesInBatchesWithVirtualLoss) {
  auto game = game_of("test_nim(heap=9)");
  auto evaluator = std::make_shared<CountingEvaluator>(8);
  Mcts mcts({.simulations = 800, .seed = 3}, evaluator);
  Result<SearchResult> r = mcts.search(*game->new_initial_state(), 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->decision.actions[0], 0) << "heap 9: take 1";
  int most = 0, total = 0;
  for (int b : evaluator->batches) {
    most = std::max(most, b);
    total += b;
  }
  EXPECT_EQ(most, 8);
  EXPECT_LT(evaluator->batches.size(), 400u);
  EXPECT_LE(total, 800);
  EXPECT_EQ(mcts.root_visits(), 800);
}

// go(size=9), 300 simulations a move, against random: at least 18 of 20 seeded games, run as
// four shards of five games (at least four wins each) so that each test stays short. Under
// AddressSanitizer, which checks memory and not strength, one game per shard.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kGoGamesPerShard = 1;
#else
constexpr int kGoGamesPerShard = 5;
#endif

class MctsGo : public ::testing::TestWithParam<int> {};

TEST_P(MctsGo, BeatsRandomAt9x9) {
  auto game = game_of("go(size=9)");
  int wins = 0;
  for (int k = 0; k < kGoGamesPerShard; ++k) {
    const int i = GetParam() * 5 + k;  // the game's seed, 0..19
    const Player mcts_seat = i % 2;
    MctsConfig config{.simulations = 300, .seed = 100 + static_cast<uint64_t>(i)};
    std::unique_ptr<Agent> mcts = MctsAgent::rollout(config);
    RandomAgent random(200 + i);
    std::vector<Agent*> seats =
        mcts_seat == 0 ? std::vector<Agent*>{mcts.get(), &random} : std::vector<Agent*>{&random, mcts.get()};
    Rng chance(i);
    Result<MatchOutcome> m = play_local_match(*game, seats, chance);
    ASSERT_TRUE(m.ok()) << m.error().message;
    wins += winner_of(m->returns) == mcts_seat;
  }
  EXPECT_GE(wins, kGoGamesPerShard - 1 + (kGoGamesPerShard == 1)) << "of " << kGoGamesPerShard;
}

INSTANTIATE_TEST_SUITE_P(Shards, MctsGo, ::testing::Range(0, 4));

TEST(Mcts, SolvesA24Puzzle) {
  auto game = game_of("game24(puzzle=1)");
  MctsConfig config{.simulations = 1500, .seed = 4};
  std::unique_ptr<Agent> mcts = MctsAgent::rollout(config);
  Rng chance(1);
  Result<MatchOutcome> m = play_local_match(*game, {mcts.get()}, chance);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_DOUBLE_EQ(m->returns[0], 1.0) << "not solved";
}

TEST(Mcts, KuhnPokerDecisionsDependOnOwnCardOnly) {
  auto game = game_of("kuhn_poker");
  // Seat 1 facing a bet: with the king it calls, with the jack it folds.
  auto decide = [&](Action own_card, Action other_card, Player seat, const std::vector<Action>& bets) {
    std::vector<Action> steps =
        seat == 0 ? std::vector<Action>{own_card, other_card} : std::vector<Action>{other_card, own_card};
    steps.insert(steps.end(), bets.begin(), bets.end());
    std::unique_ptr<State> s = play(*game, steps);
    Mcts mcts = rollout_mcts({.simulations = 400, .seed = 7});
    Result<SearchResult> r = mcts.search(*s, seat);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return *r;
  };
  EXPECT_EQ(decide(2, 0, 1, {1}).decision.actions[0], 1) << "king calls";
  EXPECT_EQ(decide(0, 2, 1, {1}).decision.actions[0], 0) << "jack folds";
  // The opponent's hidden card changes nothing, down to the visit counts.
  for (Player seat : {0, 1}) {
    const std::vector<Action> bets = seat == 0 ? std::vector<Action>{} : std::vector<Action>{0};
    for (Action own : {0, 1, 2}) {
      std::vector<Action> others;
      for (Action c : {0, 1, 2}) {
        if (c != own) others.push_back(c);
      }
      const SearchResult a = decide(own, others[0], seat, bets), b = decide(own, others[1], seat, bets);
      EXPECT_EQ(a.decision.actions, b.decision.actions) << "seat " << seat << " card " << own;
      EXPECT_EQ(a.visits, b.visits) << "seat " << seat << " card " << own;
    }
  }
}

TEST(Mcts, RefusesASeatThatIsNotToAct) {
  auto game = game_of("kuhn_poker");
  std::unique_ptr<State> s = play(*game, {2, 0});
  Mcts mcts = rollout_mcts({.simulations = 10});
  Result<SearchResult> r = mcts.search(*s, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "not_your_turn");
}

TEST(Mcts, PlaysSimultaneousBlotto) {
  auto game = game_of("test_blotto");
  for (int i = 0; i < 3; ++i) {
    std::unique_ptr<Agent> mcts = MctsAgent::rollout({.simulations = 200, .seed = static_cast<uint64_t>(i)});
    RandomAgent random(50 + i);
    Rng chance(i);
    Result<MatchOutcome> m = play_local_match(*game, {mcts.get(), &random}, chance);
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m->history.size(), 3u);
  }
  // One decision: one order per unit, both legal.
  Mcts mcts = rollout_mcts({.simulations = 300, .seed = 5});
  std::unique_ptr<State> s = game->new_initial_state();
  Result<SearchResult> r = mcts.search(*s, 1);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->decision.actions.size(), 2u);
  EXPECT_TRUE(s->check_orders(1, r->decision.actions).ok());
  EXPECT_EQ(r->visits.size(), 6u);  // two groups of three
  ASSERT_EQ(r->strategy.size(), 6u);
  for (size_t g = 0; g < 2; ++g) {
    EXPECT_NEAR(r->strategy[3 * g] + r->strategy[3 * g + 1] + r->strategy[3 * g + 2], 1.0f, 1e-4f);
  }
}

// The searcher's average strategy at a simultaneous root, one map per order group.
std::vector<std::map<Action, float>> strategy_by_group(const SearchResult& r, const State& s, Player seat) {
  std::vector<std::map<Action, float>> out;
  size_t next = 0;
  for (const std::vector<Action>& group : s.order_groups(seat)) {
    out.emplace_back();
    for (size_t k = 0; k < group.size() && next < r.strategy.size(); ++k, ++next) {
      out.back()[r.visits[next].first] = r.strategy[next];
    }
  }
  return out;
}

TEST(Mcts, MixesAtSimultaneousNodesLikeRockPaperScissors) {
  // Rock-paper-scissors: the only equilibrium is uniform. The average strategy of regret
  // matching gets close to it, and the orders are drawn from it: no pure strategy (the old
  // argmax of decoupled PUCT played the same order whatever the seed).
  for (const char* spec : {"test_rps", "test_rps(units=2)"}) {
    auto game = game_of(spec);
    std::unique_ptr<State> s = game->new_initial_state();
    for (uint64_t seed : {1, 2, 3}) {
      Mcts mcts = rollout_mcts({.simulations = 3000, .seed = seed});
      Result<SearchResult> r = mcts.search(*s, 1);
      ASSERT_TRUE(r.ok()) << r.error().message;
      for (const auto& group : strategy_by_group(*r, *s, 1)) {
        ASSERT_EQ(group.size(), 3u);
        for (const auto& [action, p] : group) EXPECT_NEAR(p, 1.0 / 3, 0.1) << spec << " seed " << seed;
      }
    }
  }
  auto game = game_of("test_rps");
  std::map<Action, int> chosen;
  for (uint64_t seed = 0; seed < 30; ++seed) {
    Mcts mcts = rollout_mcts({.simulations = 300, .seed = seed});
    Result<SearchResult> r = mcts.search(*game->new_initial_state(), 0);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->decision.actions.size(), 1u);
    ++chosen[r->decision.actions[0]];
  }
  ASSERT_EQ(chosen.size(), 3u) << "every order is played over seeds";
  for (const auto& [action, n] : chosen) EXPECT_GE(n, 4) << "action " << action;
}

TEST(Mcts, DropsADominatedSimultaneousOrder) {
  // Forfeit loses to everything: its share of the average strategy goes to almost nothing,
  // for two and for three seats, for each unit.
  for (const char* spec : {"test_rps(forfeit=true)", "test_rps(players=3,units=2,forfeit=true)"}) {
    auto game = game_of(spec);
    std::unique_ptr<State> s = game->new_initial_state();
    const Player seat = game->num_players() - 1;
    Mcts mcts = rollout_mcts({.simulations = 3000, .seed = 4});
    Result<SearchResult> r = mcts.search(*s, seat);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->root_value.size(), static_cast<size_t>(game->num_players()));
    EXPECT_TRUE(s->check_orders(seat, r->decision.actions).ok());
    for (const auto& group : strategy_by_group(*r, *s, seat)) {
      ASSERT_EQ(group.size(), 4u);
      const float forfeit = std::prev(group.end())->second;  // the last choice of the unit
      EXPECT_LT(forfeit, 0.03f) << spec;
      for (auto it = group.begin(); it != std::prev(group.end()); ++it) EXPECT_GT(it->second, 0.15f) << spec;
    }
    // Visits (how often each order was drawn) shun it too, up to the exploration floor.
    int forfeit_visits = 0, total = 0;
    for (size_t i = 0; i < r->visits.size(); ++i) {
      total += r->visits[i].second;
      if (i % 4 == 3) forfeit_visits += r->visits[i].second;
    }
    EXPECT_LT(forfeit_visits, total / 20) << spec;
  }
}

// Factorised priors for test_rps: everything on paper, per group, for every acting seat.
class PaperPriors final : public Evaluator {
 public:
  void evaluate(std::span<const EvalRequest> requests, std::span<Evaluation> out) override {
    for (size_t i = 0; i < requests.size(); ++i) {
      const State& s = *requests[i].state;
      out[i].priors.assign(requests[i].actions.size(),
                           1.0f / std::max<size_t>(1, requests[i].actions.size()));
      out[i].values.assign(s.game().num_players(), 0.0f);
      if (!requests[i].joint_priors) continue;
      ++joint_requests;
      for (Player seat : s.players_to_act()) {
        for (const std::vector<Action>& group : s.order_groups(seat)) {
          for (Action a : group) out[i].joint_priors.push_back(a % 3 == 1 ? 1.0f : 0.0f);
        }
      }
    }
  }
  int joint_requests = 0;
};

TEST(Mcts, SimultaneousNodesStartFromTheEvaluatorsGroupPriors) {
  auto game = game_of("test_rps(units=2)");
  auto evaluator = std::make_shared<PaperPriors>();
  // One simulation expands the root, the second draws from the priors: the average
  // strategy is the priors.
  Mcts mcts({.simulations = 2, .seed = 1}, evaluator);
  std::unique_ptr<State> s = game->new_initial_state();
  Result<SearchResult> r = mcts.search(*s, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(evaluator->joint_requests, 1);
  for (const auto& group : strategy_by_group(*r, *s, 0)) {
    for (const auto& [action, p] : group) EXPECT_FLOAT_EQ(p, action % 3 == 1 ? 1.0f : 0.0f);
  }
  EXPECT_EQ(r->decision.actions, (std::vector<Action>{1, 4}));
  // Priors that do not fit the node (wrong length) are replaced by uniform ones.
  class Broken final : public Evaluator {
   public:
    void evaluate(std::span<const EvalRequest> requests, std::span<Evaluation> out) override {
      for (size_t i = 0; i < requests.size(); ++i) {
        out[i].values.assign(2, 0.0f);
        out[i].joint_priors.assign(5, std::numeric_limits<float>::quiet_NaN());
      }
    }
  };
  Mcts broken({.simulations = 2, .seed = 1}, std::make_shared<Broken>());
  Result<SearchResult> b = broken.search(*s, 0);
  ASSERT_TRUE(b.ok());
  for (float p : b->strategy) EXPECT_NEAR(p, 1.0f / 3, 1e-5f);
}

// An evaluator that puts every prior on the last legal action (Go's pass) and calls every
// position even.
class PassLover final : public Evaluator {
 public:
  void evaluate(std::span<const EvalRequest> requests, std::span<Evaluation> out) override {
    for (size_t i = 0; i < requests.size(); ++i) {
      out[i].values.assign(2, 0.0f);
      out[i].priors.assign(requests[i].actions.size(), 0.0f);
      if (!out[i].priors.empty()) out[i].priors.back() = 1.0f;
    }
  }
};

TEST(Mcts, PassesAtTheRootOnlyWhenTheBoardAsItStandsWinsAndThePassEndsTheGameOrNothingElseIsLeft) {
  auto game = game_of("go(size=5)");
  const Action pass = 25;
  // Empty board, Black to move: komi wins it for White, so Black's pass is guarded.
  std::unique_ptr<State> s = game->new_initial_state();
  ASSERT_TRUE(s->pass_guarded(pass));
  ASSERT_FALSE(s->pass_guarded(12));
  Mcts black({.simulations = 50, .seed = 1}, std::make_shared<PassLover>());
  Result<SearchResult> r = black.search(*s, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->decision.actions[0], pass);
  for (const auto& [action, visits] : r->visits) {
    if (action == pass) {
      EXPECT_EQ(visits, 0);
    }
  }
  // Black passed: White, winning on komi, may pass (and the search wants to): it ends the game.
  ASSERT_TRUE(s->apply(pass).ok());
  ASSERT_FALSE(s->pass_guarded(pass));
  Mcts white({.simulations = 50, .seed = 1}, std::make_shared<PassLover>());
  r = white.search(*s, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->decision.actions[0], pass);

  // Ahead while the opponent plays on: a pass would hand White a free stone in Black's area.
  // Komi 0.5; Black 12, White passes, Black 6, White 0: Black leads by 0.5 with moves left.
  auto small_komi = game_of("go(size=5,komi=0.5)");
  s = small_komi->new_initial_state();
  for (Action a : {Action{12}, pass, Action{6}, Action{0}}) ASSERT_TRUE(s->apply(a).ok());
  EXPECT_TRUE(s->pass_guarded(pass)) << "Black leads, White did not pass";
  Mcts ahead({.simulations = 50, .seed = 1}, std::make_shared<PassLover>());
  r = ahead.search(*s, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->decision.actions[0], pass);
  // Black plays on and White passes: now Black's pass ends the game, won.
  ASSERT_TRUE(s->apply(18).ok());
  ASSERT_TRUE(s->apply(pass).ok());
  EXPECT_FALSE(s->pass_guarded(pass));
}

TEST(Mcts, SameSeedSameSearch) {
  for (const char* spec : {"go(size=9)", "kuhn_poker", "test_blotto", "game24(puzzle=3)"}) {
    auto game = game_of(spec);
    std::unique_ptr<State> s = game->new_initial_state();
    Rng rng(1);
    while (s->is_chance_node())
      ASSERT_TRUE(s->apply(s->chance_outcomes()[rng.uniform(s->chance_outcomes().size())].first).ok());
    const Player seat = s->players_to_act().front();
    Mcts a = rollout_mcts({.simulations = 150, .seed = 11}),
         b = rollout_mcts({.simulations = 150, .seed = 11});
    Result<SearchResult> ra = a.search(*s, seat), rb = b.search(*s, seat);
    ASSERT_TRUE(ra.ok() && rb.ok()) << spec;
    EXPECT_EQ(ra->decision.actions, rb->decision.actions) << spec;
    EXPECT_EQ(ra->visits, rb->visits) << spec;
    EXPECT_EQ(ra->root_value, rb->root_value) << spec;
  }
}

TEST(Mcts, ReusesTheSubtreeOfTheMovesPlayed) {
  auto game = game_of("go(size=9)");
  Mcts mcts = rollout_mcts({.simulations = 300, .seed = 6});
  std::unique_ptr<State> s = game->new_initial_state();
  Result<SearchResult> first = mcts.search(*s, 0);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->reused_visits, 0);
  // Our move and a reply: the subtree under them is kept.
  ASSERT_TRUE(s->apply(first->decision.actions[0]).ok());
  const std::vector<Action> legal = s->legal_actions();
  ASSERT_TRUE(s->apply(legal[legal.size() / 2]).ok());
  const size_t before = mcts.tree_size();
  Result<SearchResult> second = mcts.search(*s, 0);
  ASSERT_TRUE(second.ok());
  EXPECT_LT(mcts.tree_size(), before + 300 * 82);
  EXPECT_EQ(mcts.root_visits(), second->reused_visits + 300);
  // A history that does not extend the last one: a fresh tree.
  std::unique_ptr<State> other = play(*game, {40, 41});
  Result<SearchResult> third = mcts.search(*other, 0);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->reused_visits, 0);
  EXPECT_EQ(mcts.root_visits(), 300);
}

TEST(Mcts, KeepsVisitsAlongThePrincipalLine) {
  auto game = game_of("test_nim(heap=9)");
  Mcts mcts = rollout_mcts({.simulations = 500, .seed = 8});
  std::unique_ptr<State> s = game->new_initial_state();
  Result<SearchResult> first = mcts.search(*s, 0);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(s->apply(first->decision.actions[0]).ok());
  ASSERT_TRUE(s->apply(0).ok());
  Result<SearchResult> second = mcts.search(*s, 0);
  ASSERT_TRUE(second.ok());
  EXPECT_GT(second->reused_visits, 10);
}

TEST(Mcts, DirichletNoiseAndTemperatureAreOptions) {
  auto game = game_of("test_nim(heap=9)");
  Mcts mcts = rollout_mcts({.simulations = 200, .seed = 9, .dirichlet_alpha = 0.3, .temperature = 1.0});
  std::map<Action, int> chosen;
  for (int i = 0; i < 20; ++i) {
    mcts.reset();
    Result<SearchResult> r = mcts.search(*game->new_initial_state(), 0);
    ASSERT_TRUE(r.ok());
    ++chosen[r->decision.actions[0]];
  }
  EXPECT_GT(chosen.size(), 1u) << "sampling by visits varies the move";
}

TEST(MctsAgent, IsRegisteredWithItsParameters) {
  auto game = game_of("go(size=9)");
  Result<std::unique_ptr<Agent>> a = make_agent("mcts(simulations=20,c=1.0,rollouts=2)", *game, 1);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_FALSE((*a)->decides_inline());
  std::unique_ptr<State> s = game->new_initial_state();
  Result<Decision> d = (*a)->choose(s->clone(), 0, {}).get();
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(s->is_legal(d->actions[0]));
  EXPECT_FALSE(make_agent("mcts(simulations=0)", *game, 1).ok());
  EXPECT_FALSE(make_agent("mcts(depth=3)", *game, 1).ok());
  bool listed = false;
  for (const AgentRegistration& r : agent_registrations()) listed |= r.name == "mcts";
  EXPECT_TRUE(listed);
}

TEST(MctsAgent, StopsAtTheTimeBudget) {
  auto game = game_of("go(size=9)");
  Mcts mcts = rollout_mcts({.simulations = 1'000'000, .seed = 1});
  const auto start = std::chrono::steady_clock::now();
  Result<SearchResult> r = mcts.search(*game->new_initial_state(), 0, Budget{std::chrono::milliseconds(100)});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.ok());
  EXPECT_LT(r->simulations, 1'000'000);
  EXPECT_LT(took, std::chrono::milliseconds(1000));
}

}  // namespace
}  // namespace arena
