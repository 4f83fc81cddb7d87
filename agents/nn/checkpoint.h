// Checkpoints of the shared network, as the rest of the project sees them (torch-free).
// A checkpoint file holds the weights, the optimizer's state and this metadata; it records
// the games it knows with their shapes and refuses to load where those games now have other
// shapes (a changed rule module) with an Error naming the game and both shapes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agents/nn/net_spec.h"
#include "core/json.h"
#include "core/result.h"

namespace arena::nn {

struct CheckpointMeta {
  NetConfig net;
  std::string run;                 // the training run's name ("" for an untrained network)
  int64_t step = 0;                // learner steps taken
  std::vector<std::string> games;  // the specs the run trains on
  std::string init_from;           // the checkpoint the run started from, if any
  bool frozen_trunk = false;       // the run trained stems and heads only
  Json to_json() const;
  static Result<CheckpointMeta> from_json(const Json& json);
  // The player this checkpoint is in the database: "nn:<run>@<step>".
  std::string player_name() const;
};

// Reads only the metadata (no weights). Errors: "io" (missing, unreadable), "bad_checkpoint".
Result<CheckpointMeta> read_checkpoint_meta(const std::string& path);
// Checks that every game of `meta` still has the shape it records in this registry.
Status check_against_registry(const CheckpointMeta& meta);

// Checks that a transfer run's starting checkpoint never trained on any of `games` (it has
// no head of the same key): a held-out result must be held out. Errors: "not_held_out",
// naming the game; "bad_config" for a game that is not registered.
Status check_held_out(const CheckpointMeta& start, const std::vector<std::string>& games);

// Where a run keeps its checkpoints: "<run_dir>/checkpoints/step-<step, 8 digits>.pt".
std::string checkpoint_path(const std::string& run_dir, int64_t step);

// Writes the checkpoint `from` into a models folder (laid out as a runs folder:
// <models_dir>/<run>/checkpoints/step-<step>.pt) for the repository to ship: its weights in
// half precision and without the optimizer's state (about a sixth of the training file),
// read back as single precision by every loader. Returns the path written. Errors: those of
// loading and saving a checkpoint.
Result<std::string> ship_checkpoint(const std::string& from, const std::string& models_dir);

}  // namespace arena::nn
