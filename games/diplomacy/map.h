// The Diplomacy board: provinces, coasts, adjacencies, supply centres, home centres and the
// starting units of the classic seven-power game, read once from the family's own map text
// (standard_map.cc, written from the rules' map). The adjudicator, the game and the browser
// board all read it; nothing here knows of orders.
//
// A *location* is where a unit stands: a province, or one coast of a province with two
// coasts (spa/nc). Location ids 0..num_provinces()-1 are the provinces themselves, the
// coasts follow. Armies stand on land and coastal provinces; fleets on seas, on coastal
// provinces with one coast, and on the coasts of provinces with two.
//
// Threading: a Map is immutable after construction; Map::standard() is shared by all threads.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace arena::diplomacy {

using Location = int16_t;
using Province = int16_t;  // a location id below num_provinces()
inline constexpr Location kNoLocation = -1;

enum class UnitType : uint8_t { kArmy, kFleet };
enum class Terrain : uint8_t { kLand, kSea, kCoast };

inline constexpr int kNumPowers = 7;
// The powers in the order the rules list them (also their seat order in the game).
inline constexpr std::array<std::string_view, kNumPowers> kPowerCodes = {"AUS", "ENG", "FRA", "GER",
                                                                         "ITA", "RUS", "TUR"};
inline constexpr std::array<std::string_view, kNumPowers> kPowerNames = {
    "Austria", "England", "France", "Germany", "Italy", "Russia", "Turkey"};
// A power by its code or name, any case ("ENG", "england"); -1 when none.
int power_from_name(std::string_view text);

struct ProvinceInfo {
  std::string abbr;  // "spa"
  std::string name;  // "Spain"
  Terrain terrain = Terrain::kLand;
  bool supply_centre = false;
  int home = -1;                 // the power whose home centre it is, or -1
  std::vector<Location> coasts;  // spa/nc and spa/sc; empty for a province with one coast
  float x = 0, y = 0;            // where the browser board draws it
};

struct LocationInfo {
  std::string name;  // "spa" or "spa/nc"
  Province province = 0;
  std::string coast;  // "nc", or empty for the province itself
  float x = 0, y = 0;
};

struct StartingUnit {
  int power;
  UnitType type;
  Location at;
};

class Map {
 public:
  // The classic board.
  static const Map& standard();

  int num_provinces() const { return static_cast<int>(provinces_.size()); }
  int num_locations() const { return static_cast<int>(locations_.size()); }
  const ProvinceInfo& province(Province p) const { return provinces_[static_cast<size_t>(p)]; }
  const LocationInfo& location(Location l) const { return locations_[static_cast<size_t>(l)]; }
  Province province_of(Location l) const { return locations_[static_cast<size_t>(l)].province; }
  const std::string& name(Location l) const { return locations_[static_cast<size_t>(l)].name; }

  // A location by its name, any case: "spa", "SPA", "spa/nc", "spa(nc)", "spa nc",
  // "Spain", "north africa"; nullopt when none.
  std::optional<Location> find(std::string_view text) const;

  // Whether a unit of `type` may stand at `at`.
  bool can_stand(UnitType type, Location at) const;
  // Whether an army at province `from` may move to province `to` over land.
  bool army_adjacent(Province from, Province to) const;
  // Whether a fleet at location `from` may move to location `to` along a coast or sea.
  bool fleet_adjacent(Location from, Location to) const;
  // Whether a unit of `type` at `from` may move to some location of province `to` (for a
  // fleet: some coast of it it can reach): what a support into `to` needs.
  bool can_reach(UnitType type, Location from, Province to) const;
  // The provinces an army at `from` may move to; the locations a fleet at `from` may.
  const std::vector<Location>& army_neighbours(Province from) const;
  const std::vector<Location>& fleet_neighbours(Location from) const;

  // Steps from each province to the nearest of `targets`, any adjacency counting (armies
  // through seas, fleets over land, a coast as its province): the distance of civil
  // disorder and of the greedy player. Unreachable: 1 << 20.
  std::vector<int> distances(const std::vector<Province>& targets) const;

  const std::vector<Province>& home_centres(int power) const { return homes_[static_cast<size_t>(power)]; }
  const std::vector<Province>& supply_centres() const { return centres_; }
  const std::vector<StartingUnit>& starting_units() const { return starting_units_; }

  // Reads a map in the family's text format (see standard_map.cc); throws std::runtime_error
  // naming the line on a malformed map (maps are the program's own data, not user input).
  static Map parse(std::string_view text);

 private:
  std::vector<ProvinceInfo> provinces_;
  std::vector<LocationInfo> locations_;
  std::vector<std::vector<Location>> army_;   // by province
  std::vector<std::vector<Location>> fleet_;  // by location
  std::vector<uint8_t> army_adjacent_;        // num_locations x num_locations
  std::vector<uint8_t> fleet_adjacent_;
  std::array<std::vector<Province>, kNumPowers> homes_;
  std::vector<Province> centres_;
  std::vector<StartingUnit> starting_units_;
};

}  // namespace arena::diplomacy
