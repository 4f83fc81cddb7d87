// PUCT Monte Carlo tree search over one decision, for any game behind game.h, with leaves
// judged by an Evaluator (random playouts now, the shared network later).
//
// - Decision nodes: PUCT with the mover's value; every seat has its own value statistic, so
//   one-player puzzles, two-player zero-sum and N-player games search alike.
// - Chance nodes: an outcome sampled by its probability each time through.
// - Simultaneous nodes: decoupled regret matching+: each (acting seat, order group) keeps
//   regrets over the group's actions; every simulation draws each group's order from its
//   current strategy (regret matching, the evaluator's factorised prior while no regret is
//   positive, an exploration floor mixed in) and the backup updates the group's regrets with
//   an importance-weighted estimate of the seat's value. The average strategy converges to
//   mixed strategies where the game needs them (decoupled UCT/PUCT by argmax does not), and
//   the root's orders are drawn from it (see README.md).
// - Imperfect information: each simulation starts from a determinization drawn with
//   State::resample_from_infostate(searcher); chance steps below the root are keyed by the
//   searcher's information key, so the tree has one node per thing the searcher can tell
//   apart (information-set MCTS in its simplest form). The real state's hidden information
//   is never read.
// - Simulations in flight: a pass selects up to batch_size leaves with virtual loss, hands
//   them to the evaluator in one call, then expands and backs them up.
// - Tree reuse: the subtree of the steps actually played since the last search is kept
//   (compacted to the front of the arena); the tree is dropped when the history does not
//   extend the previous one.
//
// Nodes live in one vector; a decision node's children are a contiguous index range, chance
// and joint-step children a short sibling list. Threading: a Mcts is used by one thread at
// a time (MctsAgent serialises its decisions).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agents/agent.h"
#include "agents/registry.h"
#include "agents/search/evaluator.h"
#include "core/rng.h"

namespace arena {

struct MctsConfig {
  int simulations = 400;              // new simulations per search (an upper bound)
  std::chrono::milliseconds time{0};  // 0: no limit of its own (the Budget may set one)
  double c_puct = 1.4;
  int rollouts = 1;  // playouts per leaf, for the rollout evaluator
  uint64_t seed = 0;
  int batch_size = 0;  // leaves per evaluate(); 0: the evaluator's preference
  bool reuse_tree = true;
  // Self-play options, off by default: Dirichlet noise on the root priors, and the move
  // drawn with probability proportional to visits^(1/temperature) instead of the most visited.
  double dirichlet_alpha = 0;  // 0: no noise (unless dirichlet_scale is set)
  // When positive, the noise's alpha is dirichlet_scale / (the number of root actions), kept
  // within [0.01, 1] (KataGo's 10.83 / n: the noise weighs alike in 9x9 Go and in poker);
  // dirichlet_alpha is then unused.
  double dirichlet_scale = 0;
  double dirichlet_epsilon = 0.25;
  double temperature = 0;
  // First-play urgency: an unvisited child starts at its parent's value for the mover less
  // fpu_reduction x sqrt(the prior mass of the parent's visited children) (Leela Zero);
  // 0: the parent's value.
  double fpu_reduction = 0;
  // Simultaneous nodes: the share of each draw spread uniformly over the group's actions
  // (exploration; it also bounds the importance weights of the regret estimates).
  double simultaneous_exploration = 0.05;
};

// What one search found.
struct SearchResult {
  Decision decision;
  // Sequential root: visits per root action (the policy target for training). Simultaneous
  // root: the searcher's visits per action of each order group, groups one after another
  // (how often each order was drawn).
  std::vector<std::pair<Action, int>> visits;
  // Simultaneous root only: the searcher's average strategy, one probability per entry of
  // `visits`, each group summing to 1 (the policy target for training; the decision's orders
  // are drawn from it). Empty at a sequential root.
  std::vector<float> strategy;
  std::vector<float> root_value;  // per seat, in [-1, 1]
  int simulations = 0;            // simulations run by this search
  int reused_visits = 0;          // root visits kept from the previous search
};

class Mcts {
 public:
  Mcts(MctsConfig config, std::shared_ptr<Evaluator> evaluator);

  // Searches the decision of `seat`, which must be to act in `state`. Errors: "not_your_turn",
  // "unsupported" (an imperfect-information game without resample_from_infostate).
  Result<SearchResult> search(const State& state, Player seat, Budget budget = {});
  // Forgets the tree.
  void reset();

  const MctsConfig& config() const { return config_; }
  // Root visits of the current tree (tests of tree reuse).
  int root_visits() const { return nodes_.empty() ? 0 : nodes_[0].visits; }
  size_t tree_size() const { return nodes_.size(); }

