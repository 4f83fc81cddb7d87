#include "games/poker/leduc_poker.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "games/registry.h"

namespace arena {
namespace {

// Card ids: rank * 2 + suit (J = 0, Q = 1, K = 2; s = 0, h = 1).
constexpr int Js = 0, Jh = 1, Qs = 2, Qh = 3, Ks = 4, Kh = 5;

std::unique_ptr<State> new_hand() {
  auto game = make_game("leduc_poker");
  EXPECT_TRUE(game.ok());
  return (*game)->new_initial_state();
}

// Deals the private cards, plays `round1`, deals `public_card` (if the hand goes on and it is
// not -1), then plays `round2`; moves are notation ("check", "bet", "call", "raise", "fold").
std::unique_ptr<State> play(int c0, int c1, const std::vector<std::string>& round1, int public_card = -1,
                            const std::vector<std::string>& round2 = {}) {
  std::unique_ptr<State> s = new_hand();
  EXPECT_TRUE(s->apply(c0).ok());
  EXPECT_TRUE(s->apply(c1).ok());
  auto moves = [&](const std::vector<std::string>& ms) {
    for (const std::string& m : ms) {
      Result<Action> a = s->parse_action(s->current_player(), m);
      ASSERT_TRUE(a.ok()) << m << ": " << a.error().message;
      ASSERT_TRUE(s->apply(*a).ok()) << m << " at " << s->to_string();
    }
  };
  moves(round1);
  if (public_card >= 0) {
    EXPECT_TRUE(s->is_chance_node()) << s->to_string();
    EXPECT_TRUE(s->apply(public_card).ok());
  }
  moves(round2);
  return s;
}

TEST(LeducPoker, ChanceDealsEachRemainingCardEquallyLikely) {
  std::unique_ptr<State> s = new_hand();
  EXPECT_EQ(s->chance_outcomes().size(), 6u);
  ASSERT_TRUE(s->apply(Ks).ok());
  ASSERT_TRUE(s->apply(Qh).ok());
  EXPECT_FALSE(s->is_chance_node());
  ASSERT_TRUE(s->apply(LeducPoker::kCall).ok());
  ASSERT_TRUE(s->apply(LeducPoker::kCall).ok());
  ASSERT_TRUE(s->is_chance_node()) << "the public card after the first round";
  const auto outcomes = s->chance_outcomes();
  ASSERT_EQ(outcomes.size(), 4u);
  for (const auto& [card, p] : outcomes) {
    EXPECT_NE(card, Ks);
    EXPECT_NE(card, Qh);
    EXPECT_DOUBLE_EQ(p, 0.25);
  }
  EXPECT_FALSE(s->apply(Ks).ok()) << "a dealt card again";
  EXPECT_EQ(s->action_to_string(kChancePlayer, Jh), "public Jh");
}

TEST(LeducPoker, PayoffsOfFoldsAndShowdowns) {
  struct Case {
    int c0, c1;
    std::vector<std::string> round1;
    int pub;
    std::vector<std::string> round2;
    double p0;
  };
  const std::vector<Case> cases = {
      {Ks, Js, {"bet", "fold"}, -1, {}, 1},                                   // ante
      {Ks, Js, {"check", "bet", "raise", "fold"}, -1, {}, 3},                 // 1 + 2
      {Js, Ks, {"check", "check"}, Qs, {"check", "check"}, -1},               // higher card
      {Js, Ks, {"check", "check"}, Jh, {"bet", "call"}, 5},                   // pair: 1 + 4
      {Qs, Qh, {"bet", "call"}, Ks, {"check", "check"}, 0},                   // split pot
      {Js, Qs, {"bet", "raise", "call"}, Kh, {"bet", "raise", "call"}, -13},  // the most
      {Qs, Js, {"bet", "call"}, Ks, {"bet", "fold"}, 3},                      // fold in round 2
  };
  for (const Case& c : cases) {
    std::unique_ptr<State> s = play(c.c0, c.c1, c.round1, c.pub, c.round2);
    ASSERT_TRUE(s->is_terminal()) << s->to_string();
    EXPECT_EQ(s->returns(), (std::vector<double>{c.p0, -c.p0})) << s->to_string();
  }
}

TEST(LeducPoker, AtMostTwoRaisesARoundAndFoldOnlyFacingABet) {
  std::unique_ptr<State> s = play(Ks, Js, {});
  EXPECT_EQ(s->legal_actions(), (std::vector<Action>{LeducPoker::kCall, LeducPoker::kRaise}));
  EXPECT_FALSE(s->apply(LeducPoker::kFold).ok()) << "nothing to fold to";
  s = play(Ks, Js, {"check", "bet", "raise"});
  EXPECT_EQ(s->legal_actions(), (std::vector<Action>{LeducPoker::kFold, LeducPoker::kCall}));
  s = play(Ks, Js, {"bet", "call"}, Qs, {"bet", "raise"});
  EXPECT_EQ(s->legal_actions(), (std::vector<Action>{LeducPoker::kFold, LeducPoker::kCall}));
  EXPECT_EQ(s->view(0)["state"]["committed"], Json::array({7, 11}));
  EXPECT_EQ(s->view(0)["state"]["raise_size"], 4);
}

TEST(LeducPoker, NotationFollowsTheSituation) {
  std::unique_ptr<State> s = play(Ks, Js, {});
  EXPECT_EQ(s->action_to_string(0, LeducPoker::kCall), "check");
  EXPECT_EQ(s->action_to_string(0, LeducPoker::kRaise), "bet");
  EXPECT_FALSE(s->parse_action(0, "call").ok()) << "nothing to call yet";
  EXPECT_EQ(*s->parse_action(0, "RAISE"), LeducPoker::kRaise) << "raise names a bet too";
  ASSERT_TRUE(s->apply(LeducPoker::kRaise).ok());
  EXPECT_EQ(s->action_to_string(1, LeducPoker::kFold), "fold");
  EXPECT_EQ(s->action_to_string(1, LeducPoker::kCall), "call");
  EXPECT_EQ(s->action_to_string(1, LeducPoker::kRaise), "raise");
  Result<Action> bad = s->parse_action(1, "check");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("fold, call or raise"), std::string::npos);
  EXPECT_EQ(new_hand()->action_to_string(kChancePlayer, Qh), "deal Qh");
}

TEST(LeducPoker, PrivateCardsStayHiddenUntilShowdown) {
  std::unique_ptr<State> s = play(Ks, Js, {"bet", "call"}, Qh, {"check"});
  EXPECT_EQ(s->view(kSpectator)["state"]["cards"], Json::array({nullptr, nullptr}));
  EXPECT_EQ(s->view(kSpectator)["state"]["public_card"], "Qh");
  EXPECT_EQ(s->view(0)["state"]["cards"], Json::array({"Ks", nullptr}));
  EXPECT_EQ(s->view(1)["state"]["cards"], Json::array({nullptr, "Js"}));
  EXPECT_EQ(s->information_key(kSpectator).find("card"), std::string::npos);
  EXPECT_EQ(s->information_key(0).find("Js"), std::string::npos);
  EXPECT_EQ(s->view(0)["state"]["round"], 2);
  EXPECT_EQ(s->view(0)["state"]["pot"], 6);

  ASSERT_TRUE(s->apply(LeducPoker::kCall).ok());  // check-check: showdown
  EXPECT_EQ(s->view(kSpectator)["state"]["cards"], Json::array({"Ks", "Js"}));

  std::unique_ptr<State> folded = play(Ks, Js, {"bet", "fold"});
  EXPECT_EQ(folded->view(kSpectator)["state"]["cards"], Json::array({nullptr, nullptr}))
      << "a folded hand is not shown";
  EXPECT_EQ(folded->view(0)["state"]["cards"], Json::array({"Ks", nullptr}));
  EXPECT_EQ(folded->view(0)["state"]["folded"], 1);
}

TEST(LeducPoker, ViewNamesEachActionAsTaken) {
  std::unique_ptr<State> s = play(Ks, Js, {"check", "bet", "raise", "call"}, Qh, {"bet"});
  const Json bets = s->view(kSpectator)["state"]["bets"];
  std::vector<std::string> names;
  for (const Json& b : bets) names.push_back(b["action"].get<std::string>());
  EXPECT_EQ(names, (std::vector<std::string>{"check", "bet", "raise", "call", "bet"}));
  EXPECT_EQ(bets[4]["round"], 2);
  EXPECT_EQ(bets[4]["seat"], 0);
}

TEST(LeducPoker, ResamplingKeepsWhatTheViewerKnows) {
  std::unique_ptr<State> s = play(Ks, Js, {"bet", "call"}, Qh, {"check"});
  Rng rng(5);
  std::set<int> opponent_cards;
  for (int i = 0; i < 50; ++i) {
    std::unique_ptr<State> r = s->resample_from_infostate(0, rng);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->information_key(0), s->information_key(0));
    const auto& leduc = static_cast<const LeducPokerState&>(*r);
    EXPECT_EQ(leduc.card(0), Ks);
    EXPECT_EQ(leduc.public_card(), Qh);
    opponent_cards.insert(leduc.card(1));
  }
  EXPECT_EQ(opponent_cards, (std::set<int>{Js, Jh, Qs, Kh}));
}

