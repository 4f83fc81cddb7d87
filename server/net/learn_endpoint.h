// The learner behind /api/learn, as the REST API sees it: a training run that self-play
// workers on other machines feed (`arena train --listen`; workers are `arena selfplay
// --server`). The routes check what the transport can (the bearer token names a worker,
// uploads per token are rate-limited, bodies have a limit of their own); the learner checks
// the data (the shard's format version, its games, the checkpoint it was played with). The
// routes know no game and no network: JSON and bytes pass through.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"
#include "core/result.h"

namespace arena::net {

class LearnEndpoint {
 public:
  virtual ~LearnEndpoint() = default;
  // The worker a bearer token belongs to, if one does.
  virtual std::optional<std::string> worker_of(std::string_view token) const = 0;
  // GET /api/learn: the run as workers need it: its name, the current checkpoint's step and
  // the self-play settings to play with.
  virtual Json describe() const = 0;
  // GET /api/learn/checkpoint: a checkpoint file's bytes, of `step` or (nullopt) the
  // current one; `served` is the step sent. Errors: "not_found" (no such checkpoint, or one
  // too old to be played any more).
  virtual Result<std::string> checkpoint(std::optional<int64_t> step, int64_t& served) const = 0;
  // POST /api/learn/shards: a shard file a worker played with the checkpoint of `step`.
  // Returns what was taken (games, positions) and the current step. Errors: "stale"
  // (played with a checkpoint too old), "not_found" (a step never published), "busy" (the
  // learner's queue is full: retry later), the shard's own ("bad_magic", "bad_version",
  // "truncated", "corrupt") and the trajectory checks' ("wrong_game", "bad_trajectory").
  virtual Result<Json> upload(const std::string& worker, int64_t step, const std::string& bytes) = 0;
};

// How the server offers a learner (ServerConfig::learn).
struct LearnRoutes {
  LearnEndpoint* endpoint = nullptr;    // null: /api/learn answers 404
  double uploads_per_minute = 60;       // per worker token, with bursts of as many
  size_t upload_body_limit = 64 << 20;  // bytes of one POST /api/learn/shards
};

}  // namespace arena::net
