// The learner: trains a copy of the shared network on batches of self-play positions.
// Internal to agents/nn (LibTorch). Not thread-safe: the trainer's thread owns it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "agents/nn/network.h"
#include "agents/nn/train/process_group.h"
#include "core/rng.h"
#include "games/game.h"

namespace arena::nn {

// One training position of a head: the mover's observation, the search's visit fractions
// over the legal actions, and the value target per seat in [-1, 1]. The network's value
// head answers from the observer's side (its output k is seat (player + k) mod players), so
// the targets are rotated to match.
struct LearnerSample {
  int head = 0;
  Player player = 0;  // the seat that observed (the mover)
  const std::vector<float>* observation = nullptr;
  const std::vector<Action>* legal = nullptr;
  const std::vector<float>* policy = nullptr;  // aligned with legal
  const std::vector<float>* values = nullptr;  // per seat
};

struct LearnerOptions {
  double learning_rate = 1e-3;
  // AdamW's decoupled decay, applied to the convolution and linear weights only (norms and
  // biases are not decayed): each step shrinks them by learning_rate x weight_decay.
  double weight_decay = 0.05;
  bool freeze_trunk = false;
  // Each sample seen through a random one of its game's symmetries (Game::num_symmetries:
  // Go's eight, Connect Four's two), so that one position teaches every transformed copy.
  bool symmetries = true;
};

// Mean losses of one step for one head.
struct HeadLoss {
  double policy = 0;  // cross-entropy to the search policy (legal actions only)
  double value = 0;   // mean squared error per seat
  // Of the network's policy over the legal actions: its entropy, and KL(search || network),
  // the policy loss less the search policy's own entropy (0 when the network matches it).
  double entropy = 0;
  double kl = 0;
  int samples = 0;
};

class Learner {
 public:
  Learner(const NetConfig& config, torch::Device device, LearnerOptions options, uint64_t seed);

  // Starts from another checkpoint: its trunk, and the stems and heads of the games both
  // networks know (a transfer run adds a game the checkpoint never saw). Errors: those of
  // load_network, "bad_config" (a trunk of another size).
  Status init_from(const std::string& path);
  // Continues a run: weights and optimizer state of a checkpoint of this very network.
  Result<CheckpointMeta> resume(const std::string& path);

  // One optimizer step over `batch` (any mix of heads; each head's rows are one forward
  // pass, the losses weighted by their share of the batch), each sample through a random
  // symmetry of its game (options.symmetries). Heads with fewer than two samples are
  // skipped (BatchNorm needs two).
  //
  // Distributed (after distribute()): every rank calls it at once with its own rows, and the
  // step is the one a single learner would take over all ranks' rows together: heads are
  // counted, weighted and skipped by their rows over all ranks (a rank with none of a head's
  // rows still runs its layers on an empty batch), BatchNorm's statistics are the whole
  // batch's, the gradients are summed over the ranks before AdamW's step, and the losses
  // returned are the whole batch's.
  std::map<int, HeadLoss> step(const std::vector<LearnerSample>& batch);
  // The rows of the last step over every rank (this rank's alone when not distributed).
  int64_t last_global_rows() const { return last_global_rows_; }
  // The learning rate of the next steps (the trainer's schedule sets it before each step).
  void set_learning_rate(double rate);

  Status save(const std::string& path, const CheckpointMeta& meta);
  SharedNet& net() { return net_; }

  // Makes this learner one rank of a data-parallel group: every rank takes rank 0's
  // parameters, buffers (BatchNorm's running statistics) and optimizer state (so call it
  // after init_from or resume, on every rank at once), and its BatchNorms' statistics become
  // the group's. Collectives throw c10::Error when a rank is gone.
  void distribute(std::shared_ptr<LearnerGroup> group);
  // A digest of every parameter's and buffer's bytes: equal on every rank of a group.
  uint64_t weights_digest();

 private:
  void make_optimizer();

  NetConfig config_;
  std::vector<std::shared_ptr<const Game>> games_;  // per head: its game (for its symmetries)
  torch::Device device_;
  LearnerOptions options_;
  Rng rng_;  // the symmetry of each sample
  SharedNet net_{nullptr};
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  std::shared_ptr<LearnerGroup> group_;  // null: one process
  int64_t last_global_rows_ = 0;
};

}  // namespace arena::nn
