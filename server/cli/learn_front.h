// The learner's side of distributed self-play (`arena train --listen`): what the REST
// routes of /api/learn call (net::LearnEndpoint), and what the trainer collects from
// (TrainCallbacks::collect). It publishes each checkpoint the run writes, checks every
// uploaded shard (its format version through read_shard, each trajectory against the run's
// games through check_trajectory, the checkpoint it was played with against the newest) and
// queues the accepted games for the next learner phase. Workers are named by tokens from a
// file of "<name> <token>" lines (blank lines and '#' comments allowed); only the tokens'
// SHA-256 is kept.
//
// Threading: thread-safe (one mutex; uploads are decoded and checked outside it).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agents/nn/train/trainer.h"
#include "agents/selfplay/trajectory.h"
#include "core/json.h"
#include "games/game.h"
#include "server/net/learn_endpoint.h"

namespace arena::cli {

struct LearnFrontOptions {
  std::string run;
  std::string incoming_dir;  // where uploads are read from (temporary files)
  int64_t max_lag_steps =
      200;  // a shard played with a checkpoint this many steps older than the newest: stale
  size_t max_queued_positions = 200'000;  // past it uploads are refused ("busy") until the learner catches up
};

class LearnFront final : public net::LearnEndpoint {
 public:
  // Errors: "bad_config" (a game the registry does not know), "io" (the tokens file cannot be read),
  // "bad_tokens" (a line that is not "<name> <token>", a name or token given twice, no tokens).
  static Result<std::unique_ptr<LearnFront>> create(const nn::TrainConfig& run,
                                                    const std::string& tokens_file,
                                                    LearnFrontOptions options);

  // A checkpoint the run has written: workers play it from now on.
  void publish(int64_t step, const std::string& path);
  // The accepted games waiting for the learner, waiting up to `wait_s` for some.
  std::vector<selfplay::Trajectory> collect(double wait_s);

  // net::LearnEndpoint
  std::optional<std::string> worker_of(std::string_view token) const override;
  Json describe() const override;
  Result<std::string> checkpoint(std::optional<int64_t> step, int64_t& served) const override;
  Result<Json> upload(const std::string& worker, int64_t step, const std::string& bytes) override;

  // Per worker: uploads accepted and refused, games and positions taken.
  struct WorkerCounts {
    uint64_t uploads = 0, refused = 0, games = 0, positions = 0;
  };
  std::map<std::string, WorkerCounts> counts() const;

 private:
  LearnFront(Json settings, std::map<std::string, std::shared_ptr<const Game>> games,
             std::map<std::string, std::string> workers, LearnFrontOptions options);

  // Why an upload played with `step` is refused before it is read, if it is.
  std::optional<Error> admission(int64_t step) const;

  const Json settings_;                                             // the run's self-play settings
  const std::map<std::string, std::shared_ptr<const Game>> games_;  // by canonical spec
  const std::map<std::string, std::string> workers_;                // token's SHA-256 -> worker
  const LearnFrontOptions options_;
  std::atomic<uint64_t> uploads_{0};  // for the temporary files' names

  mutable std::mutex mutex_;  // guards what follows
  std::condition_variable arrived_;
  std::map<int64_t, std::string> checkpoints_;  // published, by step (those still playable)
  std::deque<selfplay::Trajectory> queue_;
  size_t queued_positions_ = 0;
  std::map<std::string, WorkerCounts> counts_;
};

}  // namespace arena::cli
