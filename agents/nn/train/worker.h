// A self-play worker (`arena selfplay --server`): plays a remote run's self-play games with
// the run's current checkpoint on this machine's own inference service, for the learner to
// train on (KataGo's and Leela Zero's contributors). What it plays (games, search, noise,
// temperature) is the run's: the learner publishes its settings (selfplay_settings) and the
// worker plays from them (read_selfplay_settings), so its games are the learner's own kind.
// Torch-free for its callers.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agents/nn/inference_service.h"
#include "agents/nn/train/trainer.h"
#include "agents/selfplay/actor.h"
#include "core/json.h"
#include "core/result.h"

namespace arena::nn {

// The self-play part of a run's config as JSON (games, their mix and reuse, self-play
// weights, search, noise, temperature), and back into a TrainConfig whose other fields keep
// their defaults. Errors: "bad_settings" (a missing or mistyped field, a game this build does
// not know).
Json selfplay_settings(const TrainConfig& config);
Result<TrainConfig> read_selfplay_settings(const Json& settings);

class SelfPlayWorker {
 public:
  // `settings`: the run's (read_selfplay_settings) with this worker's actors, device,
  // packing and seed set. Errors: "bad_config".
  static Result<std::unique_ptr<SelfPlayWorker>> create(const TrainConfig& settings);
  ~SelfPlayWorker();

  // The network of the games played from now on. Errors: those of InferenceService::load,
  // "bad_checkpoint" (a checkpoint without a head for one of the run's games).
  Status load(const std::string& checkpoint_path);
  // Plays `n` games (all in flight at once over the actors), balanced between the run's games
  // as its learner would. Errors: "no_checkpoint" (before load), those of play_batch,
  // "inference_error" (a forward pass failed: those games are not training data).
  Result<std::vector<selfplay::Trajectory>> play(int n);

  ServiceStats service_stats() const;
  selfplay::ActorStats actor_stats() const;

 private:
  explicit SelfPlayWorker(TrainConfig settings);

  const TrainConfig settings_;
  std::unique_ptr<selfplay::SelfPlayActors> actors_;
  mutable std::mutex mutex_;  // guards service_ (the actors' factory reads it)
  std::shared_ptr<InferenceService> service_;
};

}  // namespace arena::nn
