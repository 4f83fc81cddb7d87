// One adjudication case in the shape of the DATC's JSON (../tests/data/datc.json): the
// phase ("Main", "Retreat", "Build"), optionally a "starting_state" of units, "orders" keyed
// by order text, and for retreats the "preceding_main_phase" that dislodged the units, for
// builds the "occupiers" of supply centres. What `arena diplomacy adjudicate` runs and the
// DATC test checks.
//
// The position: the units of "starting_state", plus for each order a unit of the power and
// type it names where the order's province is still empty. Supply centres (builds): each
// power owns its home centres, a unit standing on a centre makes its power the owner, and
// "occupiers" say otherwise where given.
#pragma once

#include <string_view>

#include "core/json.h"
#include "core/result.h"

namespace arena::diplomacy {

// Adjudicates the case: {"orders": {<each order text>: "Succeeds" | "Fails"}, "dislodged":
// ["ENG: F nth", ...], "units": [...]} (the positions after the phase), and for a build
// phase "civil_disorder": [...] (units disbanded for their power); for a retreat phase also
// "preceding_main_phase": {"orders": {...}} (the movement that dislodged the units).
// Errors ("parse_error", "bad_case"): an order that cannot be read, or an order of a kind
// the phase does not have (support or convoy in a retreat phase), or a malformed case.
// The case is read with its orders in the order written (nlohmann's ordered_json): the
// order of adjustment orders matters.
using CaseJson = nlohmann::ordered_json;
Result<Json> adjudicate_case(const CaseJson& c);
// The same from text.
Result<Json> adjudicate_case_text(std::string_view text);

}  // namespace arena::diplomacy
