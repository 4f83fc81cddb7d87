// The replay buffer the learner samples training positions from: the recent self-play
// positions, grouped (by game spec unless told otherwise) so that each game keeps its own
// window and the learner can choose the mix of games in a batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "agents/selfplay/trajectory.h"
#include "core/result.h"
#include "core/rng.h"

namespace arena::selfplay {

// One training position: the inputs and targets of one recorded decision.
struct Sample {
  std::string group;               // the group it was drawn from
  std::string game;                // its trajectory's game spec
  Player player = 0;               // the seat that decided
  std::vector<float> observation;  // the seat's observation
  std::vector<Action> legal;       // its legal actions, ascending
  std::vector<float> policy;       // the search's visit fractions over `legal`
  std::vector<float> value;        // per seat: the trajectory's scaled_returns (the value target)
  std::vector<float> reward;       // per seat: the reward of this step
};

// Groups, capacities and the grouping key.
struct ReplayBufferOptions {
  size_t capacity_per_group = 100000;      // positions a group keeps; the oldest go first
  std::map<std::string, size_t> capacity;  // per-group overrides of capacity_per_group
  // The group of a trajectory; empty: its game spec (Trajectory::game).
  std::function<std::string(const Trajectory&)> group_key;
};

// Thread-safety: every member may be called from any thread (a shared mutex: samplers run
// together, add() runs alone).
class ReplayBuffer {
 public:
  explicit ReplayBuffer(ReplayBufferOptions options = {});

  // Adds every recorded decision of a trajectory to its group, dropping the group's oldest
  // positions beyond its capacity. A trajectory without steps adds nothing.
  void add(Trajectory trajectory);

  // Positions held, by group.
  std::map<std::string, size_t> sizes() const;
  size_t size(const std::string& group) const;
  // Positions ever added (dropped ones included), by group.
  std::map<std::string, uint64_t> added() const;

  // n positions of `group`, drawn uniformly with replacement. Errors: "bad_argument" (n < 0),
  // "empty" (no positions in the group).
  Result<std::vector<Sample>> sample(const std::string& group, int n, Rng& rng) const;
  // n positions split across groups in proportion to `weights` (largest remainders; groups
  // that are absent, empty or weighted 0 get none; the rest are renormalised), each group's
  // share drawn as sample() does. Returned group by group, in the order of the group names.
  // Errors: "bad_argument" (n < 0, a negative weight), "empty" (no positive-weight group
  // holds positions).
  Result<std::vector<Sample>> sample_mixed(const std::map<std::string, double>& weights, int n,
                                           Rng& rng) const;

  // How sample_mixed() would split n over the current groups (tests, logs).
  Result<std::map<std::string, int>> split(const std::map<std::string, double>& weights, int n) const;

 private:
  // One recorded decision: a step of a trajectory the buffer shares.
  struct Position {
    std::shared_ptr<const Trajectory> trajectory;
    uint32_t step;
  };
  struct Group {
    std::deque<Position> positions;
    uint64_t added = 0;
  };
  size_t capacity_of(const std::string& group) const;
  Result<std::map<std::string, int>> split_locked(const std::map<std::string, double>& weights, int n) const;
  void draw_locked(const std::string& name, const Group& group, int n, Rng& rng,
                   std::vector<Sample>& out) const;

  const ReplayBufferOptions options_;
  mutable std::shared_mutex mutex_;  // guards groups_
  std::map<std::string, Group> groups_;
};

}  // namespace arena::selfplay
