// The inference benchmark behind `arena bench inference`: positions per second of plain
// forward passes against the inference service fed by many searching threads, at several
// batch sizes, in the same process (so the ratio says what the service's queueing costs).
// Torch-free header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/result.h"

namespace arena::nn {

struct InferenceBenchConfig {
  std::string game = "go(size=19)";
  int blocks = 10;
  int channels = 128;
  std::string device = "auto";  // as ServiceOptions::device
  std::vector<int> batch_sizes{1, 8, 64, 256, 1024};
  double seconds = 2.0;  // timed seconds per point and per side (raw, service)
  bool half = true;      // CUDA only: fp16
  int search_batch = 8;  // leaves per evaluate() call of each feeding thread
  uint64_t seed = 1;
};

// One batch size's figures.
struct InferenceBenchRow {
  int batch = 0;
  double raw_positions_per_s = 0;      // back-to-back forward passes of a ready input, synchronised
  double service_positions_per_s = 0;  // evaluate() from batch/search_batch x 2 threads on real positions
  double ratio = 0;                    // service / raw
  double service_mean_batch = 0;       // the batches the service actually formed
  Json to_json() const;
};

// Errors: "bad_spec" (the game), "bad_options" (no batch sizes, a size below 1, seconds <= 0),
// "bad_device"/"no_cuda" (the device).
Result<std::vector<InferenceBenchRow>> bench_inference(const InferenceBenchConfig& config);

}  // namespace arena::nn
