#include "agents/random_agent.h"

#include <gtest/gtest.h>

#include <set>

#include "agents/registry.h"
#include "games/registry.h"
#include "tests/games/test_games.h"

namespace arena {
namespace {

std::unique_ptr<State> dealt_kuhn() {
  auto game = make_game("kuhn_poker");
  std::unique_ptr<State> s = (*game)->new_initial_state();
  EXPECT_TRUE(s->apply(0).ok());
  EXPECT_TRUE(s->apply(1).ok());
  return s;
}

TEST(RandomAgent, ChoosesEveryLegalActionAndNothingElse) {
  RandomAgent agent(5);
  std::unique_ptr<State> s = dealt_kuhn();
  std::set<Action> chosen;
  for (int i = 0; i < 200; ++i) {
    Result<Decision> d = agent.choose(s->clone(), 0, {}).get();
    ASSERT_TRUE(d.ok());
    ASSERT_EQ(d->actions.size(), 1u);
    chosen.insert(d->actions[0]);
  }
  EXPECT_EQ(chosen, (std::set<Action>{0, 1}));
}

TEST(RandomAgent, SameSeedSameChoices) {
  RandomAgent a(77), b(77);
  std::unique_ptr<State> s = dealt_kuhn();
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(a.choose(s->clone(), 0, {}).get()->actions, b.choose(s->clone(), 0, {}).get()->actions);
  }
}

// An agent with the default choose_async(): it decides on the pool.
class FirstLegalAgent final : public Agent {
 public:
  using Agent::Agent;
  std::string name() const override { return "first"; }

 protected:
  Result<Decision> decide(const State& state, Player, Budget) override {
    return Decision{{state.legal_actions()[0]}};
  }
};

TEST(Agent, DecidesOffTheCallersThreadUnlessItDecidesInline) {
  // A pool of one worker that is kept busy: choose() must still return at once.
  ThreadPool pool(1);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  pool.post([gate] { gate.wait(); });
  FirstLegalAgent pooled(pool);
  std::future<Result<Decision>> pending = pooled.choose(dealt_kuhn(), 0, {});
  EXPECT_EQ(pending.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);

  // Random play is decided on the caller's thread: its answer is there before the pool frees.
  RandomAgent random(1, pool);
  std::future<Result<Decision>> inline_answer = random.choose(dealt_kuhn(), 0, {});
  EXPECT_EQ(inline_answer.wait_for(std::chrono::milliseconds(0)), std::future_status::ready);
  EXPECT_TRUE(inline_answer.get().ok());

  release.set_value();
  EXPECT_TRUE(pending.get().ok());
}

TEST(RandomAgent, RefusesWhenItIsNotItsTurn) {
  RandomAgent agent(1);
  Result<Decision> d = agent.choose(dealt_kuhn(), 1, {}).get();
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, "not_your_turn");
}

TEST(RandomAgent, GivesOneOrderPerGroupAtASimultaneousNode) {
  testing::register_test_games();
  auto game = make_game("test_blotto");
  ASSERT_TRUE(game.ok());
  std::unique_ptr<State> s = (*game)->new_initial_state();
  RandomAgent agent(3);
  Result<Decision> d = agent.choose(s->clone(), 1, {}).get();
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(s->check_orders(1, d->actions).ok());
}

TEST(AgentRegistry, MakesAgentsBySpecAndExplainsBadOnes) {
  auto game = make_game("kuhn_poker");
  Result<std::unique_ptr<Agent>> a = make_agent("random", **game, 1);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->name(), "random");
  Result<std::unique_ptr<Agent>> bad = make_agent("alphazero", **game, 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("valid: random"), std::string::npos);
  EXPECT_FALSE(make_agent("random(depth=3)", **game, 1).ok());
}

}  // namespace
}  // namespace arena
