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

#include "games/game.h"

namespace arena::selfplay {

struct TrajectoryStep {
  Player player = 0;               // the seat that decided
  std::vector<float> observation;  // its observation (game's shape, row-major)
  std::vector<Action> legal;       // its legal actions (a joint step: the group's), ascending
  std::vector<float> policy;       // search visits as fractions, one per legal action
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

}  // namespace arena::selfplay
