// Texas hold'em: betting rules (limit caps, no-limit minimum raises and short all-ins), side
// and split pots, uncalled bets, notation errors, hidden cards in every view, the hand
// history and ACPC exports of a fixed hand, and the rule policy against random play.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <sstream>

#include "core/rng.h"
#include "games/poker/cards.h"
#include "games/poker/holdem.h"
#include "games/poker/holdem_rules.h"
#include "games/registry.h"

namespace arena {
namespace {

std::shared_ptr<const Game> holdem(const std::string& spec) {
  Result<std::shared_ptr<const Game>> g = make_game(spec);
  EXPECT_TRUE(g.ok()) << spec << ": " << (g.ok() ? "" : g.error().message);
  return g.ok() ? *g : nullptr;
}

const HoldemState& hs(const State& s) { return static_cast<const HoldemState&>(s); }

int card(const std::string& text) { return poker::Card::parse(text).value().index(); }

// Deals cards in order: hole cards seat by seat, then the board ("As Kd Qh Qs ...").
void deal(State& s, const std::string& cards) {
  std::istringstream in(cards);
  std::string c;
  while (in >> c) {
    ASSERT_TRUE(s.is_chance_node()) << "dealing " << c << " at " << s.to_string();
    ASSERT_TRUE(s.apply(card(c)).ok()) << c;
  }
}

void act(State& s, const std::string& text) {
  Result<Action> a = s.parse_action(s.current_player(), text);
  ASSERT_TRUE(a.ok()) << text << ": " << a.error().message;
  ASSERT_TRUE(s.apply(*a).ok()) << text;
}

std::string parse_error(const State& s, const std::string& text) {
  Result<Action> a = s.parse_action(s.current_player(), text);
  EXPECT_FALSE(a.ok()) << text;
  if (a.ok()) return "";
  EXPECT_EQ(a.error().code, "parse_error");
  return a.error().message;
}

TEST(Holdem, IsRegisteredWithShowcaseAndAThreeSeatExample) {
  const GameRegistration* reg = nullptr;
  for (const GameRegistration& r : GameRegistry::instance().registrations()) {
    if (r.type.name == "holdem") reg = &r;
  }
  ASSERT_NE(reg, nullptr);
  ASSERT_EQ(reg->showcase.size(), 2u);
  EXPECT_EQ(reg->showcase[0].spec, "holdem(limit=true)");
  EXPECT_EQ(reg->showcase[0].label, "Limit hold'em");
  EXPECT_EQ(reg->showcase[1].spec, "holdem");
  EXPECT_EQ(reg->showcase[1].label, "No-limit hold'em");
  bool three = false;
  for (const std::string& spec : reg->example_specs) {
    auto g = holdem(spec);
    ASSERT_NE(g, nullptr);
    three = three || g->num_players() == 3;
  }
  EXPECT_TRUE(three);
  for (const char* bad :
       {"holdem(players=1)", "holdem(players=7)", "holdem(stacks=100/x)", "holdem(stacks=500)",
        "holdem(players=3,stacks=50/1000/1000)", "holdem(limit=true,big_blind=20)"}) {
    EXPECT_FALSE(make_game(bad).ok()) << bad;
  }
}

TEST(Holdem, HeadsUpButtonPostsTheSmallBlindAndActsFirstPreflopOnly) {
  auto s = holdem("holdem")->new_initial_state();
  EXPECT_EQ(hs(*s).committed(1), 50);
  EXPECT_EQ(hs(*s).committed(0), 100);
  deal(*s, "As Ad Ks Kd");
  EXPECT_EQ(s->current_player(), 1);
  EXPECT_TRUE(s->legal_actions(0).empty()) << "out of turn";
  EXPECT_FALSE(s->parse_action(0, "call").ok());
  act(*s, "call");
  EXPECT_EQ(s->current_player(), 0) << "the big blind's option";
  EXPECT_EQ(s->action_to_string(0, Holdem::kCall), "check");
  act(*s, "check");
  deal(*s, "2c 7d 9h");
  EXPECT_EQ(s->current_player(), 0) << "the big blind acts first after the flop";
}

TEST(Holdem, LimitAllowsFourBetsARoundCountingTheBlind) {
  auto s = holdem("holdem(limit=true)")->new_initial_state();
  deal(*s, "As Ad Ks Kd");
  EXPECT_EQ(s->legal_actions(), (std::vector<Action>{0, 1, 2}));
  EXPECT_EQ(s->action_to_string(1, Holdem::kRaise), "raise 20");
  act(*s, "raise");
  act(*s, "raise 30");
  act(*s, "raise");
  EXPECT_EQ(hs(*s).current_bet(), 40);
  EXPECT_EQ(s->legal_actions(), (std::vector<Action>{0, 1})) << "capped at four bets";
  EXPECT_NE(parse_error(*s, "raise").find("not allowed"), std::string::npos);
  act(*s, "call");
  deal(*s, "2c 7d 9h");
  EXPECT_EQ(s->legal_actions(), (std::vector<Action>{1, 2}));
  EXPECT_EQ(s->action_to_string(0, Holdem::kRaise), "bet 10");
  EXPECT_NE(parse_error(*s, "bet 30").find("bet must be to 10"), std::string::npos);
  act(*s, "bet");
  act(*s, "raise");
  act(*s, "raise");
  act(*s, "raise");
  EXPECT_EQ(s->legal_actions(), (std::vector<Action>{0, 1}));
  act(*s, "call");
  deal(*s, "Jc");
  EXPECT_EQ(s->action_to_string(0, Holdem::kRaise), "bet 20") << "the big bet on the turn";
  act(*s, "bet");
  act(*s, "call");
  EXPECT_EQ(hs(*s).committed(0), 100);
  EXPECT_EQ(hs(*s).committed(1), 100);
}

TEST(Holdem, NoLimitMinimumRaiseIsThePreviousIncrement) {
  auto s = holdem("holdem")->new_initial_state();
  deal(*s, "As Ad Ks Kd");
  EXPECT_EQ(hs(*s).min_raise_to(), 200);
  EXPECT_EQ(hs(*s).max_raise_to(), 20000);
  EXPECT_EQ(s->legal_actions().size(), 2u + (20000 - 200 + 1));
  act(*s, "raise 500");
  EXPECT_EQ(hs(*s).min_raise_to(), 900) << "500 plus the 400 raise";
  EXPECT_EQ(parse_error(*s, "raise 899"), "raise must be to between 900 and 20000");
  act(*s, "raise to 900");
  EXPECT_EQ(hs(*s).min_raise_to(), 1300);
  act(*s, "call");
  deal(*s, "2c 7d 9h");
  EXPECT_EQ(hs(*s).min_raise_to(), 100) << "the minimum bet is the big blind";
  act(*s, "bet 100");
  act(*s, "raise 250");
  EXPECT_EQ(hs(*s).min_raise_to(), 400);
}

TEST(Holdem, ShortAllInDoesNotReopenTheBettingForThoseWhoActed) {
  // Seat 0 small blind, seat 1 big blind with 700 chips, seat 2 the button acts first.
  auto s = holdem("holdem(players=3,stacks=10000/700/10000)")->new_initial_state();
  deal(*s, "As Ad Ks Kd Qs Qd");
  EXPECT_EQ(s->current_player(), 2);
  act(*s, "raise 500");
  act(*s, "call");
  EXPECT_EQ(s->current_player(), 1);
  act(*s, "allin");  // to 700: 200 more, short of the 400 raise
  EXPECT_TRUE(hs(*s).all_in(1));
  EXPECT_EQ(hs(*s).current_bet(), 700);
  EXPECT_EQ(s->current_player(), 2);
  EXPECT_EQ(s->legal_actions(), (std::vector<Action>{0, 1})) << "seat 2 acted before the short all-in";
  EXPECT_NE(parse_error(*s, "raise 1500").find("not allowed"), std::string::npos);
  act(*s, "call");
  EXPECT_EQ(s->legal_actions(), (std::vector<Action>{0, 1}));
  act(*s, "call");
  deal(*s, "2c 7d 9h");
  EXPECT_EQ(s->current_player(), 0) << "the all-in seat is skipped";
  EXPECT_TRUE(hs(*s).can_raise());
}

TEST(Holdem, AFullAllInRaiseReopensTheBetting) {
  auto s = holdem("holdem(players=3,stacks=10000/900/10000)")->new_initial_state();
  deal(*s, "As Ad Ks Kd Qs Qd");
  act(*s, "raise 500");
  act(*s, "call");
  act(*s, "allin");  // to 900: a full 400 raise
  EXPECT_TRUE(hs(*s).can_raise());
  EXPECT_EQ(hs(*s).min_raise_to(), 1300);
}

TEST(Holdem, SidePotsWithThreeStacks) {
  // Seat 0 (600) small blind, seat 1 (1500) big blind, seat 2 (4000) the button.
  auto s = holdem("holdem(players=3,stacks=600/1500/4000)")->new_initial_state();
  deal(*s, "As Ad Ks Kd Qs Qd");
  act(*s, "allin");
  act(*s, "allin");
  act(*s, "allin");
  deal(*s, "2c 5h 9d Jc 3s");
  ASSERT_TRUE(s->is_terminal());
  const HoldemState& h = hs(*s);
  EXPECT_EQ(h.uncalled(), 2500);
  EXPECT_EQ(h.uncalled_to(), 2);
  ASSERT_EQ(h.awards().size(), 2u);
  EXPECT_EQ(h.awards()[0].amount, 1800);
  EXPECT_EQ(h.awards()[0].winners, (std::vector<std::pair<Player, int>>{{0, 1800}}));
  EXPECT_EQ(h.awards()[1].amount, 1800);
  EXPECT_EQ(h.awards()[1].winners, (std::vector<std::pair<Player, int>>{{1, 1800}}));
  EXPECT_EQ(s->returns(), (std::vector<double>{1200, 300, -1500}));
  // The queens lose both pots they are in: mucked, and hidden from everyone else for good.
  EXPECT_TRUE(h.shown(0));
  EXPECT_TRUE(h.shown(1));
  EXPECT_FALSE(h.shown(2));
  const std::string spectator = s->view(kSpectator).dump();
  EXPECT_NE(spectator.find("\"As\""), std::string::npos);
  EXPECT_NE(spectator.find("\"Ks\""), std::string::npos);
  EXPECT_EQ(spectator.find("\"Qs\""), std::string::npos);
  EXPECT_NE(s->view(2).dump().find("\"Qs\""), std::string::npos) << "its own cards";
  // The resample keeps what the spectator saw: any draw for the mucked seat still loses.
  Rng rng(3);
  for (int i = 0; i < 20; ++i) {
    auto r = s->resample_from_infostate(kSpectator, rng);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->information_key(kSpectator), s->information_key(kSpectator));
    EXPECT_EQ(r->returns(), s->returns());
  }
}

TEST(Holdem, SplitPotGivesTheOddChipToTheFirstSeatAfterTheButton) {
  auto s = holdem("holdem(players=3,small_blind=25,big_blind=50)")->new_initial_state();
  deal(*s, "2c 3d 4h 5s 6c 7d");
  act(*s, "call");   // seat 2
  act(*s, "fold");   // seat 0 (25 in)
  act(*s, "check");  // seat 1
  deal(*s, "As Kd Qh");
  for (int i = 0; i < 2; ++i) act(*s, "check");
  deal(*s, "Jc");
  for (int i = 0; i < 2; ++i) act(*s, "check");
  deal(*s, "Ts");
  for (int i = 0; i < 2; ++i) act(*s, "check");
  ASSERT_TRUE(s->is_terminal());
  EXPECT_EQ(hs(*s).awards()[0].winners, (std::vector<std::pair<Player, int>>{{1, 63}, {2, 62}}));
  EXPECT_EQ(s->returns(), (std::vector<double>{-25, 13, 12}));
  EXPECT_TRUE(hs(*s).shown(1));
  EXPECT_TRUE(hs(*s).shown(2));
  EXPECT_FALSE(hs(*s).shown(0));
}

TEST(Holdem, UncalledBetIsReturned) {
  auto s = holdem("holdem")->new_initial_state();
  deal(*s, "As Ad Ks Kd");
  act(*s, "raise 300");
  act(*s, "fold");
  ASSERT_TRUE(s->is_terminal());
  EXPECT_EQ(hs(*s).uncalled(), 200);
  EXPECT_EQ(s->returns(), (std::vector<double>{-100, 100}));
  EXPECT_FALSE(hs(*s).showdown());
  ExportInfo info;
  info.players = {"alice", "bob"};
  info.round = "2";
  const std::string text = s->export_text(info)->text;
  EXPECT_NE(text.find("Uncalled bet (200) returned to bob\n"), std::string::npos) << text;
  EXPECT_NE(text.find("bob collected 200 from the pot\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("[As"), std::string::npos) << "no showdown: no cards";
}

TEST(Holdem, BadInputIsAnErrorThatStatesTheRange) {
  auto s = holdem("holdem")->new_initial_state();
  deal(*s, "As Ad Ks Kd");
  EXPECT_EQ(parse_error(*s, "raise 150"), "raise must be to between 200 and 20000");
  EXPECT_EQ(parse_error(*s, "raise 20001"), "raise must be to between 200 and 20000");
  EXPECT_EQ(parse_error(*s, "raise"), "a size is needed: raise must be to between 200 and 20000");
  EXPECT_NE(parse_error(*s, "raise 3x").find("between 200 and 20000"), std::string::npos);
  EXPECT_NE(parse_error(*s, "raise -5").find("between 200 and 20000"), std::string::npos);
  EXPECT_NE(parse_error(*s, "check").find("facing a bet"), std::string::npos);
  parse_error(*s, "raise 99999999999999999999");
  parse_error(*s, "jam");
  EXPECT_EQ(*s->parse_action(1, "RAISE 200"), Holdem::kRaiseBase + 200);
  EXPECT_EQ(*s->parse_action(1, "allin"), Holdem::kRaiseBase + 20000);
  act(*s, "call");
  act(*s, "check");
  deal(*s, "2c 7d 9h");
  EXPECT_EQ(parse_error(*s, "bet 50"), "bet must be to between 100 and 19900");
  EXPECT_FALSE(s->parse_action(kChancePlayer, "deal Xx").ok());
}

// Plays seeded random hands and checks, at every state, that no viewer sees a hole card it
// may not: its view, information key, observation, ACPC string and (at the end) the
// spectator's hand history. Mucked and folded hands stay hidden at the end.
TEST(Holdem, HoleCardsStayHiddenFromOpponentsAndSpectators) {
  for (const std::string spec : {"holdem", "holdem(limit=true)", "holdem(players=3,stacks=600/1500/4000)",
                                 "holdem(players=6)", "holdem(players=4,limit=true)"}) {
    auto game = holdem(spec);
    Rng rng(11);
    int showdowns = 0, mucks = 0;
    for (int hand = 0; hand < 60; ++hand) {
      auto s = game->new_initial_state();
      for (;;) {
        const HoldemState& h = hs(*s);
        const int n = game->num_players();
        std::vector<Player> viewers = {kSpectator};
        for (Player p = 0; p < n; ++p) viewers.push_back(p);
        for (Player viewer : viewers) {
          const std::string view = s->view(viewer).dump();
          const std::string key = s->information_key(viewer);
          const std::string acpc = acpc_match_state(h, viewer);
          const std::string acpc_cards = acpc.substr(acpc.rfind(':'));
          const std::vector<float> obs = viewer >= 0 ? s->observation_tensor(viewer) : std::vector<float>();
          for (Player owner = 0; owner < n; ++owner) {
            if (owner == viewer || (s->is_terminal() && h.shown(owner))) continue;
            EXPECT_EQ(key.find("hole" + std::to_string(owner) + "="), std::string::npos) << key;
            for (int c : h.hole(owner)) {
              if (c < 0) continue;
              const std::string name = poker::Card(c).to_string();
              ASSERT_EQ(view.find("\"" + name + "\""), std::string::npos)
                  << spec << ": viewer " << viewer << " sees seat " << owner << "'s " << name << "\n"
                  << view;
              ASSERT_EQ(acpc_cards.find(name), std::string::npos) << acpc;
              if (viewer >= 0) {
                ASSERT_EQ(obs[c], 0.0f) << "observation of seat " << viewer;
              }
            }
          }
        }
        if (s->is_terminal()) break;
        if (s->is_chance_node()) {
          ASSERT_TRUE(s->apply(sample_chance(*s, rng)).ok());
        } else {
          // Half the hands over every legal action, half over the playout set.
          const std::vector<Action> moves = hand % 2 ? s->legal_actions() : s->playout_actions();
          ASSERT_TRUE(s->apply(moves[rng.uniform(moves.size())]).ok());
        }
      }
      const HoldemState& h = hs(*s);
      double sum = 0;
      for (double r : s->returns()) sum += r;
      EXPECT_EQ(sum, 0.0);
      showdowns += h.showdown();
      ExportInfo info;
      for (Player p = 0; p < game->num_players(); ++p) info.players.push_back("p" + std::to_string(p));
      const std::string text = s->export_text(info)->text;
      for (Player owner = 0; owner < game->num_players(); ++owner) {
        if (h.folded(owner)) {
          EXPECT_FALSE(h.shown(owner));
        }
        if (h.shown(owner)) continue;
        mucks += h.showdown() && !h.folded(owner);
        for (int c : h.hole(owner)) {
          const std::string name = poker::Card(c).to_string();
          for (const std::string& around : {"[" + name + " ", " " + name + "]", "[" + name + "]"}) {
            ASSERT_EQ(text.find(around), std::string::npos) << "mucked " << name << " in\n" << text;
          }
        }
      }
      for (const HoldemAward& a : h.awards()) {
        for (const auto& [seat, chips] : a.winners) {
          if (h.showdown()) {
            EXPECT_TRUE(h.shown(seat)) << "a winner at a showdown shows";
          }
        }
      }
    }
    EXPECT_GT(showdowns, 0) << spec;
    EXPECT_GT(mucks, 0) << spec << ": no hand was mucked at a showdown";
  }
}

// One no-limit hand, fixed, against its expected hand history and ACPC strings.
TEST(Holdem, HandHistoryAndAcpcOfAFixedHand) {
  auto s = holdem("holdem")->new_initial_state();
  deal(*s, "Ah Kh 7c 2d");
  act(*s, "raise 300");
  act(*s, "raise 900");
  act(*s, "call");
  EXPECT_EQ(acpc_match_state(hs(*s), 1, 5), "MATCHSTATE:1:5:r300r900c/:|7c2d");
  deal(*s, "2h 7h Qs");
  EXPECT_EQ(acpc_match_state(hs(*s), 1, 5), "MATCHSTATE:1:5:r300r900c/:|7c2d/2h7hQs");
  EXPECT_EQ(acpc_match_state(hs(*s), 0, 5), "MATCHSTATE:0:5:r300r900c/:AhKh|/2h7hQs");
  EXPECT_EQ(acpc_match_state(hs(*s), kSpectator, 5), "MATCHSTATE::5:r300r900c/:|/2h7hQs");
  act(*s, "bet 1200");
  act(*s, "call");
  deal(*s, "3c");
  act(*s, "check");
  act(*s, "bet 2000");
  act(*s, "call");
  deal(*s, "Jd");
  act(*s, "check");
  act(*s, "check");
  ASSERT_TRUE(s->is_terminal());
  EXPECT_EQ(acpc_match_state(hs(*s), 0), "MATCHSTATE:0:0:r300r900c/r2100c/cr4100c/cc:AhKh|7c2d/2h7hQs/3c/Jd");
  EXPECT_EQ(s->returns(), (std::vector<double>{-4100, 4100}));
  ExportInfo info;
  info.players = {"alice", "bob"};
  info.date = "2026-11-30";
  info.round = "7";
  EXPECT_EQ(s->export_text(info)->text,
            "Arena hold'em hand #7: No-limit (50/100) - 2026-11-30\n"
            "Table: 2 seats, seat 2 is the button\n"
            "Seat 1: alice (20000 in chips) big blind\n"
            "Seat 2: bob (20000 in chips) button, small blind\n"
            "bob: posts small blind 50\n"
            "alice: posts big blind 100\n"
            "*** HOLE CARDS ***\n"
            "bob: raises to 300\n"
            "alice: raises to 900\n"
            "bob: calls 600\n"
            "*** FLOP *** [2h 7h Qs]\n"
            "alice: bets 1200\n"
            "bob: calls 1200\n"
            "*** TURN *** [2h 7h Qs] [3c]\n"
            "alice: checks\n"
            "bob: bets 2000\n"
            "alice: calls 2000\n"
            "*** RIVER *** [2h 7h Qs 3c] [Jd]\n"
            "alice: checks\n"
            "bob: checks\n"
            "*** SHOWDOWN ***\n"
            "alice: shows [Ah Kh] (high card)\n"
            "bob: shows [7c 2d] (two pair)\n"
            "bob collected 8200 from the pot\n"
            "*** SUMMARY ***\n"
            "Total pot 8200\n"
            "Board [2h 7h Qs 3c Jd]\n"
            "Seat 1: alice -4100\n"
            "Seat 2: bob +4100\n");
  // A seat's own history shows its hole cards before the showdown.
  EXPECT_NE(holdem_hand_history(hs(*s), info, 0).find("Dealt to alice [Ah Kh]\n"), std::string::npos);
  EXPECT_EQ(holdem_hand_history(hs(*s), info, 0).find("Dealt to bob"), std::string::npos);
}

TEST(Holdem, LimitAcpcBettingHasNoSizes) {
  auto s = holdem("holdem(limit=true)")->new_initial_state();
  deal(*s, "Ah Kh 7c 2d");
  act(*s, "raise");
  act(*s, "call");
  deal(*s, "2h 7h Qs");
  act(*s, "bet");
  act(*s, "fold");
  EXPECT_EQ(acpc_match_state(hs(*s), 1), "MATCHSTATE:1:0:rc/rf:|7c2d/2h7hQs");
}

TEST(Holdem, PlayoutActionsAreTheAbstractSizes) {
  auto s = holdem("holdem")->new_initial_state();
  deal(*s, "As Ad Ks Kd");
  // Pot 150, 50 to call: 1/2 pot raises to 100 + 100 = 200 (the minimum), pot to 300,
  // 2x pot to 500, all-in 20000.
  EXPECT_EQ(s->playout_actions(), (std::vector<Action>{0, 1, 2 + 200, 2 + 300, 2 + 500, 2 + 20000}));
}

TEST(Holdem, NoLimitSizesMapOntoSevenPolicySlots) {
  auto game = holdem("holdem");
  EXPECT_EQ(game->num_distinct_actions(), 20'003);
  EXPECT_EQ(game->num_policy_slots(), 7);
  auto s = game->new_initial_state();
  deal(*s, "As Ad Ks Kd");
  // Abstract sizes as above: 200 (min), 200 (1/2 pot, clamped), 300 (pot), 500 (2x), 20000.
  auto slot = [&](int to) { return s->policy_slot(2 + to); };
  EXPECT_EQ(s->policy_slot(0), 0);  // fold
  EXPECT_EQ(s->policy_slot(1), 1);  // call
  EXPECT_EQ(slot(200), 2) << "the minimum is always its own slot";
  EXPECT_EQ(slot(249), 2);
  EXPECT_EQ(slot(250), 2) << "halfway between min and pot: the smaller";
  EXPECT_EQ(slot(251), 4);
  EXPECT_EQ(slot(300), 4);
  EXPECT_EQ(slot(450), 5);
  EXPECT_EQ(slot(5000), 5);
  EXPECT_EQ(slot(19'999), 6);
  EXPECT_EQ(slot(20'000), 6) << "all-in";
  // Every legal size has a slot, and the slots ascend with the size.
  int last = -1;
  for (Action a : s->legal_actions()) {
    const int k = s->policy_slot(a);
    ASSERT_GE(k, last);
    ASSERT_LT(k, 7);
    last = k;
  }
  auto limit = holdem("holdem(limit=true)");
  EXPECT_EQ(limit->num_policy_slots(), limit->num_distinct_actions());
  auto l = limit->new_initial_state();
  deal(*l, "As Ad Ks Kd");
  for (Action a : l->legal_actions()) EXPECT_EQ(l->policy_slot(a), a);
}

TEST(Holdem, ViewShowsSeatsPotsAndTheLegalSizes) {
  auto s = holdem("holdem")->new_initial_state();
  deal(*s, "As Ad Ks Kd");
  const Json v = s->view(1)["state"];
  EXPECT_EQ(v["to_act"], 1);
  EXPECT_EQ(v["legal"]["raise"]["min"], 200);
  EXPECT_EQ(v["legal"]["raise"]["max"], 20000);
  EXPECT_EQ(v["legal"]["call"], 50);
  EXPECT_EQ(v["seats"][1]["cards"], Json({"Ks", "Kd"}));
  EXPECT_TRUE(v["seats"][0]["cards"].is_null());
  EXPECT_EQ(v["pot"], 150);
  EXPECT_EQ(v["seats"][0]["stack"], 19900);
}

// The rule policy against the random agent (uniform over the playout actions), seats
// alternating, seeded: it must win clearly in both variants.
TEST(HoldemRules, BeatsRandomPlay) {
  for (const std::string spec : {"holdem", "holdem(limit=true)"}) {
    auto game = holdem(spec);
    Rng rng(2026), policy_rng(7);
    constexpr int kHands = 6000;
    const double big_blind = hs(*game->new_initial_state()).config().big_blind;
    double sum = 0, sum_sq = 0;
    for (int hand = 0; hand < kHands; ++hand) {
      const Player rules_seat = hand % 2;
      auto s = game->new_initial_state();
      while (!s->is_terminal()) {
        if (s->is_chance_node()) {
          ASSERT_TRUE(s->apply(sample_chance(*s, rng)).ok());
        } else if (s->current_player() == rules_seat) {
          const Action a = holdem_rule_action(*s, policy_rng);
          ASSERT_TRUE(s->is_legal(a)) << a << " at " << s->to_string();
          ASSERT_TRUE(s->apply(a).ok());
        } else {
          const std::vector<Action> moves = s->playout_actions();
          ASSERT_TRUE(s->apply(moves[rng.uniform(moves.size())]).ok());
        }
      }
      const double won = s->returns()[rules_seat] / big_blind;
      sum += won;
      sum_sq += won * won;
    }
    const double mean = sum / kHands;
    const double se = std::sqrt((sum_sq / kHands - mean * mean) / kHands);
    std::cout << spec << ": the rules win " << mean << " big blinds a hand against random (standard error "
              << se << ")\n";
    // Far above the noise (more than 6 standard errors) and a clear margin in big blinds.
    EXPECT_GT(mean, 6 * se) << spec;
    EXPECT_GT(mean, spec == "holdem" ? 5.0 : 0.3) << spec;
  }
}

TEST(HoldemRules, PreflopChartAndEquity) {
  EXPECT_EQ(holdem_preflop_tier(card("As"), card("Ad")), 3);
  EXPECT_EQ(holdem_preflop_tier(card("As"), card("Kd")), 3);
  EXPECT_EQ(holdem_preflop_tier(card("6s"), card("6d")), 2);
  EXPECT_EQ(holdem_preflop_tier(card("8s"), card("7s")), 1);
  EXPECT_EQ(holdem_preflop_tier(card("7d"), card("2c")), 0);
  Rng rng(5);
  EXPECT_GT(holdem_equity({card("As"), card("Ad")}, {}, 1, 2000, rng), 0.8);
  EXPECT_LT(holdem_equity({card("7d"), card("2c")}, {}, 1, 2000, rng), 0.4);
  EXPECT_EQ(holdem_equity({card("As"), card("Ks")}, {card("Qs"), card("Js"), card("Ts")}, 1, 200, rng), 1.0);
}

}  // namespace
}  // namespace arena
