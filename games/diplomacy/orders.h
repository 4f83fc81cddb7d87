// Diplomacy orders: what they are, how they are read from the two notations people write
// (the DATC's "ENG: F nth -> pic", "GER: A ber Supports A pru -> sil", "ENG: F nth convoys
// yor -> yor", "FRA: A par build" and the common short form "F NTH - PIC", "A BER S A PRU -
// SIL", "F NTH C A YOR - NWY", "A PAR H", "A MUN R BOH", "A PAR B", "F TRI D", "WAIVE"), and
// how they are written back. Reading checks only the words and the province names; whether
// an order fits a position (the unit exists, the move is adjacent) is validate()'s business.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "games/diplomacy/map.h"

namespace arena::diplomacy {

enum class OrderKind : uint8_t {
  kHold,
  kMove,     // also "via convoy"
  kSupport,  // to hold (to == kNoLocation) or to move
  kConvoy,
  kRetreat,
  kDisband,  // in a retreat or an adjustment phase
  kBuild,
  kWaive,  // a build left unused
};

struct Order {
  int power = -1;  // -1 when the text names none
  UnitType unit = UnitType::kArmy;
  Location at = kNoLocation;  // the ordered unit (a build: where it appears)
  OrderKind kind = OrderKind::kHold;
  // Move and retreat: the destination. Support and convoy: the destination of the supported
  // or convoyed unit (kNoLocation for a support to hold).
  Location to = kNoLocation;
  // Support and convoy: where the supported or convoyed unit stands.
  Location from = kNoLocation;
  UnitType from_unit = UnitType::kArmy;  // its type as written (a convoy's is an army)
  bool via_convoy = false;               // a move written "via convoy"
  bool operator==(const Order&) const = default;
};

// Reads one order in either notation, any case. Errors ("parse_error") say what is wrong:
// "unknown province 'xyz'", "expected a unit type (A or F)", ...
Result<Order> parse_order(const Map& map, std::string_view text);

// The order in the short form, "F NTH - PIC", "A BER S A PRU - SIL", "F SPA/NC H" (without
// the power).
std::string format_order(const Map& map, const Order& order);
// The order in the DATC's style, "ENG: F nth -> pic" (the power's code first when known).
std::string format_order_datc(const Map& map, const Order& order);

}  // namespace arena::diplomacy
