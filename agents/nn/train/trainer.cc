#include "agents/nn/train/trainer.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include "agents/nn/network.h"
#include "agents/nn/train/learner.h"
#include "agents/nn/train/process_group.h"
#include "agents/selfplay/actor.h"
#include "agents/selfplay/replay_buffer.h"
#include "agents/selfplay/shard.h"
#include "core/json.h"
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
  if (c.out_dir.empty()) return make_error("bad_config", "no output folder");
  if (c.actors < 1 || c.simulations < 1 || c.batch_size < 2 || c.checkpoint_every < 1 || c.search_batch < 1) {
    return make_error(
        "bad_config",
        "actors, simulations, search batch and checkpoint interval must be positive, the batch at least 2");
  }
  if (c.steps_per_phase < 0 || c.games_per_phase < 0)
    return make_error("bad_config", "steps and games per phase must not be negative");
  if (c.resume && !c.init_from.empty())
    return make_error("bad_config", "a resumed run starts from its own checkpoint, not init_from");
  if (c.freeze_trunk && c.init_from.empty() && !c.resume)
    return make_error("bad_config", "a frozen trunk needs init_from");
  const size_t n = c.games.size();
  if ((!c.selfplay_weights.empty() && c.selfplay_weights.size() != n) ||
      (!c.game_reuse.empty() && c.game_reuse.size() != n) ||
      (!c.game_temperature_moves.empty() && c.game_temperature_moves.size() != n) ||
      (!c.replay_windows.empty() && c.replay_windows.size() != n)) {
    return make_error("bad_config",
                      "self-play weights, reuse, temperature moves and replay windows: one per game");
  }
  for (double r : c.game_reuse)
    if (!(r > 0)) return make_error("bad_config", "sample reuse must be positive");
  if (!(c.sample_reuse > 0)) return make_error("bad_config", "sample reuse must be positive");
  if (!(c.learning_rate > 0) || !(c.weight_decay >= 0) || c.warmup_steps < 0 || c.lr_decay_steps < 0 ||
      !(c.final_lr_fraction >= 0 && c.final_lr_fraction <= 1)) {
    return make_error("bad_config",
                      "the learning rate must be positive, weight decay and schedule steps not negative, "
                      "the final fraction in [0, 1]");
  }
  return {};
}

// Appends one JSON line to the run's metrics file.
void write_metrics(const std::string& path, const TrainProgress& p) {
  Json line = {{"elapsed_s", p.elapsed_s},
               {"step", p.step},
               {"games", p.games},
               {"positions", p.positions},
               {"collected_games", p.collected_games},
               {"games_per_s", p.games_per_s},
               {"positions_per_s", p.positions_per_s},
               {"mean_batch", p.mean_batch},
               {"learning_rate", p.learning_rate},
               {"service_errors", p.service_errors}};
  if (p.eta_s >= 0) line["eta_s"] = p.eta_s;
  Json games = Json::object();
  for (const auto& [spec, d] : p.per_game) {
    Json g = {{"games", d.games},
              {"positions", d.positions},
              {"mean_length", d.mean_length()},
              {"samples", d.samples},
              {"reuse", d.reuse()}};
    if (auto it = p.losses.find(spec); it != p.losses.end()) {
      g["policy_loss"] = it->second.policy;
      g["value_loss"] = it->second.value;
      g["policy_entropy"] = it->second.entropy;
      g["policy_kl"] = it->second.kl;
    }
    games[spec] = std::move(g);
  }
  line["per_game"] = std::move(games);
  std::ofstream out(path, std::ios::app);
  out << line.dump() << "\n";
}

// The run's newest checkpoint: "<out>/checkpoints/step-<N>.pt" with the largest N.
Result<std::string> last_checkpoint(const std::string& out_dir) {
  std::error_code ec;
  std::string best;
  for (const auto& entry : std::filesystem::directory_iterator(out_dir + "/checkpoints", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("step-", 0) == 0 && entry.path().extension() == ".pt" && name > best) best = name;
  }
  if (best.empty()) return make_error("not_found", out_dir + " holds no checkpoint to resume from");
  return out_dir + "/checkpoints/" + best;
}

