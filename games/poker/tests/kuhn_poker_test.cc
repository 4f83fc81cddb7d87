#include "games/poker/kuhn_poker.h"

#include <gtest/gtest.h>

#include "games/registry.h"

namespace arena {
namespace {

// Deals the two cards, then plays the betting given as "check"/"bet"/"call"/"fold" words.
std::unique_ptr<State> play(int card0, int card1, const std::vector<std::string>& moves) {
  auto game = make_game("kuhn_poker");
  EXPECT_TRUE(game.ok());
  std::unique_ptr<State> s = (*game)->new_initial_state();
  EXPECT_TRUE(s->apply(card0).ok());
  EXPECT_TRUE(s->apply(card1).ok());
  for (const std::string& m : moves) {
    Result<Action> a = s->parse_action(s->current_player(), m);
    EXPECT_TRUE(a.ok()) << m;
    EXPECT_TRUE(s->apply(*a).ok()) << m;
  }
  return s;
}

constexpr int J = 0, Q = 1, K = 2;

TEST(KuhnPoker, ChanceDealsDistinctCards) {
  auto game = make_game("kuhn_poker");
  std::unique_ptr<State> s = (*game)->new_initial_state();
  EXPECT_EQ(s->chance_outcomes().size(), 3u);
  ASSERT_TRUE(s->apply(K).ok());
  const auto second = s->chance_outcomes();
  ASSERT_EQ(second.size(), 2u);
  for (const auto& [card, p] : second) {
    EXPECT_NE(card, K);
    EXPECT_DOUBLE_EQ(p, 0.5);
  }
  EXPECT_FALSE(s->apply(K).ok()) << "the same card twice";
}

TEST(KuhnPoker, PayoffsOfEveryBettingLine) {
  struct Case {
    int c0, c1;
    std::vector<std::string> moves;
    double p0;
  };
  const std::vector<Case> cases = {
      {K, J, {"check", "check"}, 1},       {J, K, {"check", "check"}, -1},
      {Q, J, {"bet", "call"}, 2},          {Q, K, {"bet", "call"}, -2},
      {J, K, {"bet", "fold"}, 1},          {K, Q, {"check", "bet", "fold"}, -1},
      {K, Q, {"check", "bet", "call"}, 2}, {J, Q, {"check", "bet", "call"}, -2},
  };
  for (const Case& c : cases) {
    std::unique_ptr<State> s = play(c.c0, c.c1, c.moves);
    ASSERT_TRUE(s->is_terminal()) << s->to_string();
    EXPECT_EQ(s->returns(), (std::vector<double>{c.p0, -c.p0})) << s->to_string();
  }
}

TEST(KuhnPoker, NotationFollowsTheSituation) {
  std::unique_ptr<State> s = play(K, J, {});
  EXPECT_EQ(s->action_to_string(0, KuhnPoker::kPass), "check");
  EXPECT_EQ(s->action_to_string(0, KuhnPoker::kBet), "bet");
  EXPECT_FALSE(s->parse_action(0, "call").ok()) << "nothing to call yet";
  ASSERT_TRUE(s->apply(KuhnPoker::kBet).ok());
  EXPECT_EQ(s->action_to_string(1, KuhnPoker::kPass), "fold");
  EXPECT_EQ(s->action_to_string(1, KuhnPoker::kBet), "call");
  EXPECT_EQ(*s->parse_action(1, "CALL"), KuhnPoker::kBet);
  Result<Action> bad = s->parse_action(1, "raise 300");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("fold or call"), std::string::npos);
}

TEST(KuhnPoker, SpectatorSeesNoCardsUntilShowdown) {
  std::unique_ptr<State> s = play(K, J, {"bet"});
  const Json spectator = s->view(kSpectator);
  EXPECT_EQ(spectator["state"]["cards"], Json::array({nullptr, nullptr}));
  EXPECT_EQ(s->view(0)["state"]["cards"], Json::array({"K", nullptr}));
  EXPECT_EQ(s->view(1)["state"]["cards"], Json::array({nullptr, "J"}));
  EXPECT_EQ(s->information_key(kSpectator).find("card"), std::string::npos);

  ASSERT_TRUE(s->apply(KuhnPoker::kBet).ok());  // call: showdown
  EXPECT_EQ(s->view(kSpectator)["state"]["cards"], Json::array({"K", "J"}));

  std::unique_ptr<State> folded = play(K, J, {"bet", "fold"});
  EXPECT_EQ(folded->view(kSpectator)["state"]["cards"], Json::array({nullptr, nullptr}))
      << "a folded hand is not shown";
  EXPECT_EQ(folded->view(1)["state"]["cards"], Json::array({nullptr, "J"}));
}

TEST(KuhnPoker, ObservationIsSeatCardAndBetting) {
  std::unique_ptr<State> s = play(Q, K, {"check", "bet"});
  std::vector<float> expected(11, 0.0f);
  expected[0] = 1;      // seat 0
  expected[2 + Q] = 1;  // holds the queen
  expected[5 + 0] = 1;  // turn 1: pass
  expected[7 + 1] = 1;  // turn 2: bet
  EXPECT_EQ(s->observation_tensor(0), expected);
}

}  // namespace
}  // namespace arena
