// The self-play benchmark behind `arena bench selfplay`: actors searching with a fresh
// network through the inference service for a while, in simulations per second and the
// service's mean batch, beside the plain forward rate at that batch size measured in the same
// process (the share of the device's rate that self-play keeps busy). Torch-free header.
#pragma once

#include <cstdint>
#include <string>

#include "core/json.h"
#include "core/result.h"

namespace arena::nn {

struct SelfPlayBenchConfig {
  std::string game = "go(size=9)";
  int blocks = 10;
  int channels = 128;
  std::string device = "auto";
  int actors = 64;       // concurrent games
  int simulations = 64;  // per move
  int search_batch = 8;  // leaves per search pass
  int min_batch = 0;     // ServiceOptions::min_batch (0: automatic; 1: pack whatever waits)
  double max_wait_us = 0;
  double seconds = 10;
  uint64_t seed = 1;
};

struct SelfPlayBenchResult {
  std::string device;
  double seconds = 0;
  uint64_t games = 0;            // finished in the window
  double simulations_per_s = 0;  // leaves evaluated by the service per second
  double positions_per_s = 0;    // leaves through the service
  double mean_batch = 0;
  double raw_positions_per_s = 0;  // plain forward passes at the mean batch size
  double ratio = 0;                // positions_per_s / raw_positions_per_s
  Json to_json() const;
};

Result<SelfPlayBenchResult> bench_selfplay(const SelfPlayBenchConfig& config);

}  // namespace arena::nn
