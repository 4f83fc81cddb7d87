#include "agents/nn/network.h"

#include <algorithm>
#include <mutex>

namespace arena::nn {
namespace {

namespace tnn = torch::nn;

tnn::Conv2d conv(int in, int out, int kernel) {
  return tnn::Conv2d(tnn::Conv2dOptions(in, out, kernel).padding(kernel / 2).bias(false));
}

// Channels of the policy head's 1x1 conv: 2, as in AlphaZero, on a board; more on a small
// canvas, so that the linear layer sees at least 64 features (a 1x1 canvas of 2 channels
// would squeeze a game's whole policy through two numbers).
int policy_channels(const GameHead& head, int channels) {
  const int cells = std::max(1, head.height * head.width);
  return std::max(2, std::min(channels, 64 / cells));
}

// The trunk's normalisation: groups of up to 8 channels.
tnn::GroupNorm group_norm(int channels) {
  int groups = 8;
  while (channels % groups != 0) groups /= 2;
  return tnn::GroupNorm(tnn::GroupNormOptions(groups, channels));
}

// Sums its input over the ranks; its gradient is summed over the ranks too (each rank's loss
// depends on every rank's statistics).
struct SumOverRanksFunction : torch::autograd::Function<SumOverRanksFunction> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               const SumOverRanks* sum) {
    // The function outlives the pass: it is a member of the module whose forward this is.
    ctx->saved_data["sum"] = static_cast<int64_t>(reinterpret_cast<intptr_t>(sum));
    torch::Tensor y = x.detach().clone();
    (*sum)(y);
    return y;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto* sum =
        reinterpret_cast<const SumOverRanks*>(static_cast<intptr_t>(ctx->saved_data["sum"].toInt()));
    torch::Tensor g = grads[0].contiguous().clone();
    (*sum)(g);
    return {g, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor batch_norm_over_ranks(tnn::BatchNorm2dImpl& bn, const torch::Tensor& x,
                                    const SumOverRanks& sum) {
  if (!sum || !bn.is_training()) return bn.forward(x);
  const int64_t c = x.size(1);
  const double rows = static_cast<double>(x.numel() / std::max<int64_t>(1, c));
  const torch::Tensor xd = x.to(torch::kDouble);
  torch::Tensor stats =
      torch::cat({xd.sum({0, 2, 3}), (xd * xd).sum({0, 2, 3}), torch::full({1}, rows, xd.options())});
  stats = SumOverRanksFunction::apply(stats, &sum);
  const torch::Tensor count = stats.slice(0, 2 * c, 2 * c + 1);  // a tensor: no wait for the device
  const torch::Tensor mean = stats.slice(0, 0, c) / count;
  const torch::Tensor var = (stats.slice(0, c, 2 * c) / count - mean * mean).clamp_min(0);
  const torch::Tensor invstd = torch::rsqrt(var + bn.options.eps());
  const torch::Tensor scale = (invstd * bn.weight.to(torch::kDouble)).to(x.scalar_type());
  {
    torch::NoGradGuard no_grad;
    bn.num_batches_tracked += 1;
    const double momentum = bn.options.momentum().has_value() ? *bn.options.momentum()
                                                              : 1.0 / bn.num_batches_tracked.item<double>();
    const torch::Tensor unbiased = var * count / (count - 1).clamp_min(1);
    bn.running_mean.mul_(1 - momentum).add_(mean.to(bn.running_mean.scalar_type()), momentum);
    bn.running_var.mul_(1 - momentum).add_(unbiased.to(bn.running_var.scalar_type()), momentum);
  }
  const torch::Tensor centred = x - mean.to(x.scalar_type()).view({1, c, 1, 1});
  return centred * scale.view({1, c, 1, 1}) + bn.bias.view({1, c, 1, 1});
}

ResidualBlockImpl::ResidualBlockImpl(int channels)
    : conv1(register_module("conv1", conv(channels, channels, 3))),
      conv2(register_module("conv2", conv(channels, channels, 3))),
      norm1(register_module("norm1", group_norm(channels))),
      norm2(register_module("norm2", group_norm(channels))) {}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = torch::relu(norm1(conv1(x)));
  y = norm2(conv2(y));
  return torch::relu(y + x);
}

GameLayersImpl::GameLayersImpl(const GameHead& head, int channels) {
  const int pc = policy_channels(head, channels);
  stem_conv = register_module("stem_conv", conv(head.planes, channels, 3));
  stem_bn = register_module("stem_bn", tnn::BatchNorm2d(channels));
  policy_conv = register_module("policy_conv", conv(channels, pc, 1));
  policy_bn = register_module("policy_bn", tnn::BatchNorm2d(pc));
  policy_fc = register_module("policy_fc", tnn::Linear(pc * head.height * head.width, head.num_actions));
  value_fc1 = register_module("value_fc1", tnn::Linear(channels, channels));
  value_fc2 = register_module("value_fc2", tnn::Linear(channels, head.num_players));
}

torch::Tensor GameLayersImpl::stem(const torch::Tensor& x) {
  return torch::relu(batch_norm_over_ranks(*stem_bn, stem_conv(x), sum_over_ranks));
}

torch::Tensor GameLayersImpl::policy(const torch::Tensor& features) {
  torch::Tensor p = torch::relu(batch_norm_over_ranks(*policy_bn, policy_conv(features), sum_over_ranks));
  return policy_fc(p.flatten(1));
}

torch::Tensor GameLayersImpl::value(const torch::Tensor& features) {
  torch::Tensor v = features.mean({2, 3});
  v = torch::relu(value_fc1(v));
  return torch::tanh(value_fc2(v));
}

SharedNetImpl::SharedNetImpl(NetConfig config) : config_(std::move(config)) {
  blocks = register_module("trunk", tnn::ModuleList());
  for (int i = 0; i < config_.blocks; ++i) blocks->push_back(ResidualBlock(config_.channels));
  for (size_t i = 0; i < config_.games.size(); ++i) {
    // Named by index: a head's key holds characters that module names may not ('.').
    games.push_back(
        register_module("game" + std::to_string(i), GameLayers(config_.games[i], config_.channels)));
  }
}

torch::Tensor SharedNetImpl::trunk(const torch::Tensor& x) {
  torch::Tensor y = x;
  for (const std::shared_ptr<tnn::Module>& block : *blocks) y = block->as<ResidualBlockImpl>()->forward(y);
  return y;
}

NetOutput SharedNetImpl::forward(int head_index, const torch::Tensor& input) {
  assert(head_index >= 0 && head_index < static_cast<int>(games.size()));
  GameLayers& g = games[static_cast<size_t>(head_index)];
  const torch::Tensor features = trunk(g->stem(input));
  return NetOutput{g->policy(features), g->value(features)};
}

std::vector<torch::Tensor> SharedNetImpl::trunk_parameters() const { return blocks->parameters(); }

std::vector<torch::Tensor> SharedNetImpl::head_parameters() const {
  std::vector<torch::Tensor> out;
  for (const GameLayers& g : games) {
    std::vector<torch::Tensor> p = g->parameters();
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

void SharedNetImpl::sync_batch_norm(SumOverRanks sum) {
  for (GameLayers& g : games) g->sum_over_ranks = sum;
}

SharedNet make_shared_net(const NetConfig& config, uint64_t seed) {
  // torch::manual_seed sets a process-wide generator: two networks built at once on two
  // threads would interleave their draws.
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  torch::manual_seed(seed);
  return SharedNet(config);
}

Result<torch::Device> pick_device(const std::string& name) {
  if (name == "cpu") return torch::Device(torch::kCPU);
  const bool cuda = torch::cuda::is_available();
  if (name == "auto") return cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  if (name == "cuda" || name.starts_with("cuda:")) {
    if (!cuda) {
      return make_error("no_cuda",
                        "device \"" + name +
                            "\": this LibTorch has no CUDA device (a CPU build, or no GPU visible); "
                            "use \"cpu\" or \"auto\"");
    }
    int index = 0;
    if (name != "cuda") {
      const std::string digits = name.substr(5);
      if (digits.empty() || digits.size() > 3 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) {
        return make_error("bad_device", "device \"" + name + "\": expected cuda:<index>");
      }
      index = std::stoi(digits);
    }
    if (index >= static_cast<int>(torch::cuda::device_count())) {
      return make_error("bad_device", "device \"" + name + "\": only " +
                                          std::to_string(torch::cuda::device_count()) + " CUDA device(s)");
    }
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  return make_error("bad_device",
                    "unknown device \"" + name + "\": expected auto, cpu, cuda or cuda:<index>");
}

Status copy_weights(const SharedNet& from, SharedNet& to) {
  if (!(from->config() == to->config())) {
    return make_error("bad_config", "cannot copy weights between networks of different shapes");
  }
  torch::NoGradGuard no_grad;
  const auto src_params = from->named_parameters(/*recurse=*/true);
  auto dst_params = to->named_parameters(/*recurse=*/true);
  for (const auto& item : src_params) dst_params[item.key()].copy_(item.value());
  const auto src_buffers = from->named_buffers(/*recurse=*/true);
  auto dst_buffers = to->named_buffers(/*recurse=*/true);
  for (const auto& item : src_buffers) dst_buffers[item.key()].copy_(item.value());
  return ok_status();
}

}  // namespace arena::nn
