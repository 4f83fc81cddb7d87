#include "games/diplomacy/adjudicator.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

namespace arena::diplomacy {
namespace {

// The unit standing in province `p`, or -1.
int unit_in(const Map& map, const std::vector<Unit>& units, Province p) {
  for (size_t i = 0; i < units.size(); ++i) {
    if (map.province_of(units[i].at) == p) return static_cast<int>(i);
  }
  return -1;
}

// Whether `order.at` names `unit` (a fleet on a coast may be named by its province).
bool names_unit(const Map& map, const Order& order, const Unit& unit) {
  if (order.unit != unit.type) return false;
  if (order.at == unit.at) return true;
  return unit.type == UnitType::kFleet && order.at == map.province_of(unit.at) && order.at != unit.at;
}

// Where a fleet at `from` ordered to `to` goes: `to` when adjacent, else kNoLocation (a
// province with two coasts must be written with the coast, even where only one is reachable,
// as the DATC's cases 6.B.1 and 6.B.2 read).
Location fleet_destination(const Map& map, Location from, Location to) {
  return map.fleet_adjacent(from, to) ? to : kNoLocation;
}

bool is_coastal(const Map& map, Province p) { return map.province(p).terrain == Terrain::kCoast; }
bool is_sea(const Map& map, Province p) { return map.province(p).terrain == Terrain::kSea; }

// Whether a fleet at sea `s` borders coastal province `p` (any of its coasts).
bool sea_borders(const Map& map, Province s, Province p) { return map.can_reach(UnitType::kFleet, s, p); }

// The guess-and-check resolver of one movement phase.
class Movement {
 public:
  Movement(const Map& map, const std::vector<Unit>& units) : map_(map), units_(units) {
    const size_t n = units.size();
    orders_.assign(n, Order{});
    for (size_t i = 0; i < n; ++i) {
      orders_[i].power = units[i].power;
      orders_[i].unit = units[i].type;
      orders_[i].at = units[i].at;
    }
    by_province_.assign(static_cast<size_t>(map.num_provinces()), -1);
    for (size_t i = 0; i < n; ++i)
      by_province_[static_cast<size_t>(map.province_of(units[i].at))] = static_cast<int>(i);
    state_.assign(n, kUnresolved);
    result_.assign(n, false);
    convoy_.assign(n, false);
    paradox_.assign(n, false);
  }

  // Gives unit `i` its (valid) order; a fleet's move destination already resolved to a coast.
  void set_order(size_t i, const Order& o) { orders_[i] = o; }

  // Settles which moves go by convoy; a move by convoy that no chain of fleets at sea could
  // carry is void (DATC 6.D.32: its unit holds and may be supported to hold; one that fleets
  // could carry but do not is a failed move, 6.D.8). Returns the units whose moves were voided.
  std::vector<size_t> prepare() {
    std::vector<size_t> voided;
    for (size_t i = 0; i < orders_.size(); ++i) {
      if (orders_[i].kind != OrderKind::kMove) continue;
      convoy_[i] = moves_by_convoy(i);
      if (convoy_[i] && !chain(i, fleets_at_sea(), [](size_t) { return true; })) {
        orders_[i].kind = OrderKind::kHold;
        convoy_[i] = false;
        voided.push_back(i);
      }
    }
    return voided;
  }

  bool resolve(size_t i) {
    if (state_[i] == kResolved) return result_[i];
    if (state_[i] == kGuessing) {
      // Every use of a guess is recorded (repeats too), so that a decision that read one is
      // never taken as settled.
      deps_.push_back(i);
      return result_[i];
    }
    const size_t old = deps_.size();
    result_[i] = false;
    state_[i] = kGuessing;
    const bool first = adjudicate(i);
    if (deps_.size() == old) {
      if (state_[i] != kResolved) {
        result_[i] = first;
        state_[i] = kResolved;
      }
      return result_[i];
    }
    if (deps_[old] != i) {
      // Part of a cycle that started further up: keep guessing.
      deps_.push_back(i);
      result_[i] = first;
      return first;
    }
    // `i` starts a cycle: try the other guess.
    for (size_t k = old; k < deps_.size(); ++k) state_[deps_[k]] = kUnresolved;
    deps_.resize(old);
    result_[i] = true;
    state_[i] = kGuessing;
    const bool second = adjudicate(i);
    if (first == second) {
      for (size_t k = old; k < deps_.size(); ++k) state_[deps_[k]] = kUnresolved;
      deps_.resize(old);
      result_[i] = first;
      state_[i] = kResolved;
      return first;
    }
    backup_rule(old);
    return resolve(i);
  }

