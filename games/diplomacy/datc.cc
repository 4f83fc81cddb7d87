#include "games/diplomacy/datc.h"

#include <string>
#include <vector>

#include "games/diplomacy/adjudicator.h"

namespace arena::diplomacy {
namespace {

Error bad_case(const std::string& why) { return make_error("bad_case", why); }

std::string unit_text(const Map& map, const Unit& u) {
  return std::string(kPowerCodes[static_cast<size_t>(u.power)]) + ": " +
         (u.type == UnitType::kArmy ? "A " : "F ") + map.name(u.at);
}

Json units_json(const Map& map, const std::vector<Unit>& units) {
  Json out = Json::array();
  for (const Unit& u : units) out.push_back(unit_text(map, u));
  return out;
}

// A unit written "ENG: F nth".
Result<Unit> parse_unit(const Map& map, const std::string& text) {
  Result<Order> o = parse_order(map, text);
  if (!o.ok()) return o.error();
  if (o->power < 0 || o->kind != OrderKind::kHold)
    return bad_case("a unit is written 'ENG: F nth', not '" + text + "'");
  if (!map.can_stand(o->unit, o->at)) return bad_case("'" + text + "': that unit cannot stand there");
  return Unit{o->power, o->unit, o->at};
}

struct Orders {
  std::vector<std::string> texts;
  std::vector<Order> orders;
};

Result<Orders> read_orders(const Map& map, const CaseJson& c, const char* field) {
  Orders out;
  if (!c.contains(field)) return out;
  if (!c[field].is_object()) return bad_case(std::string("'") + field + "' is an object of order texts");
  for (const auto& [text, expected] : c[field].items()) {
    Result<Order> o = parse_order(map, text);
    if (!o.ok()) return o.error();
    if (o->power < 0) return bad_case("order '" + text + "' names no power ('ENG: F nth -> pic')");
    out.texts.push_back(text);
    out.orders.push_back(*o);
  }
  return out;
}

// The position: starting units, then the units the orders name where nothing stands.
Result<std::vector<Unit>> position(const Map& map, const CaseJson& c, const Orders& orders,
                                   bool from_orders) {
  std::vector<Unit> units;
  auto occupied = [&](Province p) {
    for (const Unit& u : units) {
      if (map.province_of(u.at) == p) return true;
    }
    return false;
  };
  if (c.contains("starting_state")) {
    if (!c["starting_state"].is_array()) return bad_case("'starting_state' is an array of units");
    for (const CaseJson& u : c["starting_state"]) {
      if (!u.is_string()) return bad_case("a unit is a string");
      Result<Unit> unit = parse_unit(map, u.get<std::string>());
      if (!unit.ok()) return unit.error();
      if (occupied(map.province_of(unit->at)))
        return bad_case("two units in " + map.name(map.province_of(unit->at)));
      units.push_back(*unit);
    }
  }
  if (from_orders) {
    for (const Order& o : orders.orders) {
      if (o.kind == OrderKind::kWaive || occupied(map.province_of(o.at))) continue;
      if (!map.can_stand(o.unit, o.at)) continue;  // the order is void; no unit to add
      units.push_back({o.power, o.unit, o.at});
    }
  }
  return units;
}

Json results(const std::vector<std::string>& texts, const std::vector<bool>& succeeded) {
  Json out = Json::object();
  for (size_t k = 0; k < texts.size(); ++k) out[texts[k]] = succeeded[k] ? "Succeeds" : "Fails";
  return out;
}

}  // namespace

Result<Json> adjudicate_case(const CaseJson& c) {
  const Map& map = Map::standard();
  if (!c.is_object()) return bad_case("a case is a JSON object");
  const std::string phase = c.value("phase", "");
  Result<Orders> orders = read_orders(map, c, "orders");
  if (!orders.ok()) return orders.error();
  Json out;
  if (phase == "Main") {
    Result<std::vector<Unit>> units = position(map, c, *orders, true);
    if (!units.ok()) return units.error();
    const MovementResult r = adjudicate_movement(map, *units, orders->orders);
    out["orders"] = results(orders->texts, r.succeeded);
    std::vector<Unit> dislodged;
    for (const DislodgedUnit& d : r.dislodged) dislodged.push_back(d.unit);
    out["dislodged"] = units_json(map, dislodged);
    out["units"] = units_json(map, r.units);
    return out;
  }
  if (phase == "Retreat") {
    if (!c.contains("preceding_main_phase") || !c["preceding_main_phase"].is_object()) {
      return bad_case("a retreat case has a 'preceding_main_phase'");
    }
    const CaseJson& main = c["preceding_main_phase"];
    Result<Orders> main_orders = read_orders(map, main, "orders");
    if (!main_orders.ok()) return main_orders.error();
    Result<std::vector<Unit>> units = position(map, main, *main_orders, true);
    if (!units.ok()) return units.error();
    const MovementResult m = adjudicate_movement(map, *units, main_orders->orders);
    for (size_t k = 0; k < orders->orders.size(); ++k) {
      const OrderKind kind = orders->orders[k].kind;
      if (kind != OrderKind::kMove && kind != OrderKind::kRetreat && kind != OrderKind::kDisband) {
        return make_error("parse_error", "order '" + orders->texts[k] +
                                             "': only retreats and disbands are ordered in a retreat phase");
      }
    }
    const RetreatResult r = adjudicate_retreats(map, m.units, m.dislodged, m.contested, orders->orders);
    out["preceding_main_phase"] = {{"orders", results(main_orders->texts, m.succeeded)}};
    out["orders"] = results(orders->texts, r.succeeded);
    std::vector<Unit> dislodged;
    for (const DislodgedUnit& d : m.dislodged) dislodged.push_back(d.unit);
    out["dislodged"] = units_json(map, dislodged);
    out["units"] = units_json(map, r.units);
    return out;
  }
  if (phase == "Build") {
    Result<std::vector<Unit>> units = position(map, c, *orders, false);
    if (!units.ok()) return units.error();
    std::vector<int> owner(static_cast<size_t>(map.num_provinces()), -1);
    for (Province p : map.supply_centres()) owner[static_cast<size_t>(p)] = map.province(p).home;
    for (const Unit& u : *units) {
      const Province p = map.province_of(u.at);
      if (map.province(p).supply_centre) owner[static_cast<size_t>(p)] = u.power;
    }
    if (c.contains("occupiers")) {
      if (!c["occupiers"].is_object()) return bad_case("'occupiers' maps provinces to powers");
      for (const auto& [province, power] : c["occupiers"].items()) {
        const std::optional<Location> p = map.find(province);
        const int pw = power.is_string() ? power_from_name(power.get<std::string>()) : -1;
        if (!p || !map.province(map.province_of(*p)).supply_centre || pw < 0) {
          return bad_case("occupier '" + province + "': a supply centre and a power");
        }
        owner[static_cast<size_t>(map.province_of(*p))] = pw;
      }
    }
    const AdjustmentResult r = adjudicate_adjustments(map, *units, owner, orders->orders);
    out["orders"] = results(orders->texts, r.succeeded);
    out["civil_disorder"] = units_json(map, r.civil_disorder);
    out["dislodged"] = Json::array();
    out["units"] = units_json(map, r.units);
    return out;
  }
  return bad_case("'phase' is Main, Retreat or Build");
}

Result<Json> adjudicate_case_text(std::string_view text) {
  if (json_nests_deeper_than(text, kMaxJsonDepth)) return bad_case("the case nests too deep");
  CaseJson c = CaseJson::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (c.is_discarded()) return bad_case("the case is not valid JSON");
  return adjudicate_case(c);
}

}  // namespace arena::diplomacy
