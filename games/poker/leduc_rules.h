// A hand-written Leduc hold'em player, the game's `rules` agent (GameRegistration::rules):
// raise with a pair or a king while a raise is legal, call with a queen, fold a jack to a
// bet, check otherwise. A fixed, readable opponent far from an equilibrium (the cfr agent
// exploits it) yet well ahead of random play.
#pragma once

#include "core/rng.h"
#include "games/game.h"

namespace arena {

// The rule player's action for the seat to move in `state`, a Leduc decision node; it reads
// only that seat's card and the public card. kInvalidAction for any other state.
Action leduc_rules_action(const State& state, Rng& rng);

}  // namespace arena
