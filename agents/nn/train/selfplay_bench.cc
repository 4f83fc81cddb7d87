#include "agents/nn/train/selfplay_bench.h"

#include <chrono>
#include <cmath>
#include <thread>

#include "agents/nn/bench.h"
#include "agents/nn/inference_service.h"
#include "agents/selfplay/actor.h"

namespace arena::nn {

Json SelfPlayBenchResult::to_json() const {
  return {{"device", device},
          {"seconds", seconds},
          {"games", games},
          {"simulations_per_s", simulations_per_s},
          {"positions_per_s", positions_per_s},
          {"mean_batch", mean_batch},
          {"raw_positions_per_s", raw_positions_per_s},
          {"ratio", ratio}};
}

Result<SelfPlayBenchResult> bench_selfplay(const SelfPlayBenchConfig& config) {
  if (config.seconds <= 0 || config.actors < 1 || config.simulations < 1 || config.search_batch < 1) {
    return make_error("bad_options", "seconds, actors, simulations and search batch must be positive");
  }
  Result<NetConfig> net = net_config_for({config.game}, config.blocks, config.channels);
  if (!net.ok()) return net.error();
  ServiceOptions options;
  options.device = config.device;
  options.search_batch = config.search_batch;
  options.max_batch = config.actors * config.search_batch;
  options.min_batch = config.min_batch;
  options.max_wait_us = config.max_wait_us;
  Result<std::shared_ptr<InferenceService>> service = InferenceService::create(*net, options, config.seed);
  if (!service.ok()) return service.error();

  selfplay::SelfPlayConfig sp;
  sp.games = {{config.game, 1.0}};
  sp.search.simulations = config.simulations;
  sp.search.batch_size = config.search_batch;
  sp.threads = config.actors;
  sp.seed = config.seed;
  std::shared_ptr<Evaluator> evaluator = *service;
  Result<std::unique_ptr<selfplay::SelfPlayActors>> actors =
      selfplay::SelfPlayActors::create(sp, [evaluator](int, uint64_t) { return evaluator; });
  if (!actors.ok()) return actors.error();

  // Warm up (first passes allocate), then measure a window of the counters.
  if (Status s = (*actors)->start([](selfplay::Trajectory&&) {}); !s.ok()) return s.error();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const ServiceStats s0 = (*service)->stats();
  const selfplay::ActorStats a0 = (*actors)->stats();
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(config.seconds));
  const ServiceStats s1 = (*service)->stats();
  const selfplay::ActorStats a1 = (*actors)->stats();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  (*actors)->stop(/*finish_games=*/false);
  if (a1.errors > 0) return make_error("selfplay_failed", a1.last_error);

  SelfPlayBenchResult r;
  r.device = (*service)->device();
  r.seconds = seconds;
  r.games = a1.games - a0.games;
  r.positions_per_s = static_cast<double>(s1.positions - s0.positions) / seconds;
  // A simulation ends at a leaf the service evaluates, or at a terminal state, which it
  // never sees: counting leaves slightly undercounts simulations near the ends of games.
  r.simulations_per_s = r.positions_per_s;
  const uint64_t batches = s1.batches - s0.batches;
  r.mean_batch = batches ? static_cast<double>(s1.positions - s0.positions) / batches : 0;
  // Free the device for the reference run.
  (*actors).reset();
  evaluator.reset();
  (*service).reset();

  InferenceBenchConfig raw;
  raw.game = config.game;
  raw.blocks = config.blocks;
  raw.channels = config.channels;
  raw.device = config.device;
  raw.batch_sizes = {std::max(1, static_cast<int>(std::lround(r.mean_batch)))};
  raw.seconds = std::min(3.0, config.seconds);
  raw.seed = config.seed;
  Result<std::vector<InferenceBenchRow>> rows = bench_inference(raw);
  if (!rows.ok()) return rows.error();
  r.raw_positions_per_s = rows->front().raw_positions_per_s;
  r.ratio = r.raw_positions_per_s > 0 ? r.positions_per_s / r.raw_positions_per_s : 0;
  return r;
}

}  // namespace arena::nn