  bool is_move(size_t i) const { return orders_[i].kind == OrderKind::kMove; }
  bool by_convoy(size_t i) const { return convoy_[i]; }
  Province dest(size_t i) const { return map_.province_of(orders_[i].to); }
  Province here(size_t i) const { return map_.province_of(units_[i].at); }
  const Order& order(size_t i) const { return orders_[i]; }

  // Whether unit `i` is dislodged (after resolution): some move into its province succeeds
  // and it did not move away.
  int dislodger(size_t i) {
    if (is_move(i) && resolve(i)) return -1;
    for (size_t k = 0; k < orders_.size(); ++k) {
      if (k != i && is_move(k) && dest(k) == here(i) && resolve(k)) return static_cast<int>(k);
    }
    return -1;
  }

  // Whether move `i` had a path (by land, or a convoy that was not disrupted).
  bool has_path(size_t i) { return !by_convoy(i) || path(i); }

 private:
  enum State : uint8_t { kUnresolved, kGuessing, kResolved };

  int at(Province p) const { return by_province_[static_cast<size_t>(p)]; }

  // The fleets ordered to convoy the army of move `i` along its move.
  std::vector<size_t> convoying_fleets(size_t i) const {
    std::vector<size_t> fleets;
    for (size_t k = 0; k < orders_.size(); ++k) {
      const Order& c = orders_[k];
      if (c.kind == OrderKind::kConvoy && map_.province_of(c.from) == here(i) &&
          map_.province_of(c.to) == dest(i)) {
        fleets.push_back(k);
      }
    }
    return fleets;
  }

  // Whether fleets `fleets` (each kept when `keep` says so) chain from here(i) to dest(i);
  // `must` (when set) must be on the chain... approximated: on some chain through kept fleets.
  template <typename Keep>
  bool chain(size_t i, const std::vector<size_t>& fleets, Keep keep, int must = -1) const {
    // Breadth-first over the kept fleets' seas, from the seas bordering the origin.
    std::vector<size_t> frontier;
    std::vector<bool> seen(fleets.size(), false);
    auto reaches_dest = [&](size_t f) { return sea_borders(map_, here(fleets[f]), dest(i)); };
    std::vector<int> parent(fleets.size(), -1);
    for (size_t f = 0; f < fleets.size(); ++f) {
      if (sea_borders(map_, here(fleets[f]), here(i)) && keep(fleets[f])) {
        seen[f] = true;
        frontier.push_back(f);
      }
    }
    // With a `must` fleet: a route exists through it if it is reachable from the origin and
    // the destination is reachable from it, through kept fleets.
    auto reachable = [&](std::vector<size_t> start, auto target) {
      std::vector<bool> visited(fleets.size(), false);
      std::deque<size_t> queue;
      for (size_t s : start) {
        visited[s] = true;
        queue.push_back(s);
      }
      while (!queue.empty()) {
        const size_t f = queue.front();
        queue.pop_front();
        if (target(f)) return true;
        for (size_t g = 0; g < fleets.size(); ++g) {
          if (!visited[g] && keep(fleets[g]) &&
              map_.fleet_adjacent(units_[fleets[f]].at, units_[fleets[g]].at)) {
            visited[g] = true;
            queue.push_back(g);
          }
        }
      }
      return false;
    };
    if (must < 0) return reachable(frontier, reaches_dest);
    const auto m = std::find(fleets.begin(), fleets.end(), static_cast<size_t>(must));
    if (m == fleets.end()) return false;
    const size_t mi = static_cast<size_t>(m - fleets.begin());
    if (!reachable(frontier, [&](size_t f) { return f == mi; })) return false;
    return reachable({mi}, reaches_dest);
  }

