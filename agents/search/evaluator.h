// Evaluator: what a search asks about a leaf position: prior probabilities over the mover's
// legal actions (at a simultaneous node, over each order group of each acting seat) and a
// value per seat. The search core knows nothing else of how leaves are
// judged, so the rollout evaluator here and the network evaluator (agents/nn/, LibTorch)
// plug into the same search. Leaves come in batches so that a network can run one forward
// pass over many of them.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/rng.h"
#include "games/game.h"

namespace arena {

// One leaf to evaluate. `state` stays valid until evaluate() returns.
struct EvalRequest {
  const State* state = nullptr;
  // The seat to move (priors are over its actions), or kChancePlayer / kSimultaneousPlayer
  // / kTerminalPlayer, where `actions` is empty and only values are wanted.
  Player player = kTerminalPlayer;
  std::span<const Action> actions;  // the mover's legal actions, ascending
  // At a simultaneous node: also wanted, each acting seat's factorised prior, one
  // distribution per order group, judged from that seat's side (Evaluation::joint_priors).
  // Off by default: a network then looks at the leaf once per acting seat.
  bool joint_priors = false;
};

// The answer for one leaf.
struct Evaluation {
  std::vector<float> priors;  // one per requested action, summing to 1 (empty if none asked)
  std::vector<float> values;  // one per seat, in [-1, 1]: the expected final return, scaled
  // When EvalRequest::joint_priors was set at a simultaneous node: in the joint layout (see
  // joint_layout_size()), each group's slice summing to 1. Otherwise empty. A search treats a
  // missing or malformed answer as uniform priors.
  std::vector<float> joint_priors;
};

// Thread-safety: an implementation says whether concurrent evaluate() calls are allowed.
class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // Fills out[i] for requests[i]; out.size() == requests.size().
  virtual void evaluate(std::span<const EvalRequest> requests, std::span<Evaluation> out) = 0;
  // How many leaves the search should gather per evaluate() call (1: no batching).
  virtual int preferred_batch_size() const { return 1; }
};

// The joint layout of priors at a simultaneous node: for each seat of State::players_to_act()
// (ascending), for each of its State::order_groups(seat) in order, one entry per action of
// the group, in the group's order. The search keeps its per-(seat, group) statistics in the
// same order. Returns the number of entries.
size_t joint_layout_size(const State& state);
// Uniform priors in the joint layout (empty unless `state` is a simultaneous node).
void uniform_joint_priors(const State& state, std::vector<float>& out);

// A game's returns scaled from [min_utility, max_utility] to [-1, 1].
float scale_return(const Game& game, double value);
std::vector<float> scaled_returns(const State& state);

// Uniform priors (per group at simultaneous nodes); values from `rollouts` random playouts to the end: at
// each decision a uniform choice among State::playout_actions(), chance outcomes by their probabilities, and
// at simultaneous nodes a uniform order from each group of each acting seat. Not thread-safe (it owns its
// generator): one per search.
class RolloutEvaluator final : public Evaluator {
 public:
  RolloutEvaluator(int rollouts, uint64_t seed) : rollouts_(rollouts < 1 ? 1 : rollouts), rng_(seed) {}
  void evaluate(std::span<const EvalRequest> requests, std::span<Evaluation> out) override;

 private:
  int rollouts_;
  Rng rng_;
};

// Plays `state` to the end at random (as RolloutEvaluator does).
void random_playout(State& state, Rng& rng);

}  // namespace arena
