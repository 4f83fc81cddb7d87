// A self-play trajectory: the synthetic training data. One record per decision a seat took
// (chance steps are replayed, not learned from; a joint step of simultaneous moves gives one
// record per order group of each acting seat, over that group's actions), with what the
// learner needs: the mover's observation, the search's policy over the legal actions, the
// per-step rewards, and the game's final returns.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "games/game.h"

namespace arena::selfplay {

struct TrajectoryStep {
  Player player = 0;               // the seat that decided
  std::vector<float> observation;  // its observation (game's shape, row-major)
  // Its legal actions (a joint step: the group's), ascending, as the network's policy-head
  // indices: in a game with policy slots of its own (no-limit hold'em, State::policy_slot)
  // the distinct slots of its legal actions instead, each with its actions' summed policy.
  std::vector<Action> legal;
  std::vector<float> policy;       // the search's policy (visit fractions), one per entry of legal
  Action action = kInvalidAction;  // what was played
  // Per-seat reward of this step (rewards() after it); a joint step's records carry it on
  // the last one, zeros on the others.
  std::vector<float> rewards;
  bool operator==(const TrajectoryStep&) const = default;
};

struct Trajectory {
  std::string game;   // the game's spec
  uint64_t seed = 0;  // the seed that played it (repeatable)
  int num_players = 0;
  std::vector<Step> history;  // every step, chance included: replays the game exactly
  std::vector<TrajectoryStep> steps;
  std::vector<float> returns;         // final returns per seat (raw, in the game's utility range)
  std::vector<float> scaled_returns;  // the same scaled to [-1, 1]: the value target
  bool operator==(const Trajectory&) const = default;
};

// Checks a trajectory from elsewhere (a self-play worker's upload) before a learner trains on
// it: that it is a game of `game` (its canonical spec, its number of seats) and that every
// recorded step fits the network's shapes: the seat in range, an observation of the game's
// size, legal entries strictly ascending below game.num_policy_slots(), a policy of one
// finite non-negative fraction per legal entry summing to 1, a reward per seat; returns
// per seat, finite, the scaled ones in [-1, 1]. Errors: "wrong_game", "bad_trajectory",
// each naming the step and what is wrong. It cannot tell a well-formed but poisoned game
// from a real one: a learner takes uploads from workers it trusts (tokens).
Status check_trajectory(const Game& game, const Trajectory& trajectory);

}  // namespace arena::selfplay