  // Whether a chain of seas leads from province `from` through sea `via` (when set) to
  // province `to`, whatever stands on them: where a convoy could go at all.
  bool sea_route(Province from, Province to, Province via) const {
    auto walk = [&](Province start_land, auto stop) {
      std::vector<bool> seen(static_cast<size_t>(map_.num_provinces()), false);
      std::deque<Province> queue;
      for (Province s = 0; s < map_.num_provinces(); ++s) {
        if (is_sea(map_, s) && sea_borders(map_, s, start_land)) {
          seen[static_cast<size_t>(s)] = true;
          queue.push_back(s);
        }
      }
      while (!queue.empty()) {
        const Province s = queue.front();
        queue.pop_front();
        if (stop(s)) return true;
        for (Location n : map_.fleet_neighbours(s)) {
          const Province q = map_.province_of(n);
          if (is_sea(map_, q) && !seen[static_cast<size_t>(q)]) {
            seen[static_cast<size_t>(q)] = true;
            queue.push_back(q);
          }
        }
      }
      return false;
    };
    if (via == kNoLocation) return walk(from, [&](Province s) { return sea_borders(map_, s, to); });
    return walk(from, [&](Province s) { return s == via; }) && walk(to, [&](Province s) { return s == via; });
  }

  // Whether army move `i` goes by convoy (decided before adjudication, from the orders): a
  // move to a province that is not adjacent; to an adjacent one, when written "via convoy"
  // or when a fleet of the army's power is ordered to convoy it and could be on a route
  // (2023 rules; DATC 6.G.6 and 6.G.7).
  bool moves_by_convoy(size_t i) const {
    const Order& o = orders_[i];
    if (o.unit != UnitType::kArmy) return false;
    if (!map_.army_adjacent(here(i), dest(i))) return true;
    if (o.via_convoy) return true;
    for (size_t f : convoying_fleets(i)) {
      if (units_[f].power == units_[i].power && sea_route(here(i), dest(i), here(f))) return true;
    }
    return false;
  }

  // Fleets standing at sea: what any convoy must be made of.
  std::vector<size_t> fleets_at_sea() const {
    std::vector<size_t> fleets;
    for (size_t k = 0; k < units_.size(); ++k) {
      if (units_[k].type == UnitType::kFleet && is_sea(map_, here(k))) fleets.push_back(k);
    }
    return fleets;
  }

  // Whether the convoy of move `i` gets through: a chain of its convoying fleets that are
  // not dislodged.
  bool path(size_t i) {
    if (paradox_[i]) return false;
    const std::vector<size_t> fleets = convoying_fleets(i);
    return chain(i, fleets, [&](size_t f) { return resolve(f); });
  }

  // Whether support `s` is for move `i`: the same destination, or its province where the
  // support names no coast.
  bool supports_move(const Order& s, size_t i) const {
    return s.to != kNoLocation && (s.to == orders_[i].to || s.to == dest(i));
  }

  int supports_for(size_t i, int excluded_power) {
    int n = 0;
    const bool moving = is_move(i);
    for (size_t k = 0; k < orders_.size(); ++k) {
      const Order& s = orders_[k];
      if (s.kind != OrderKind::kSupport || map_.province_of(s.from) != here(i)) continue;
      if (moving ? !supports_move(s, i) : s.to != kNoLocation) continue;
      if (units_[k].power == excluded_power) continue;
      if (resolve(k)) ++n;
    }
    return n;
  }

  // The unit moving back from the destination of move `i` without a convoy, or -1.
  int head_to_head(size_t i) const {
    if (by_convoy(i)) return -1;
    const int j = at(dest(i));
    if (j < 0 || !is_move(static_cast<size_t>(j)) || by_convoy(static_cast<size_t>(j))) return -1;
    return dest(static_cast<size_t>(j)) == here(i) ? j : -1;
  }