 private:
  enum class Kind : uint8_t { kLeaf, kDecision, kChance, kSimultaneous, kTerminal };
  struct Node {
    uint64_t key = 0;          // keyed children: the step's key
    uint64_t info = 0;         // imperfect information: hash of the searcher's information key
    int32_t first_child = -1;  // decision: first of a range; otherwise head of a sibling list
    int32_t num_children = 0;
    int32_t next_sibling = -1;  // within a sibling list
    int32_t visits = 0;
    int32_t virtual_loss = 0;
    int32_t sim_first = -1;  // simultaneous: entries [sim_first, sim_first + sim_count)
    int32_t sim_count = 0;
    Action action = kInvalidAction;  // children of a decision node: the action leading here
    float prior = 0;
    Player mover = kTerminalPlayer;  // decision nodes: the seat to move
    Kind kind = Kind::kLeaf;
    bool pending = false;  // selected for evaluation, not yet back
  };
  // A seat's statistics for one action of one order group at a simultaneous node. A node's
  // entries are in the evaluator's joint layout (seats ascending, groups, actions).
  struct SimEntry {
    Player seat;
    int32_t group;
    Action action;
    int32_t visits = 0;      // times drawn and backed up
    float prior = 0;         // the group's strategy while no regret is positive
    float regret = 0;        // cumulative (estimated) regret of not always playing it, >= 0
    float strategy_sum = 0;  // the regret-matching strategies summed: the average strategy
  };
  // An order drawn at a simultaneous node: the entry, its group's entries, the draw's
  // probability (for the importance-weighted regret update).
  struct SimChoice {
    int32_t entry;
    int32_t group_first;
    int32_t group_count;
    float probability;
  };
  // One simulation in flight.
  struct Sim {
    std::unique_ptr<State> state;
    std::vector<int32_t> path;       // node indices, root first
    std::vector<SimChoice> choices;  // simultaneous orders drawn on the way
    std::vector<Action> actions;     // the leaf mover's legal actions (the evaluator's request)
    bool expand = false;             // whether the leaf is expanded after evaluation
  };
  enum class Selected { kLeaf, kTerminal, kCollision };

  int32_t add_nodes(int count);
  float* values(int32_t node) { return &value_sums_[static_cast<size_t>(node) * num_players_]; }
  uint64_t info_hash(const State& s) const;
  std::unique_ptr<State> determinize(const State& root);
  Selected select(Sim& sim, const State& root);
  int32_t select_child(int32_t node, const State& d);
  bool select_orders(int32_t node, const State& d, Sim& sim, std::vector<std::vector<Action>>& orders);
  int32_t find_or_add_keyed(int32_t parent, uint64_t key);
  void expand(Sim& sim, const Evaluation& eval);
  void backup(Sim& sim, const std::vector<float>& value);
  void revert(Sim& sim);
  // The node of the previous tree that stands for `state`, or -1.
  int32_t find_reuse_root(const State& state, Player seat) const;
  void compact(int32_t new_root);
  void add_dirichlet_noise(int32_t node);
  bool noise_on() const { return config_.dirichlet_alpha > 0 || config_.dirichlet_scale > 0; }
  double noise_alpha(int32_t actions) const;
  bool guarded_at_root(Action action) const;
  // The regret-matching strategy of the group entries [first, first + count): positive
  // regrets normalised, or the priors while none is positive.
  void current_strategy(int32_t first, int32_t count, std::vector<double>& out) const;
  // The average strategy of a group (strategy sums normalised; the priors if none yet).
  void average_strategy(int32_t first, int32_t count, std::vector<double>& out) const;
  SearchResult result(const State& state, Player seat);

  MctsConfig config_;
  std::shared_ptr<Evaluator> evaluator_;
  Rng rng_;
  int num_players_ = 0;
  bool perfect_information_ = true;
  Player seat_ = kInvalidAction;
  std::vector<Node> nodes_;
  std::vector<float> value_sums_;  // num_players_ per node
  std::vector<SimEntry> entries_;
  // What the tree's root stands for, for reuse.
  std::shared_ptr<const Game> game_;
  std::vector<Step> root_history_;
  int root_ply_ = 0;
  // Root actions the state guards (State::pass_guarded), skipped while another remains.
  std::vector<Action> root_guarded_;
  // Buffers kept between passes (allocation-light).
  std::vector<Sim> sims_;
  std::vector<EvalRequest> requests_;
  std::vector<Evaluation> evaluations_;
  std::vector<double> strategy_;
};

// The registered agent "mcts": rollout MCTS (PUCT over random playouts). Decisions run on
// the Agent pool; one at a time. The tree is kept between the moves of one match.
class MctsAgent final : public Agent {
 public:
  MctsAgent(std::string name, MctsConfig config, std::shared_ptr<Evaluator> evaluator,
            ThreadPool& pool = ThreadPool::shared());
  // A rollout-MCTS agent (a RolloutEvaluator with config.rollouts playouts per leaf).
  static std::unique_ptr<MctsAgent> rollout(MctsConfig config, ThreadPool& pool = ThreadPool::shared());
  std::string name() const override { return name_; }
  // The last search's result (tests, analysis).
  SearchResult last_result() const;

 protected:
  Result<Decision> decide(const State& state, Player seat, Budget budget) override;

 private:
  const std::string name_;
  mutable std::mutex mutex_;  // guards what follows (successive decisions may run on different threads)
  Mcts mcts_;
  SearchResult last_;
};

// The registry entry "mcts(simulations=400,c=1.4,rollouts=1)".
AgentRegistration mcts_agent_registration();

}  // namespace arena
