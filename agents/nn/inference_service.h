// InferenceService: the one place a process runs the shared network. Every search in the
// process (self-play actors, live matches, evaluation) hands it leaves through the Evaluator
// interface; it groups them by game head (never pads one board to another's size), runs one
// forward pass per group, and completes each caller with its own priors and values.
//
// Pipeline: a packer thread takes the largest waiting group and writes each leaf's
// observation straight into a pinned host buffer (State::observation_tensor into the
// buffer's row); a forward thread, the only thread that touches the module, copies the
// buffer to the device, runs the network and completes the requests. Two buffers, so one
// batch is packed while the other runs.
//
// When to pack: once the group holds min_batch leaves; short of that, while a pass runs,
// not before the forward thread is free again (the device is busy anyway: the group grows),
// and while it is idle, once the oldest leaf has waited max_wait_us (a short wait for the
// other searches' leaves; a lone live match pays at most that). Packing whatever had
// arrived the moment a pass began would leave the leaves that came just after to run alone
// next: small and large batches alternating, the device's time spent on the small ones.
//
// Torch-free header (pimpl): the command line, tests and searches include it without
// LibTorch. Thread-safety: every public member may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "agents/nn/net_spec.h"
#include "agents/search/evaluator.h"
#include "core/json.h"
#include "core/result.h"

namespace arena::nn {

struct ServiceOptions {
  std::string device = "auto";  // "auto" (CUDA when available), "cpu" or "cuda"
  int max_batch = 256;          // positions per forward pass (per group)
  // A batch is packed once it has min_batch leaves (0: half of max_batch on a GPU, 1 on the
  // CPU); with fewer, once the forward thread is idle and its oldest leaf has waited
  // max_wait_us (0: a quarter of the last pass's time).
  int min_batch = 0;
  double max_wait_us = 0;
  // Leaves a search should gather per evaluate() call (Evaluator::preferred_batch_size()).
  int search_batch = 8;
  bool half = true;  // CUDA only: run the forward pass in fp16
  // Test hook: called by the packer thread with each batch's head and its leaves' states,
  // before the batch runs. Must not call back into the service.
  std::function<void(int head, std::span<const State* const> states)> on_batch = nullptr;
  // Test hook: called by the forward thread with each batch's head and size, before its pass.
  std::function<void(int head, int rows)> on_forward = nullptr;
};

// Whether LibTorch sees a CUDA device (what the device "auto" picks).
bool cuda_available();

// Counters since start; histogram buckets are batch sizes 1, 2-3, 4-7, ... (powers of two).
struct ServiceStats {
  uint64_t positions = 0;  // rows of the network's input (a joint leaf gives one per acting seat)
  uint64_t batches = 0;
  std::vector<uint64_t> batch_histogram;
  double mean_batch = 0;
  double mean_queue_wait_us = 0;    // from a leaf's submission to the start of its forward pass
  double mean_forward_us = 0;       // per batch: host to device, forward, device to host
  double positions_per_second = 0;  // positions / seconds since start
  // Leaves answered with uniform priors and zero values instead (a game the network does
  // not know, or a request after shutdown()).
  uint64_t errors = 0;
  std::string last_error;  // what the last of them was
  Json to_json() const;
};

class InferenceService final : public Evaluator {
 public:
  // A network with fresh weights (seeded).
  static Result<std::shared_ptr<InferenceService>> create(const NetConfig& config,
                                                          const ServiceOptions& options, uint64_t seed);
  // A network from a checkpoint file (see checkpoint.h).
  static Result<std::shared_ptr<InferenceService>> load(const std::string& checkpoint_path,
                                                        const ServiceOptions& options);
  ~InferenceService() override;

  // Blocks until every request is answered. A simultaneous leaf that asks for joint priors
  // becomes one row of the batch per acting seat, seen through that seat's observation: its
  // groups' priors (a softmax over each group's policy slots) and its view of the values
  // (rotated to seats and averaged over the rows). A game the network has no head for, or a
  // service that was shut down, answers uniform priors and zero values and counts an error
  // in stats (the search goes on; the caller checks knows() first to report it).
  void evaluate(std::span<const EvalRequest> requests, std::span<Evaluation> out) override;
  int preferred_batch_size() const override;
  bool knows(const Game& game) const;

  const NetConfig& config() const;
  std::string device() const;  // "cpu" or "cuda:0"
  ServiceStats stats() const;
  // Completes every queued request (with uniform priors and zero values) and stops the
  // threads; later evaluate() calls answer the same way at once. Idempotent.
  void shutdown();

  struct Impl;
  // For agents/nn internals (the learner swaps weights in, benchmarks reach the module).
  Impl& impl() { return *impl_; }

 private:
  explicit InferenceService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace arena::nn
