// The Diplomacy game behind the Game/State API: seats and order groups, notation round trips,
// phases from spring to winter, retreats, builds, disbands and civil disorder, the
// France-Austria variant, views that show no orders before a phase resolves, the export, and
// the greedy player against random play.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/rng.h"
#include "games/diplomacy/diplomacy.h"
#include "games/diplomacy/greedy.h"
#include "games/registry.h"

namespace arena {
namespace {

using diplomacy::PhaseType;

std::unique_ptr<State> start(const std::string& spec) {
  Result<std::shared_ptr<const Game>> g = make_game(spec);
  EXPECT_TRUE(g.ok()) << (g.ok() ? "" : g.error().message);
  return (*g)->new_initial_state();
}

const DiplomacyState& ds(const State& s) { return static_cast<const DiplomacyState&>(s); }

int seat(const State& s, const char* power) {
  return ds(s).diplomacy().seat_of(diplomacy::power_from_name(power));
}

// Plays one phase: the orders written per power ("FRA" -> {"A PAR - BUR", ...}); every other
// acting seat's units hold (or take the first option of each group).
void play(State& s, const std::map<std::string, std::vector<std::string>>& written) {
  std::vector<std::vector<Action>> orders(static_cast<size_t>(s.game().num_players()));
  for (Player p : s.players_to_act()) {
    const std::vector<std::vector<Action>> groups = s.order_groups(p);
    for (const auto& g : groups) orders[static_cast<size_t>(p)].push_back(g.front());
    const DiplomacyState& d = ds(s);
    const std::string code(
        diplomacy::kPowerCodes[static_cast<size_t>(d.diplomacy().powers()[static_cast<size_t>(p)])]);
    if (!written.count(code)) continue;
    std::vector<bool> given(groups.size(), false);
    for (const std::string& text : written.at(code)) {
      Result<Action> a = s.parse_action(p, text);
      ASSERT_TRUE(a.ok()) << text << ": " << a.error().message;
      // The first group that has it and is not given yet (adjustments repeat one group).
      bool placed = false;
      for (size_t g = 0; g < groups.size() && !placed; ++g) {
        if (!given[g] && std::find(groups[g].begin(), groups[g].end(), *a) != groups[g].end()) {
          orders[static_cast<size_t>(p)][g] = *a;
          placed = given[g] = true;
        }
      }
      ASSERT_TRUE(placed) << text << " is in no order group of " << code;
    }
  }
  ASSERT_TRUE(s.apply_orders(orders).ok());
}

TEST(Diplomacy, StartsInSpring1901WithSevenPowers) {
  auto s = start("diplomacy");
  EXPECT_EQ(s->game().num_players(), 7);
  EXPECT_TRUE(s->is_simultaneous_node());
  EXPECT_EQ(ds(*s).phase().name(), "S1901M");
  EXPECT_EQ(s->players_to_act().size(), 7u);
  EXPECT_EQ(s->order_groups(seat(*s, "RUS")).size(), 4u);
  EXPECT_EQ(s->order_groups(seat(*s, "AUS")).size(), 3u);
  EXPECT_EQ(ds(*s).centres(diplomacy::power_from_name("RUS")), 4);
  // Every legal order reads back as itself.
  for (Player p = 0; p < 7; ++p) {
    for (Action a : s->legal_actions(p)) {
      const std::string text = s->action_to_string(p, a);
      Result<Action> back = s->parse_action(p, text);
      ASSERT_TRUE(back.ok()) << text << ": " << back.error().message;
      EXPECT_EQ(*back, a) << text;
    }
  }
}

TEST(Diplomacy, RefusesBadOrdersWithAReason) {
  auto s = start("diplomacy");
  const Player fra = seat(*s, "FRA");
  EXPECT_NE(s->parse_action(fra, "A XYZ - BUR").error().message.find("unknown province"), std::string::npos);
  EXPECT_NE(s->parse_action(fra, "A PIC - BUR").error().message.find("no unit in pic"), std::string::npos);
  EXPECT_NE(s->parse_action(fra, "F PAR - BUR").error().message.find("is an army"), std::string::npos);
  EXPECT_NE(s->parse_action(fra, "GER: A PAR - BUR").error().message.find("not this seat's power"),
            std::string::npos);
  // A move to a province that is not adjacent parses, and is not a legal order.
  Result<Action> far = s->parse_action(fra, "A PAR - MUN");
  ASSERT_TRUE(far.ok());
  const std::vector<Action> legal = s->legal_actions(fra);
  EXPECT_FALSE(std::binary_search(legal.begin(), legal.end(), *far));
}

TEST(Diplomacy, PlaysAYearWithCapturesAndBuilds) {
  auto s = start("diplomacy");
  play(*s, {{"FRA", {"A PAR - BUR", "F BRE - MAO", "A MAR - SPA"}}, {"GER", {"A MUN - RUH"}}});
  EXPECT_EQ(ds(*s).phase().name(), "F1901M");
  play(*s, {{"FRA", {"A BUR - BEL", "F MAO - POR"}}, {"GER", {"A RUH - HOL"}}});
  // Centres change hands after autumn: France has Belgium, Portugal and Spain.
  EXPECT_EQ(ds(*s).phase().name(), "W1901A");
  EXPECT_EQ(ds(*s).centres(diplomacy::power_from_name("FRA")), 6);
  const Player fra = seat(*s, "FRA");
  ASSERT_EQ(s->order_groups(fra).size(), 3u);  // three builds; Paris, Brest and Marseilles are empty
  EXPECT_EQ(s->players_to_act(), (std::vector<Player>{seat(*s, "FRA"), seat(*s, "GER")}));
  play(*s, {{"FRA", {"A PAR B", "F BRE B", "WAIVE"}}, {"GER", {"A MUN B"}}});
  EXPECT_EQ(ds(*s).phase().name(), "S1902M");
  EXPECT_EQ(s->order_groups(fra).size(), 5u);
  const Json records = ds(*s).records_json();
  EXPECT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1]["orders"]["FRA"][0], Json({"A BUR - BEL", true}));
}

