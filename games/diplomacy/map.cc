#include "games/diplomacy/map.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <sstream>
#include <stdexcept>

namespace arena::diplomacy {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

[[noreturn]] void bad_map(int line, const std::string& what) {
  throw std::runtime_error("map line " + std::to_string(line) + ": " + what);
}

}  // namespace

int power_from_name(std::string_view text) {
  const std::string t = lower(text);
  for (int p = 0; p < kNumPowers; ++p) {
    if (t == lower(kPowerCodes[static_cast<size_t>(p)]) || t == lower(kPowerNames[static_cast<size_t>(p)]))
      return p;
  }
  return -1;
}

Map Map::parse(std::string_view text) {
  Map map;
  std::istringstream in{std::string(text)};
  std::string line;
  int number = 0;
  struct Pending {
    int line;
    bool fleet;
    std::string from;
    std::vector<std::string> to;
  };
  std::vector<Pending> adjacencies;
  struct PendingUnit {
    int line;
    std::string power, type, at;
  };
  std::vector<PendingUnit> units;
  bool coasts_started = false;
  auto lookup = [&](const std::string& name, int at_line) {
    const std::optional<Location> l = map.find(name);
    if (!l) bad_map(at_line, "unknown location '" + name + "'");
    return *l;
  };
  while (std::getline(in, line)) {
    ++number;
    std::istringstream words(line);
    std::string kind;
    if (!(words >> kind)) continue;
    if (kind == "province") {
      ProvinceInfo p;
      std::string terrain, owner;
      if (!(words >> p.abbr >> terrain >> p.x >> p.y >> owner))
        bad_map(number, "a province needs 5 fields and a name");
      std::getline(words >> std::ws, p.name);
      if (terrain == "land") {
        p.terrain = Terrain::kLand;
      } else if (terrain == "sea") {
        p.terrain = Terrain::kSea;
      } else if (terrain == "coast") {
        p.terrain = Terrain::kCoast;
      } else {
        bad_map(number, "terrain '" + terrain + "'");
      }
      if (owner != "-") {
        p.supply_centre = true;
        if (owner != "neutral") {
          p.home = power_from_name(owner);
          if (p.home < 0) bad_map(number, "unknown power '" + owner + "'");
        }
      }
      if (coasts_started) bad_map(number, "provinces come before coasts");
      map.locations_.push_back({p.abbr, static_cast<Province>(map.provinces_.size()), "", p.x, p.y});
      map.provinces_.push_back(std::move(p));
    } else if (kind == "coast") {
      std::string name;
      LocationInfo l;
      if (!(words >> name >> l.x >> l.y)) bad_map(number, "a coast needs a name and coordinates");
      const size_t slash = name.find('/');
      if (slash == std::string::npos) bad_map(number, "a coast is written province/coast");
      const std::optional<Location> province = map.find(name.substr(0, slash));
      if (!province) bad_map(number, "unknown province in '" + name + "'");
      l.name = name;
      l.province = *province;
      l.coast = name.substr(slash + 1);
      coasts_started = true;
      map.provinces_[static_cast<size_t>(*province)].coasts.push_back(
          static_cast<Location>(map.locations_.size()));
      map.locations_.push_back(std::move(l));
    } else if (kind == "army" || kind == "fleet") {
      Pending p{number, kind == "fleet", {}, {}};
      if (!(words >> p.from) || p.from.back() != ':')
        bad_map(number, "adjacencies are written 'from: to ...'");
      p.from.pop_back();
      for (std::string to; words >> to;) p.to.push_back(to);
      adjacencies.push_back(std::move(p));
    } else if (kind == "unit") {
      PendingUnit u{number, {}, {}, {}};
      if (!(words >> u.power >> u.type >> u.at))
        bad_map(number, "a unit needs a power, a type and a location");
      units.push_back(std::move(u));
    } else {
      bad_map(number, "unknown line kind '" + kind + "'");
    }
  }
  const size_t n = map.locations_.size();
  map.army_.assign(n, {});
  map.fleet_.assign(n, {});
  map.army_adjacent_.assign(n * n, 0);
  map.fleet_adjacent_.assign(n * n, 0);
  for (const Pending& p : adjacencies) {
    const Location from = lookup(p.from, p.line);
    for (const std::string& name : p.to) {
      const Location to = lookup(name, p.line);
      if (p.fleet) {
        for (auto [a, b] : {std::pair{from, to}, std::pair{to, from}}) {
          if (!map.can_stand(UnitType::kFleet, a)) bad_map(p.line, "a fleet cannot stand at " + map.name(a));
          map.fleet_adjacent_[static_cast<size_t>(a) * n + static_cast<size_t>(b)] = 1;
          map.fleet_[static_cast<size_t>(a)].push_back(b);
        }
      } else {
        for (auto [a, b] : {std::pair{from, to}, std::pair{to, from}}) {
          if (!map.can_stand(UnitType::kArmy, a)) bad_map(p.line, "an army cannot stand at " + map.name(a));
          map.army_adjacent_[static_cast<size_t>(a) * n + static_cast<size_t>(b)] = 1;
          map.army_[static_cast<size_t>(a)].push_back(b);
        }
      }
    }
  }
  for (auto& v : map.army_) std::sort(v.begin(), v.end());
  for (auto& v : map.fleet_) std::sort(v.begin(), v.end());
  for (const ProvinceInfo& p : map.provinces_) {
    const Province id = static_cast<Province>(&p - map.provinces_.data());
    if (p.supply_centre) map.centres_.push_back(id);
    if (p.home >= 0) map.homes_[static_cast<size_t>(p.home)].push_back(id);
  }
  for (const PendingUnit& u : units) {
    const int power = power_from_name(u.power);
    if (power < 0) bad_map(u.line, "unknown power '" + u.power + "'");
    if (u.type != "A" && u.type != "F") bad_map(u.line, "a unit is A or F");
    const UnitType type = u.type == "A" ? UnitType::kArmy : UnitType::kFleet;
    const Location at = lookup(u.at, u.line);
    if (!map.can_stand(type, at)) bad_map(u.line, "that unit cannot stand at " + u.at);
    map.starting_units_.push_back({power, type, at});
  }
  return map;
}

