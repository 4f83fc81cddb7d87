// The shared agent's search in hidden-information games: CFR+ over the whole game from the
// start of the hand, warm-started by the network's policy at every information set.
//
// Why not the PUCT of perfect-information games: determinized search shares the opponent's
// nodes across the deals it draws (so the opponent acts the same whatever it holds), draws
// those deals without regard to what the betting revealed, and plays an argmax, while an
// equilibrium mixes; it does not converge to one (Ponsen et al. 2011). CFR+ over information
// sets does, in two-player zero-sum games, whatever its warm start (cfr.h); the network's
// prior counts as the first `prior_iterations` iterations, so a trained network gives a
// nearly converged average after a few more, and self-play trains the policy head on those
// averages (agents/selfplay/actor.h). The decision is drawn from the average strategy at the
// seat's information set, never its argmax.
//
// Where it applies: two-player zero-sum games with hidden information whose whole tree fits
// (cfr_agent.h's whole_tree(): Kuhn and Leduc poker). Larger ones (hold'em) keep determinized
// PUCT for now: unsound, and said so in agents/README.md.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "agents/agent.h"
#include "agents/cfr/best_response.h"
#include "agents/cfr/game_tree.h"
#include "agents/search/evaluator.h"
#include "core/rng.h"

namespace arena::cfr {

struct CfrSearchConfig {
  int iterations = 30;       // CFR+ iterations after the warm start
  int prior_iterations = 5;  // the weight of the network's policy, in iterations
};

// The evaluator's priors at every information set of `tree` (asked in batches of
// evaluator.preferred_batch_size(), at least 64).
TreePolicy evaluator_policy(const GameTree& tree, Evaluator& evaluator);

// CFR+'s average policy over `tree` after config.iterations iterations, warm-started with the
// evaluator's priors. Errors: "bad_policy" (priors that are not distributions).
Result<TreePolicy> search_policy(const GameTree& tree, Evaluator& evaluator, const CfrSearchConfig& config);

// The `nn` agent in games whose whole tree fits: solves once, on its first decision (the
// network's weights do not change under it), and draws each decision from the average policy.
class CfrSearchAgent final : public Agent {
 public:
  CfrSearchAgent(std::string name, std::shared_ptr<const GameTree> tree, std::shared_ptr<Evaluator> evaluator,
                 CfrSearchConfig config, uint64_t seed, ThreadPool& pool = ThreadPool::shared());
  std::string name() const override { return name_; }
  Result<std::vector<double>> action_probabilities(const State& state, Player seat) const override;

 protected:
  Result<Decision> decide(const State& state, Player seat, Budget budget) override;

 private:
  const std::string name_;
  const std::shared_ptr<const GameTree> tree_;
  const std::shared_ptr<Evaluator> evaluator_;
  const CfrSearchConfig config_;
  mutable std::mutex mutex_;                          // guards what follows
  mutable std::shared_ptr<const TreePolicy> policy_;  // the search's average policy, once run
  Rng rng_;
};

}  // namespace arena::cfr
