// The exact best response of one player against a fixed tabular policy of the other, over
// the whole GameTree, and the exploitability of a policy profile: how much each player would
// gain by deviating, the measure of distance from a Nash equilibrium.
//
// Policies are per infoset in GameTree::infosets() order (to_tree_policy() converts a
// TabularPolicy). Plain functions of their arguments: safe from any thread.
#pragma once

#include <array>
#include <vector>

#include "agents/cfr/game_tree.h"

namespace arena::cfr {

using TreePolicy = std::vector<std::vector<double>>;

// Each player's expected return when both play `policy` (and chance its probabilities).
std::array<double, 2> expected_returns(const GameTree& tree, const TreePolicy& policy);

// The expected return of `responder` playing a best response to the other player's part of
// `policy` (the responder's own part is ignored). Exact: every infoset of the responder
// picks the action of highest counterfactual value, deepest first.
double best_response_value(const GameTree& tree, const TreePolicy& policy, Player responder);

struct Exploitability {
  std::array<double, 2> on_policy = {0, 0};      // each player's value under the profile
  std::array<double, 2> best_response = {0, 0};  // each player's best-response value
  double nash_conv = 0;                          // sum of the best-response gains
  double exploitability = 0;                     // nash_conv / 2: chips per hand
};

Exploitability exploitability(const GameTree& tree, const TreePolicy& policy);

}  // namespace arena::cfr
