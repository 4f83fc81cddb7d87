// The greedy Diplomacy player, the family's non-random anchor: it takes neighbouring
// supply centres it does not own, supports its own moves into centres where a rival could
// also arrive, holds a home centre a rival unit threatens, and otherwise walks toward the
// nearest centre it does not own. Retreats toward centres, builds armies (fleets on coasts
// while it has fewer fleets than armies), disbands the units farthest from its centres.
// No search and no lookahead: a baseline that beats random play, not a strong player.
#pragma once

#include <vector>

#include "core/rng.h"
#include "games/game.h"

namespace arena::diplomacy {

// `seat`'s orders (one per order group) in `state`, a DiplomacyState at a simultaneous node.
std::vector<Action> greedy_orders(const State& state, Player seat, Rng& rng);

}  // namespace arena::diplomacy
