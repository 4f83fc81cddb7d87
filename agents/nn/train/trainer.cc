#include "agents/nn/train/trainer.h"

#include <chrono>
#include <cmath>
#include <filesystem>

#include "agents/nn/network.h"
#include "agents/nn/train/learner.h"
#include "agents/selfplay/actor.h"
#include "agents/selfplay/replay_buffer.h"
#include "agents/selfplay/shard.h"
#include "core/rng.h"
#include "games/registry.h"

namespace arena::nn {

namespace {

using Clock = std::chrono::steady_clock;

Status validate(const TrainConfig& c) {
  if (c.games.empty()) return make_error("bad_config", "no games to train on");
  if (!c.weights.empty() && c.weights.size() != c.games.size()) {
    return make_error("bad_config", "one weight per game");
  }
  for (double w : c.weights) {
    if (!(w >= 0)) return make_error("bad_config", "weights must not be negative");
  }
  if (c.steps <= 0 && c.minutes <= 0) return make_error("bad_config", "give a step budget or a time budget");
  if (c.out_dir.empty()) return make_error("bad_config", "no output folder");
  if (c.actors < 1 || c.simulations < 1 || c.batch_size < 2 || c.checkpoint_every < 1 || c.search_batch < 1) {
    return make_error(
        "bad_config",
        "actors, simulations, search batch and checkpoint interval must be positive, the batch at least 2");
  }
  if (c.steps_per_phase < 0 || c.games_per_phase < 0)
    return make_error("bad_config", "steps and games per phase must not be negative");
  if (c.freeze_trunk && c.init_from.empty())
    return make_error("bad_config", "a frozen trunk needs init_from");
  return {};
}

// Exponential means of the recent losses, per head.
struct LossMeans {
  std::map<int, std::pair<double, double>> means;
  void add(const std::map<int, HeadLoss>& losses) {
    for (const auto& [head, l] : losses) {
      auto [it, fresh] = means.try_emplace(head, l.policy, l.value);
      if (!fresh) {
        it->second.first = 0.9 * it->second.first + 0.1 * l.policy;
        it->second.second = 0.9 * it->second.second + 0.1 * l.value;
      }
    }
  }
};

}  // namespace

Result<TrainSummary> train(const TrainConfig& config, const TrainCallbacks& callbacks) {
  if (Status s = validate(config); !s.ok()) return s.error();
  Result<NetConfig> net_config = net_config_for(config.games, config.blocks, config.channels);
  if (!net_config.ok()) return make_error("bad_config", net_config.error().message);
  Result<torch::Device> device = pick_device(config.device);
  if (!device.ok()) return device.error();
  const std::string run = config.run.empty()
                              ? std::filesystem::path(config.out_dir).lexically_normal().filename().string()
                              : config.run;

  // The learner's network, and the service's copy that self-play searches with.
  Learner learner(*net_config, *device, {config.learning_rate, config.weight_decay, config.freeze_trunk},
                  config.seed);
  if (!config.init_from.empty()) {
    if (Status s = learner.init_from(config.init_from); !s.ok()) return s.error();
  }
  ServiceOptions service_options;
  service_options.device = config.device;
  service_options.search_batch = config.search_batch;
  service_options.max_batch = std::max(8, config.actors * config.search_batch);
  Result<std::shared_ptr<InferenceService>> service =
      InferenceService::create(*net_config, service_options, config.seed);
  if (!service.ok()) return service.error();
  ServiceInternals internals(**service);
  if (Status s = internals.set_weights(learner.net()); !s.ok()) return s.error();

  // Self-play, shards, replay. Positions are grouped by head, so every spec of one shape
  // (every 24-game puzzle) shares a window.
  std::map<std::string, std::string> key_of_spec;
  std::map<std::string, int> head_of_key;
  std::map<std::string, double> weight_of_key;
  selfplay::SelfPlayConfig sp;
  for (size_t i = 0; i < config.games.size(); ++i) {
    Result<std::shared_ptr<const Game>> game = make_game(config.games[i]);
    if (!game.ok()) return make_error("bad_config", game.error().message);
    const std::string key = head_key(**game);
    const double weight = config.weights.empty() ? 1.0 : config.weights[i];
    key_of_spec[(*game)->spec()] = key;
    head_of_key[key] = net_config->index_of_key(key);
    weight_of_key[key] += weight;
    sp.games.push_back({(*game)->spec(), weight});
  }
  sp.search.simulations = config.simulations;
  sp.search.c_puct = config.c_puct;
  sp.search.batch_size = config.search_batch;
  sp.dirichlet_alpha = config.dirichlet_alpha;
  sp.temperature_moves = config.temperature_moves;
  sp.threads = config.actors;
  sp.seed = config.seed;
  std::shared_ptr<Evaluator> evaluator = *service;
  Result<std::unique_ptr<selfplay::SelfPlayActors>> actors =
      selfplay::SelfPlayActors::create(sp, [evaluator](int, uint64_t) { return evaluator; });
  if (!actors.ok()) return make_error("bad_config", actors.error().message);
  selfplay::ShardWriterOptions shard_options;
  shard_options.dir = config.out_dir + "/shards";
  Result<std::unique_ptr<selfplay::ShardWriter>> shards = selfplay::ShardWriter::open(shard_options);
  if (!shards.ok()) return shards.error();
  selfplay::ReplayBufferOptions replay_options;
  replay_options.capacity_per_group = config.replay_capacity;
  replay_options.group_key = [key_of_spec](const selfplay::Trajectory& t) { return key_of_spec.at(t.game); };
  selfplay::ReplayBuffer replay(replay_options);

  TrainSummary summary;
  TrainProgress progress;
  LossMeans loss_means;
  const Clock::time_point start = Clock::now();
  Clock::time_point last_print = start;
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  auto out_of_time = [&] { return config.minutes > 0 && elapsed() >= config.minutes * 60; };
  auto done = [&] { return (config.steps > 0 && progress.step >= config.steps) || out_of_time(); };
  auto report = [&] {
    progress.elapsed_s = elapsed();
    progress.games_per_s = progress.games / std::max(progress.elapsed_s, 1e-9);
    progress.positions_per_s = progress.positions / std::max(progress.elapsed_s, 1e-9);
    progress.mean_batch = (*service)->stats().mean_batch;
    progress.losses.clear();
    for (const auto& [head, means] : loss_means.means) {
      progress.losses[net_config->games[static_cast<size_t>(head)].spec] = means;
    }
    if (callbacks.progress) callbacks.progress(progress);
    last_print = Clock::now();
  };
  auto checkpoint = [&]() -> Status {
    CheckpointMeta meta;
    meta.net = *net_config;
    meta.run = run;
    meta.step = progress.step;
    meta.games = config.games;
    meta.init_from = config.init_from;
    meta.frozen_trunk = config.freeze_trunk;
    const std::string path = checkpoint_path(config.out_dir, progress.step);
    if (Status s = learner.save(path, meta); !s.ok()) return s;
    summary.checkpoints.push_back(path);
    if (callbacks.checkpoint) progress.last_evaluation = callbacks.checkpoint({path, meta});
    return {};
  };

  if (Status s = checkpoint(); !s.ok()) return s.error();
  Rng rng(config.seed ^ 0x1ea4e5);
  const int games_per_phase = config.games_per_phase > 0 ? config.games_per_phase : 2 * config.actors;
  while (!done()) {
    // Self-play phase.
    Result<std::vector<selfplay::Trajectory>> games = (*actors)->play_batch(games_per_phase);
    if (!games.ok()) return games.error();
    uint64_t new_positions = 0;
    for (selfplay::Trajectory& t : *games) {
      if (Status s = (*shards)->write(t); !s.ok()) return s.error();
      new_positions += t.steps.size();
      replay.add(std::move(t));
    }
    progress.games += games->size();
    progress.positions += new_positions;

    // Learner phase.
    const int64_t phase_steps =
        config.steps_per_phase > 0
            ? config.steps_per_phase
            : std::max<int64_t>(1, static_cast<int64_t>(
                                       std::ceil(new_positions * config.sample_reuse / config.batch_size)));
    for (int64_t i = 0; i < phase_steps && !done(); ++i) {
      Result<std::vector<selfplay::Sample>> batch =
          replay.sample_mixed(weight_of_key, config.batch_size, rng);
      if (!batch.ok()) break;  // nothing recorded yet (games of single forced moves)
      std::vector<LearnerSample> rows;
      rows.reserve(batch->size());
      for (const selfplay::Sample& s : *batch) {
        rows.push_back({head_of_key.at(s.group), s.player, &s.observation, &s.legal, &s.policy, &s.value});
      }
      loss_means.add(learner.step(rows));
      ++progress.step;
      if (progress.step % config.checkpoint_every == 0) {
        if (Status s = checkpoint(); !s.ok()) return s.error();
      }
      if (std::chrono::duration<double>(Clock::now() - last_print).count() >= config.progress_seconds)
        report();
    }
    if (Status s = internals.set_weights(learner.net()); !s.ok()) return s.error();
    if (std::chrono::duration<double>(Clock::now() - last_print).count() >= config.progress_seconds) report();
  }
  if (progress.step % config.checkpoint_every != 0) {
    if (Status s = checkpoint(); !s.ok()) return s.error();
  }
  if (Status s = (*shards)->close(); !s.ok()) return s.error();
  report();
  summary.final = progress;
  summary.shards = (*shards)->completed();
  summary.service = (*service)->stats();
  return summary;
}

}  // namespace arena::nn
