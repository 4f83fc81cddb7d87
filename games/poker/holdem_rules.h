// A hand-strength rule policy for hold'em: a starting-hand chart preflop, Monte Carlo equity
// against the opponents still in (random hands) after the flop, raising strong hands,
// calling medium ones when the pot odds allow, checking or folding weak ones. A plain
// function: the agents layer turns it into the `rules` agent (agents/ cannot include family
// headers).
#pragma once

#include <array>
#include <vector>

#include "core/rng.h"
#include "games/game.h"

namespace arena {

// The rule policy's action at `state` (a holdem state with a seat to move); kInvalidAction
// for any other state. Deterministic given `rng`.
Action holdem_rule_action(const State& state, Rng& rng);

// The preflop chart's tier of two hole cards (card indices): 3 premium (raise), 2 strong
// (raise unopened, call a raise), 1 playable (call a small bet), 0 weak (check or fold).
int holdem_preflop_tier(int card1, int card2);

// The share of the pot `seat`'s hand wins against `opponents` random hands with the board
// completed at random: `samples` deals from `rng` (ties count their share).
double holdem_equity(const std::array<int, 2>& hole, const std::vector<int>& board, int opponents,
                     int samples, Rng& rng);

}  // namespace arena
