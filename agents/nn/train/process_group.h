// The ranks of a data-parallel learner, over LibTorch's c10d: a TCPStore served by rank 0
// for the rendezvous, then Gloo (CPU tensors) or, in a build against a CUDA LibTorch with
// NCCL, NCCL for CUDA devices. Internal to agents/nn (LibTorch).
//
// Collectives must be called by every rank in the same order with tensors of the same shape
// and type (c10d's contract); a rank that is gone makes them throw (c10::Error) after the
// backend's timeout. Not thread-safe: one thread (the trainer's) calls it, autograd's
// backward included.
#pragma once

#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <string>

#include "agents/nn/train/data_parallel.h"
#include "core/result.h"

namespace arena::nn {

class LearnerGroup {
 public:
  enum class Op { sum, max, min };

  // Joins the group described by `config` (config.enabled()): rank 0 listens at the master's
  // port, every rank connects, checks that all agree on the number of nodes and that no rank
  // joined twice, and waits for all of them, up to config.timeout_s. Collectives then time out
  // after `collective_timeout` (a rank's checkpoint evaluation or a long self-play phase holds
  // the others at the next collective meanwhile). Tensors on `device`: CPU tensors use Gloo;
  // CUDA tensors use NCCL where this LibTorch has it (ARENA_HAVE_NCCL), else an error.
  // Errors: "bad_config" (validate), "rendezvous" (no master within the timeout, a port taken,
  // ranks that disagree, ranks missing), "bad_device" (CUDA without NCCL).
  static Result<std::shared_ptr<LearnerGroup>> join(
      const DataParallelConfig& config, torch::Device device,
      std::chrono::milliseconds collective_timeout = std::chrono::minutes(30));

  virtual ~LearnerGroup() = default;
  int rank() const { return rank_; }
  int size() const { return size_; }

  // In place, over every rank: `t` must be contiguous and on the group's device.
  virtual void all_reduce(torch::Tensor& t, Op op = Op::sum) = 0;
  virtual void broadcast(torch::Tensor& t, int root = 0) = 0;

  // Whether `flag` holds on any rank (one collective).
  bool any(bool flag);
  // The sum, maximum or minimum of one number over the ranks (one collective; exact for
  // integers up to 2^53).
  double reduce(double value, Op op);

 protected:
  LearnerGroup(int rank, int size, torch::Device device) : rank_(rank), size_(size), device_(device) {}
  int rank_;
  int size_;
  torch::Device device_;
};

}  // namespace arena::nn
