#include "agents/nn/bench.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "agents/nn/inference_service.h"
#include "agents/nn/network.h"
#include "core/rng.h"
#include "games/registry.h"

namespace arena::nn {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// A position some random steps into a game (chance by its probabilities, simultaneous steps
// one random order per group), so the service packs real, varied observations.
std::unique_ptr<State> random_position(const Game& game, Rng& rng) {
  std::unique_ptr<State> state = game.new_initial_state();
  const int steps =
      static_cast<int>(rng.uniform(static_cast<uint64_t>(std::min(game.max_game_length(), 80)) + 1));
  for (int i = 0; i < steps && !state->is_terminal(); ++i) {
    if (state->is_chance_node()) {
      if (!state->apply(sample_chance(*state, rng)).ok()) break;
    } else if (state->is_simultaneous_node()) {
      std::vector<std::vector<Action>> orders(static_cast<size_t>(game.num_players()));
      for (Player p : state->players_to_act()) {
        for (const std::vector<Action>& group : state->order_groups(p)) {
          if (!group.empty()) orders[static_cast<size_t>(p)].push_back(group[rng.uniform(group.size())]);
        }
      }
      if (!state->apply_orders(orders).ok()) break;
    } else {
      const std::vector<Action> actions = state->playout_actions();
      if (actions.empty() || !state->apply(actions[rng.uniform(actions.size())]).ok()) break;
    }
  }
  return state;
}

// Plain forward passes of one preallocated input, back to back, synchronised per pass.
Result<double> raw_positions_per_s(const NetConfig& net_config, const InferenceBenchConfig& config,
                                   int batch) {
  Result<torch::Device> device = pick_device(config.device);
  if (!device.ok()) return device.error();
  const bool half = device->is_cuda() && config.half;
  const GameHead& head = net_config.games[0];
  try {
    SharedNet net = make_shared_net(net_config, config.seed);
    net->to(*device, half ? torch::kHalf : torch::kFloat);
    net->eval();
    c10::InferenceMode inference;
    const torch::Tensor input = torch::rand({batch, head.planes, head.height, head.width})
                                    .to(*device, half ? torch::kHalf : torch::kFloat);
    const auto pass = [&] {
      NetOutput out = net->forward(0, input);
      if (device->is_cuda()) torch::cuda::synchronize();
    };
    pass();  // warm-up (the first pass allocates and picks kernels)
    pass();
    int64_t passes = 0;
    const Clock::time_point start = Clock::now();
    do {
      pass();
      ++passes;
    } while (seconds_since(start) < config.seconds);
    return static_cast<double>(passes) * batch / seconds_since(start);
  } catch (const std::exception& e) {
    return make_error("device_error", std::string("forward pass failed: ") + e.what());
  }
}

// The service at max_batch = `batch`, fed by enough threads to keep both buffers full.
Status service_point(const NetConfig& net_config, const InferenceBenchConfig& config, const Game& game,
                     int batch, InferenceBenchRow& row) {
  ServiceOptions options;
  options.device = config.device;
  options.max_batch = batch;
  options.search_batch = std::min(config.search_batch, batch);
  options.half = config.half;
  Result<std::shared_ptr<InferenceService>> service =
      InferenceService::create(net_config, options, config.seed);
  if (!service.ok()) return service.error();
  const int threads = std::clamp((2 * batch + options.search_batch - 1) / options.search_batch, 1, 1024);

  // Each thread its own positions and requests (a State is not shared between threads).
  struct Feeder {
    std::vector<std::unique_ptr<State>> states;
    std::vector<std::vector<Action>> actions;
    std::vector<EvalRequest> requests;
    std::vector<Evaluation> out;
  };
  std::vector<Feeder> feeders(static_cast<size_t>(threads));
  Rng rng(config.seed);
  for (Feeder& f : feeders) {
    for (int i = 0; i < options.search_batch; ++i) {
      f.states.push_back(random_position(game, rng));
      const State& s = *f.states.back();
      const Player p = s.current_player();
      f.actions.push_back(p >= 0 ? s.legal_actions() : std::vector<Action>{});
    }
    for (size_t i = 0; i < f.states.size(); ++i) {
      f.requests.push_back(EvalRequest{f.states[i].get(), f.states[i]->current_player(), f.actions[i]});
    }
    f.out.resize(f.requests.size());
  }
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (Feeder& f : feeders) {
    workers.emplace_back([&f, &stop, &service] {
      while (!stop.load(std::memory_order_relaxed)) (*service)->evaluate(f.requests, f.out);
    });
  }
  // Warm-up, then a timed window read from the service's own counters.
  std::this_thread::sleep_for(std::chrono::duration<double>(std::min(0.5, config.seconds / 4)));
  const ServiceStats before = (*service)->stats();
  const Clock::time_point start = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(config.seconds));
  const ServiceStats after = (*service)->stats();
  const double elapsed = seconds_since(start);
  stop = true;
  for (std::thread& w : workers) w.join();
  (*service)->shutdown();
  const uint64_t positions = after.positions - before.positions;
  const uint64_t batches = after.batches - before.batches;
  row.service_positions_per_s = static_cast<double>(positions) / elapsed;
  row.service_mean_batch = batches > 0 ? static_cast<double>(positions) / static_cast<double>(batches) : 0;
  return ok_status();
}

}  // namespace

Json InferenceBenchRow::to_json() const {
  return Json{{"batch", batch},
              {"raw_positions_per_s", raw_positions_per_s},
              {"service_positions_per_s", service_positions_per_s},
              {"ratio", ratio},
              {"service_mean_batch", service_mean_batch}};
}

Result<std::vector<InferenceBenchRow>> bench_inference(const InferenceBenchConfig& config) {
  if (config.batch_sizes.empty()) return make_error("bad_options", "no batch sizes to measure");
  for (int b : config.batch_sizes) {
    if (b < 1 || b > 65536)
      return make_error("bad_options", "batch sizes must be in [1, 65536], got " + std::to_string(b));
  }
  if (!(config.seconds > 0)) return make_error("bad_options", "seconds per point must be positive");
  if (config.search_batch < 1) return make_error("bad_options", "search_batch must be at least 1");
  Result<std::shared_ptr<const Game>> game = make_game(config.game);
  if (!game.ok()) return game.error();
  Result<NetConfig> net_config = net_config_for({config.game}, config.blocks, config.channels);
  if (!net_config.ok()) return net_config.error();
  std::vector<InferenceBenchRow> rows;
  for (int b : config.batch_sizes) {
    InferenceBenchRow row;
    row.batch = b;
    Result<double> raw = raw_positions_per_s(*net_config, config, b);
    if (!raw.ok()) return raw.error();
    row.raw_positions_per_s = *raw;
    if (Status s = service_point(*net_config, config, **game, b, row); !s.ok()) return s.error();
    row.ratio = row.raw_positions_per_s > 0 ? row.service_positions_per_s / row.raw_positions_per_s : 0;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace arena::nn
