// The inference service's packing options (ServiceOptions::min_batch and max_wait_us), for
// the commands that run self-play through it: arena train and arena bench selfplay.
#pragma once

#include "core/args.h"

namespace arena::cli {

template <typename Config>
Options& packing_options(Options& options, Config& config) {
  return options
      .integer("min-batch", &config.min_batch,
               "the inference service packs a batch once this many leaves wait (1: at once); 0: half the "
               "largest batch on a GPU, 1 on the CPU",
               0)
      .number("max-wait-us", &config.max_wait_us,
              "with fewer, once the device is idle and the first has waited this long; 0: a quarter of "
              "the last forward pass",
              0);
}

}  // namespace arena::cli
