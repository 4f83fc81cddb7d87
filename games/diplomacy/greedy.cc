#include "games/diplomacy/greedy.h"

#include <algorithm>
#include <set>

#include "games/diplomacy/diplomacy.h"

namespace arena::diplomacy {
namespace {

int pick(const std::vector<int>& scores, Rng& rng) {
  int best = *std::max_element(scores.begin(), scores.end());
  std::vector<int> ties;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (scores[i] == best) ties.push_back(static_cast<int>(i));
  }
  return ties[rng.uniform(ties.size())];
}

}  // namespace

std::vector<Action> greedy_orders(const State& base, Player seat, Rng& rng) {
  const auto& state = static_cast<const DiplomacyState&>(base);
  const DiplomacyGame& game = state.diplomacy();
  const Map& map = game.map();
  const int power = game.powers()[static_cast<size_t>(seat)];
  const std::vector<int>& owner = state.owners();
  const std::vector<std::vector<Order>> groups = state.power_orders(power);
  std::vector<Action> out;
  auto unit_at = [&](Province p) -> const Unit* {
    for (const Unit& u : state.units()) {
      if (map.province_of(u.at) == p) return &u;
    }
    return nullptr;
  };
  auto rival_next_to = [&](Province p) {
    for (const Unit& u : state.units()) {
      if (u.power != power && (map.can_reach(u.type, u.at, p))) return true;
    }
    return false;
  };
  std::vector<Province> targets;  // the centres it does not own
  for (Province p : map.supply_centres()) {
    if (owner[static_cast<size_t>(p)] != power) targets.push_back(p);
  }
  const std::vector<int> dist = map.distances(targets);
  auto wanted = [&](Province p) {
    return map.province(p).supply_centre && owner[static_cast<size_t>(p)] != power;
  };

  if (state.phase().type == PhaseType::kMovement) {
    // First pass: each unit's own move; then units left holding support a move into a
    // centre a rival could also reach.
    std::set<Province> claimed;
    std::vector<int> chosen(groups.size(), -1);
    std::vector<Province> move_into(groups.size(), kNoLocation);
    for (size_t g = 0; g < groups.size(); ++g) {
      const Order& self = groups[g][0];
      const Province here = map.province_of(self.at);
      std::vector<int> scores(groups[g].size(), -1000);
      for (size_t k = 0; k < groups[g].size(); ++k) {
        const Order& o = groups[g][k];
        if (o.kind == OrderKind::kHold) {
          const bool threatened_home = map.province(here).home == power && rival_next_to(here);
          scores[k] = threatened_home ? 100 : 0;
        } else if (o.kind == OrderKind::kMove && !o.via_convoy) {
          const Province to = map.province_of(o.to);
          if (claimed.count(to) != 0) continue;
          const Unit* there = unit_at(to);
          if (there != nullptr && there->power == power) continue;
          if (wanted(to)) {
            scores[k] = there == nullptr ? 60 : 40;
          } else if (dist[static_cast<size_t>(to)] < dist[static_cast<size_t>(here)]) {
            scores[k] = 20 - dist[static_cast<size_t>(to)];
          }
        }
      }
      chosen[g] = pick(scores, rng);
      const Order& o = groups[g][static_cast<size_t>(chosen[g])];
      if (o.kind == OrderKind::kMove) {
        move_into[g] = map.province_of(o.to);
        claimed.insert(move_into[g]);
      }
    }
    for (size_t g = 0; g < groups.size(); ++g) {
      if (groups[g][static_cast<size_t>(chosen[g])].kind != OrderKind::kHold) continue;
      const Province here = map.province_of(groups[g][0].at);
      if (map.province(here).home == power && rival_next_to(here)) continue;  // keep the home centre
      for (size_t k = 0; k < groups[g].size(); ++k) {
        const Order& o = groups[g][k];
        if (o.kind != OrderKind::kSupport || o.to == kNoLocation) continue;
        const Province to = map.province_of(o.to);
        bool ours = false;
        for (size_t h = 0; h < groups.size(); ++h) {
          ours = ours || (move_into[h] == to && map.province_of(groups[h][0].at) == o.from);
        }
        if (ours && wanted(to) && rival_next_to(to)) {
          chosen[g] = static_cast<int>(k);
          break;
        }
      }
    }
    for (size_t g = 0; g < groups.size(); ++g)
      out.push_back(encode_order(groups[g][static_cast<size_t>(chosen[g])]));
    return out;
  }

  if (state.phase().type == PhaseType::kRetreat) {
    for (const std::vector<Order>& group : groups) {
      std::vector<int> scores(group.size(), 0);
      for (size_t k = 0; k < group.size(); ++k) {
        const Order& o = group[k];
        if (o.kind == OrderKind::kDisband) continue;
        const Province to = map.province_of(o.to);
        scores[k] = (wanted(to) ? 50 : 10) - dist[static_cast<size_t>(to)];
      }
      out.push_back(encode_order(group[static_cast<size_t>(pick(scores, rng))]));
    }
    return out;
  }

  // Adjustments: distinct builds (a fleet where one can stand while fleets are fewer than
  // half the armies, else an army), or distinct disbands, farthest from a centre to take first.
  int armies = 0;
  int fleets = 0;
  for (const Unit& u : state.units()) {
    if (u.power == power) (u.type == UnitType::kArmy ? armies : fleets) += 1;
  }
  std::set<Province> used;
  for (const std::vector<Order>& group : groups) {
    std::vector<int> scores(group.size(), -1000);
    for (size_t k = 0; k < group.size(); ++k) {
      const Order& o = group[k];
      if (o.kind == OrderKind::kWaive) {
        scores[k] = -100;
      } else if (o.kind == OrderKind::kBuild) {
        if (used.count(map.province_of(o.at)) != 0) continue;
        const bool want_fleet = fleets < armies / 2 + 1;
        scores[k] = (o.unit == UnitType::kFleet) == want_fleet ? 10 : 5;
      } else if (o.kind == OrderKind::kDisband) {
        if (used.count(map.province_of(o.at)) != 0) continue;
        scores[k] =
            static_cast<int>(std::min<size_t>(dist[static_cast<size_t>(map.province_of(o.at))], 1000));
      }
    }
    const Order& o = group[static_cast<size_t>(pick(scores, rng))];
    if (o.kind == OrderKind::kBuild) {
      (o.unit == UnitType::kArmy ? armies : fleets) += 1;
    }
    if (o.kind != OrderKind::kWaive) used.insert(map.province_of(o.at));
    out.push_back(encode_order(o));
  }
  return out;
}

}  // namespace arena::diplomacy
