// GameTree: the full tree of a two-player zero-sum game with chance and hidden information,
// built once through the Game/State API, with every decision node tied to its information
// set (the mover's State::information_key()). What CFR and the exact best response walk:
// flat arrays instead of State objects, so an iteration over Leduc's 9,457 histories takes
// well under a millisecond.
//
// Immutable after build(); share it freely between threads.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "games/game.h"

namespace arena::cfr {

struct TreeNode {
  Player player = kTerminalPlayer;  // a seat, kChancePlayer or kTerminalPlayer
  int32_t infoset = -1;             // decision nodes: index into GameTree::infosets()
  int32_t first_child = 0;          // children are nodes [first_child, first_child + num_children)
  int32_t num_children = 0;         // in the order of legal_actions() (the infoset's actions)
  double chance_prob = 1.0;         // the probability of this node's chance outcome (1 after a decision)
  std::array<double, 2> returns = {0.0, 0.0};  // terminal nodes
};

// An information set: every node where `player` has the same information key.
struct InfoSet {
  Player player;
  std::string key;
  std::vector<Action> actions;  // legal actions, ascending; the same at each of its nodes
  std::vector<int32_t> nodes;
  int32_t offset;  // of its first action in flat per-action arrays (see GameTree::num_infoset_actions)
};

class GameTree {
 public:
  // The tree of `game` from its initial state. Errors: "unsupported" for a game that is not
  // two-player zero-sum, has simultaneous moves, or whose tree exceeds `max_nodes`;
  // "bad_state" where one information set's nodes disagree on the legal actions.
  static Result<std::shared_ptr<const GameTree>> build(std::shared_ptr<const Game> game,
                                                       int64_t max_nodes = 1'000'000);

  // Knuth's estimate of the number of nodes of `game`'s tree (the mean over `probes` random
  // paths of the sums of the branching products along them; seeded, so repeatable). build()
  // refuses a game estimated past ten times its cap before building anything.
  static double estimated_size(const Game& game, int probes = 16);

  const Game& game() const { return *game_; }
  const std::vector<TreeNode>& nodes() const { return nodes_; }
  const std::vector<InfoSet>& infosets() const { return infosets_; }
  // The sum of every infoset's action count: the size of flat per-action arrays.
  int32_t num_infoset_actions() const { return num_actions_; }
  // The infoset of `player` with `key`, or -1.
  int32_t find(Player player, const std::string& key) const;
  // A state at one of the infoset's nodes (replayed from the root): what an agent is asked at.
  std::unique_ptr<State> state_at(int32_t infoset) const;

 private:
  explicit GameTree(std::shared_ptr<const Game> game) : game_(std::move(game)) {}
  Status expand(const State& state, int32_t index, int64_t max_nodes);

  std::shared_ptr<const Game> game_;
  std::vector<TreeNode> nodes_;
  std::vector<InfoSet> infosets_;
  std::map<std::pair<Player, std::string>, int32_t> index_;
  std::vector<std::vector<Step>> infoset_history_;  // a history reaching each infoset
  int32_t num_actions_ = 0;
};

// A policy: for each (player, information key), probabilities over the infoset's legal actions
// in ascending order. A missing infoset plays uniformly.
using TabularPolicy = std::map<std::pair<Player, std::string>, std::vector<double>>;

// The same policy as flat per-infoset vectors of `tree` (GameTree::infosets() order). Errors:
// "bad_policy" for a vector of the wrong length or that is not a distribution.
Result<std::vector<std::vector<double>>> to_tree_policy(const GameTree& tree, const TabularPolicy& policy);
// Uniform over each infoset's legal actions.
std::vector<std::vector<double>> uniform_policy(const GameTree& tree);

}  // namespace arena::cfr
