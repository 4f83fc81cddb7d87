#include "agents/local_match.h"

#include <gtest/gtest.h>

#include "agents/random_agent.h"
#include "games/registry.h"
#include "tests/games/test_games.h"

namespace arena {
namespace {

Result<MatchOutcome> play(const std::string& spec, uint64_t seed) {
  testing::register_test_games();
  auto game = make_game(spec);
  EXPECT_TRUE(game.ok());
  std::vector<std::unique_ptr<Agent>> agents;
  std::vector<Agent*> seats;
  for (int p = 0; p < (*game)->num_players(); ++p) {
    agents.push_back(std::make_unique<RandomAgent>(seed + p));
    seats.push_back(agents.back().get());
  }
  Rng chance(seed);
  return play_local_match(**game, seats, chance);
}

TEST(LocalMatch, PlaysEachGameToTheEndAndReplaysFromItsHistory) {
  for (const char* spec : {"kuhn_poker", "game24", "test_blotto"}) {
    Result<MatchOutcome> m = play(spec, 11);
    ASSERT_TRUE(m.ok()) << spec << ": " << m.error().message;
    auto game = make_game(spec);
    Result<std::unique_ptr<State>> replay = (*game)->state_from_history(m->history);
    ASSERT_TRUE(replay.ok());
    EXPECT_TRUE((*replay)->is_terminal());
    EXPECT_EQ((*replay)->returns(), m->returns);
  }
}

TEST(LocalMatch, SameSeedSameMatch) {
  Result<MatchOutcome> a = play("kuhn_poker", 5), b = play("kuhn_poker", 5);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->history, b->history);
}

TEST(LocalMatch, WrongNumberOfAgentsIsAnError) {
  auto game = make_game("kuhn_poker");
  RandomAgent one(1);
  Rng rng(1);
  Result<MatchOutcome> m = play_local_match(**game, {&one}, rng);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("needs 2 agents"), std::string::npos);
}

// An agent that always answers with an action that does not exist.
class BrokenAgent final : public Agent {
 public:
  std::string name() const override { return "broken"; }

 protected:
  Result<Decision> decide(const State&, Player, Budget) override { return Decision{{12345}}; }
};

TEST(LocalMatch, AnIllegalDecisionEndsTheMatchWithAnError) {
  auto game = make_game("kuhn_poker");
  BrokenAgent broken;
  RandomAgent random(1);
  Rng rng(1);
  Result<MatchOutcome> m = play_local_match(**game, {&broken, &random}, rng);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, "illegal_action");
  EXPECT_NE(m.error().message.find("seat 0 (broken)"), std::string::npos);
}

TEST(WinnerOf, UniqueTopOrNone) {
  EXPECT_EQ(winner_of({1, -1}), 0);
  EXPECT_EQ(winner_of({-2, 2}), 1);
  EXPECT_EQ(winner_of({0, 0}), -1);
  EXPECT_EQ(winner_of({1, 1, -2}), -1);
  EXPECT_EQ(winner_of({1.0}), -1);
}

}  // namespace
}  // namespace arena