  int hold_strength(Province p) {
    const int j = at(p);
    if (j < 0) return 0;
    if (is_move(static_cast<size_t>(j))) return resolve(static_cast<size_t>(j)) ? 0 : 1;
    return 1 + supports_for(static_cast<size_t>(j), -1);
  }

  int attack_strength(size_t i) {
    if (by_convoy(i) && !path(i)) return 0;
    const int j = at(dest(i));
    const int h2h = head_to_head(i);
    if (j < 0 || (h2h < 0 && is_move(static_cast<size_t>(j)) && resolve(static_cast<size_t>(j)))) {
      return 1 + supports_for(i, -1);
    }
    const int defender = units_[static_cast<size_t>(j)].power;
    if (defender == units_[i].power) return 0;
    return 1 + supports_for(i, defender);
  }

  int prevent_strength(size_t i) {
    if (by_convoy(i) && !path(i)) return 0;
    const int h2h = head_to_head(i);
    if (h2h >= 0 && resolve(static_cast<size_t>(h2h))) return 0;
    return 1 + supports_for(i, -1);
  }

  bool adjudicate(size_t i) {
    const Order& o = orders_[i];
    switch (o.kind) {
      case OrderKind::kMove: {
        const int attack = attack_strength(i);
        const int h2h = head_to_head(i);
        if (h2h >= 0) {
          if (attack <= 1 + supports_for(static_cast<size_t>(h2h), -1)) return false;
        } else if (attack <= hold_strength(dest(i))) {
          return false;
        }
        for (size_t k = 0; k < orders_.size(); ++k) {
          if (k != i && is_move(k) && dest(k) == dest(i) && attack <= prevent_strength(k)) return false;
        }
        return true;
      }
      case OrderKind::kSupport: {
        // Cut by an attack from a power other than the supporter's, except from where the
        // support goes; always cut when the supporter is dislodged.
        const Province target = o.to == kNoLocation ? kNoLocation : map_.province_of(o.to);
        for (size_t k = 0; k < orders_.size(); ++k) {
          if (!is_move(k) || dest(k) != here(i) || units_[k].power == units_[i].power) continue;
          if (here(k) == target) {
            if (resolve(k)) return false;  // dislodged by the unit it supports an attack on
            continue;
          }
          if (has_path(k)) return false;
        }
        return true;
      }
      case OrderKind::kConvoy: {
        for (size_t k = 0; k < orders_.size(); ++k) {
          if (is_move(k) && dest(k) == here(i) && resolve(k)) return false;
        }
        return true;
      }
      default:
        return true;
    }
  }

  // Two or no consistent guesses. A cycle through a convoying fleet is a convoy paradox,
  // settled by the Szykman rule: the armies convoyed by the cycle's fleets hold and cut
  // nothing (one whose convoy went to an adjacent province by choice moves over land
  // instead). Any other cycle is circular movement: its moves all succeed.
  void backup_rule(size_t old) {
    const std::vector<size_t> cycle(deps_.begin() + static_cast<std::ptrdiff_t>(old), deps_.end());
    deps_.resize(old);
    std::vector<size_t> convoyed;
    for (size_t k : cycle) {
      if (orders_[k].kind != OrderKind::kConvoy) continue;
      for (size_t m = 0; m < orders_.size(); ++m) {
        if (is_move(m) && by_convoy(m) && here(m) == map_.province_of(orders_[k].from) &&
            dest(m) == map_.province_of(orders_[k].to)) {
          convoyed.push_back(m);
        }
      }
    }
    for (size_t k : cycle) state_[k] = kUnresolved;
    if (!convoyed.empty()) {
      for (size_t m : convoyed) {
        if (!orders_[m].via_convoy && map_.army_adjacent(here(m), dest(m))) {
          convoy_[m] =
              false;  // an army that only chose a convoy to an adjacent province goes by land (DATC 6.G.11)
          continue;
        }
        paradox_[m] = true;
        result_[m] = false;
        state_[m] = kResolved;
      }
      return;
    }
    for (size_t k : cycle) {
      if (is_move(k)) {
        result_[k] = true;
        state_[k] = kResolved;
      }
    }
  }

