// The classic board as the family writes it: counts, symmetric adjacencies, coasts, the
// facts the rules depend on, names, and the order notations.
#include <gtest/gtest.h>

#include "games/diplomacy/map.h"
#include "games/diplomacy/orders.h"

namespace arena::diplomacy {
namespace {

const Map& map() { return Map::standard(); }
Location at(const char* name) { return map().find(name).value(); }

TEST(DiplomacyMap, HasTheClassicBoard) {
  EXPECT_EQ(map().num_provinces(), 75);
  EXPECT_EQ(map().num_locations(), 81);  // six coasts of Bulgaria, Spain and St Petersburg
  EXPECT_EQ(map().supply_centres().size(), 34u);
  int homes = 0;
  for (int p = 0; p < kNumPowers; ++p) homes += static_cast<int>(map().home_centres(p).size());
  EXPECT_EQ(homes, 22);
  EXPECT_EQ(map().home_centres(power_from_name("RUS")).size(), 4u);
  EXPECT_EQ(map().starting_units().size(), 22u);
  int seas = 0;
  for (Province p = 0; p < map().num_provinces(); ++p) seas += map().province(p).terrain == Terrain::kSea;
  EXPECT_EQ(seas, 19);
}

TEST(DiplomacyMap, AdjacenciesAreSymmetric) {
  for (Location a = 0; a < map().num_locations(); ++a) {
    for (Location b : map().fleet_neighbours(a))
      EXPECT_TRUE(map().fleet_adjacent(b, a)) << map().name(a) << map().name(b);
    if (a < map().num_provinces()) {
      for (Location b : map().army_neighbours(a))
        EXPECT_TRUE(map().army_adjacent(b, a)) << map().name(a) << map().name(b);
    }
  }
}

TEST(DiplomacyMap, KnowsTheRulesFacts) {
  EXPECT_TRUE(map().army_adjacent(at("par"), at("bur")));
  EXPECT_FALSE(map().army_adjacent(at("par"), at("mar")));
  EXPECT_TRUE(map().army_adjacent(at("ank"), at("smy")));
  EXPECT_FALSE(map().fleet_adjacent(at("ank"), at("smy")));  // no shared coast
  EXPECT_TRUE(map().army_adjacent(at("fin"), at("nwy")));
  EXPECT_FALSE(map().fleet_adjacent(at("fin"), at("nwy")));
  EXPECT_TRUE(map().fleet_adjacent(at("mao"), at("spa/nc")));
  EXPECT_TRUE(map().fleet_adjacent(at("mao"), at("spa/sc")));
  EXPECT_FALSE(map().fleet_adjacent(at("gas"), at("spa/sc")));
  EXPECT_TRUE(map().fleet_adjacent(at("con"), at("bul/ec")));
  EXPECT_TRUE(map().fleet_adjacent(at("con"), at("bul/sc")));
  EXPECT_FALSE(map().fleet_adjacent(at("bla"), at("bul/sc")));
  EXPECT_TRUE(map().fleet_adjacent(at("bot"), at("stp/sc")));
  EXPECT_TRUE(map().fleet_adjacent(at("bar"), at("stp/nc")));
  EXPECT_TRUE(map().fleet_adjacent(at("den"), at("swe")));
  EXPECT_TRUE(map().fleet_adjacent(at("kie"), at("ber")));
  EXPECT_FALSE(map().army_adjacent(at("mun"), at("mar")));  // Switzerland is impassable
  EXPECT_FALSE(map().can_stand(UnitType::kFleet, at("spa")));
  EXPECT_FALSE(map().can_stand(UnitType::kArmy, at("spa/nc")));
  EXPECT_FALSE(map().can_stand(UnitType::kFleet, at("mun")));
  EXPECT_FALSE(map().can_stand(UnitType::kArmy, at("nth")));
  EXPECT_TRUE(map().can_reach(UnitType::kFleet, at("mao"), at("spa")));
  EXPECT_FALSE(map().can_reach(UnitType::kFleet, at("spa/nc"), at("mar")));
}

TEST(DiplomacyMap, FindsNamesInEveryWriting) {
  EXPECT_EQ(map().find("spa(nc)"), map().find("SPA/NC"));
  EXPECT_EQ(map().find("spa nc"), map().find("spa/nc"));
  EXPECT_EQ(map().find("North Africa"), map().find("naf"));
  EXPECT_EQ(map().find("stp/sc").has_value(), true);
  EXPECT_FALSE(map().find("xyz").has_value());
  EXPECT_EQ(power_from_name("england"), power_from_name("ENG"));
  EXPECT_EQ(power_from_name("Prussia"), -1);
}

TEST(DiplomacyOrders, ReadsBothNotations) {
  Result<Order> o = parse_order(map(), "GER: A ber Supports A pru -> sil");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->kind, OrderKind::kSupport);
  EXPECT_EQ(o->power, power_from_name("GER"));
  EXPECT_EQ(o->from, at("pru"));
  EXPECT_EQ(o->to, at("sil"));
  EXPECT_EQ(parse_order(map(), "A BER S A PRU - SIL")->to, at("sil"));
  o = parse_order(map(), "F NTH C A YOR - NWY");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->kind, OrderKind::kConvoy);
  EXPECT_EQ(parse_order(map(), "ENG: F nth convoys yor -> yor")->kind, OrderKind::kConvoy);
  EXPECT_EQ(parse_order(map(), "A PAR H")->kind, OrderKind::kHold);
  EXPECT_EQ(parse_order(map(), "ENG: F nth Hold")->kind, OrderKind::kHold);
  EXPECT_EQ(parse_order(map(), "A MUN R BOH")->kind, OrderKind::kRetreat);
  EXPECT_EQ(parse_order(map(), "A PAR B")->kind, OrderKind::kBuild);
  EXPECT_EQ(parse_order(map(), "RUS: F stp(nc) build")->at, at("stp/nc"));
  EXPECT_EQ(parse_order(map(), "F TRI D")->kind, OrderKind::kDisband);
  EXPECT_EQ(parse_order(map(), "WAIVE")->kind, OrderKind::kWaive);
  o = parse_order(map(), "FRA: A gas -> mar via Convoy");
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->via_convoy);
  // Written back: the short form, and the DATC's.
  EXPECT_EQ(format_order(map(), *parse_order(map(), "ger: a ber s a pru -> sil")), "A BER S A PRU - SIL");
  EXPECT_EQ(format_order_datc(map(), *parse_order(map(), "F NTH C A YOR - NWY")), "F nth convoys yor -> nwy");
}

TEST(DiplomacyOrders, SaysWhatIsWrong) {
  auto why = [](const char* text) {
    Result<Order> o = parse_order(map(), text);
    return o.ok() ? std::string("parsed") : o.error().message;
  };
  EXPECT_NE(why("A XYZ - BUR").find("unknown province 'xyz'"), std::string::npos);
  EXPECT_NE(why("PAR - BUR").find("expected a unit type"), std::string::npos);
  EXPECT_NE(why("A PAR X BUR").find("unknown order word 'x'"), std::string::npos);
  EXPECT_NE(why("A PAR - BUR MAR").find("unexpected 'mar'"), std::string::npos);
  EXPECT_NE(why("PRU: A PAR H").find("unknown power"), std::string::npos);
  EXPECT_NE(why("F NTH C F YOR - NWY").find("only armies"), std::string::npos);
  EXPECT_NE(why("").find("empty"), std::string::npos);
}

}  // namespace
}  // namespace arena::diplomacy
