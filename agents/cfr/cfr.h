// CFR+ (Tammelin 2014) over a GameTree: regret matching+ (regrets floored at zero),
// alternating updates of the two players, and a linearly weighted average strategy (iteration
// t counts t times). The average policy converges to a Nash equilibrium of a two-player
// zero-sum game; its exploitability (best_response.h) measures how far it is.
//
// Not thread-safe: one thread runs a solver; its results are plain values to share.
#pragma once

#include <memory>
#include <vector>

#include "agents/cfr/game_tree.h"

namespace arena::cfr {

class CfrPlusSolver {
 public:
  explicit CfrPlusSolver(std::shared_ptr<const GameTree> tree);

  // Runs `iterations` more iterations (each updates both players once).
  void run(int iterations);
  int iterations() const { return iteration_; }

  // The average policy per infoset (GameTree::infosets() order); uniform where an infoset
  // was never reached by its own player's play.
  std::vector<std::vector<double>> average_policy() const;
  // The same, keyed by (player, information key).
  TabularPolicy average_tabular_policy() const;
  const GameTree& tree() const { return *tree_; }

 private:
  void update_current_strategy(Player player);
  double traverse(int32_t node, Player updating, double reach_self, double reach_other);

  std::shared_ptr<const GameTree> tree_;
  int iteration_ = 0;
  // Flat per (infoset, action), at InfoSet::offset.
  std::vector<double> regrets_;
  std::vector<double> strategy_sum_;
  std::vector<double> current_;
};

}  // namespace arena::cfr
