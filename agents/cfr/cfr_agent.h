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

// The whole tree of `game` (up to 100,000 nodes: Leduc's has about 10,000), built on the first
// call for its spec and shared after that; a failure is cached too. Errors: "bad_spec" for a
// game that is not two-player zero-sum with hidden information and no simultaneous moves
// (perfect-information games are left to search: the registered ones are far too large to
// hold whole), "unsupported" for a tree past the cap (hold'em's, found in well under a second).
Result<std::shared_ptr<const GameTree>> whole_tree(const Game& game);

// Whether CFR takes on `game`: whole_tree() succeeds.
Status cfr_can_play(const Game& game);

// `policy`'s distribution at `seat`'s information set in `state`, over state.legal_actions().
// Errors: "not_your_turn"; "no_decision" for an information set `tree` lacks or whose actions
// differ.
Result<std::vector<double>> policy_at(const GameTree& tree, const TreePolicy& policy, const State& state,
                                      Player seat);

class CfrAgent final : public Agent {
 public:
  CfrAgent(int iterations, uint64_t seed, ThreadPool& pool = ThreadPool::shared());
  std::string name() const override { return "cfr(iterations=" + std::to_string(iterations_) + ")"; }

  // The distribution decide() draws from: the average policy at `seat`'s information set in
  // `state`, over state.legal_actions(). Solves the game first if no one has yet.
  Result<std::vector<double>> action_probabilities(const State& state, Player seat) const override;

 protected:
  Result<Decision> decide(const State& state, Player seat, Budget budget) override;

 private:
  int iterations_;
  std::mutex mutex_;  // guards rng_
  Rng rng_;
};

AgentRegistration cfr_agent_registration();

}  // namespace arena::cfr
