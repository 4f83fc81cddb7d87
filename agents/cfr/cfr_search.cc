#include "agents/cfr/cfr_search.h"

#include <algorithm>

#include "agents/cfr/cfr.h"
#include "agents/cfr/cfr_agent.h"

namespace arena::cfr {

TreePolicy evaluator_policy(const GameTree& tree, Evaluator& evaluator) {
  const std::vector<InfoSet>& infosets = tree.infosets();
  const size_t batch = static_cast<size_t>(std::max(64, evaluator.preferred_batch_size()));
  TreePolicy out(infosets.size());
  std::vector<std::unique_ptr<State>> states;
  std::vector<EvalRequest> requests;
  std::vector<Evaluation> evaluations;
  for (size_t begin = 0; begin < infosets.size(); begin += batch) {
    const size_t end = std::min(infosets.size(), begin + batch);
    states.clear();
    requests.clear();
    for (size_t i = begin; i < end; ++i) {
      states.push_back(tree.state_at(static_cast<int32_t>(i)));
      requests.push_back({states.back().get(), infosets[i].player, infosets[i].actions});
    }
    evaluations.assign(requests.size(), {});
    evaluator.evaluate(requests, evaluations);
    for (size_t i = begin; i < end; ++i) {
      const std::vector<float>& priors = evaluations[i - begin].priors;
      out[i].assign(priors.begin(), priors.end());
    }
  }
  return out;
}

Result<TreePolicy> search_policy(const GameTree& tree, Evaluator& evaluator, const CfrSearchConfig& config) {
  // The solver only reads the tree; it wants shared ownership, which a non-owning alias gives.
  CfrPlusSolver solver(std::shared_ptr<const GameTree>(std::shared_ptr<const GameTree>(), &tree));
  if (Status s = solver.warm_start(evaluator_policy(tree, evaluator), config.prior_iterations); !s.ok())
    return s.error();
  solver.run(config.iterations);
  return solver.average_policy();
}

CfrSearchAgent::CfrSearchAgent(std::string name, std::shared_ptr<const GameTree> tree,
                               std::shared_ptr<Evaluator> evaluator, CfrSearchConfig config, uint64_t seed,
                               ThreadPool& pool)
    : Agent(pool),
      name_(std::move(name)),
      tree_(std::move(tree)),
      evaluator_(std::move(evaluator)),
      config_(config),
      rng_(seed) {}

Result<std::vector<double>> CfrSearchAgent::action_probabilities(const State& state, Player seat) const {
  std::shared_ptr<const TreePolicy> policy;
  {
    std::lock_guard lock(mutex_);
    if (!policy_) {
      Result<TreePolicy> searched = search_policy(*tree_, *evaluator_, config_);
      if (!searched.ok()) return searched.error();
      policy_ = std::make_shared<const TreePolicy>(std::move(searched).value());
    }
    policy = policy_;
  }
  return policy_at(*tree_, *policy, state, seat);
}

Result<Decision> CfrSearchAgent::decide(const State& state, Player seat, Budget) {
  Result<std::vector<double>> probs = action_probabilities(state, seat);
  if (!probs.ok()) return probs.error();
  const std::vector<Action> legal = state.legal_actions();
  std::lock_guard lock(mutex_);
  return Decision{{legal[rng_.sample_index(*probs)]}};
}

}  // namespace arena::cfr