  const Map& map_;
  const std::vector<Unit>& units_;
  std::vector<Order> orders_;  // by unit
  std::vector<int> by_province_;
  std::vector<State> state_;
  std::vector<bool> result_;
  std::vector<bool> convoy_;   // move goes by convoy
  std::vector<bool> paradox_;  // convoy disrupted by the Szykman rule
  std::vector<size_t> deps_;
};

int unit_of_order(const Map& map, const std::vector<Unit>& units, const Order& order) {
  const int i = unit_in(map, units, map.province_of(order.at));
  if (i < 0 || !names_unit(map, order, units[static_cast<size_t>(i)])) return -1;
  return i;
}

}  // namespace

std::string movement_order_problem(const Map& map, const std::vector<Unit>& units, const Order& o) {
  const int i = unit_in(map, units, map.province_of(o.at));
  if (i < 0) return "no unit in " + map.name(map.province_of(o.at));
  const Unit& u = units[static_cast<size_t>(i)];
  if (o.unit != u.type)
    return std::string("the unit in ") + map.name(u.at) + " is " +
           (u.type == UnitType::kArmy ? "an army" : "a fleet");
  if (!names_unit(map, o, u)) return "the fleet is on " + map.name(u.at) + ", not " + map.name(o.at);
  if (o.power >= 0 && o.power != u.power) {
    return "the unit in " + map.name(u.at) + " belongs to " +
           std::string(kPowerNames[static_cast<size_t>(u.power)]);
  }
  const Province here = map.province_of(u.at);
  switch (o.kind) {
    case OrderKind::kHold:
      return "";
    case OrderKind::kMove: {
      const Province to = map.province_of(o.to);
      if (to == here) return "a unit cannot move to its own province";
      if (u.type == UnitType::kArmy) {
        if (o.to != to) return "an army moves to a province, not a coast";
        if (map.province(to).terrain == Terrain::kSea) return "an army cannot move to a sea";
        if (map.army_adjacent(here, to) && !o.via_convoy) return "";
        if (map.province(here).terrain == Terrain::kCoast && map.province(to).terrain == Terrain::kCoast)
          return "";
        return map.name(to) + " is not adjacent to " + map.name(here);
      }
      if (map.province(to).terrain == Terrain::kLand) return "a fleet cannot move inland";
      if (o.via_convoy) return "only armies are convoyed";
      if (fleet_destination(map, u.at, o.to) == kNoLocation) {
        if (o.to == to && map.province(to).coasts.size() > 1 && map.can_reach(UnitType::kFleet, u.at, to)) {
          return "say which coast of " + map.name(to) + " the fleet moves to";
        }
        return map.name(o.to) + " is not adjacent to " + map.name(u.at) + " for a fleet";
      }
      return "";
    }
    case OrderKind::kSupport: {
      const Province from = map.province_of(o.from);
      if (from == here) return "a unit cannot support itself";
      const Province target = o.to == kNoLocation ? from : map.province_of(o.to);
      if (!map.can_reach(u.type, u.at, target)) return "the supporting unit cannot reach " + map.name(target);
      return "";
    }
    case OrderKind::kConvoy: {
      if (u.type != UnitType::kFleet || !is_sea(map, here)) return "only fleets at sea convoy";
      const Province from = map.province_of(o.from);
      const Province to = map.province_of(o.to);
      if (!is_coastal(map, from) || !is_coastal(map, to) || from == to)
        return "a convoy goes from one coast to another";
      return "";
    }
    case OrderKind::kRetreat:
    case OrderKind::kDisband:
    case OrderKind::kBuild:
    case OrderKind::kWaive:
      return "not an order of a movement phase";
  }
  return "";
}

MovementResult adjudicate_movement(const Map& map, const std::vector<Unit>& units,
                                   const std::vector<Order>& orders) {
  MovementResult r;
  r.succeeded.assign(orders.size(), false);
  r.problems.assign(orders.size(), "");
  Movement m(map, units);
  std::vector<int> order_of(units.size(), -1);  // the order each unit follows
  for (size_t k = 0; k < orders.size(); ++k) {
    r.problems[k] = movement_order_problem(map, units, orders[k]);
    if (!r.problems[k].empty()) continue;
    const int i = unit_of_order(map, units, orders[k]);
    if (order_of[static_cast<size_t>(i)] >= 0) {
      r.problems[k] = "the unit in " + map.name(units[static_cast<size_t>(i)].at) + " is already ordered";
      continue;
    }
    order_of[static_cast<size_t>(i)] = static_cast<int>(k);
    Order o = orders[k];
    o.power = units[static_cast<size_t>(i)].power;
    o.at = units[static_cast<size_t>(i)].at;
    if (o.kind == OrderKind::kMove && o.unit == UnitType::kFleet) o.to = fleet_destination(map, o.at, o.to);
    m.set_order(static_cast<size_t>(i), o);
  }
  for (size_t i : m.prepare())
    r.problems[static_cast<size_t>(order_of[i])] = "no fleets at sea could convoy it";
  std::vector<int> dislodged_by(units.size(), -1);
  for (size_t i = 0; i < units.size(); ++i) {
    const bool ok = m.resolve(i);
    dislodged_by[i] = m.dislodger(i);
    if (order_of[i] < 0 || !r.problems[static_cast<size_t>(order_of[i])].empty()) continue;
    switch (m.order(i).kind) {
      case OrderKind::kMove:
      case OrderKind::kSupport:
        r.succeeded[static_cast<size_t>(order_of[i])] = ok;
        break;
      default:
        r.succeeded[static_cast<size_t>(order_of[i])] = dislodged_by[i] < 0;
        break;
    }
  }
  // Positions after the phase, the dislodged and the standoffs.
  std::set<Province> occupied;
  for (size_t i = 0; i < units.size(); ++i) {
    if (dislodged_by[i] >= 0) {
      const size_t k = static_cast<size_t>(dislodged_by[i]);
      r.dislodged.push_back({units[i], m.by_convoy(k) ? kNoLocation : m.here(k)});
      continue;
    }
    Unit u = units[i];
    if (m.is_move(i) && m.resolve(i)) u.at = m.order(i).to;
    occupied.insert(map.province_of(u.at));
    r.units.push_back(u);
  }
  std::set<Province> contested;
  for (size_t i = 0; i < units.size(); ++i) {
    if (!m.is_move(i) || m.resolve(i) || !m.has_path(i)) continue;
    const Province p = m.dest(i);
    if (occupied.count(p) != 0) continue;
    // A unit beaten back by the unit it swapped with makes no standoff where it came from.
    if (dislodged_by[i] >= 0 && m.here(static_cast<size_t>(dislodged_by[i])) == p) continue;
    contested.insert(p);
  }
  r.contested.assign(contested.begin(), contested.end());
  return r;
}

std::string retreat_order_problem(const Map& map, const std::vector<Unit>& units,
                                  const std::vector<DislodgedUnit>& dislodged,
                                  const std::vector<Province>& contested, const Order& o) {
  if (o.kind != OrderKind::kRetreat && o.kind != OrderKind::kMove && o.kind != OrderKind::kDisband) {
    return "only retreats and disbands are ordered in a retreat phase";
  }
  const DislodgedUnit* d = nullptr;
  for (const DislodgedUnit& x : dislodged) {
    if (map.province_of(x.unit.at) == map.province_of(o.at)) d = &x;
  }
  if (d == nullptr) return "no dislodged unit in " + map.name(map.province_of(o.at));
  if (!names_unit(map, o, d->unit))
    return "the dislodged unit in " + map.name(d->unit.at) + " is not " +
           format_order(map, {.unit = o.unit, .at = o.at}).substr(0, 1) + " " + map.name(o.at);
  if (o.power >= 0 && o.power != d->unit.power) {
    return "the unit in " + map.name(d->unit.at) + " belongs to " +
           std::string(kPowerNames[static_cast<size_t>(d->unit.power)]);
  }
  if (o.kind == OrderKind::kDisband) return "";
  if (o.via_convoy) return "a retreat cannot be convoyed";
  const Province to = map.province_of(o.to);
  Location dest = o.to;
  if (d->unit.type == UnitType::kArmy) {
    if (o.to != to || !map.army_adjacent(map.province_of(d->unit.at), to))
      return map.name(o.to) + " is not adjacent";
  } else {
    dest = fleet_destination(map, d->unit.at, o.to);
    if (dest == kNoLocation) return map.name(o.to) + " is not adjacent for a fleet";
  }
  if (unit_in(map, units, to) >= 0) return map.name(to) + " is occupied";
  if (to == d->attacker_from) return "a unit cannot retreat to where its attacker came from";
  if (std::find(contested.begin(), contested.end(), to) != contested.end())
    return map.name(to) + " was left vacant by a standoff";
  return "";
}

RetreatResult adjudicate_retreats(const Map& map, const std::vector<Unit>& units,
                                  const std::vector<DislodgedUnit>& dislodged,
                                  const std::vector<Province>& contested, const std::vector<Order>& orders) {
  RetreatResult r;
  r.succeeded.assign(orders.size(), false);
  r.problems.assign(orders.size(), "");
  r.units = units;
  std::vector<int> order_of(dislodged.size(), -1);
  for (size_t k = 0; k < orders.size(); ++k) {
    r.problems[k] = retreat_order_problem(map, units, dislodged, contested, orders[k]);
    if (!r.problems[k].empty()) continue;
    for (size_t d = 0; d < dislodged.size(); ++d) {
      if (map.province_of(dislodged[d].unit.at) != map.province_of(orders[k].at)) continue;
      if (order_of[d] >= 0) {
        r.problems[k] = "the unit is already ordered";
      } else {
        order_of[d] = static_cast<int>(k);
      }
    }
  }
  std::map<Province, int> wanted;  // retreats into each province
  for (size_t d = 0; d < dislodged.size(); ++d) {
    if (order_of[d] < 0) continue;
    const Order& o = orders[static_cast<size_t>(order_of[d])];
    if (o.kind != OrderKind::kDisband) ++wanted[map.province_of(o.to)];
  }
  for (size_t d = 0; d < dislodged.size(); ++d) {
    if (order_of[d] < 0) continue;
    const size_t k = static_cast<size_t>(order_of[d]);
    const Order& o = orders[k];
    if (o.kind == OrderKind::kDisband) {
      r.succeeded[k] = true;
      continue;
    }
    if (wanted[map.province_of(o.to)] > 1) {
      r.problems[k] =
          "another unit retreats to " + map.name(map.province_of(o.to)) + " too: both are disbanded";
      continue;
    }
    Unit u = dislodged[d].unit;
    u.at = u.type == UnitType::kFleet ? fleet_destination(map, u.at, o.to) : o.to;
    r.units.push_back(u);
    r.succeeded[k] = true;
  }
  return r;
}

int adjustment_count(const std::vector<Unit>& units, const std::vector<int>& owner, int power) {
  int centres = 0;
  for (int o : owner) centres += o == power ? 1 : 0;
  int count = 0;
  for (const Unit& u : units) count += u.power == power ? 1 : 0;
  return centres - count;
}

AdjustmentResult adjudicate_adjustments(const Map& map, const std::vector<Unit>& units,
                                        const std::vector<int>& owner, const std::vector<Order>& orders) {
  AdjustmentResult r;
  r.succeeded.assign(orders.size(), false);
  r.problems.assign(orders.size(), "");
  std::vector<int> left(kNumPowers);
  for (int p = 0; p < kNumPowers; ++p) left[static_cast<size_t>(p)] = adjustment_count(units, owner, p);
  std::vector<bool> removed(units.size(), false);
  std::vector<Unit> built;
  auto occupied = [&](Province p) {
    if (unit_in(map, units, p) >= 0) return true;
    for (const Unit& b : built) {
      if (map.province_of(b.at) == p) return true;
    }
    return false;
  };
  for (size_t k = 0; k < orders.size(); ++k) {
    const Order& o = orders[k];
    std::string& problem = r.problems[k];
    if (o.kind == OrderKind::kBuild || o.kind == OrderKind::kWaive) {
      int power = o.power;
      const Province p = o.kind == OrderKind::kBuild ? map.province_of(o.at) : kNoLocation;
      if (power < 0 && p != kNoLocation) power = map.province(p).home;
      if (power < 0) {
        problem = "say which power builds";
        continue;
      }
      if (left[static_cast<size_t>(power)] <= 0) {
        problem = std::string(kPowerNames[static_cast<size_t>(power)]) + " has no build left";
        continue;
      }
      if (o.kind == OrderKind::kBuild) {
        if (map.province(p).home != power) {
          problem = map.name(p) + " is not a home centre of " +
                    std::string(kPowerNames[static_cast<size_t>(power)]);
          continue;
        }
        if (owner[static_cast<size_t>(p)] != power) {
          problem = map.name(p) + " is not owned by " + std::string(kPowerNames[static_cast<size_t>(power)]);
          continue;
        }
        if (occupied(p)) {
          problem = map.name(p) + " is occupied";
          continue;
        }
        if (!map.can_stand(o.unit, o.at)) {
          problem = o.unit == UnitType::kFleet && !map.province(p).coasts.empty()
                        ? "say which coast of " + map.name(p) + " the fleet is built on"
                        : std::string(o.unit == UnitType::kFleet ? "a fleet" : "an army") +
                              " cannot be built in " + map.name(o.at);
          continue;
        }
        built.push_back({power, o.unit, o.at});
      }
      --left[static_cast<size_t>(power)];
      r.succeeded[k] = true;
    } else if (o.kind == OrderKind::kDisband) {
      const int i = unit_of_order(map, units, o);
      if (i < 0) {
        problem = "no such unit in " + map.name(map.province_of(o.at));
        continue;
      }
      const int power = units[static_cast<size_t>(i)].power;
      if (o.power >= 0 && o.power != power) {
        problem = "the unit belongs to " + std::string(kPowerNames[static_cast<size_t>(power)]);
        continue;
      }
      if (removed[static_cast<size_t>(i)]) {
        problem = "the unit is already disbanded";
        continue;
      }
      if (left[static_cast<size_t>(power)] >= 0) {
        problem = std::string(kPowerNames[static_cast<size_t>(power)]) + " has no disband left";
        continue;
      }
      removed[static_cast<size_t>(i)] = true;
      ++left[static_cast<size_t>(power)];
      r.succeeded[k] = true;
    } else {
      problem = "only builds, disbands and waives are ordered in an adjustment phase";
    }
  }
  // Civil disorder for the disbands not ordered.
  for (int p = 0; p < kNumPowers; ++p) {
    if (left[static_cast<size_t>(p)] >= 0) continue;
    std::vector<Province> homes;
    for (Province h : map.home_centres(p)) {
      if (owner[static_cast<size_t>(h)] == p) homes.push_back(h);
    }
    const std::vector<int> dist = map.distances(homes);
    std::vector<size_t> candidates;
    for (size_t i = 0; i < units.size(); ++i) {
      if (units[i].power == p && !removed[i]) candidates.push_back(i);
    }
    std::sort(candidates.begin(), candidates.end(), [&](size_t a, size_t b) {
      const int da = dist[static_cast<size_t>(map.province_of(units[a].at))];
      const int db = dist[static_cast<size_t>(map.province_of(units[b].at))];
      if (da != db) return da > db;
      if (units[a].type != units[b].type) return units[a].type == UnitType::kFleet;
      return map.name(map.province_of(units[a].at)) < map.name(map.province_of(units[b].at));
    });
    for (size_t i : candidates) {
      if (left[static_cast<size_t>(p)] >= 0) break;
      removed[i] = true;
      r.civil_disorder.push_back(units[i]);
      ++left[static_cast<size_t>(p)];
    }
  }
  for (size_t i = 0; i < units.size(); ++i) {
    if (!removed[i]) r.units.push_back(units[i]);
  }
  for (const Unit& b : built) r.units.push_back(b);
  return r;
}

}  // namespace arena::diplomacy
