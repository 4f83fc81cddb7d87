// The `cfr(iterations=N)` agent: solves its game once with CFR+ (cfr.h) over the full tree
// and plays the average policy, drawing each action with its probability at the seat's
// information set (seeded; mixing is the point of an equilibrium, so never the argmax).
// Two-player zero-sum games with hidden information small enough to hold whole (Kuhn, Leduc;
// trees up to a million nodes).
//
// Thread-safety: solutions are cached process-wide by (game spec, iterations); solve_cached()
// may be called from any thread, and concurrent callers of one key wait for one solve.
// A CfrAgent serves one seat like any Agent.
#pragma once

#include <memory>
#include <mutex>

#include "agents/cfr/best_response.h"
#include "agents/cfr/cfr.h"
#include "agents/registry.h"
#include "core/rng.h"

namespace arena::cfr {

// A game solved by CFR+: its tree and the average policy.
struct CfrSolution {
  std::shared_ptr<const GameTree> tree;
  TreePolicy average;
  int iterations = 0;
  double seconds = 0;  // the time the solve took (tree included)
};

// The solution of `game` after `iterations` of CFR+, computed on the first call for its
// (spec, iterations) and shared after that. A failure (a game CFR cannot solve) is cached too.
Result<std::shared_ptr<const CfrSolution>> solve_cached(const Game& game, int iterations);

// Whether the agent takes on `game` at all (two players, zero-sum, hidden information, no
// simultaneous moves), answered from its facts alone; the size of its tree is found when it
// is solved. Perfect-information games are left to search: the registered ones are far too
// large to hold whole.
Status cfr_can_play(const Game& game);

class CfrAgent final : public Agent {
 public:
  CfrAgent(int iterations, uint64_t seed, ThreadPool& pool = ThreadPool::shared());
  std::string name() const override { return "cfr(iterations=" + std::to_string(iterations_) + ")"; }

  // The distribution decide() draws from: the average policy at `seat`'s information set in
  // `state`, over state.legal_actions(). Solves the game first if no one has yet.
  Result<std::vector<double>> action_probabilities(const State& state, Player seat) const;

 protected:
  Result<Decision> decide(const State& state, Player seat, Budget budget) override;

 private:
  int iterations_;
  std::mutex mutex_;  // guards rng_
  Rng rng_;
};

AgentRegistration cfr_agent_registration();

}  // namespace arena::cfr