// Refills a resumed run's replay windows from its newest shards: read from the newest back
// until every group's window is full (or the shards run out), then added oldest first.
Status refill_replay(selfplay::ReplayBuffer& replay, const std::string& shard_dir,
                     const std::map<std::string, size_t>& windows,
                     const std::function<std::string(const selfplay::Trajectory&)>& group_of) {
  Result<std::vector<std::string>> paths = selfplay::list_shards(shard_dir);
  if (!paths.ok()) return paths.error().code == "not_found" ? Status{} : Status{paths.error()};
  std::map<std::string, size_t> held;
  auto full = [&] {
    for (const auto& [group, window] : windows) {
      if (held[group] < window) return false;
    }
    return true;
  };
  std::vector<std::vector<selfplay::Trajectory>> newest_first;
  for (auto it = paths->rbegin(); it != paths->rend() && !full(); ++it) {
    Result<std::vector<selfplay::Trajectory>> shard = selfplay::read_shard(*it);
    if (!shard.ok()) return shard.error();
    for (const selfplay::Trajectory& t : *shard) held[group_of(t)] += t.steps.size();
    newest_first.push_back(std::move(*shard));
  }
  for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) {
    for (selfplay::Trajectory& t : *it) replay.add(std::move(t));
  }
  return {};
}

// A resumed run's counters, from the last line of its metrics.
void restore_progress(const std::string& metrics_path, TrainProgress& progress) {
  std::ifstream in(metrics_path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  try {
    const Json j = Json::parse(last);
    progress.games = j.at("games").get<uint64_t>();
    progress.positions = j.at("positions").get<uint64_t>();
    progress.collected_games = j.value("collected_games", uint64_t{0});
    for (const auto& [spec, g] : j.at("per_game").items()) {
      TrainProgress::GameData& d = progress.per_game[spec];
      d.games = g.at("games").get<uint64_t>();
      d.positions = g.at("positions").get<uint64_t>();
      d.samples = g.at("samples").get<uint64_t>();
    }
  } catch (const Json::exception&) {
    // No metrics (or a line cut short): the counters start again; the step does not.
  }
}

// Each config game's share of the learner mix, and its target reuse.
std::vector<double> learner_mix(const TrainConfig& c) {
  return c.weights.empty() ? std::vector<double>(c.games.size(), 1.0) : c.weights;
}
std::vector<double> game_reuse(const TrainConfig& c) {
  return c.game_reuse.empty() ? std::vector<double>(c.games.size(), c.sample_reuse) : c.game_reuse;
}

// Exponential means of the recent losses, per head.
struct LossMeans {
  std::map<int, TrainProgress::Losses> means;
  void add(const std::map<int, HeadLoss>& losses) {
    for (const auto& [head, l] : losses) {
      const TrainProgress::Losses now{l.policy, l.value, l.entropy, l.kl};
      auto [it, fresh] = means.try_emplace(head, now);
      if (!fresh) {
        TrainProgress::Losses& m = it->second;
        m.policy = 0.9 * m.policy + 0.1 * now.policy;
        m.value = 0.9 * m.value + 0.1 * now.value;
        m.entropy = 0.9 * m.entropy + 0.1 * now.entropy;
        m.kl = 0.9 * m.kl + 0.1 * now.kl;
      }
    }
  }
};

}  // namespace

Result<selfplay::SelfPlayConfig> selfplay_config(const TrainConfig& config, uint64_t seed) {
  const std::vector<double> mix = learner_mix(config);
  selfplay::SelfPlayConfig sp;
  for (size_t i = 0; i < config.games.size(); ++i) {
    Result<std::shared_ptr<const Game>> game = make_game(config.games[i]);
    if (!game.ok()) return make_error("bad_config", game.error().message);
    sp.games.push_back({(*game)->spec(),
                        config.selfplay_weights.empty() ? mix[i] : config.selfplay_weights[i],
                        config.game_temperature_moves.empty() ? -1 : config.game_temperature_moves[i]});
  }
  sp.search.simulations = config.simulations;
  sp.search.c_puct = config.c_puct;
  sp.search.batch_size = config.search_batch;
  sp.search.fpu_reduction = config.fpu_reduction;
  sp.dirichlet_alpha = config.dirichlet_alpha;
  sp.dirichlet_scale = config.dirichlet_alpha > 0 ? 0 : config.dirichlet_scale;
  sp.temperature_moves = config.temperature_moves;
  sp.noisy_games = config.noisy_games;
  sp.noisy_moves = config.noisy_moves;
  sp.threads = config.actors;
  sp.seed = seed;
  return sp;
}

