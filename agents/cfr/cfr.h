// CFR+ (Tammelin 2014) over a GameTree: regret matching+ (regrets floored at zero),
// alternating updates of the two players, and a linearly weighted average strategy (iteration
// t counts t times). The average policy converges to a Nash equilibrium of a two-player
// zero-sum game; its exploitability (best_response.h) measures how far it is.
//
// Not thread-safe: one thread runs a solver; its results are plain values to share.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "agents/cfr/game_tree.h"

namespace arena::cfr {

class CfrPlusSolver {
 public:
  explicit CfrPlusSolver(std::shared_ptr<const GameTree> tree);

  // Warm start (before the first run()), after Brown and Sandholm's strategy-based warm
  // starting (2016) in its simplest form: `prior` (per infoset, GameTree::infosets() order)
  // is given regrets that regret matching turns back into it, as large as `prior_iterations`
  // iterations of one chip of regret per unit of counterfactual reach, and counts as the first
  // `prior_iterations` iterations of the average. So it is played until the regrets the
  // iterations add outweigh it; later iterations weigh from prior_iterations + 1 on, the
  // prior's share of the average vanishes and the average still converges to an equilibrium
  // (more slowly from a bad prior, in far fewer iterations from a good one). Errors:
  // "bad_policy" for a prior of the wrong shape, "bad_state" after run().
  Status warm_start(const std::vector<std::vector<double>>& prior, int prior_iterations);

  // Runs `iterations` more iterations (each updates both players once).
  void run(int iterations);
  int iterations() const { return iteration_; }  // a warm start's count included

  // The average policy per infoset (GameTree::infosets() order); uniform where an infoset
  // was never reached by its own player's play.
  std::vector<std::vector<double>> average_policy() const;
  // The same, keyed by (player, information key).
  TabularPolicy average_tabular_policy() const;
  const GameTree& tree() const { return *tree_; }

 private:
  void update_current_strategy(Player player);
  double traverse(int32_t node, Player updating, double reach_self, double reach_other);
  // Adds, per infoset below `node`, the reach of everything but its player's own choices under
  // the prior (reach[q]: chance's and the other player's part, for the infosets of q).
  void counterfactual_reach(int32_t node, std::array<double, 2> reach, std::vector<double>& out) const;
  // Adds weight x `player`'s reach x current strategy to the average at its infosets below `node`.
  void accumulate_average(int32_t node, Player player, double reach_self, double weight);

  std::shared_ptr<const GameTree> tree_;
  int iteration_ = 0;
  // Flat per (infoset, action), at InfoSet::offset.
  std::vector<double> regrets_;
  std::vector<double> strategy_sum_;
  std::vector<double> current_;
  std::vector<double> prior_;  // the warm start's strategy; empty: uniform
};

}  // namespace arena::cfr
