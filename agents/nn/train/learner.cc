#include "agents/nn/train/learner.h"

#include <cstring>
#include <span>

#include "games/registry.h"

namespace arena::nn {

Learner::Learner(const NetConfig& config, torch::Device device, LearnerOptions options, uint64_t seed)
    : config_(config),
      device_(device),
      options_(options),
      rng_(seed ^ 0x5133e7),
      net_(make_shared_net(config, seed)) {
  for (const GameHead& head : config_.games) {
    Result<std::shared_ptr<const Game>> game = make_game(head.spec);
    games_.push_back(game.ok() ? *game : nullptr);
  }
  net_->to(device_);
  net_->train();
  make_optimizer();
}

void Learner::make_optimizer() {
  std::vector<torch::Tensor> params = net_->head_parameters();
  if (options_.freeze_trunk) {
    for (torch::Tensor& p : net_->trunk_parameters()) p.set_requires_grad(false);
  } else {
    for (const torch::Tensor& p : net_->trunk_parameters()) params.push_back(p);
  }
  // Two groups: the weights of convolutions and linear layers decay; norms' scales and
  // shifts and biases (the one-dimensional tensors) do not.
  std::vector<torch::Tensor> decayed, kept;
  for (const torch::Tensor& p : params) (p.dim() >= 2 ? decayed : kept).push_back(p);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(
      decayed, std::make_unique<torch::optim::AdamWOptions>(
                   torch::optim::AdamWOptions(options_.learning_rate).weight_decay(options_.weight_decay)));
  groups.emplace_back(kept, std::make_unique<torch::optim::AdamWOptions>(
                                torch::optim::AdamWOptions(options_.learning_rate).weight_decay(0)));
  optimizer_ = std::make_unique<torch::optim::AdamW>(
      std::move(groups),
      torch::optim::AdamWOptions(options_.learning_rate).weight_decay(options_.weight_decay));
}

void Learner::set_learning_rate(double rate) {
  for (torch::optim::OptimizerParamGroup& group : optimizer_->param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(rate);
  }
}

Status Learner::init_from(const std::string& path) {
  Result<LoadedNet> loaded = load_network(path, device_);
  if (!loaded.ok()) return loaded.error();
  const NetConfig& from = loaded->meta.net;
  if (from.blocks != config_.blocks || from.channels != config_.channels) {
    return make_error("bad_config", "checkpoint " + path + " has a trunk of " + std::to_string(from.blocks) +
                                        " blocks x " + std::to_string(from.channels) +
                                        " channels; this run has " + std::to_string(config_.blocks) + " x " +
                                        std::to_string(config_.channels));
  }
  torch::NoGradGuard no_grad;
  auto copy = [](torch::nn::Module& to, const torch::nn::Module& src) {
    const auto src_params = src.named_parameters();
    for (auto& p : to.named_parameters()) p.value().copy_(src_params[p.key()]);
    const auto src_buffers = src.named_buffers();
    for (auto& b : to.named_buffers()) b.value().copy_(src_buffers[b.key()]);
  };
  copy(*net_->blocks, *loaded->net->blocks);
  for (size_t i = 0; i < config_.games.size(); ++i) {
    const int j = from.index_of_key(config_.games[i].key);
    if (j >= 0) copy(*net_->games[i], *loaded->net->games[static_cast<size_t>(j)]);
  }
  return {};
}

Result<CheckpointMeta> Learner::resume(const std::string& path) {
  return load_checkpoint(path, net_, optimizer_.get());
}

std::map<int, HeadLoss> Learner::step(const std::vector<LearnerSample>& batch) {
  std::map<int, std::vector<const LearnerSample*>> by_head;
  for (const LearnerSample& s : batch) by_head[s.head].push_back(&s);
  net_->train();
  // A frozen trunk also keeps its BatchNorm statistics.
  if (options_.freeze_trunk) net_->blocks->eval();
  optimizer_->zero_grad();
  std::map<int, HeadLoss> losses;
  torch::Tensor total = torch::zeros({}, torch::TensorOptions().device(device_));
  // Each head's rows: this process's, or, distributed, every rank's (so that every rank runs
  // the same heads and weighs them alike).
  std::vector<int64_t> rows_of(config_.games.size(), 0);
  for (const auto& [head, rows] : by_head)
    rows_of[static_cast<size_t>(head)] = static_cast<int64_t>(rows.size());
  if (group_) {
    torch::Tensor counts = torch::tensor(rows_of, torch::kInt64).to(device_);
    group_->all_reduce(counts);
    counts = counts.cpu();
    for (size_t h = 0; h < rows_of.size(); ++h) rows_of[h] = counts[static_cast<int64_t>(h)].item<int64_t>();
  }
  int used = 0;
  last_global_rows_ = 0;
  for (const int64_t rows : rows_of) {
    used += rows >= 2 ? static_cast<int>(rows) : 0;
    last_global_rows_ += rows;
  }
  if (used == 0) return losses;
  // Distributed: per head, the sums over this rank's rows of the policy loss, the value loss,
  // the network policy's entropy and the target's, summed over the ranks with the gradients.
  std::vector<std::pair<int, torch::Tensor>> loss_sums;
  const std::vector<const LearnerSample*> no_rows;
  for (size_t head_index = 0; head_index < rows_of.size(); ++head_index) {
    if (rows_of[head_index] < 2) continue;
    const int head = static_cast<int>(head_index);
    const auto found = by_head.find(head);
    const std::vector<const LearnerSample*>& rows = found == by_head.end() ? no_rows : found->second;
    const GameHead& h = config_.games[head_index];
    const int64_t n = static_cast<int64_t>(rows.size());
    torch::Tensor input = torch::empty({n, h.planes, h.height, h.width});
    torch::Tensor policy_target = torch::zeros({n, h.num_actions});
    torch::Tensor legal_mask = torch::zeros({n, h.num_actions}, torch::kBool);
    torch::Tensor value_target = torch::empty({n, h.num_players});
    float* in = input.data_ptr<float>();
    float* pt = policy_target.data_ptr<float>();
    bool* lm = legal_mask.data_ptr<bool>();
    float* vt = value_target.data_ptr<float>();
    const size_t input_size = static_cast<size_t>(h.input_size());
    const Game* game = games_[head_index].get();
    const int symmetries = options_.symmetries && game != nullptr ? game->num_symmetries() : 1;
    for (int64_t r = 0; r < n; ++r) {
      const LearnerSample& s = *rows[static_cast<size_t>(r)];
      const int sym = symmetries > 1 ? static_cast<int>(rng_.uniform(static_cast<uint64_t>(symmetries))) : 0;
      if (sym == 0) {
        std::memcpy(in + r * input_size, s.observation->data(), input_size * sizeof(float));
      } else {
        game->symmetric_observation(sym, *s.observation, std::span<float>(in + r * input_size, input_size));
      }
      for (size_t k = 0; k < s.legal->size(); ++k) {
        // Policy-head indices (the actor records policy slots); a sample written for another
        // head width must never write past this one.
        const Action a = sym == 0 ? (*s.legal)[k] : game->symmetric_policy_slot(sym, (*s.legal)[k]);
        if (a < 0 || a >= h.num_actions) continue;
        pt[r * h.num_actions + a] = (*s.policy)[k];
        lm[r * h.num_actions + a] = true;
      }
      for (int k = 0; k < h.num_players; ++k)
        vt[r * h.num_players + k] = (*s.values)[(s.player + k) % h.num_players];
    }
    input = input.to(device_);
    policy_target = policy_target.to(device_);
    legal_mask = legal_mask.to(device_);
    value_target = value_target.to(device_);

    NetOutput out = net_->forward(head, input);
    // Illegal actions are masked at the logits; a large negative (not -inf) keeps 0 * log p finite.
    const torch::Tensor logits = out.policy_logits.masked_fill(legal_mask.logical_not(), -1e9);
    const torch::Tensor log_p = torch::log_softmax(logits, 1);
    if (group_) {
      // The combined batch's loss, (policy mean + value mean) x rows / used, is the sum over
      // every rank's rows / used: this rank adds its rows' part, and the ranks' gradients sum.
      const torch::Tensor policy_rows = -(policy_target * log_p).sum(1);
      const torch::Tensor value_rows = (out.values - value_target).pow(2).mean(1);
      total = total + (policy_rows.sum() + value_rows.sum()) * (1.0 / used);
      torch::NoGradGuard no_grad;
      const torch::Tensor p = log_p.exp();
      loss_sums.emplace_back(head, torch::stack({policy_rows.sum(), value_rows.sum(), -(p * log_p).sum(),
                                                 -torch::xlogy(policy_target, policy_target).sum()}));
      continue;
    }
    const torch::Tensor policy_loss = -(policy_target * log_p).sum(1).mean();
    const torch::Tensor value_loss = (out.values - value_target).pow(2).mean();
    total = total + (policy_loss + value_loss) * (static_cast<double>(n) / used);
    HeadLoss& loss = losses[head];
    loss.policy = policy_loss.item<double>();
    loss.value = value_loss.item<double>();
    loss.samples = static_cast<int>(n);
    {
      torch::NoGradGuard no_grad;
      // Illegal actions have probability exp(-1e9) = 0: they add nothing to either sum.
      const torch::Tensor p = log_p.exp();
      loss.entropy = -(p * log_p).sum(1).mean().item<double>();
      const double target_entropy = -torch::xlogy(policy_target, policy_target).sum(1).mean().item<double>();
      loss.kl = loss.policy - target_entropy;
    }
  }
  total.backward();
  if (group_) {
    // One bucket: every gradient (the same parameters have one on every rank: the heads that
    // ran are the same), then the loss sums; summed over the ranks, written back.
    std::vector<torch::Tensor> grads, flat;
    for (torch::optim::OptimizerParamGroup& g : optimizer_->param_groups()) {
      for (torch::Tensor& p : g.params()) {
        if (!p.grad().defined()) continue;
        grads.push_back(p.grad());
        flat.push_back(p.grad().reshape({-1}));
      }
    }
    for (const auto& [head, sums] : loss_sums) flat.push_back(sums.to(torch::kFloat));
    torch::Tensor bucket = torch::cat(flat);
    group_->all_reduce(bucket);
    int64_t offset = 0;
    torch::NoGradGuard no_grad;
    for (torch::Tensor& g : grads) {
      g.copy_(bucket.slice(0, offset, offset + g.numel()).view_as(g));
      offset += g.numel();
    }
    const torch::Tensor sums = bucket.slice(0, offset).to(torch::kDouble).cpu();
    for (size_t i = 0; i < loss_sums.size(); ++i) {
      const int head = loss_sums[i].first;
      const double rows = static_cast<double>(rows_of[static_cast<size_t>(head)]);
      const int64_t at = static_cast<int64_t>(4 * i);
      HeadLoss& loss = losses[head];
      loss.policy = sums[at].item<double>() / rows;
      loss.value = sums[at + 1].item<double>() / rows;
      loss.entropy = sums[at + 2].item<double>() / rows;
      loss.kl = loss.policy - sums[at + 3].item<double>() / rows;
      loss.samples = static_cast<int>(rows);
    }
  }
  optimizer_->step();
  return losses;
}

namespace {

// The optimizer's state map is keyed by a tensor's address as a string in LibTorch 1.13,
// by the address itself in 2.x.
template <class Map>
typename Map::key_type state_key(const Map&, const torch::Tensor& p) {
  if constexpr (std::is_same_v<typename Map::key_type, std::string>) {
    return c10::guts::to_string(p.unsafeGetTensorImpl());
  } else {
    return static_cast<typename Map::key_type>(p.unsafeGetTensorImpl());
  }
}

}  // namespace

void Learner::distribute(std::shared_ptr<LearnerGroup> group) {
  group_ = std::move(group);
  LearnerGroup* g = group_.get();
  net_->sync_batch_norm([g](torch::Tensor& t) { g->all_reduce(t); });
  torch::NoGradGuard no_grad;
  for (torch::Tensor& p : net_->parameters()) g->broadcast(p);
  for (torch::Tensor& b : net_->buffers()) g->broadcast(b);
  // AdamW's state (a resumed run's), parameter by parameter: which have one, their steps, moments.
  auto& state = optimizer_->state();
  std::vector<torch::Tensor> params;
  for (torch::optim::OptimizerParamGroup& group_params : optimizer_->param_groups()) {
    for (torch::Tensor& p : group_params.params()) params.push_back(p);
  }
  const int64_t n = static_cast<int64_t>(params.size());
  torch::Tensor steps = torch::full({n}, -1, torch::kInt64);
  for (int64_t i = 0; i < n; ++i) {
    auto it = state.find(state_key(state, params[static_cast<size_t>(i)]));
    if (it != state.end()) steps[i] = static_cast<torch::optim::AdamWParamState&>(*it->second).step();
  }
  steps = steps.to(device_);
  g->broadcast(steps);
  steps = steps.cpu();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t step = steps[i].item<int64_t>();
    torch::Tensor& p = params[static_cast<size_t>(i)];
    const auto key = state_key(state, p);
    if (step < 0) {
      state.erase(key);
      continue;
    }
    auto it = state.find(key);
    if (it == state.end()) {
      auto fresh = std::make_unique<torch::optim::AdamWParamState>();
      fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
      fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
      it = state.emplace(key, std::move(fresh)).first;
    }
    auto& s = static_cast<torch::optim::AdamWParamState&>(*it->second);
    s.step(step);
    torch::Tensor avg = s.exp_avg(), avg_sq = s.exp_avg_sq();
    g->broadcast(avg);
    g->broadcast(avg_sq);  // (no amsgrad: make_optimizer never asks for its third moment)
  }
}

uint64_t Learner::weights_digest() {
  uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a
  auto add = [&hash](const torch::Tensor& t) {
    const torch::Tensor c = t.detach().cpu().contiguous();
    const auto* bytes = static_cast<const unsigned char*>(c.data_ptr());
    for (size_t i = 0; i < c.nbytes(); ++i) hash = (hash ^ bytes[i]) * 0x100000001b3ULL;
  };
  for (const torch::Tensor& p : net_->parameters()) add(p);
  for (const torch::Tensor& b : net_->buffers()) add(b);
  return hash;
}

Status Learner::save(const std::string& path, const CheckpointMeta& meta) {
  return save_checkpoint(path, meta, net_, optimizer_.get());
}

}  // namespace arena::nn
