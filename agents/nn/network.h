// The shared network as a LibTorch module, and what only agents/nn needs of it: the device
// choice, checkpoint files with weights and optimizer state, and the inference service's
// internals (weights swapped in by the learner). Internal header: include it only from
// agents/nn/ and its tests (it pulls in torch/torch.h); everything else uses net_spec.h,
// checkpoint.h and inference_service.h.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agents/nn/checkpoint.h"
#include "agents/nn/inference_service.h"
#include "agents/nn/net_spec.h"
#include "core/result.h"

namespace arena::nn {

// Sums a tensor over the ranks of a data-parallel learner, in place (train/process_group.h);
// every rank calls it at the same point of the same forward and backward pass.
using SumOverRanks = std::function<void(torch::Tensor&)>;

// A BatchNorm2d forward that, in training mode with `sum` set, normalises by the statistics
// of the batch of every rank together (PyTorch's SyncBatchNorm): each channel's sum, sum of
// squares and count are summed over the ranks (in double), and so, in the backward pass, are
// their gradients; the running statistics move by the same global mean and unbiased variance
// on every rank. Otherwise (eval mode, or no `sum`) it is `bn(x)` itself. A rank may hold no
// rows (an empty batch) as long as the ranks together hold at least two.
torch::Tensor batch_norm_over_ranks(torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x,
                                    const SumOverRanks& sum);

// One residual block of the trunk: conv3x3-norm-ReLU-conv3x3-norm, plus the input, then
// ReLU. The norm is GroupNorm, not BatchNorm: every game's batches run through the trunk,
// and BatchNorm's running statistics would average a 19x19 board's activations with a
// 1x1 canvas's, so that at inference no game would be normalised by its own statistics
// (measured: 5x5 Go trained beside Kuhn poker and the 24 game played worse with it).
// Stems and heads are per game and keep BatchNorm.
struct ResidualBlockImpl : torch::nn::Module {
  explicit ResidualBlockImpl(int channels);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
};
TORCH_MODULE(ResidualBlock);

// One game's own layers: the stem onto the common canvas, the policy head and the value head.
struct GameLayersImpl : torch::nn::Module {
  GameLayersImpl(const GameHead& head, int channels);
  // Stem: [N, planes, H, W] -> [N, channels, H, W].
  torch::Tensor stem(const torch::Tensor& x);
  // Policy head: trunk features -> raw logits [N, num_actions].
  torch::Tensor policy(const torch::Tensor& features);
  // Value head: trunk features -> values [N, num_players] in [-1, 1].
  torch::Tensor value(const torch::Tensor& features);

  torch::nn::Conv2d stem_conv{nullptr};
  torch::nn::BatchNorm2d stem_bn{nullptr};
  torch::nn::Conv2d policy_conv{nullptr};
  torch::nn::BatchNorm2d policy_bn{nullptr};
  torch::nn::Linear policy_fc{nullptr};
  torch::nn::Linear value_fc1{nullptr}, value_fc2{nullptr};
  // Set in a data-parallel learner: the BatchNorms' statistics are the whole batch's.
  SumOverRanks sum_over_ranks;
};
TORCH_MODULE(GameLayers);

// What one forward pass gives.
struct NetOutput {
  torch::Tensor policy_logits;  // [N, num_actions], raw (the caller masks and normalises)
  // [N, num_players], in [-1, 1], from the observer's side: column k is seat
  // (observer + k) mod num_players (the service and the learner rotate to and from seats).
  torch::Tensor values;
};

// The shared network: per game a stem (3x3 conv planes -> channels, BN, ReLU) onto a common
// canvas, one fully convolutional residual trunk for every game and board size, and per game
// a policy head (1x1 conv, BN, ReLU, linear to the action space) and a value head (global
// average pool of the trunk, linear, ReLU, linear to one value per seat, tanh).
// Not thread-safe: one thread at a time (the inference service's forward thread owns its module).
struct SharedNetImpl : torch::nn::Module {
  explicit SharedNetImpl(NetConfig config);

  // input [N, planes, H, W] of head `head_index` (an index into config().games).
  NetOutput forward(int head_index, const torch::Tensor& input);
  torch::Tensor trunk(const torch::Tensor& x);

  const NetConfig& config() const { return config_; }
  // The trunk's parameters (frozen in transfer runs), and every stem's and head's.
  std::vector<torch::Tensor> trunk_parameters() const;
  std::vector<torch::Tensor> head_parameters() const;
  // Data parallelism: every stem's and head's BatchNorm takes its training statistics over
  // the ranks through `sum` (batch_norm_over_ranks); an empty function, as at the start,
  // keeps them this process's own.
  void sync_batch_norm(SumOverRanks sum);

  torch::nn::ModuleList blocks{nullptr};
  std::vector<GameLayers> games;

 private:
  NetConfig config_;
};
TORCH_MODULE(SharedNet);

// A network with fresh weights, the same for the same seed (torch::manual_seed under a lock).
SharedNet make_shared_net(const NetConfig& config, uint64_t seed);

// "auto" (CUDA when available), "cpu", "cuda" or "cuda:N". Errors: "bad_device" (unknown
// name), "no_cuda" (CUDA asked for where LibTorch has none).
Result<torch::Device> pick_device(const std::string& name);

// Copies every parameter and buffer of `from` into `to` (any devices and float types).
// Error "bad_config" when their configs differ.
Status copy_weights(const SharedNet& from, SharedNet& to);

// Writes `meta`, `net`'s parameters and buffers and, where `optimizer` is not null, its state
// to `path` (through a temporary file, renamed into place; parent folders are created).
// meta.net must equal net's config ("bad_config"); io failures are "io".
Status save_checkpoint(const std::string& path, const CheckpointMeta& meta, SharedNet& net,
                       torch::optim::Optimizer* optimizer = nullptr);

// Loads the weights of the checkpoint at `path` into `net` (and the optimizer's state into
// `optimizer` when it is not null and the file has one). Checks the file's games against the
// registry (check_against_registry) and its NetConfig against `net`'s. Errors: "io",
// "bad_checkpoint", "shape_mismatch", "bad_config". `net` is unchanged on error.
Result<CheckpointMeta> load_checkpoint(const std::string& path, SharedNet& net,
                                       torch::optim::Optimizer* optimizer = nullptr);

// A network built from the checkpoint at `path`, on `device`, in eval mode.
struct LoadedNet {
  CheckpointMeta meta;
  SharedNet net{nullptr};
};
Result<LoadedNet> load_network(const std::string& path, torch::Device device = torch::kCPU);

// The service's internals, for agents/nn (the learner swaps weights in, benchmarks reach the
// module and the device).
class ServiceInternals {
 public:
  explicit ServiceInternals(InferenceService& service) : impl_(service.impl()) {}
  // Copies `from`'s parameters and buffers into the service's module, between two batches
  // (under the module lock). Error "bad_config" when the configs differ.
  Status set_weights(const SharedNet& from);
  torch::Device device() const;
  // Runs `fn(net)` with the module lock held (no forward pass runs meanwhile).
  void with_module(const std::function<void(SharedNet&)>& fn);

 private:
  InferenceService::Impl& impl_;
};

}  // namespace arena::nn
