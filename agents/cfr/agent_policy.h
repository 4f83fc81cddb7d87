// An agent's policy as a table over a GameTree's information sets, so that its
// exploitability can be computed exactly (`arena poker exploitability`):
// - agents that state the distribution of their decisions (Agent::action_probabilities) are
//   read exactly: cfr (its average policy), random (uniform over playout_actions()), and in
//   these games nn (its CFR+ search's average) and nn-policy (its head);
// - any other agent (mcts) is asked for `samples` decisions at each information set, by
//   `samples` agents made with different seeds, and the policy is the decisions'
//   frequencies; bootstrap_exploitability() puts an interval on that estimate.
//
// Plain functions; they make their own agents and run decisions on the shared pool.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agents/agent.h"
#include "agents/cfr/best_response.h"

namespace arena::cfr {

struct AgentPolicy {
  TreePolicy policy;
  std::string agent_name;  // the agent's own name (its player name in the database)
  bool exact = false;      // read from the agent; false: estimated from sampled decisions
  int samples = 0;         // decisions per information set when estimated
  // When estimated: per infoset, how often each action was chosen (bootstrap's input).
  std::vector<std::vector<int>> counts;
};

struct SamplingOptions {
  int samples = 20;  // decisions per information set for agents that cannot be asked
  uint64_t seed = 1;
  Budget budget = {};  // per decision
  // When set, sampling that is still running at this time stops with a "timeout" Error.
  std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt;
};

// The policy of agent `spec` at every information set of `tree`. Errors: the agent's own
// ("bad_spec" for an unknown one or one that cannot play the game), a decision's, or
// "timeout" past options.deadline.
Result<AgentPolicy> read_agent_policy(const std::string& spec, const GameTree& tree,
                                      const SamplingOptions& options);

// A percentile interval of the exploitability of an estimated policy: `resamples` times,
// each information set's decisions are redrawn with replacement and the exploitability
// computed again. {lo, hi} at the given central `level` (0.95).
std::pair<double, double> bootstrap_exploitability(const GameTree& tree, const AgentPolicy& policy,
                                                   int resamples, double level, uint64_t seed);

// What exploitability_of() measures, and how hard it may try.
struct ExploitabilityOptions {
  SamplingOptions sampling;       // decisions per information set, seed, per-decision budget, deadline
  int bootstrap = 200;            // resamples for a sampled policy's 95% interval
  int64_t max_nodes = 1'000'000;  // the largest tree built (GameTree::build)
};

// One agent's exploitability in one game, with how it was obtained.
struct ExploitabilityEstimate {
  std::string game;        // the game's spec
  std::string agent_name;  // the agent's own name, e.g. "cfr(iterations=1000)", "nn:<run>@<step>"
  bool exact = true;       // read exactly (cfr, random); false: sampled decisions
  int samples = 0;         // decisions per information set when sampled
  int information_sets = 0;
  Exploitability value;      // exploitability, NashConv, the profile's and best responses' values
  double low = 0, high = 0;  // 95% bootstrap interval (the value itself when exact)
  double seconds = 0;        // tree, policy and best responses
};

// The exploitability of agent `spec` (a spec or a player name the registry resolves) in
// `game`, or in an already built `tree`. Bounded: exact agents take the tree and two passes
// over it; a sampled one asks samples x information-sets decisions and stops at the deadline.
// Errors: "unsupported" for a game that is not two-player zero-sum or whose tree exceeds
// max_nodes; the agent's ("bad_spec" for an unknown agent or one that cannot play the game);
// "timeout".
Result<ExploitabilityEstimate> exploitability_of(const std::string& spec, std::shared_ptr<const Game> game,
                                                 const ExploitabilityOptions& options);
Result<ExploitabilityEstimate> exploitability_of(const std::string& spec, const GameTree& tree,
                                                 const ExploitabilityOptions& options);

}  // namespace arena::cfr