std::optional<Location> Map::find(std::string_view text) const {
  std::string t = lower(text);
  // "spa(nc)", "spa nc" and "spa/nc" are one location.
  for (char& c : t) {
    if (c == '(' || c == ' ') c = '/';
  }
  if (!t.empty() && t.back() == ')') t.pop_back();
  for (const LocationInfo& l : locations_) {
    if (l.name == t) return static_cast<Location>(&l - locations_.data());
  }
  // A full name: "North Africa", "north_africa".
  std::string full = lower(text);
  for (char& c : full) {
    if (c == '_') c = ' ';
  }
  for (const ProvinceInfo& p : provinces_) {
    if (lower(p.name) == full) return static_cast<Location>(&p - provinces_.data());
  }
  return std::nullopt;
}

bool Map::can_stand(UnitType type, Location at) const {
  if (at < 0 || at >= num_locations()) return false;
  const LocationInfo& l = location(at);
  const ProvinceInfo& p = province(l.province);
  if (type == UnitType::kArmy) return l.coast.empty() && p.terrain != Terrain::kSea;
  if (p.terrain == Terrain::kLand) return false;
  return l.coast.empty() ? p.coasts.empty() : true;
}

bool Map::army_adjacent(Province from, Province to) const {
  return army_adjacent_[static_cast<size_t>(from) * locations_.size() + static_cast<size_t>(to)] != 0;
}

bool Map::fleet_adjacent(Location from, Location to) const {
  return fleet_adjacent_[static_cast<size_t>(from) * locations_.size() + static_cast<size_t>(to)] != 0;
}

bool Map::can_reach(UnitType type, Location from, Province to) const {
  if (type == UnitType::kArmy) return army_adjacent(province_of(from), to);
  if (fleet_adjacent(from, to)) return true;
  for (Location c : province(to).coasts) {
    if (fleet_adjacent(from, c)) return true;
  }
  return false;
}

std::vector<int> Map::distances(const std::vector<Province>& targets) const {
  std::vector<int> dist(provinces_.size(), 1 << 20);
  std::deque<Province> queue;
  for (Province t : targets) {
    dist[static_cast<size_t>(t)] = 0;
    queue.push_back(t);
  }
  while (!queue.empty()) {
    const Province p = queue.front();
    queue.pop_front();
    std::vector<Location> next = army_[static_cast<size_t>(p)];
    for (Location f : fleet_[static_cast<size_t>(p)]) next.push_back(f);
    for (Location c : provinces_[static_cast<size_t>(p)].coasts) {
      for (Location f : fleet_[static_cast<size_t>(c)]) next.push_back(f);
    }
    for (Location l : next) {
      const Province q = province_of(l);
      if (dist[static_cast<size_t>(q)] > dist[static_cast<size_t>(p)] + 1) {
        dist[static_cast<size_t>(q)] = dist[static_cast<size_t>(p)] + 1;
        queue.push_back(q);
      }
    }
  }
  return dist;
}

const std::vector<Location>& Map::army_neighbours(Province from) const {
  return army_[static_cast<size_t>(from)];
}
const std::vector<Location>& Map::fleet_neighbours(Location from) const {
  return fleet_[static_cast<size_t>(from)];
}

}  // namespace arena::diplomacy
