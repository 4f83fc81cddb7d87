// Training the shared network by self-play (what `arena train` runs), torch-free for its
// callers. One process, one InferenceService, one learner:
//
//   repeat until the step budget or the time budget is spent:
//     self-play phase: `games_per_phase` games (all in flight at once over `actors`
//       threads, so the service's batches fill) searched by PUCT with the current weights;
//       their trajectories go to the compressed shards (<out>/shards) and the replay buffer
//     learner phase: steps until each new position has been sampled `sample_reuse` times
//       on average (or exactly `steps_per_phase` steps when set): one batch per step drawn across the games
//       by their weights, policy cross-entropy to the search's visits over the legal actions, value MSE to
//       the final returns, AdamW weight decay; a checkpoint every `checkpoint_every` steps
//     the service takes the learner's weights
//
// Phases alternate rather than overlap: on the 2-core CPU machines actors and learner
// would only steal each other's cores, and it makes a run repeatable: with the same seed,
// `actors` = 1 and the same build, the same shards and checkpoints come out (self-play
// games are seeded one by one and collected in order; the learner's sampling is seeded).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agents/nn/checkpoint.h"
#include "agents/nn/inference_service.h"
#include "agents/nn/train/data_parallel.h"
#include "agents/selfplay/actor.h"
#include "agents/selfplay/trajectory.h"
#include "core/result.h"

