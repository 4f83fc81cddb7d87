#include "agents/cfr/cfr.h"

#include <algorithm>
#include <array>

namespace arena::cfr {

CfrPlusSolver::CfrPlusSolver(std::shared_ptr<const GameTree> tree)
    : tree_(std::move(tree)),
      regrets_(tree_->num_infoset_actions(), 0.0),
      strategy_sum_(tree_->num_infoset_actions(), 0.0),
      current_(tree_->num_infoset_actions(), 0.0) {
  update_current_strategy(0);
  update_current_strategy(1);
}

void CfrPlusSolver::update_current_strategy(Player player) {
  for (const InfoSet& s : tree_->infosets()) {
    if (s.player != player) continue;
    const size_t n = s.actions.size();
    double* r = &regrets_[s.offset];
    double* sigma = &current_[s.offset];
    double positive = 0;
    for (size_t a = 0; a < n; ++a) positive += std::max(r[a], 0.0);
    for (size_t a = 0; a < n; ++a) {
      const double fallback = prior_.empty() ? 1.0 / static_cast<double>(n) : prior_[s.offset + a];
      sigma[a] = positive > 0 ? std::max(r[a], 0.0) / positive : fallback;
    }
  }
}

Status CfrPlusSolver::warm_start(const std::vector<std::vector<double>>& prior, int prior_iterations) {
  if (iteration_ > 0) return make_error("bad_state", "cfr: warm start after iterations have run");
  if (prior.size() != tree_->infosets().size() || prior_iterations < 0)
    return make_error("bad_policy", "cfr: a warm start needs one distribution per information set");
  std::vector<double> flat(tree_->num_infoset_actions());
  for (size_t i = 0; i < prior.size(); ++i) {
    const InfoSet& s = tree_->infosets()[i];
    if (prior[i].size() != s.actions.size())
      return make_error("bad_policy",
                        "cfr: the warm start's distribution at " + s.key + " has the wrong length");
    double total = 0;
    for (double p : prior[i]) total += p > 0 ? p : 0;
    for (size_t a = 0; a < s.actions.size(); ++a) {
      flat[s.offset + a] =
          total > 0 ? std::max(prior[i][a], 0.0) / total : 1.0 / static_cast<double>(s.actions.size());
    }
  }
  prior_ = std::move(flat);
  // Regrets that regret matching turns back into the prior, as large as `prior_iterations`
  // iterations of regret of one chip per unit of counterfactual reach would be: the prior is
  // played until the regrets the iterations add outweigh it.
  std::vector<double> reach(tree_->infosets().size(), 0.0);
  counterfactual_reach(0, {1.0, 1.0}, reach);
  for (size_t i = 0; i < reach.size(); ++i) {
    const InfoSet& s = tree_->infosets()[i];
    for (size_t a = 0; a < s.actions.size(); ++a)
      regrets_[s.offset + a] = prior_iterations * reach[i] * prior_[s.offset + a];
  }
  update_current_strategy(0);
  update_current_strategy(1);
  // Iterations 1..k with linear weights weigh k(k + 1) / 2 in all.
  const double weight = 0.5 * prior_iterations * (prior_iterations + 1.0);
  if (weight > 0) {
    accumulate_average(0, 0, 1.0, weight);
    accumulate_average(0, 1, 1.0, weight);
  }
  iteration_ = prior_iterations;
  return ok_status();
}

void CfrPlusSolver::counterfactual_reach(int32_t index, std::array<double, 2> reach,
                                         std::vector<double>& out) const {
  const TreeNode& node = tree_->nodes()[index];
  if (node.player == kTerminalPlayer) return;
  const int32_t first = node.first_child, n = node.num_children;
  if (node.player == kChancePlayer) {
    for (int32_t c = first; c < first + n; ++c) {
      const double p = tree_->nodes()[c].chance_prob;
      counterfactual_reach(c, {reach[0] * p, reach[1] * p}, out);
    }
    return;
  }
  const InfoSet& s = tree_->infosets()[node.infoset];
  out[node.infoset] += reach[node.player];
  for (int32_t a = 0; a < n; ++a) {
    std::array<double, 2> next = reach;
    next[1 - node.player] *= prior_[s.offset + a];
    counterfactual_reach(first + a, next, out);
  }
}

void CfrPlusSolver::accumulate_average(int32_t index, Player player, double reach_self, double weight) {
  const TreeNode& node = tree_->nodes()[index];
  if (node.player == kTerminalPlayer) return;
  const int32_t first = node.first_child, n = node.num_children;
  if (node.player != player) {
    for (int32_t c = first; c < first + n; ++c) accumulate_average(c, player, reach_self, weight);
    return;
  }
  const InfoSet& s = tree_->infosets()[node.infoset];
  for (int32_t a = 0; a < n; ++a) {
    const double sigma = current_[s.offset + a];
    strategy_sum_[s.offset + a] += weight * reach_self * sigma;
    accumulate_average(first + a, player, reach_self * sigma, weight);
  }
}

void CfrPlusSolver::run(int iterations) {
  for (int i = 0; i < iterations; ++i) {
    ++iteration_;
    for (Player p = 0; p < 2; ++p) {
      traverse(0, p, 1.0, 1.0);
      // Regret matching+: floor the regrets once the iteration's contributions are summed.
      for (const InfoSet& s : tree_->infosets()) {
        if (s.player != p) continue;
        for (size_t a = 0; a < s.actions.size(); ++a)
          regrets_[s.offset + a] = std::max(regrets_[s.offset + a], 0.0);
      }
      update_current_strategy(p);
    }
  }
}

// The value of `node` for `updating` under the current strategies; adds the updating player's
// counterfactual regrets and its reach-weighted strategy to the sums on the way back.
double CfrPlusSolver::traverse(int32_t index, Player updating, double reach_self, double reach_other) {
  const TreeNode& node = tree_->nodes()[index];
  if (node.player == kTerminalPlayer) return node.returns[updating];
  const int32_t first = node.first_child, n = node.num_children;
  if (node.player == kChancePlayer) {
    double v = 0;
    for (int32_t c = first; c < first + n; ++c) {
      const double p = tree_->nodes()[c].chance_prob;
      v += p * traverse(c, updating, reach_self, reach_other * p);
    }
    return v;
  }
  const InfoSet& s = tree_->infosets()[node.infoset];
  const double* sigma = &current_[s.offset];
  if (node.player != updating) {
    double v = 0;
    // Every child, even one the opponent never plays now: the updating player's average
    // strategy there still counts its own reach.
    for (int32_t a = 0; a < n; ++a)
      v += sigma[a] * traverse(first + a, updating, reach_self, reach_other * sigma[a]);
    return v;
  }
  std::array<double, 16> small;
  std::vector<double> large(n > 16 ? n : 0);
  double* values = n > 16 ? large.data() : small.data();
  double v = 0;
  for (int32_t a = 0; a < n; ++a) {
    values[a] = traverse(first + a, updating, reach_self * sigma[a], reach_other);
    v += sigma[a] * values[a];
  }
  double* r = &regrets_[s.offset];
  double* sum = &strategy_sum_[s.offset];
  for (int32_t a = 0; a < n; ++a) {
    r[a] += reach_other * (values[a] - v);
    sum[a] += static_cast<double>(iteration_) * reach_self * sigma[a];
  }
  return v;
}

std::vector<std::vector<double>> CfrPlusSolver::average_policy() const {
  std::vector<std::vector<double>> out;
  out.reserve(tree_->infosets().size());
  for (const InfoSet& s : tree_->infosets()) {
    const size_t n = s.actions.size();
    double total = 0;
    for (size_t a = 0; a < n; ++a) total += strategy_sum_[s.offset + a];
    std::vector<double> probs(n, 1.0 / static_cast<double>(n));
    if (total > 0) {
      for (size_t a = 0; a < n; ++a) probs[a] = strategy_sum_[s.offset + a] / total;
    }
    out.push_back(std::move(probs));
  }
  return out;
}

TabularPolicy CfrPlusSolver::average_tabular_policy() const {
  TabularPolicy out;
  std::vector<std::vector<double>> avg = average_policy();
  for (size_t i = 0; i < avg.size(); ++i) {
    const InfoSet& s = tree_->infosets()[i];
    out[{s.player, s.key}] = std::move(avg[i]);
  }
  return out;
}

}  // namespace arena::cfr