TEST(LeducPoker, ForfeitIsAFold) {
  std::unique_ptr<State> s = play(Ks, Js, {"bet", "call"}, Qh, {"bet"});
  EXPECT_EQ(s->forfeit_returns(1), (std::vector<double>{3, -3}));
  EXPECT_EQ(s->forfeit_returns(0), (std::vector<double>{-7, 7}));
}

TEST(LeducPoker, HandHistoryShowsEveryStreet) {
  std::unique_ptr<State> s = play(Js, Ks, {"check", "bet", "call"}, Jh, {"bet", "raise", "call"});
  ASSERT_TRUE(s->is_terminal());
  ExportInfo info;
  info.players = {"alice", "bob"};
  info.round = "7";
  info.returns = s->returns();
  const std::optional<ExportText> text = s->export_text(info);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->format, "hand-history");
  for (const char* line :
       {"Dealt to alice [Js]", "bob: bets 2", "alice: calls 2", "*** PUBLIC CARD *** [Jh]", "alice: bets 4",
        "bob: raises 4", "alice: calls 4", "bob: shows [Ks]", "Pot 22", "alice: +11"}) {
    EXPECT_NE(text->text.find(line), std::string::npos) << line << " in\n" << text->text;
  }
}

// The whole tree: 9,457 histories and 936 information sets, as in OpenSpiel's leduc_poker.
TEST(LeducPoker, TreeHasTheKnownSize) {
  int histories = 0;
  std::set<std::string> infosets;
  std::function<void(const State&)> walk = [&](const State& s) {
    ++histories;
    if (s.is_terminal()) return;
    if (!s.is_chance_node())
      infosets.insert(std::to_string(s.current_player()) + s.information_key(s.current_player()));
    for (Action a : s.legal_actions()) {
      std::unique_ptr<State> child = s.clone();
      ASSERT_TRUE(child->apply(a).ok());
      walk(*child);
    }
  };
  walk(*new_hand());
  EXPECT_EQ(histories, 9457);
  EXPECT_EQ(infosets.size(), 936u);
}

}  // namespace
}  // namespace arena