std::vector<double> balanced_selfplay_weights(const TrainConfig& config, const selfplay::ActorStats& stats) {
  if (!config.selfplay_weights.empty() || config.games.size() < 2) return {};
  const std::vector<double> mix = learner_mix(config), reuse = game_reuse(config);
  std::vector<double> w;
  for (size_t i = 0; i < config.games.size(); ++i) {
    double length = 1;
    Result<std::shared_ptr<const Game>> game = make_game(config.games[i]);
    if (!game.ok()) return {};
    if (auto it = stats.per_game.find((*game)->spec()); it != stats.per_game.end() && it->second.games > 0)
      length = std::max(1.0, static_cast<double>(it->second.positions) / it->second.games);
    w.push_back(mix[i] / reuse[i] / length);
  }
  return w;
}

double learning_rate_at(const TrainConfig& c, int64_t step) {
  const double base = c.learning_rate;
  if (c.warmup_steps > 0 && step < c.warmup_steps)
    return base * static_cast<double>(step + 1) / c.warmup_steps;
  const int64_t end = c.lr_decay_steps > 0 ? c.lr_decay_steps : c.steps;
  if (end <= c.warmup_steps) return base;
  const double t = std::min(1.0, static_cast<double>(step - c.warmup_steps) / (end - c.warmup_steps));
  const double floor = base * c.final_lr_fraction;
  return floor + (base - floor) * 0.5 * (1 + std::cos(std::acos(-1.0) * t));
}

