#include "agents/cfr/best_response.h"

#include <cmath>
#include <functional>
#include <limits>

namespace arena::cfr {

std::array<double, 2> expected_returns(const GameTree& tree, const TreePolicy& policy) {
  const std::vector<TreeNode>& nodes = tree.nodes();
  // Children follow their parents in the node array, so one backward sweep values them all.
  std::vector<std::array<double, 2>> value(nodes.size());
  for (size_t i = nodes.size(); i-- > 0;) {
    const TreeNode& n = nodes[i];
    if (n.player == kTerminalPlayer) {
      value[i] = n.returns;
      continue;
    }
    std::array<double, 2> v = {0, 0};
    for (int32_t a = 0; a < n.num_children; ++a) {
      const int32_t c = n.first_child + a;
      const double p = n.player == kChancePlayer ? nodes[c].chance_prob : policy[n.infoset][a];
      v[0] += p * value[c][0];
      v[1] += p * value[c][1];
    }
    value[i] = v;
  }
  return value[0];
}

double best_response_value(const GameTree& tree, const TreePolicy& policy, Player responder) {
  const std::vector<TreeNode>& nodes = tree.nodes();
  // The chance and opponent reach of every node (the responder's own actions count 1).
  std::vector<double> reach(nodes.size(), 1.0);
  for (size_t i = 0; i < nodes.size(); ++i) {
    const TreeNode& n = nodes[i];
    for (int32_t a = 0; a < n.num_children; ++a) {
      const int32_t c = n.first_child + a;
      double p = 1.0;
      if (n.player == kChancePlayer)
        p = nodes[c].chance_prob;
      else if (n.player != responder)
        p = policy[n.infoset][a];
      reach[c] = reach[i] * p;
    }
  }
  constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> value(nodes.size(), kUnknown);
  std::vector<int32_t> best(tree.infosets().size(), -1);
  // An infoset's choice depends on values below it only (perfect recall), so the mutual
  // recursion ends at the leaves; each node and infoset is worked out once.
  std::function<double(int32_t)> value_of;
  auto best_action = [&](int32_t infoset) {
    if (best[infoset] >= 0) return best[infoset];
    const InfoSet& s = tree.infosets()[infoset];
    double best_value = -std::numeric_limits<double>::infinity();
    int32_t choice = 0;
    for (int32_t a = 0; a < static_cast<int32_t>(s.actions.size()); ++a) {
      double v = 0;
      for (int32_t h : s.nodes) {
        if (reach[h] > 0) v += reach[h] * value_of(nodes[h].first_child + a);
      }
      if (v > best_value) {
        best_value = v;
        choice = a;
      }
    }
    return best[infoset] = choice;
  };
  value_of = [&](int32_t i) -> double {
    if (!std::isnan(value[i])) return value[i];
    const TreeNode& n = nodes[i];
    double v = 0;
    if (n.player == kTerminalPlayer) {
      v = n.returns[responder];
    } else if (n.player == responder) {
      v = value_of(n.first_child + best_action(n.infoset));
    } else {
      for (int32_t a = 0; a < n.num_children; ++a) {
        const int32_t c = n.first_child + a;
        const double p = n.player == kChancePlayer ? nodes[c].chance_prob : policy[n.infoset][a];
        if (p > 0) v += p * value_of(c);
      }
    }
    return value[i] = v;
  };
  return value_of(0);
}

Exploitability exploitability(const GameTree& tree, const TreePolicy& policy) {
  Exploitability e;
  e.on_policy = expected_returns(tree, policy);
  for (Player p = 0; p < 2; ++p) {
    e.best_response[p] = best_response_value(tree, policy, p);
    e.nash_conv += e.best_response[p] - e.on_policy[p];
  }
  e.exploitability = e.nash_conv / 2;
  return e;
}

}  // namespace arena::cfr