TEST(Diplomacy, DislodgedUnitsRetreatOrDisband) {
  auto s = start("diplomacy");
  // Spring: Germany walks into Burgundy, France to Picardy.
  play(*s, {{"GER", {"A MUN - BUR"}}, {"FRA", {"A PAR - PIC"}}});
  // Autumn: France attacks Burgundy from Picardy with Marseilles' support.
  play(*s, {{"FRA", {"A PIC - BUR", "A MAR S A PIC - BUR"}}});
  ASSERT_EQ(ds(*s).phase().type, PhaseType::kRetreat);
  ASSERT_EQ(ds(*s).dislodged().size(), 1u);
  const Player ger = seat(*s, "GER");
  EXPECT_EQ(s->players_to_act(), std::vector<Player>{ger});
  const std::vector<std::vector<Action>> groups = s->order_groups(ger);
  ASSERT_EQ(groups.size(), 1u);
  std::vector<std::string> options;
  for (Action a : groups[0]) options.push_back(s->action_to_string(ger, a));
  // Not to Picardy, where the attacker came from, nor to occupied Marseilles; Ruhr is free.
  EXPECT_EQ(std::count(options.begin(), options.end(), "A BUR R PIC"), 0);
  EXPECT_EQ(std::count(options.begin(), options.end(), "A BUR R MAR"), 0);
  EXPECT_EQ(std::count(options.begin(), options.end(), "A BUR R RUH"), 1);
  EXPECT_EQ(std::count(options.begin(), options.end(), "A BUR D"), 1);
  EXPECT_FALSE(s->parse_action(ger, "A BUR S A MUN").ok());  // no supports in a retreat phase
  play(*s, {{"GER", {"A BUR R RUH"}}});
  // Nobody gained or lost a centre: no adjustments, straight to the next spring.
  EXPECT_EQ(ds(*s).phase().name(), "S1902M");
  const std::vector<diplomacy::Unit>& units = ds(*s).units();
  const auto ruhr = *ds(*s).diplomacy().map().find("ruh");
  EXPECT_EQ(std::count_if(units.begin(), units.end(), [&](const diplomacy::Unit& u) { return u.at == ruhr; }),
            1);
}

TEST(Diplomacy, DisbandsLeftUnorderedGoByCivilDisorder) {
  auto s = start("diplomacy");
  play(*s, {{"FRA", {"A PAR - PIC", "A MAR - GAS"}}, {"GER", {"A MUN - BUR"}}, {"ITA", {"A VEN - PIE"}}});
  play(*s, {{"GER", {"A BUR - PAR"}}, {"ITA", {"A PIE - MAR"}}});
  // France kept Brest alone: one centre, three units, two disbands; Germany and Italy build.
  ASSERT_EQ(ds(*s).phase().name(), "W1901A");
  const Player fra = seat(*s, "FRA");
  ASSERT_EQ(s->order_groups(fra).size(), 2u);
  EXPECT_EQ(ds(*s).view(kSpectator)["state"]["powers"][fra]["adjustment"], -2);
  // The same unit twice: the second disband fails and civil disorder takes the unit farthest
  // from Brest (Picardy, one step; the fleet in Brest stands on it).
  play(*s, {{"FRA", {"A GAS D", "A GAS D"}}});
  EXPECT_EQ(ds(*s).phase().name(), "S1902M");
  const diplomacy::PhaseRecord& winter = ds(*s).records().back();
  EXPECT_EQ(winter.civil_disorder, std::vector<std::string>{"A PIC"});
  int french = 0;
  for (const diplomacy::Unit& u : ds(*s).units()) french += u.power == diplomacy::power_from_name("FRA");
  EXPECT_EQ(french, 1);
}

