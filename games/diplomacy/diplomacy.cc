#include "games/diplomacy/diplomacy.h"

#include <algorithm>
#include <deque>
#include <set>
#include <sstream>

namespace arena {

using diplomacy::DislodgedUnit;
using diplomacy::kActionLocations;
using diplomacy::kNoLocation;
using diplomacy::kNumPowers;
using diplomacy::kPowerCodes;
using diplomacy::kPowerNames;
using diplomacy::Location;
using diplomacy::Map;
using diplomacy::Order;
using diplomacy::OrderKind;
using diplomacy::Phase;
using diplomacy::PhaseRecord;
using diplomacy::PhaseType;
using diplomacy::PlayedOrder;
using diplomacy::Province;
using diplomacy::Season;
using diplomacy::Terrain;
using diplomacy::Unit;
using diplomacy::UnitType;

namespace diplomacy {

std::string Phase::name() const {
  const char s = season == Season::kSpring ? 'S' : season == Season::kAutumn ? 'F' : 'W';
  const char t = type == PhaseType::kMovement ? 'M' : type == PhaseType::kRetreat ? 'R' : 'A';
  return std::string(1, s) + std::to_string(year) + t;
}

namespace {

// The order kinds as action ids know them.
enum ActionKind : int {
  kHoldAction,
  kMoveAction,
  kMoveViaConvoyAction,
  kSupportAction,
  kConvoyAction,
  kRetreatAction,
  kDisbandAction,
  kBuildArmyAction,
  kBuildFleetAction,
  kWaiveAction,
};

constexpr int kNone = kActionLocations - 1;

int slot_of(Location l) { return l == kNoLocation ? kNone : l; }
Location location_of(int slot) { return slot == kNone ? kNoLocation : static_cast<Location>(slot); }

}  // namespace

Action encode_order(const Order& o) {
  int kind = kHoldAction;
  switch (o.kind) {
    case OrderKind::kHold:
      kind = kHoldAction;
      break;
    case OrderKind::kMove:
      kind = o.via_convoy ? kMoveViaConvoyAction : kMoveAction;
      break;
    case OrderKind::kSupport:
      kind = kSupportAction;
      break;
    case OrderKind::kConvoy:
      kind = kConvoyAction;
      break;
    case OrderKind::kRetreat:
      kind = kRetreatAction;
      break;
    case OrderKind::kDisband:
      kind = kDisbandAction;
      break;
    case OrderKind::kBuild:
      kind = o.unit == UnitType::kArmy ? kBuildArmyAction : kBuildFleetAction;
      break;
    case OrderKind::kWaive:
      return static_cast<Action>(
          ((kWaiveAction * kActionLocations + kNone) * kActionLocations + kNone) * kActionLocations + kNone);
  }
  return static_cast<Action>(((kind * kActionLocations + slot_of(o.at)) * kActionLocations + slot_of(o.to)) *
                                 kActionLocations +
                             slot_of(o.from));
}

Result<Order> decode_order(Action action, int power) {
  if (action < 0 || action >= kOrderKinds * kActionLocations * kActionLocations * kActionLocations) {
    return make_error("illegal_action", "action " + std::to_string(action) + " is not an order");
  }
  const int from = action % kActionLocations;
  const int to = (action / kActionLocations) % kActionLocations;
  const int at = (action / (kActionLocations * kActionLocations)) % kActionLocations;
  const int kind = action / (kActionLocations * kActionLocations * kActionLocations);
  Order o;
  o.power = power;
  o.at = location_of(at);
  o.to = location_of(to);
  o.from = location_of(from);
  switch (kind) {
    case kHoldAction:
      o.kind = OrderKind::kHold;
      break;
    case kMoveAction:
    case kMoveViaConvoyAction:
      o.kind = OrderKind::kMove;
      o.via_convoy = kind == kMoveViaConvoyAction;
      break;
    case kSupportAction:
      o.kind = OrderKind::kSupport;
      break;
    case kConvoyAction:
      o.kind = OrderKind::kConvoy;
      o.unit = UnitType::kFleet;
      break;
    case kRetreatAction:
      o.kind = OrderKind::kRetreat;
      break;
    case kDisbandAction:
      o.kind = OrderKind::kDisband;
      break;
    case kBuildArmyAction:
    case kBuildFleetAction:
      o.kind = OrderKind::kBuild;
      o.unit = kind == kBuildArmyAction ? UnitType::kArmy : UnitType::kFleet;
      break;
    default:
      o.kind = OrderKind::kWaive;
      break;
  }
  if (o.kind != OrderKind::kWaive && o.at == kNoLocation) {
    return make_error("illegal_action", "action " + std::to_string(action) + " names no unit");
  }
  return o;
}

}  // namespace diplomacy

namespace {

constexpr int kPolicyPairs = 81 * 81;
constexpr int kPolicySlots = 3 * kPolicyPairs + 81 * 3 + 1;

bool is_sea(const Map& map, Province p) { return map.province(p).terrain == Terrain::kSea; }
bool is_coastal(const Map& map, Province p) { return map.province(p).terrain == Terrain::kCoast; }

const char* letter(UnitType t) { return t == UnitType::kArmy ? "A" : "F"; }

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string unit_text(const Map& map, const Unit& u) {
  return std::string(letter(u.type)) + " " + upper(map.name(u.at));
}

// Where convoys could go today: for an army on a coastal province, the seas it could be
// carried through (chains of seas that each hold a fleet, starting next to it) and the
// coastal provinces those seas border.
struct ConvoyReach {
  std::vector<bool> seas;              // by province
  std::vector<Province> destinations;  // coastal provinces, ascending, `from` excluded
};

ConvoyReach convoy_reach(const Map& map, const std::vector<bool>& fleet_at_sea, Province from) {
  ConvoyReach r;
  r.seas.assign(static_cast<size_t>(map.num_provinces()), false);
  std::vector<bool> coast(static_cast<size_t>(map.num_provinces()), false);
  std::vector<Province> queue;
  auto visit_neighbours_of = [&](Location l) {
    for (Location n : map.fleet_neighbours(l)) {
      const Province q = map.province_of(n);
      if (fleet_at_sea[static_cast<size_t>(q)] && !r.seas[static_cast<size_t>(q)]) {
        r.seas[static_cast<size_t>(q)] = true;
        queue.push_back(q);
      }
    }
  };
  visit_neighbours_of(from);
  for (Location c : map.province(from).coasts) visit_neighbours_of(c);
  for (size_t k = 0; k < queue.size(); ++k) {
    const Province sea = queue[k];
    for (Location n : map.fleet_neighbours(sea)) {
      const Province q = map.province_of(n);
      if (is_coastal(map, q)) coast[static_cast<size_t>(q)] = true;
    }
    visit_neighbours_of(sea);
  }
  for (Province p = 0; p < map.num_provinces(); ++p) {
    if (coast[static_cast<size_t>(p)] && p != from) r.destinations.push_back(p);
  }
  return r;
}

// Which seas hold a fleet now.
std::vector<bool> fleets_at_sea(const Map& map, const std::vector<Unit>& units) {
  std::vector<bool> at(static_cast<size_t>(map.num_provinces()), false);
  for (const Unit& u : units) {
    if (u.type == UnitType::kFleet && is_sea(map, map.province_of(u.at))) {
      at[static_cast<size_t>(map.province_of(u.at))] = true;
    }
  }
  return at;
}

// A resolved phase as the view and the records show it.
Json record_json(const PhaseRecord& r) {
  Json orders = Json::object();
  for (const PlayedOrder& o : r.orders) {
    orders[std::string(kPowerCodes[static_cast<size_t>(o.power)])].push_back({o.text, o.succeeded});
  }
  return {{"phase", r.phase.name()},
          {"orders", orders},
          {"dislodged", r.dislodged},
          {"civil_disorder", r.civil_disorder}};
}

}  // namespace

// What every unit could do this movement phase, worked out once for all of them: each army's
// convoy reach, and each unit's move targets (what supports to it may name).
struct DiplomacyState::Reach {
  std::vector<ConvoyReach> convoys;            // by unit (empty for fleets and inland armies)
  std::vector<std::vector<Location>> targets;  // by unit
};

// ---------------------------------------------------------------------------------------
// DiplomacyGame

DiplomacyGame::DiplomacyGame(GameType type, GameParams params) : Game(std::move(type), std::move(params)) {
  const std::string& m = this->params().get_string("map");
  if (m == "france_austria") {
    powers_ = {2, 0};  // France, Austria
  } else {
    for (int p = 0; p < kNumPowers; ++p) powers_.push_back(p);
  }
  max_year_ = static_cast<int>(this->params().get_int("max_year"));
  scoring_ =
      this->params().get_string("scoring") == "draw_size" ? Scoring::kDrawSize : Scoring::kSumOfSquares;
}

int DiplomacyGame::num_distinct_actions() const {
  return diplomacy::kOrderKinds * kActionLocations * kActionLocations * kActionLocations;
}

int DiplomacyGame::num_policy_slots() const { return kPolicySlots; }

int DiplomacyGame::seat_of(int power) const {
  for (size_t s = 0; s < powers_.size(); ++s) {
    if (powers_[s] == power) return static_cast<int>(s);
  }
  return -1;
}

std::unique_ptr<State> DiplomacyGame::new_initial_state() const {
  return std::make_unique<DiplomacyState>(shared_from_this());
}

// ---------------------------------------------------------------------------------------
// DiplomacyState

DiplomacyState::DiplomacyState(std::shared_ptr<const Game> game) : State(std::move(game)) {
  const DiplomacyGame& g = diplomacy();
  const Map& map = g.map();
  owner_.assign(static_cast<size_t>(map.num_provinces()), -1);
  for (const diplomacy::StartingUnit& s : map.starting_units()) {
    if (g.seat_of(s.power) >= 0) units_.push_back({s.power, s.type, s.at});
  }
  for (int power : g.powers()) {
    for (Province h : map.home_centres(power)) owner_[static_cast<size_t>(h)] = power;
  }
  phase_ = {1901, Season::kSpring, PhaseType::kMovement};
  sort_units();
  compute_groups();
}

// Units in a stable order (by location id): a power's order groups, and the view's list of
// units, follow it.
void DiplomacyState::sort_units() {
  std::sort(units_.begin(), units_.end(), [](const Unit& a, const Unit& b) { return a.at < b.at; });
}

int DiplomacyState::power_of(Player seat) const {
  const std::vector<int>& powers = diplomacy().powers();
  return seat >= 0 && seat < static_cast<int>(powers.size()) ? powers[static_cast<size_t>(seat)] : -1;
}

int DiplomacyState::centres(int power) const {
  return static_cast<int>(std::count(owner_.begin(), owner_.end(), power));
}

bool DiplomacyState::power_alive(int power) const {
  if (centres(power) > 0) return true;
  return std::any_of(units_.begin(), units_.end(), [&](const Unit& u) { return u.power == power; });
}

Player DiplomacyState::current_player() const { return terminal_ ? kTerminalPlayer : kSimultaneousPlayer; }

DiplomacyState::Reach DiplomacyState::reach() const {
  const Map& map = diplomacy().map();
  const std::vector<bool> fleets = fleets_at_sea(map, units_);
  Reach r;
  r.convoys.resize(units_.size());
  r.targets.resize(units_.size());
  for (size_t i = 0; i < units_.size(); ++i) {
    const Unit& u = units_[i];
    if (u.type == UnitType::kFleet) {
      r.targets[i] = map.fleet_neighbours(u.at);
      continue;
    }
    r.targets[i] = map.army_neighbours(u.at);
    if (!is_coastal(map, u.at)) continue;
    r.convoys[i] = convoy_reach(map, fleets, u.at);
    for (Province p : r.convoys[i].destinations) r.targets[i].push_back(p);
    std::sort(r.targets[i].begin(), r.targets[i].end());
    r.targets[i].erase(std::unique(r.targets[i].begin(), r.targets[i].end()), r.targets[i].end());
  }
  return r;
}

std::vector<Order> DiplomacyState::unit_orders(size_t index, const Reach& reach) const {
  const Map& map = diplomacy().map();
  const Unit& u = units_[index];
  const Province here = map.province_of(u.at);
  std::vector<Order> out;
  Order base;
  base.power = u.power;
  base.unit = u.type;
  base.at = u.at;
  out.push_back(base);  // hold
  // Moves: adjacent, and for an army by convoy (to an adjacent province written so).
  for (Location to : u.type == UnitType::kFleet ? map.fleet_neighbours(u.at) : map.army_neighbours(here)) {
    Order o = base;
    o.kind = OrderKind::kMove;
    o.to = to;
    out.push_back(o);
  }
  for (Province to : reach.convoys[index].destinations) {
    Order o = base;
    o.kind = OrderKind::kMove;
    o.to = to;
    o.via_convoy = map.army_adjacent(here, to);
    out.push_back(o);
  }
  // Supports, to hold and to move.
  for (size_t k = 0; k < units_.size(); ++k) {
    if (k == index) continue;
    const Unit& other = units_[k];
    const Province there = map.province_of(other.at);
    Order s = base;
    s.kind = OrderKind::kSupport;
    s.from = there;
    s.from_unit = other.type;
    if (map.can_reach(u.type, u.at, there)) out.push_back(s);
    for (Location to : reach.targets[k]) {
      const Province p = map.province_of(to);
      if (p == here || !map.can_reach(u.type, u.at, p)) continue;
      s.to = to;
      out.push_back(s);
    }
  }
  // Convoys: a fleet at sea carries any army whose convoy could pass through it.
  if (u.type == UnitType::kFleet && is_sea(map, here)) {
    for (size_t k = 0; k < units_.size(); ++k) {
      const ConvoyReach& c = reach.convoys[k];
      if (c.seas.empty() || !c.seas[static_cast<size_t>(here)]) continue;
      for (Province to : c.destinations) {
        Order o = base;
        o.kind = OrderKind::kConvoy;
        o.from = units_[k].at;
        o.to = to;
        out.push_back(o);
      }
    }
  }
  return out;
}

std::vector<std::vector<Order>> DiplomacyState::power_orders(int power) const {
  std::vector<std::vector<Order>> groups;
  if (terminal_ || power < 0) return groups;
  const Map& map = diplomacy().map();
  switch (phase_.type) {
    case PhaseType::kMovement: {
      const Reach r = reach();
      for (size_t i = 0; i < units_.size(); ++i) {
        if (units_[i].power == power) groups.push_back(unit_orders(i, r));
      }
      break;
    }
    case PhaseType::kRetreat:
      for (const DislodgedUnit& d : dislodged_) {
        if (d.unit.power != power) continue;
        std::vector<Order> group;
        Order o;
        o.power = power;
        o.unit = d.unit.type;
        o.at = d.unit.at;
        o.kind = OrderKind::kRetreat;
        const std::vector<Location> targets =
            d.unit.type == UnitType::kArmy ? map.army_neighbours(d.unit.at) : map.fleet_neighbours(d.unit.at);
        for (Location to : targets) {
          o.to = to;
          if (diplomacy::retreat_order_problem(map, units_, dislodged_, contested_, o).empty())
            group.push_back(o);
        }
        o.kind = OrderKind::kDisband;
        o.to = kNoLocation;
        group.push_back(o);
        groups.push_back(std::move(group));
      }
      break;
    case PhaseType::kAdjustment: {
      const int count = diplomacy::adjustment_count(units_, owner_, power);
      std::vector<Order> group;
      if (count > 0) {
        for (Province h : map.home_centres(power)) {
          if (owner_[static_cast<size_t>(h)] != power) continue;
          if (std::any_of(units_.begin(), units_.end(),
                          [&](const Unit& u) { return map.province_of(u.at) == h; })) {
            continue;
          }
          std::vector<Location> spots{h};
          for (Location c : map.province(h).coasts) spots.push_back(c);
          for (Location at : spots) {
            for (UnitType t : {UnitType::kArmy, UnitType::kFleet}) {
              if (!map.can_stand(t, at)) continue;
              Order b;
              b.power = power;
              b.kind = OrderKind::kBuild;
              b.unit = t;
              b.at = at;
              group.push_back(b);
            }
          }
        }
        Order w;
        w.power = power;
        w.kind = OrderKind::kWaive;
        group.push_back(w);
      } else {
        for (const Unit& u : units_) {
          if (u.power != power) continue;
          Order d;
          d.power = power;
          d.kind = OrderKind::kDisband;
          d.unit = u.type;
          d.at = u.at;
          group.push_back(d);
        }
      }
      for (int k = 0; k < std::abs(count); ++k) groups.push_back(group);
      break;
    }
  }
  return groups;
}

void DiplomacyState::compute_groups() {
  const std::vector<int>& powers = diplomacy().powers();
  groups_.assign(powers.size(), {});
  legal_.assign(powers.size(), {});
  for (size_t seat = 0; seat < powers.size(); ++seat) {
    for (const std::vector<Order>& orders : power_orders(powers[seat])) {
      std::vector<Action> g;
      g.reserve(orders.size());
      for (const Order& o : orders) g.push_back(diplomacy::encode_order(o));
      std::sort(g.begin(), g.end());
      g.erase(std::unique(g.begin(), g.end()), g.end());
      legal_[seat].insert(legal_[seat].end(), g.begin(), g.end());
      groups_[seat].push_back(std::move(g));
    }
    std::sort(legal_[seat].begin(), legal_[seat].end());
    legal_[seat].erase(std::unique(legal_[seat].begin(), legal_[seat].end()), legal_[seat].end());
  }
}

std::vector<std::vector<Action>> DiplomacyState::order_groups(Player player) const {
  if (player < 0 || player >= static_cast<Player>(groups_.size())) return {};
  return groups_[static_cast<size_t>(player)];
}

std::vector<Action> DiplomacyState::legal_actions(Player player) const {
  if (player < 0 || player >= static_cast<Player>(legal_.size())) return {};
  return legal_[static_cast<size_t>(player)];
}

int DiplomacyState::policy_slot(Action action) const {
  Result<Order> o = diplomacy::decode_order(action, -1);
  if (!o.ok()) return kPolicySlots - 1;
  const int at = o->at == kNoLocation ? 0 : o->at;
  auto pair_slot = [&](int cls, Location to) {
    return cls * kPolicyPairs + at * 81 + (to == kNoLocation ? at : to);
  };
  switch (o->kind) {
    case OrderKind::kHold:
      return pair_slot(0, o->at);
    case OrderKind::kMove:
    case OrderKind::kRetreat:
      return pair_slot(0, o->to);
    case OrderKind::kSupport:
      return pair_slot(1, o->to == kNoLocation ? o->from : o->to);
    case OrderKind::kConvoy:
      return pair_slot(2, o->to);
    case OrderKind::kDisband:
      return 3 * kPolicyPairs + at * 3;
    case OrderKind::kBuild:
      return 3 * kPolicyPairs + at * 3 + (o->unit == UnitType::kArmy ? 1 : 2);
    case OrderKind::kWaive:
      break;
  }
  return kPolicySlots - 1;
}

void DiplomacyState::do_apply(Action) {
  // Never reached: every node is simultaneous or terminal, so State::apply refuses first.
}

void DiplomacyState::do_apply_orders(const std::vector<std::vector<Action>>& orders) {
  const DiplomacyGame& g = diplomacy();
  const Map& map = g.map();
  std::vector<Order> all;
  for (size_t seat = 0; seat < orders.size(); ++seat) {
    for (Action a : orders[seat]) {
      Result<Order> o = diplomacy::decode_order(a, power_of(static_cast<Player>(seat)));
      if (!o.ok()) continue;  // never: apply_orders checked every order against the groups
      complete(*o);
      all.push_back(*o);
    }
  }
  PhaseRecord record;
  record.phase = phase_;
  auto played = [&](const std::vector<bool>& succeeded) {
    for (size_t k = 0; k < all.size(); ++k) {
      record.orders.push_back({all[k].power, diplomacy::format_order(map, all[k]), succeeded[k]});
    }
  };
  switch (phase_.type) {
    case PhaseType::kMovement: {
      const diplomacy::MovementResult r = diplomacy::adjudicate_movement(map, units_, all);
      played(r.succeeded);
      units_ = r.units;
      dislodged_ = r.dislodged;
      contested_ = r.contested;
      for (const DislodgedUnit& d : dislodged_) record.dislodged.push_back(unit_text(map, d.unit));
      records_.push_back(std::move(record));
      if (!dislodged_.empty()) {
        phase_.type = PhaseType::kRetreat;
      } else {
        next_phase_after_retreats();
      }
      break;
    }
    case PhaseType::kRetreat: {
      const diplomacy::RetreatResult r =
          diplomacy::adjudicate_retreats(map, units_, dislodged_, contested_, all);
      played(r.succeeded);
      units_ = r.units;
      dislodged_.clear();
      contested_.clear();
      records_.push_back(std::move(record));
      next_phase_after_retreats();
      break;
    }
    case PhaseType::kAdjustment: {
      const diplomacy::AdjustmentResult r = diplomacy::adjudicate_adjustments(map, units_, owner_, all);
      played(r.succeeded);
      units_ = r.units;
      for (const Unit& u : r.civil_disorder) record.civil_disorder.push_back(unit_text(map, u));
      records_.push_back(std::move(record));
      start_year(phase_.year + 1);
      break;
    }
  }
  sort_units();
  compute_groups();
}

void DiplomacyState::next_phase_after_retreats() {
  if (phase_.season == Season::kSpring) {
    phase_ = {phase_.year, Season::kAutumn, PhaseType::kMovement};
  } else {
    end_of_autumn();
  }
}

void DiplomacyState::end_of_autumn() {
  const DiplomacyGame& g = diplomacy();
  const Map& map = g.map();
  for (const Unit& u : units_) {
    const Province p = map.province_of(u.at);
    if (map.province(p).supply_centre) owner_[static_cast<size_t>(p)] = u.power;
  }
  int alive = 0;
  int last = -1;
  for (int power : g.powers()) {
    if (centres(power) >= diplomacy::kSoloCentres) winner_ = power;
    if (centres(power) > 0) {
      ++alive;
      last = power;
    }
  }
  if (winner_ < 0 && alive == 1) winner_ = last;
  if (winner_ >= 0 || phase_.year >= g.max_year()) {
    terminal_ = true;
    return;
  }
  bool adjustments = false;
  for (int power : g.powers())
    adjustments = adjustments || diplomacy::adjustment_count(units_, owner_, power) != 0;
  if (adjustments) {
    phase_ = {phase_.year, Season::kWinter, PhaseType::kAdjustment};
  } else {
    start_year(phase_.year + 1);
  }
}

void DiplomacyState::start_year(int year) { phase_ = {year, Season::kSpring, PhaseType::kMovement}; }

std::vector<double> DiplomacyState::returns() const {
  const DiplomacyGame& g = diplomacy();
  std::vector<double> r(static_cast<size_t>(g.num_players()), 0.0);
  if (!terminal_) return r;
  if (winner_ >= 0) {
    r[static_cast<size_t>(g.seat_of(winner_))] = 1.0;
    return r;
  }
  double total = 0;
  for (size_t s = 0; s < r.size(); ++s) {
    const double c = centres(g.powers()[s]);
    r[s] = g.scoring() == DiplomacyGame::Scoring::kDrawSize ? (c > 0 ? 1.0 : 0.0) : c * c;
    total += r[s];
  }
  if (total <= 0) {
    std::fill(r.begin(), r.end(), 1.0 / static_cast<double>(r.size()));
    return r;
  }
  for (double& v : r) v /= total;
  return r;
}

// Planes, the observer's power first and the others after it in the rules' order: per
// power (7 x 5) army, fleet, dislodged unit, owned centre, home centre; then neutral
// centre, land, sea, coast location, standoff, movement / retreat / adjustment phase,
// spring / autumn / winter, years played / 20, the observer's builds (+) or disbands (-) / 5.
void DiplomacyState::observation_tensor(Player player, std::span<float> out) const {
  std::fill(out.begin(), out.end(), 0.0f);
  const DiplomacyGame& g = diplomacy();
  const Map& map = g.map();
  constexpr int kCells = 81;
  const int observer = std::max(0, power_of(player));
  auto plane = [&](int p, int cell) -> float& { return out[static_cast<size_t>(p * kCells + cell)]; };
  auto relative = [&](int power) { return (power - observer + kNumPowers) % kNumPowers; };
  for (const Unit& u : units_) plane(relative(u.power) * 5 + (u.type == UnitType::kArmy ? 0 : 1), u.at) = 1;
  for (const DislodgedUnit& d : dislodged_) plane(relative(d.unit.power) * 5 + 2, d.unit.at) = 1;
  for (Province p = 0; p < map.num_provinces(); ++p) {
    const diplomacy::ProvinceInfo& info = map.province(p);
    if (info.supply_centre) {
      const int o = owner_[static_cast<size_t>(p)];
      if (o >= 0) {
        plane(relative(o) * 5 + 3, p) = 1;
      } else {
        plane(35, p) = 1;
      }
      if (info.home >= 0 && g.seat_of(info.home) >= 0) plane(relative(info.home) * 5 + 4, p) = 1;
    }
    plane(info.terrain == Terrain::kLand ? 36 : info.terrain == Terrain::kSea ? 37 : 38, p) = 1;
  }
  for (Location l = static_cast<Location>(map.num_provinces()); l < map.num_locations(); ++l)
    plane(39, l) = 1;
  for (Province p : contested_) plane(40, p) = 1;
  const int phase_plane = 41 + static_cast<int>(phase_.type);
  const int season_plane = 44 + static_cast<int>(phase_.season);
  const float years = static_cast<float>(phase_.year - 1901) / 20.0f;
  const float adjust = static_cast<float>(diplomacy::adjustment_count(units_, owner_, observer)) / 5.0f;
  for (int c = 0; c < kCells; ++c) {
    plane(phase_plane, c) = 1;
    plane(season_plane, c) = 1;
    plane(47, c) = years;
    plane(48, c) = phase_.type == PhaseType::kAdjustment ? adjust : 0.0f;
  }
}

// Everything is public once a phase resolves: the position, the ply and the last phase's
// orders (what the view shows).
std::string DiplomacyState::information_key(Player) const {
  return std::to_string(ply()) + "\n" + to_string() +
         (records_.empty() ? "" : record_json(records_.back()).dump());
}

void DiplomacyState::complete(Order& o) const {
  if (o.kind == OrderKind::kBuild || o.kind == OrderKind::kWaive) return;
  const Map& map = diplomacy().map();
  if (phase_.type == PhaseType::kRetreat) {
    for (const DislodgedUnit& d : dislodged_) {
      if (d.unit.at == o.at) o.unit = d.unit.type;
    }
    return;
  }
  for (const Unit& u : units_) {
    if (u.at == o.at) o.unit = u.type;
    if (o.kind == OrderKind::kSupport && map.province_of(u.at) == o.from) o.from_unit = u.type;
  }
}

std::string DiplomacyState::action_to_string(Player player, Action action) const {
  Result<Order> o = diplomacy::decode_order(action, power_of(player));
  if (!o.ok()) return "order#" + std::to_string(action);
  complete(*o);
  return diplomacy::format_order(diplomacy().map(), *o);
}

Result<Action> DiplomacyState::do_parse_action(Player player, std::string_view text) const {
  const Map& map = diplomacy().map();
  Result<Order> o = diplomacy::parse_order(map, text);
  if (!o.ok()) return o.error();
  const int power = power_of(player);
  if (o->power >= 0 && o->power != power) {
    return make_error("parse_error", "'" + std::string(text) + "' names " +
                                         std::string(kPowerNames[static_cast<size_t>(o->power)]) +
                                         ", not this seat's power");
  }
  // Read as the phase means it: a move in a retreat phase is a retreat.
  if (phase_.type == PhaseType::kRetreat && o->kind == OrderKind::kMove) o->kind = OrderKind::kRetreat;
  if (phase_.type == PhaseType::kRetreat && o->kind != OrderKind::kRetreat &&
      o->kind != OrderKind::kDisband) {
    return make_error("parse_error", "'" + std::string(text) +
                                         "': only retreats and disbands are ordered in a retreat phase");
  }
  o->power = power;
  // The unit's own type and a fleet's coast come from the board.
  if (o->kind != OrderKind::kBuild && o->kind != OrderKind::kWaive) {
    const std::vector<Unit>& pool = units_;
    bool found = false;
    for (const Unit& u : pool) {
      if (map.province_of(u.at) == map.province_of(o->at) && phase_.type != PhaseType::kRetreat) {
        if (u.type != o->unit) {
          return make_error("parse_error", "the unit in " + map.name(map.province_of(u.at)) + " is " +
                                               (u.type == UnitType::kArmy ? "an army" : "a fleet"));
        }
        if (o->at != u.at && o->at != map.province_of(u.at)) {
          return make_error("parse_error", "the fleet is on " + map.name(u.at) + ", not " + map.name(o->at));
        }
        o->at = u.at;
        found = true;
      }
    }
    for (const DislodgedUnit& d : dislodged_) {
      if (phase_.type == PhaseType::kRetreat && map.province_of(d.unit.at) == map.province_of(o->at)) {
        o->at = d.unit.at;
        found = true;
      }
    }
    if (!found) return make_error("parse_error", "no unit in " + map.name(map.province_of(o->at)));
  }
  if (o->kind == OrderKind::kSupport) o->from = map.province_of(o->from);
  if (o->kind == OrderKind::kConvoy) {
    o->from = map.province_of(o->from);
    o->to = map.province_of(o->to);
  }
  const Action action = diplomacy::encode_order(*o);
  if (o->kind == OrderKind::kSupport && o->to != kNoLocation && o->to == map.province_of(o->to) &&
      !map.province(o->to).coasts.empty()) {
    // A support to a fleet's move written without the coast: the coast the legal orders name.
    for (Location c : map.province(map.province_of(o->to)).coasts) {
      Order v = *o;
      v.to = c;
      const Action coast = diplomacy::encode_order(v);
      for (const std::vector<Action>& g : order_groups(player)) {
        if (std::binary_search(g.begin(), g.end(), coast)) return coast;
      }
    }
  }
  return action;
}

Json DiplomacyState::records_json() const {
  Json out = Json::array();
  for (const PhaseRecord& r : records_) out.push_back(record_json(r));
  return out;
}

Json DiplomacyState::do_view(Player) const {
  const DiplomacyGame& g = diplomacy();
  const Map& map = g.map();
  Json powers = Json::array();
  for (size_t s = 0; s < g.powers().size(); ++s) {
    const int p = g.powers()[s];
    auto own = [&](const Unit& u) { return u.power == p; };
    const int units = static_cast<int>(std::count_if(units_.begin(), units_.end(), own));
    const int adjustment =
        phase_.type == PhaseType::kAdjustment ? diplomacy::adjustment_count(units_, owner_, p) : 0;
    // How many orders the power gives this phase: one per order group.
    int to_order = 0;
    if (!terminal_) {
      if (phase_.type == PhaseType::kMovement) to_order = units;
      if (phase_.type == PhaseType::kAdjustment) to_order = std::abs(adjustment);
      if (phase_.type == PhaseType::kRetreat) {
        to_order = static_cast<int>(std::count_if(dislodged_.begin(), dislodged_.end(),
                                                  [&](const DislodgedUnit& d) { return own(d.unit); }));
      }
    }
    powers.push_back({{"seat", s},
                      {"power", kPowerCodes[static_cast<size_t>(p)]},
                      {"name", kPowerNames[static_cast<size_t>(p)]},
                      {"centres", centres(p)},
                      {"units", units},
                      {"adjustment", adjustment},
                      {"to_order", to_order}});
  }
  Json units = Json::array();
  for (const Unit& u : units_) {
    units.push_back({{"power", kPowerCodes[static_cast<size_t>(u.power)]},
                     {"type", letter(u.type)},
                     {"at", map.name(u.at)}});
  }
  Json dislodged = Json::array();
  for (const DislodgedUnit& d : dislodged_) {
    dislodged.push_back({{"power", kPowerCodes[static_cast<size_t>(d.unit.power)]},
                         {"type", letter(d.unit.type)},
                         {"at", map.name(d.unit.at)},
                         {"attacker_from",
                          d.attacker_from == kNoLocation ? Json(nullptr) : Json(map.name(d.attacker_from))}});
  }
  Json owners = Json::object();
  for (Province p : map.supply_centres()) {
    const int o = owner_[static_cast<size_t>(p)];
    owners[map.name(p)] = o >= 0 ? Json(kPowerCodes[static_cast<size_t>(o)]) : Json(nullptr);
  }
  Json contested = Json::array();
  for (Province p : contested_) contested.push_back(map.name(p));
  const Json last = records_.empty() ? Json(nullptr) : record_json(records_.back());
  return {{"map", g.params().get_string("map")},
          {"phase", phase_.name()},
          {"year", phase_.year},
          {"season", phase_.season == Season::kSpring   ? "spring"
                     : phase_.season == Season::kAutumn ? "autumn"
                                                        : "winter"},
          {"type", phase_.type == PhaseType::kMovement  ? "movement"
                   : phase_.type == PhaseType::kRetreat ? "retreat"
                                                        : "adjustment"},
          {"powers", powers},
          {"units", units},
          {"dislodged", dislodged},
          {"owners", owners},
          {"contested", contested},
          {"last_phase", last},
          {"winner", winner_ >= 0 ? Json(kPowerCodes[static_cast<size_t>(winner_)]) : Json(nullptr)}};
}

std::string DiplomacyState::to_string() const {
  const DiplomacyGame& g = diplomacy();
  const Map& map = g.map();
  std::ostringstream out;
  out << phase_.name() << (terminal_ ? " (over)" : "") << "\n";
  for (int power : g.powers()) {
    out << kPowerNames[static_cast<size_t>(power)] << " (" << centres(power) << "):";
    for (const Unit& u : units_) {
      if (u.power == power) out << " " << unit_text(map, u);
    }
    for (const DislodgedUnit& d : dislodged_) {
      if (d.unit.power == power) {
        out << " [dislodged " << unit_text(map, d.unit);
        if (d.attacker_from != kNoLocation) out << " from " << upper(map.name(d.attacker_from));
        out << "]";
      }
    }
    out << " | centres:";
    for (Province p : map.supply_centres()) {
      if (owner_[static_cast<size_t>(p)] == power) out << " " << upper(map.name(p));
    }
    out << "\n";
  }
  if (!contested_.empty()) {
    out << "standoffs:";
    for (Province p : contested_) out << " " << upper(map.name(p));
    out << "\n";
  }
  return out.str();
}

std::optional<ExportText> DiplomacyState::export_text(const ExportInfo& info) const {
  const DiplomacyGame& g = diplomacy();
  std::ostringstream out;
  out << "Diplomacy (" << g.spec() << ")";
  if (!info.round.empty()) out << ", match " << info.round;
  if (!info.date.empty()) out << ", " << info.date;
  out << "\n";
  for (size_t s = 0; s < g.powers().size(); ++s) {
    out << kPowerNames[static_cast<size_t>(g.powers()[s])] << ": "
        << (s < info.players.size() ? info.players[s] : "seat " + std::to_string(s + 1)) << "\n";
  }
  for (const PhaseRecord& r : records_) {
    out << "\n" << r.phase.name() << "\n";
    for (const PlayedOrder& o : r.orders) {
      out << "  " << kPowerCodes[static_cast<size_t>(o.power)] << ": " << o.text
          << (o.succeeded ? "" : " (fails)") << "\n";
    }
    for (const std::string& d : r.dislodged) out << "  dislodged: " << d << "\n";
    for (const std::string& d : r.civil_disorder) out << "  disbanded in civil disorder: " << d << "\n";
  }
  out << "\n" << to_string();
  if (terminal_) {
    const std::vector<double> r = returns();
    out << "Result:";
    for (size_t s = 0; s < r.size(); ++s) {
      out << " " << kPowerCodes[static_cast<size_t>(g.powers()[s])] << " " << r[s];
    }
    out << "\n";
  }
  return ExportText{"diplomacy-orders", "text/plain; charset=utf-8", out.str()};
}

GameRegistration diplomacy_registration() {
  GameType type;
  type.name = "diplomacy";
  type.description =
      "No-press Diplomacy: seven powers (or France and Austria) order their units at once; DATC-exact "
      "adjudication";
  type.perfect_information = true;
  type.has_simultaneous = true;
  type.params = {
      {"map", std::string("standard"),
       "standard (seven powers) or france_austria (France and Austria alone)"},
      {"max_year", int64_t{1920}, "the game ends after this year's autumn, shared by the survivors"},
      {"scoring", std::string("sos"), "sos (centres squared, shared) or draw_size (survivors share equally)"},
  };
  GameFactory create = [type](const GameParams& params) -> Result<std::shared_ptr<const Game>> {
    const std::string& map = params.get_string("map");
    if (map != "standard" && map != "france_austria") {
      return make_error("bad_spec", "diplomacy: map is standard or france_austria, not '" + map + "'");
    }
    const int64_t year = params.get_int("max_year");
    if (year < 1901 || year > 2000) return make_error("bad_spec", "diplomacy: max_year is 1901..2000");
    const std::string& scoring = params.get_string("scoring");
    if (scoring != "sos" && scoring != "draw_size") {
      return make_error("bad_spec", "diplomacy: scoring is sos or draw_size, not '" + scoring + "'");
    }
    return std::shared_ptr<const Game>(std::make_shared<DiplomacyGame>(type, params));
  };
  return {type, create, {"diplomacy(map=france_austria,max_year=1905)", "diplomacy"}};
}

}  // namespace arena
