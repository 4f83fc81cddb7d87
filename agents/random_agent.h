// RandomAgent: uniform over the state's playout actions (State::playout_actions(): the legal
// actions, less moves such as filling one's own eye in Go), at a simultaneous node uniform
// within each order group, from its own seeded generator. The anchor of every rating scale
// (0 Elo).
#pragma once

#include <mutex>

#include "agents/agent.h"
#include "core/rng.h"

namespace arena {

class RandomAgent final : public Agent {
 public:
  explicit RandomAgent(uint64_t seed, ThreadPool& pool = ThreadPool::shared()) : Agent(pool), rng_(seed) {}
  std::string name() const override { return "random"; }
  bool decides_inline() const override { return true; }
  // Uniform over playout_actions(), zero for the other legal actions.
  Result<std::vector<double>> action_probabilities(const State& state, Player seat) const override;

 protected:
  Result<Decision> decide(const State& state, Player seat, Budget budget) override;

 private:
  std::mutex mutex_;  // guards rng_ (successive decisions may run on different threads)
  Rng rng_;
};

}  // namespace arena
