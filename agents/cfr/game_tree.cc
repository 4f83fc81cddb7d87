#include "agents/cfr/game_tree.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "core/rng.h"

namespace arena::cfr {

Result<std::shared_ptr<const GameTree>> GameTree::build(std::shared_ptr<const Game> game, int64_t max_nodes) {
  const GameType& type = game->type();
  if (game->num_players() != 2 || game->utility_sum() != std::optional<double>(0.0) ||
      type.has_simultaneous) {
    return make_error("unsupported",
                      "CFR solves two-player zero-sum games without simultaneous moves, not " + game->spec());
  }
  // A tree far past the cap is refused from an estimate of its size, before any of it is
  // built (hold'em's is astronomically large; building 100,000 nodes of it to find out took
  // seconds per spec in a sanitizer build, at every server start).
  if (const double estimate = estimated_size(*game); estimate > 10.0 * static_cast<double>(max_nodes)) {
    char about[32];
    std::snprintf(about, sizeof about, "%.2g", estimate);
    return make_error("unsupported", "the tree of " + game->spec() + " has about " + about +
                                         " nodes (estimated), over the cap of " + std::to_string(max_nodes));
  }
  std::shared_ptr<GameTree> tree(new GameTree(game));
  tree->nodes_.emplace_back();
  std::unique_ptr<State> root = game->new_initial_state();
  if (Status s = tree->expand(*root, 0, max_nodes); !s.ok()) return s.error();
  return std::shared_ptr<const GameTree>(std::move(tree));
}

double GameTree::estimated_size(const Game& game, int probes) {
  Rng rng(0x7265e5);
  double total = 0;
  for (int k = 0; k < probes; ++k) {
    // Knuth's estimator: along a uniformly random path, the product of the branching factors
    // so far counts the nodes at each depth; its expectation is the tree's size.
    std::unique_ptr<State> state = game.new_initial_state();
    double width = 1;
    total += 1;
    for (int depth = 0; !state->is_terminal() && depth < game.max_game_length(); ++depth) {
      const std::vector<Action> children = state->legal_actions();
      if (children.empty()) break;
      width *= static_cast<double>(children.size());
      total += width;
      if (!state->apply(children[rng.uniform(children.size())]).ok()) break;
    }
  }
  return total / probes;
}

Status GameTree::expand(const State& state, int32_t index, int64_t max_nodes) {
  const Player player = state.current_player();
  nodes_[index].player = player;
  if (player == kTerminalPlayer) {
    const std::vector<double> r = state.returns();
    nodes_[index].returns = {r[0], r[1]};
    return ok_status();
  }
  std::vector<std::pair<Action, double>> outcomes;
  if (player == kChancePlayer) {
    outcomes = state.chance_outcomes();
  } else {
    for (Action a : state.legal_actions(player)) outcomes.emplace_back(a, 1.0);
    std::string key = state.information_key(player);
    auto [it, added] = index_.try_emplace({player, key}, static_cast<int32_t>(infosets_.size()));
    if (added) {
      std::vector<Action> actions;
      for (const auto& [a, p] : outcomes) actions.push_back(a);
      const int32_t n = static_cast<int32_t>(actions.size());
      infosets_.push_back({player, std::move(key), std::move(actions), {}, num_actions_});
      infoset_history_.push_back(state.history());
      num_actions_ += n;
    }
    InfoSet& infoset = infosets_[it->second];
    if (infoset.actions.size() != outcomes.size()) {
      return make_error("bad_state", "information set '" + infoset.key + "' has different legal actions at " +
                                         state.to_string());
    }
    for (size_t i = 0; i < outcomes.size(); ++i) {
      if (infoset.actions[i] != outcomes[i].first)
        return make_error("bad_state", "information set '" + infoset.key +
                                           "' has different legal actions at " + state.to_string());
    }
    infoset.nodes.push_back(index);
    nodes_[index].infoset = it->second;
  }
  if (outcomes.empty()) return make_error("bad_state", "a node with no actions: " + state.to_string());
  if (static_cast<int64_t>(nodes_.size() + outcomes.size()) > max_nodes) {
    return make_error("unsupported", state.game().spec() + "'s tree has more than " +
                                         std::to_string(max_nodes) + " nodes: too large for exact CFR");
  }
  const int32_t first = static_cast<int32_t>(nodes_.size());
  nodes_[index].first_child = first;
  nodes_[index].num_children = static_cast<int32_t>(outcomes.size());
  nodes_.resize(nodes_.size() + outcomes.size());
  for (size_t i = 0; i < outcomes.size(); ++i) {
    nodes_[first + i].chance_prob = outcomes[i].second;
    std::unique_ptr<State> child = state.clone();
    if (Status s = child->apply(outcomes[i].first); !s.ok()) return s;
    if (Status s = expand(*child, first + static_cast<int32_t>(i), max_nodes); !s.ok()) return s;
  }
  return ok_status();
}

int32_t GameTree::find(Player player, const std::string& key) const {
  auto it = index_.find({player, key});
  return it == index_.end() ? -1 : it->second;
}

std::unique_ptr<State> GameTree::state_at(int32_t infoset) const {
  Result<std::unique_ptr<State>> state = game_->state_from_history(infoset_history_[infoset]);
  return state.ok() ? std::move(state).value() : nullptr;
}

Result<std::vector<std::vector<double>>> to_tree_policy(const GameTree& tree, const TabularPolicy& policy) {
  std::vector<std::vector<double>> out = uniform_policy(tree);
  for (const auto& [id, probs] : policy) {
    const int32_t i = tree.find(id.first, id.second);
    if (i < 0) continue;  // an infoset the game never reaches: no effect
    if (probs.size() != out[i].size()) {
      return make_error("bad_policy", "infoset '" + id.second + "' has " + std::to_string(out[i].size()) +
                                          " actions, the policy gives " + std::to_string(probs.size()));
    }
    double sum = 0;
    for (double p : probs) {
      if (!(p >= 0)) return make_error("bad_policy", "infoset '" + id.second + "': a negative probability");
      sum += p;
    }
    if (std::abs(sum - 1) > 1e-6)
      return make_error("bad_policy", "infoset '" + id.second + "': sums to " + std::to_string(sum));
    out[i] = probs;
  }
  return out;
}

std::vector<std::vector<double>> uniform_policy(const GameTree& tree) {
  std::vector<std::vector<double>> out;
  out.reserve(tree.infosets().size());
  for (const InfoSet& s : tree.infosets())
    out.emplace_back(s.actions.size(), 1.0 / static_cast<double>(s.actions.size()));
  return out;
}

}  // namespace arena::cfr