namespace arena::nn {

struct TrainConfig {
  std::vector<std::string> games;  // specs
  // The learner's mix: each batch is split across the games by these weights (default
  // equal).
  std::vector<double> weights;
  // How often self-play plays each game. Empty: balanced after every phase so that each
  // game's new positions are sampled `reuse` times on average (the games' mean lengths
  // measured so far): a short game (Kuhn poker, a puzzle) is played more often rather than
  // its few positions reused forty times more than Go's.
  std::vector<double> selfplay_weights;
  std::string out_dir;  // runs/<name>: checkpoints/, shards/, metrics.jsonl
  std::string run;      // default: the last component of out_dir
  std::string device = "auto";
  int blocks = 4;
  int channels = 64;
  // Budget: whichever ends first (0: no limit of that kind; at least one must be set, unless
  // TrainCallbacks::stop ends the run).
  int64_t steps = 1000;
  double minutes = 0;
  // Self-play.
  int actors = 32;          // threads playing concurrently
  int games_per_phase = 0;  // 0: 2 x actors
  int simulations = 64;
  double c_puct = 1.4;
  double fpu_reduction = 0.25;  // MctsConfig::fpu_reduction
  // Root noise: a fixed alpha, or (0) dirichlet_scale / the number of legal actions.
  double dirichlet_alpha = 0;
  double dirichlet_scale = 10;
  int temperature_moves = 8;                // moves drawn by visit counts, then the most visited
  std::vector<int> game_temperature_moves;  // per game, overriding temperature_moves
  int search_batch = 8;                     // leaves per search pass
  // The inference service's packing (ServiceOptions::min_batch / max_wait_us; 0: automatic).
  int min_batch = 0;
  double max_wait_us = 0;
  // Games against a weaker opponent (SelfPlayConfig::noisy_games / noisy_moves).
  double noisy_games = 0.1;
  double noisy_moves = 0.25;
  // Learner.
  int batch_size = 128;
  double learning_rate = 1e-3;
  double weight_decay = 0.05;  // AdamW, on convolution and linear weights only
  bool symmetries = true;      // each sample through a random symmetry of its game (LearnerOptions)
  // Schedule: a linear warm-up over warmup_steps, then a cosine decay to
  // learning_rate x final_lr_fraction at lr_decay_steps (0: the step budget; with no step
  // budget, the rate stays constant after the warm-up).
  int64_t warmup_steps = 100;
  int64_t lr_decay_steps = 0;
  double final_lr_fraction = 0.1;
  double sample_reuse = 4;         // learner samples per new position
  std::vector<double> game_reuse;  // per game, overriding sample_reuse
  // Learner steps per phase, when positive, in place of sample_reuse: two runs that differ
  // in their games' lengths (one reward signal against another) then spend the same budget,
  // the same self-play games and learner steps per phase.
  int64_t steps_per_phase = 0;
  // Replay windows, in positions per game (a head shared by several specs takes their sum):
  // by default replay_capacity x the game's share of the learner mix, at least 20 batches,
  // so that every game's window turns over at the same pace.
  size_t replay_capacity = 100000;
  std::vector<size_t> replay_windows;  // per game, overriding the default
  int64_t checkpoint_every = 100;
  // Whether this process plays self-play games itself. Off, it learns only from the games
  // TrainCallbacks::collect brings (self-play workers on other machines, `arena selfplay`):
  // each phase waits for some, then takes its learner steps from them as from its own.
  bool selfplay = true;
  // Transfer: start from this checkpoint's weights (its trunk, and the heads of the games it
  // knows); with freeze_trunk only the stems and heads learn.
  std::string init_from;
  bool freeze_trunk = false;
  // Continue the run in out_dir from its last checkpoint: the learner's weights and optimizer
  // state, the step (the budget counts from the run's start), the replay windows refilled
  // from its newest shards, and the counters of its metrics. The self-play and sampling
  // seeds move on with the step (a resumed run plays new games, not its first ones again).
  // The games and network must be the checkpoint's.
  bool resume = false;
  uint64_t seed = 1;
  double progress_seconds = 10;
  // Several processes, one learner (data_parallel.h): each rank plays its own self-play
  // (seed + rank; rank R > 0 writes its shards to <out>/shards-rank<R>), samples batch_size
  // rows, and every learner step is one step over all ranks' rows (gradients summed,
  // BatchNorm over the whole batch): a phase's steps are those that sample every rank's new
  // positions `reuse` times (or steps_per_phase); one rank's time budget or stop ends all.
  // Rank 0 writes checkpoints (after checking that every rank's weights are the same) and
  // metrics; its metrics count its own self-play, the losses are the whole batch's.
  DataParallelConfig data_parallel;
};

// The learning rate at a learner step under the config's schedule.
double learning_rate_at(const TrainConfig& config, int64_t step);

// What one progress line shows.
struct TrainProgress {
  double elapsed_s = 0;
  int64_t step = 0;
  uint64_t games = 0;
  uint64_t positions = 0;        // self-play decisions recorded
  uint64_t collected_games = 0;  // of them, games from TrainCallbacks::collect
  double games_per_s = 0;        // over this invocation (a resumed run counts from its resumption)
  double positions_per_s = 0;
  double mean_batch = 0;  // the service's mean forward batch
  // One game's recent learner losses (exponential means, 0.1 per step): see HeadLoss.
  struct Losses {
    double policy = 0;   // cross-entropy to the search policy
    double value = 0;    // mean squared error per seat
    double entropy = 0;  // of the network's policy
    double kl = 0;       // KL(search policy || network policy)
  };
  std::map<std::string, Losses> losses;  // per game
  std::string last_evaluation;           // what the checkpoint callback last said
  double learning_rate = 0;
  uint64_t service_errors = 0;
  double eta_s = -1;  // seconds to the end of the budget, from the pace so far; -1: unknown
  struct GameData {
    uint64_t games = 0;
    uint64_t positions = 0;
    uint64_t samples = 0;  // learner samples drawn
    double mean_length() const { return games > 0 ? static_cast<double>(positions) / games : 0; }
    double reuse() const { return positions > 0 ? static_cast<double>(samples) / positions : 0; }
  };
  std::map<std::string, GameData> per_game;  // by spec
};

struct CheckpointEvent {
  std::string path;
  CheckpointMeta meta;
};

struct TrainCallbacks {
  std::function<void(const TrainProgress&)> progress;
  // After each checkpoint is written (step 0, the untrained network, included): evaluates
  // it and returns a one-line summary for the progress line. Runs on the training thread.
  std::function<std::string(const CheckpointEvent&)> checkpoint;
  // Asked before each self-play phase and learner step: true ends the run as a spent budget
  // would (a last checkpoint, the shards closed). With it, a run may have no budget.
  std::function<bool()> stop;
  // Trajectories played elsewhere (self-play workers), checked by the caller against the
  // run's games (selfplay::check_trajectory): asked once per phase, after the phase's own
  // self-play, they join its games (shards, replay, the learner steps the phase takes).
  // `wait_s`: how long it may block for some when there are none yet (0 while this process
  // plays self-play itself; a second without, so that stop() and budgets are still seen).
  std::function<std::vector<selfplay::Trajectory>(double wait_s)> collect;
};

struct TrainSummary {
  TrainProgress final;
  std::vector<std::string> checkpoints;
  std::vector<std::string> shards;
  ServiceStats service;
  uint64_t weights_digest = 0;  // of the final weights (equal on every rank of a data-parallel run)
};

// How the run's self-play plays (its games by their canonical specs, drawn by
// selfplay_weights or the learner's mix; search, noise and temperature from the config), for
// game indices from `seed` on: the trainer's own actors and a worker's play alike. Errors:
// "bad_config" (a game the registry does not know).
Result<selfplay::SelfPlayConfig> selfplay_config(const TrainConfig& config, uint64_t seed);
// Balanced self-play (TrainConfig::selfplay_weights empty, two games or more): the draw
// weight of each game, in proportion to the positions its learner share needs (mix / reuse)
// divided by its mean length in `stats` so far (1 before its first game). Empty when the
// weights are fixed.
std::vector<double> balanced_selfplay_weights(const TrainConfig& config, const selfplay::ActorStats& stats);

// Each progress report is also a JSON line in <out>/metrics.jsonl.
// Errors: "bad_config" (no games, no budget and no stop callback, self-play off without a collect callback, a
// game the network cannot play; resuming
// with other games or another network), "not_found" (resuming a run with no checkpoint), "io",
// "bad_checkpoint" (init_from, resume), "inference_error" (a forward pass of self-play failed: its
// leaves got uniform priors and zero values, which must not become training targets); data parallel:
// "rendezvous" (the ranks did not meet: see LearnerGroup::join), "group_error" (a collective failed:
// another rank stopped), "diverged" (the ranks' weights differ at a checkpoint).
Result<TrainSummary> train(const TrainConfig& config, const TrainCallbacks& callbacks);

}  // namespace arena::nn
