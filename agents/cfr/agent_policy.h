// An agent's policy as a table over a GameTree's information sets, so that its
// exploitability can be computed exactly (`arena poker exploitability`):
// - agents whose decisions are a distribution that can be asked for are read exactly: cfr
//   (its average policy) and random (uniform over playout_actions());
// - any other agent (mcts, nn) is asked for `samples` decisions at each information set, by
//   `samples` agents made with different seeds, and the policy is the decisions'
//   frequencies; bootstrap_exploitability() puts an interval on that estimate.
//
// Plain functions; they make their own agents and run decisions on the shared pool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agents/agent.h"
#include "agents/cfr/best_response.h"

namespace arena::cfr {

struct AgentPolicy {
  TreePolicy policy;
  bool exact = false;  // read from the agent; false: estimated from sampled decisions
  int samples = 0;     // decisions per information set when estimated
  // When estimated: per infoset, how often each action was chosen (bootstrap's input).
  std::vector<std::vector<int>> counts;
};

struct SamplingOptions {
  int samples = 20;  // decisions per information set for agents that cannot be asked
  uint64_t seed = 1;
  Budget budget = {};  // per decision
};

// The policy of agent `spec` at every information set of `tree`. Errors: the agent's own
// ("bad_spec" for an unknown one or one that cannot play the game), or a decision's.
Result<AgentPolicy> read_agent_policy(const std::string& spec, const GameTree& tree,
                                      const SamplingOptions& options);

// A percentile interval of the exploitability of an estimated policy: `resamples` times,
// each information set's decisions are redrawn with replacement and the exploitability
// computed again. {lo, hi} at the given central `level` (0.95).
std::pair<double, double> bootstrap_exploitability(const GameTree& tree, const AgentPolicy& policy,
                                                   int resamples, double level, uint64_t seed);

}  // namespace arena::cfr