TEST(Diplomacy, FranceAndAustriaPlayAloneOnTheBoard) {
  auto s = start("diplomacy(map=france_austria)");
  const DiplomacyState& d = ds(*s);
  EXPECT_EQ(s->game().num_players(), 2);
  EXPECT_EQ(d.diplomacy().powers(),
            (std::vector<int>{diplomacy::power_from_name("FRA"), diplomacy::power_from_name("AUS")}));
  EXPECT_EQ(d.units().size(), 6u);
  // Other powers' home centres are neutral and empty.
  EXPECT_EQ(d.owners()[static_cast<size_t>(*d.diplomacy().map().find("lon"))], -1);
  EXPECT_EQ(d.centres(diplomacy::power_from_name("FRA")), 3);
  EXPECT_FALSE(make_game("diplomacy(map=moon)").ok());
  EXPECT_FALSE(make_game("diplomacy(scoring=elo)").ok());
  EXPECT_FALSE(make_game("diplomacy(max_year=1800)").ok());
}

TEST(Diplomacy, RandomGamesEndWithReturnsThatSumToOne) {
  for (const char* spec : {"diplomacy(map=france_austria,max_year=1906)", "diplomacy(max_year=1904)"}) {
    auto s = start(spec);
    Rng rng(7);
    int steps = 0;
    while (!s->is_terminal()) {
      // Before the phase resolves every seat sees the same view: no orders in it.
      const Json before = s->view(0);
      for (Player p = 1; p < s->game().num_players(); ++p) EXPECT_EQ(s->view(p), before);
      std::vector<std::vector<Action>> orders(static_cast<size_t>(s->game().num_players()));
      for (Player p : s->players_to_act()) {
        for (const auto& g : s->order_groups(p))
          orders[static_cast<size_t>(p)].push_back(g[rng.uniform(g.size())]);
      }
      ASSERT_TRUE(s->apply_orders(orders).ok());
      ASSERT_LE(++steps, s->game().max_game_length());
    }
    const std::vector<double> r = s->returns();
    double sum = 0;
    for (double v : r) sum += v;
    EXPECT_NEAR(sum, 1.0, 1e-9) << spec;
    const std::optional<ExportText> text = s->export_text({});
    ASSERT_TRUE(text.has_value());
    EXPECT_NE(text->text.find("S1901M"), std::string::npos);
    EXPECT_NE(text->text.find("Result:"), std::string::npos);
  }
}

TEST(Diplomacy, GreedyTakesMoreCentresThanRandom) {
  // Greedy France against random Austria, and the other way round, over a few seeds.
  double greedy_centres = 0, random_centres = 0;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    for (Player greedy_seat : {0, 1}) {
      auto s = start("diplomacy(map=france_austria,max_year=1904)");
      Rng rng(seed);
      while (!s->is_terminal()) {
        std::vector<std::vector<Action>> orders(2);
        for (Player p : s->players_to_act()) {
          if (p == greedy_seat) {
            orders[static_cast<size_t>(p)] = diplomacy::greedy_orders(*s, p, rng);
          } else {
            for (const auto& g : s->order_groups(p))
              orders[static_cast<size_t>(p)].push_back(g[rng.uniform(g.size())]);
          }
          ASSERT_TRUE(s->check_orders(p, orders[static_cast<size_t>(p)]).ok());
        }
        ASSERT_TRUE(s->apply_orders(orders).ok());
      }
      const DiplomacyState& d = ds(*s);
      greedy_centres += d.centres(d.diplomacy().powers()[static_cast<size_t>(greedy_seat)]);
      random_centres += d.centres(d.diplomacy().powers()[static_cast<size_t>(1 - greedy_seat)]);
    }
  }
  EXPECT_GT(greedy_centres, random_centres + 8) << greedy_centres << " against " << random_centres;
}

}  // namespace
}  // namespace arena
