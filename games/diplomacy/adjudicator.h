// The Diplomacy adjudicator: what happens when the orders of one phase meet.
//
// Movement follows the DATC's guess-and-check method (DATC section 5, after Lucas
// Kruijswijk): each order's decision (a move succeeds, a support is not cut, a convoying
// fleet is not dislodged) is resolved by recursion over the decisions it depends on; a
// dependency cycle is tried with both guesses, and when both or neither are consistent
// the backup rule decides: a cycle of moves all succeed (circular movement), and a cycle
// through a convoy is a convoy paradox settled by the Szykman rule (the convoyed armies of
// the paradox hold and cut nothing). Where rulebooks differ the 2023 rules are followed:
// an army moves to an adjacent province by convoy only when the order says "via convoy"
// or a fleet of its own power that lies on a possible route is ordered to convoy it; civil
// disorder disbands the units farthest from the power's owned home centres.
//
// Orders arrive as written (orders.h); one that does not fit the position (no such unit,
// another power's unit, not adjacent, a coast that cannot be reached) is void, fails, and
// its unit holds. Pure functions of their input: thread-safe.
#pragma once

#include <string>
#include <vector>

#include "games/diplomacy/map.h"
#include "games/diplomacy/orders.h"

namespace arena::diplomacy {

struct Unit {
  int power = -1;
  UnitType type = UnitType::kArmy;
  Location at = kNoLocation;
  bool operator==(const Unit&) const = default;
};

// A unit dislodged in a movement phase, with what its retreat must avoid.
struct DislodgedUnit {
  Unit unit;
  Province attacker_from = kNoLocation;  // the dislodging unit's province (none if it came by convoy)
  bool operator==(const DislodgedUnit&) const = default;
};

// Why `order` is void in a movement phase with these units, or empty when it is valid.
// `units` must hold at most one unit per province.
std::string movement_order_problem(const Map& map, const std::vector<Unit>& units, const Order& order);

struct MovementResult {
  std::vector<bool> succeeded;        // per order as given: moved, held, supported, convoyed
  std::vector<std::string> problems;  // per order: why it was void, or empty
  std::vector<Unit> units;            // after the phase, without the dislodged
  std::vector<DislodgedUnit> dislodged;
  std::vector<Province> contested;  // left vacant by a standoff: no retreat there
};

// Adjudicates one movement phase. Units without an order (or with a void one) hold; a later
// order for a unit already ordered is void.
MovementResult adjudicate_movement(const Map& map, const std::vector<Unit>& units,
                                   const std::vector<Order>& orders);

// Why a retreat-phase order is void, or empty: only retreats (a move order is read as one)
// and disbands of dislodged units are orders in a retreat phase.
std::string retreat_order_problem(const Map& map, const std::vector<Unit>& units,
                                  const std::vector<DislodgedUnit>& dislodged,
                                  const std::vector<Province>& contested, const Order& order);

struct RetreatResult {
  std::vector<bool> succeeded;        // per order: the unit retreated (a disband: it was ordered and done)
  std::vector<std::string> problems;  // per order
  std::vector<Unit> units;            // after the phase: `units` plus the retreated units
};

// Adjudicates a retreat phase: retreats to one province together all fail; a dislodged unit
// without a successful retreat is disbanded.
RetreatResult adjudicate_retreats(const Map& map, const std::vector<Unit>& units,
                                  const std::vector<DislodgedUnit>& dislodged,
                                  const std::vector<Province>& contested, const std::vector<Order>& orders);

struct AdjustmentResult {
  std::vector<bool> succeeded;        // per order
  std::vector<std::string> problems;  // per order: why it was void or left over
  std::vector<Unit> units;            // after the phase
  std::vector<Unit> civil_disorder;   // units disbanded because their power ordered too few disbands
};

// Builds and disbands after autumn. `owner` is the owner of each supply-centre province
// (by province id, -1 unowned). A power with more centres than units builds up to the
// difference on vacant owned home centres (orders in the order given; WAIVE uses one); one
// with fewer disbands the difference, and what it leaves unordered goes by civil disorder:
// the unit farthest from the power's owned home centres first (any province counts as a
// step for either unit type, a coast as its province), fleets before armies at equal
// distance, then by province name.
AdjustmentResult adjudicate_adjustments(const Map& map, const std::vector<Unit>& units,
                                        const std::vector<int>& owner, const std::vector<Order>& orders);

// How many builds (positive) or disbands (negative) `power` has.
int adjustment_count(const std::vector<Unit>& units, const std::vector<int>& owner, int power);

}  // namespace arena::diplomacy
