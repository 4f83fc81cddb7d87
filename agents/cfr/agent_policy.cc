#include "agents/cfr/agent_policy.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <tuple>

#include "agents/registry.h"

namespace arena::cfr {
namespace {

// The exact distribution of an agent that can state it (Agent::action_probabilities), over
// the infoset's actions; nullopt for an agent that cannot.
std::optional<Result<std::vector<double>>> ask(Agent& agent, const State& state, Player seat) {
  Result<std::vector<double>> probs = agent.action_probabilities(state, seat);
  if (!probs.ok() && probs.error().code == "unsupported") return std::nullopt;
  return probs;
}

}  // namespace

Result<AgentPolicy> read_agent_policy(const std::string& spec, const GameTree& tree,
                                      const SamplingOptions& options) {
  const Game& game = tree.game();
  Result<std::unique_ptr<Agent>> first = make_agent(spec, game, options.seed);
  if (!first.ok()) return first.error();
  AgentPolicy out;
  out.agent_name = (*first)->name();
  const std::vector<InfoSet>& infosets = tree.infosets();
  std::unique_ptr<State> probe = tree.state_at(0);
  if (!probe) return make_error("bad_state", "the tree's first information set does not replay");
  out.exact = ask(**first, *probe, infosets[0].player).has_value();
  if (out.exact) {
    for (size_t i = 0; i < infosets.size(); ++i) {
      std::unique_ptr<State> state = tree.state_at(static_cast<int32_t>(i));
      Result<std::vector<double>> probs = *ask(**first, *state, infosets[i].player);
      if (!probs.ok()) return probs.error();
      out.policy.push_back(std::move(probs).value());
    }
    return out;
  }
  // Sampled: `samples` agents, one decision each per infoset, asked concurrently.
  std::vector<std::unique_ptr<Agent>> agents;
  agents.push_back(std::move(first).value());
  for (int k = 1; k < options.samples; ++k) {
    Result<std::unique_ptr<Agent>> agent = make_agent(spec, game, options.seed + static_cast<uint64_t>(k));
    if (!agent.ok()) return agent.error();
    agents.push_back(std::move(agent).value());
  }
  out.samples = options.samples;
  for (size_t i = 0; i < infosets.size(); ++i) {
    if (options.deadline && std::chrono::steady_clock::now() > *options.deadline) {
      return make_error("timeout", spec + ": sampling stopped at the deadline after " + std::to_string(i) +
                                       " of " + std::to_string(infosets.size()) + " information sets");
    }
    const InfoSet& s = infosets[i];
    std::unique_ptr<State> state = tree.state_at(static_cast<int32_t>(i));
    std::vector<std::future<Result<Decision>>> decisions;
    for (auto& agent : agents) decisions.push_back(agent->choose(state->clone(), s.player, options.budget));
    std::vector<int> counts(s.actions.size(), 0);
    for (auto& f : decisions) {
      Result<Decision> d = f.get();
      if (!d.ok()) return d.error();
      auto it =
          d->actions.empty() ? s.actions.end() : std::find(s.actions.begin(), s.actions.end(), d->actions[0]);
      if (it == s.actions.end())
        return make_error("illegal_action", spec + " chose an illegal action at " + state->to_string());
      ++counts[it - s.actions.begin()];
    }
    std::vector<double> probs;
    for (int c : counts) probs.push_back(static_cast<double>(c) / options.samples);
    out.policy.push_back(std::move(probs));
    out.counts.push_back(std::move(counts));
  }
  return out;
}

std::pair<double, double> bootstrap_exploitability(const GameTree& tree, const AgentPolicy& policy,
                                                   int resamples, double level, uint64_t seed) {
  if (policy.exact || resamples < 1) {
    const double e = exploitability(tree, policy.policy).exploitability;
    return {e, e};
  }
  Rng rng(seed);
  std::vector<double> values;
  TreePolicy redrawn = policy.policy;
  for (int b = 0; b < resamples; ++b) {
    for (size_t i = 0; i < policy.counts.size(); ++i) {
      const std::vector<int>& counts = policy.counts[i];
      std::vector<double> weights(counts.begin(), counts.end());
      std::vector<double>& probs = redrawn[i];
      std::fill(probs.begin(), probs.end(), 0.0);
      for (int k = 0; k < policy.samples; ++k) probs[rng.sample_index(weights)] += 1.0 / policy.samples;
    }
    values.push_back(exploitability(tree, redrawn).exploitability);
  }
  std::sort(values.begin(), values.end());
  const double tail = (1 - level) / 2;
  auto at = [&](double q) {
    const size_t i = std::min(values.size() - 1, static_cast<size_t>(q * static_cast<double>(values.size())));
    return values[i];
  };
  return {at(tail), at(1 - tail)};
}

Result<ExploitabilityEstimate> exploitability_of(const std::string& spec, const GameTree& tree,
                                                 const ExploitabilityOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  Result<AgentPolicy> policy = read_agent_policy(spec, tree, options.sampling);
  if (!policy.ok()) return policy.error();
  ExploitabilityEstimate out;
  out.game = tree.game().spec();
  out.agent_name = policy->agent_name;
  out.exact = policy->exact;
  out.samples = policy->samples;
  out.information_sets = static_cast<int>(tree.infosets().size());
  out.value = exploitability(tree, policy->policy);
  out.low = out.high = out.value.exploitability;
  if (!policy->exact && options.bootstrap > 0) {
    std::tie(out.low, out.high) =
        bootstrap_exploitability(tree, *policy, options.bootstrap, 0.95, options.sampling.seed ^ 0x5eed);
    // The point estimate sits inside its interval even where the resamples all land on one side.
    out.low = std::min(out.low, out.value.exploitability);
    out.high = std::max(out.high, out.value.exploitability);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

Result<ExploitabilityEstimate> exploitability_of(const std::string& spec, std::shared_ptr<const Game> game,
                                                 const ExploitabilityOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  Result<std::shared_ptr<const GameTree>> tree = GameTree::build(std::move(game), options.max_nodes);
  if (!tree.ok()) return tree.error();
  Result<ExploitabilityEstimate> out = exploitability_of(spec, **tree, options);
  if (out.ok())
    out->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace arena::cfr