namespace {

// One process's run; `group` is null unless the learner is data-parallel (see train()).
Result<TrainSummary> train_rank(const TrainConfig& config, const TrainCallbacks& callbacks,
                                const std::shared_ptr<LearnerGroup>& group) {
  // Rank 0 alone writes checkpoints and metrics; the others follow it.
  const bool follower = group && group->rank() > 0;
  if (Status s = validate(config); !s.ok()) return s.error();
  if (config.steps <= 0 && config.minutes <= 0 && !callbacks.stop)
    return make_error("bad_config", "give a step budget or a time budget");
  if (!config.selfplay && !callbacks.collect)
    return make_error("bad_config", "self-play is off and no games come from elsewhere");
  Result<NetConfig> net_config = net_config_for(config.games, config.blocks, config.channels);
  if (!net_config.ok()) return make_error("bad_config", net_config.error().message);
  Result<torch::Device> device = pick_device(config.device);
  if (!device.ok()) return device.error();
  const std::string run = config.run.empty()
                              ? std::filesystem::path(config.out_dir).lexically_normal().filename().string()
                              : config.run;

  // The learner's network, and the service's copy that self-play searches with.
  Learner learner(*net_config, *device,
                  {learning_rate_at(config, 0), config.weight_decay, config.freeze_trunk, config.symmetries},
                  config.seed);
  if (!config.init_from.empty()) {
    if (Status s = learner.init_from(config.init_from); !s.ok()) return s.error();
  }
  int64_t start_step = 0;
  if (config.resume && !follower) {
    Result<std::string> last = last_checkpoint(config.out_dir);
    if (!last.ok()) return last.error();
    Result<CheckpointMeta> meta = learner.resume(*last);
    if (!meta.ok()) return meta.error();
    if (meta->games != config.games)
      return make_error("bad_config", "resuming " + *last + ": it trains other games than these");
    start_step = meta->step;
  }
  if (group) {
    // Every rank starts from rank 0's weights, optimizer state and step.
    start_step = static_cast<int64_t>(group->reduce(static_cast<double>(start_step), LearnerGroup::Op::max));
    learner.distribute(group);
  }
  // Seeds of what comes after the start: a resumed run draws new games and batches.
  const uint64_t phase_seed = config.seed ^ (0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(start_step));
  ServiceOptions service_options;
  service_options.device = config.device;
  service_options.search_batch = config.search_batch;
  service_options.max_batch = std::max(8, config.actors * config.search_batch);
  service_options.min_batch = config.min_batch;
  service_options.max_wait_us = config.max_wait_us;
  Result<std::shared_ptr<InferenceService>> service =
      InferenceService::create(*net_config, service_options, config.seed);
  if (!service.ok()) return service.error();
  ServiceInternals internals(**service);
  if (Status s = internals.set_weights(learner.net()); !s.ok()) return s.error();

  // Self-play, shards, replay. Positions are grouped by head, so every spec of one shape
  // (every 24-game puzzle) shares a window.
  std::map<std::string, std::string> key_of_spec;
  std::map<std::string, int> head_of_key;
  std::map<std::string, double> weight_of_key;     // the learner's mix
  std::map<std::string, double> reuse_of_key;      // the mix-weighted mean of its games' reuse
  std::map<std::string, std::string> name_of_key;  // its first spec, for reports
  // Per config game: its share of the learner mix and its target reuse.
  const std::vector<double> mix_of_game = learner_mix(config), reuse_of_game = game_reuse(config);
  double weight_sum = 0;
  for (double w : mix_of_game) weight_sum += w;
  if (!(weight_sum > 0)) return make_error("bad_config", "the weights must have a positive sum");
  selfplay::ReplayBufferOptions replay_options;
  for (size_t i = 0; i < config.games.size(); ++i) {
    Result<std::shared_ptr<const Game>> game = make_game(config.games[i]);
    if (!game.ok()) return make_error("bad_config", game.error().message);
    const std::string key = head_key(**game);
    const double weight = mix_of_game[i];
    const double reuse = reuse_of_game[i];
    key_of_spec[(*game)->spec()] = key;
    name_of_key.try_emplace(key, (*game)->spec());
    head_of_key[key] = net_config->index_of_key(key);
    weight_of_key[key] += weight;
    reuse_of_key[key] += weight * reuse;
    const size_t window =
        config.replay_windows.empty()
            ? std::max<size_t>(20 * static_cast<size_t>(config.batch_size),
                               static_cast<size_t>(config.replay_capacity * weight / weight_sum))
            : config.replay_windows[i];
    replay_options.capacity[key] += window;
  }
  for (auto& [key, reuse] : reuse_of_key) reuse = weight_of_key[key] > 0 ? reuse / weight_of_key[key] : 1.0;
  Result<selfplay::SelfPlayConfig> sp = selfplay_config(config, phase_seed);
  if (!sp.ok()) return sp.error();
  std::shared_ptr<Evaluator> evaluator = *service;
  Result<std::unique_ptr<selfplay::SelfPlayActors>> actors =
      selfplay::SelfPlayActors::create(*sp, [evaluator](int, uint64_t) { return evaluator; });
  if (!actors.ok()) return make_error("bad_config", actors.error().message);
  auto balance_selfplay = [&]() -> Status {
    std::vector<double> w = balanced_selfplay_weights(config, (*actors)->stats());
    return w.empty() ? Status{} : (*actors)->set_weights(std::move(w));
  };
  selfplay::ShardWriterOptions shard_options;
  shard_options.dir =
      config.out_dir + (follower ? "/shards-rank" + std::to_string(group->rank()) : "/shards");
  Result<std::unique_ptr<selfplay::ShardWriter>> shards = selfplay::ShardWriter::open(shard_options);
  if (!shards.ok()) return shards.error();
  replay_options.capacity_per_group = config.replay_capacity;
  replay_options.group_key = [key_of_spec](const selfplay::Trajectory& t) { return key_of_spec.at(t.game); };
  selfplay::ReplayBuffer replay(replay_options);
  if (config.resume) {
    if (Status s =
            refill_replay(replay, shard_options.dir, replay_options.capacity, replay_options.group_key);
        !s.ok())
      return s.error();
  }

  TrainSummary summary;
  TrainProgress progress;
  progress.step = start_step;
  if (config.resume && !follower) restore_progress(config.out_dir + "/metrics.jsonl", progress);
  const uint64_t games_at_start = progress.games, positions_at_start = progress.positions;
  LossMeans loss_means;
  const Clock::time_point start = Clock::now();
  Clock::time_point last_print = start;
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  auto out_of_time = [&] { return config.minutes > 0 && elapsed() >= config.minutes * 60; };
  auto done = [&] {
    const bool local = (config.steps > 0 && progress.step >= config.steps) || out_of_time() ||
                       (callbacks.stop && callbacks.stop());
    return group ? group->any(local) : local;  // one rank's time budget or stop ends every rank's run
  };
  auto report = [&] {
    progress.elapsed_s = elapsed();
    progress.games_per_s = (progress.games - games_at_start) / std::max(progress.elapsed_s, 1e-9);
    progress.positions_per_s = (progress.positions - positions_at_start) / std::max(progress.elapsed_s, 1e-9);
    progress.mean_batch = (*service)->stats().mean_batch;
    progress.service_errors = (*service)->stats().errors;
    progress.learning_rate = learning_rate_at(config, progress.step);
    progress.losses.clear();
    for (const auto& [head, means] : loss_means.means) {
      progress.losses[net_config->games[static_cast<size_t>(head)].spec] = means;
    }
    progress.eta_s = -1;
    if (config.steps > 0 && progress.step > start_step)
      progress.eta_s = progress.elapsed_s * (config.steps - progress.step) / (progress.step - start_step);
    if (config.minutes > 0) {
      const double left = std::max(0.0, config.minutes * 60 - progress.elapsed_s);
      progress.eta_s = progress.eta_s < 0 ? left : std::min(progress.eta_s, left);
    }
    if (!follower) write_metrics(config.out_dir + "/metrics.jsonl", progress);
    if (callbacks.progress) callbacks.progress(progress);
    last_print = Clock::now();
  };
  auto checkpoint = [&]() -> Status {
    if (group) {
      // The ranks' weights must be the same bytes (the max and min of the digest over ranks).
      const int64_t digest = static_cast<int64_t>(learner.weights_digest() >> 1);
      torch::Tensor both =
          torch::tensor(std::vector<int64_t>{digest, -digest}).to(learner.net()->parameters()[0].device());
      group->all_reduce(both, LearnerGroup::Op::max);
      both = both.cpu();
      if (both[0].item<int64_t>() != -both[1].item<int64_t>())
        return make_error("diverged",
                          "step " + std::to_string(progress.step) + ": the ranks' weights differ");
      if (follower) return {};
    }
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

  if (!config.resume) {
    if (Status s = checkpoint(); !s.ok()) return s.error();
  }
  Rng rng(phase_seed ^ 0x1ea4e5);
  const int games_per_phase = config.games_per_phase > 0 ? config.games_per_phase : 2 * config.actors;
  while (!done()) {
    // Self-play phase: this process's games, then those played elsewhere.
    std::vector<selfplay::Trajectory> games;
    if (config.selfplay) {
      if (Status s = balance_selfplay(); !s.ok()) return s.error();
      const uint64_t errors_before = (*service)->stats().errors;
      Result<std::vector<selfplay::Trajectory>> played = (*actors)->play_batch(games_per_phase);
      if (!played.ok()) return played.error();
      if (const ServiceStats stats = (*service)->stats(); stats.errors > errors_before) {
        return make_error("inference_error",
                          std::to_string(stats.errors - errors_before) +
                              " forward passes of self-play failed (their leaves got uniform priors and zero "
                              "values); stopping rather than training on them" +
                              (stats.last_error.empty() ? "" : ": " + stats.last_error));
      }
      games = std::move(*played);
    }
    if (callbacks.collect) {
      for (selfplay::Trajectory& t : callbacks.collect(config.selfplay ? 0.0 : 1.0)) {
        if (!key_of_spec.contains(t.game)) continue;  // the caller checks; a game of no head is never trained
        ++progress.collected_games;
        games.push_back(std::move(t));
      }
    }
    if (games.empty() && !config.selfplay) continue;  // nothing came in: ask again (done() first)
    double wanted_samples = 0;                        // the phase's positions x their games' reuse
    for (selfplay::Trajectory& t : games) {
      if (Status s = (*shards)->write(t); !s.ok()) return s.error();
      const std::string& key = key_of_spec.at(t.game);
      TrainProgress::GameData& d = progress.per_game[name_of_key.at(key)];
      ++d.games;
      d.positions += t.steps.size();
      progress.positions += t.steps.size();
      wanted_samples += t.steps.size() * reuse_of_key.at(key);
      replay.add(std::move(t));
    }
    progress.games += games.size();

    // Learner phase.
    // Distributed, a step takes batch_size rows from every rank: the steps that sample every
    // rank's new positions that often, the same number on every rank.
    const int64_t phase_steps =
        config.steps_per_phase > 0
            ? (group ? static_cast<int64_t>(
                           group->reduce(static_cast<double>(config.steps_per_phase), LearnerGroup::Op::max))
                     : config.steps_per_phase)
        : group ? std::max<int64_t>(1, static_cast<int64_t>(std::ceil(
                                           group->reduce(wanted_samples, LearnerGroup::Op::sum) /
                                           (static_cast<double>(config.batch_size) * group->size()))))
                : std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wanted_samples / config.batch_size)));
    for (int64_t i = 0; i < phase_steps && !done(); ++i) {
      learner.set_learning_rate(learning_rate_at(config, progress.step));
      Result<std::vector<selfplay::Sample>> batch =
          replay.sample_mixed(weight_of_key, config.batch_size, rng);
      // Nothing recorded yet (games of single forced moves); distributed, this rank steps with
      // no rows of its own, and the ranks stop together when none has any.
      if (!batch.ok() && !group) break;
      std::vector<LearnerSample> rows;
      rows.reserve(batch.ok() ? batch->size() : 0);
      static const std::vector<selfplay::Sample> no_samples;
      for (const selfplay::Sample& s : batch.ok() ? *batch : no_samples) {
        ++progress.per_game[name_of_key.at(s.group)].samples;
        rows.push_back({head_of_key.at(s.group), s.player, &s.observation, &s.legal, &s.policy, &s.value});
      }
      loss_means.add(learner.step(rows));
      if (group && learner.last_global_rows() == 0) break;
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
  summary.weights_digest = learner.weights_digest();
  return summary;
}

}  // namespace

