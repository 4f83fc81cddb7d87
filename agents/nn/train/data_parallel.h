// How one learner spreads over several processes (torch-free, for `arena train`'s flags and
// the trainer's config): data parallelism over LibTorch's c10d (process_group.h).
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"

namespace arena::nn {

// The ranks of one data-parallel run. Every rank runs the same training with its own self-play
// (seed + rank, its own shards) and its own batches of `batch_size` rows; each learner step is
// one step over all ranks' rows together (the gradients summed across ranks, BatchNorm's
// statistics taken over the whole batch), so every rank holds the same weights. Rank 0 serves
// the rendezvous store at `master`, writes the checkpoints and metrics.
struct DataParallelConfig {
  int nodes = 1;          // 1: one process, no group
  int rank = 0;           // in [0, nodes)
  std::string master;     // "host:port" of rank 0's store
  double timeout_s = 60;  // to wait for every rank at the start

  bool enabled() const { return nodes > 1; }
};

// "host:port" split, the port in [1, 65535]. Error "bad_config".
struct HostPort {
  std::string host;
  uint16_t port = 0;
};
Result<HostPort> parse_host_port(const std::string& text);

// Errors "bad_config": fewer than two nodes with a rank or master given, a rank outside
// [0, nodes), a master that is not host:port, a timeout that is not positive.
Status validate(const DataParallelConfig& config);

}  // namespace arena::nn