Result<TrainSummary> train(const TrainConfig& config, const TrainCallbacks& callbacks) {
  if (!config.data_parallel.enabled()) return train_rank(config, callbacks, nullptr);
  if (Status s = validate(config.data_parallel); !s.ok()) return s.error();
  Result<torch::Device> device = pick_device(config.device);
  if (!device.ok()) return device.error();
  Result<std::shared_ptr<LearnerGroup>> group = LearnerGroup::join(config.data_parallel, *device);
  if (!group.ok()) return group.error();
  TrainConfig rank_config = config;
  rank_config.seed = config.seed + static_cast<uint64_t>(config.data_parallel.rank);  // its own self-play
  try {
    return train_rank(rank_config, callbacks, *group);
  } catch (const std::exception& e) {
    // c10::Error from c10d's timeouts and Gloo's closed connections (the autograd engine
    // passes those of the backward pass on): the ends of a collective.
    const auto* c10_error = dynamic_cast<const c10::Error*>(&e);
    const std::string what = c10_error != nullptr ? c10_error->what_without_backtrace() : e.what();
    return make_error("group_error", "rank " + std::to_string(config.data_parallel.rank) +
                                         ": a collective failed (another rank stopped?): " +
                                         what.substr(0, what.find('\n')));
  }
}

}  // namespace arena::nn
