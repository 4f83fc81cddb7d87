// `arena bench`: the shared network's benchmarks, printing figures (never pass/fail):
//   arena bench inference  positions per second by batch size, plain forward vs the service
//   arena bench selfplay   self-play simulations per second and the service's mean batch,
//                          beside the plain forward rate at that batch size
#include <cstdio>
#include <iostream>
#include <sstream>

#include "agents/nn/bench.h"
#include "agents/nn/train/selfplay_bench.h"
#include "core/args.h"
#include "server/cli/commands.h"
#include "server/cli/packing_options.h"

namespace arena::cli {
namespace {

Result<std::vector<int>> parse_sizes(const std::string& text) {
  std::vector<int> sizes;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    try {
      sizes.push_back(std::stoi(item));
    } catch (const std::exception&) {
      return make_error("bad_options", "bad batch size '" + item + "'");
    }
  }
  return sizes;
}

// The options both benchmarks share: the game and the network, and where it runs.
template <typename BenchConfig>
Options& network_options(Options& options, BenchConfig& config) {
  return options.text("game", &config.game, "game spec")
      .integer("blocks", &config.blocks, "residual blocks", 1)
      .integer("channels", &config.channels, "channels", 1)
      .text("device", &config.device, "auto, cpu or cuda");
}

int bench_inference_command(const std::vector<std::string>& argv) {
  nn::InferenceBenchConfig config;
  std::string batches;
  bool fp32 = false, json = false;
  Options options(
      "bench inference",
      "Positions per second of the shared network by batch size: plain forward passes of a ready input, and\n"
      "the inference service fed by searching threads with real positions, in the same process; and their "
      "ratio.");
  network_options(options, config)
      .text("batches", &batches, "comma-separated batch sizes")
      .default_text("1,8,64,256,1024")
      .number("seconds", &config.seconds, "seconds per point and side", 0)
      .flag("fp32", &fp32, "CUDA: full precision instead of fp16")
      .flag("json", &json, "print JSON lines");
  if (std::optional<int> code = options.parse(argv)) return *code;
  config.half = !fp32;
  if (!batches.empty()) {
    Result<std::vector<int>> sizes = parse_sizes(batches);
    if (!sizes.ok()) return options.usage_error(sizes.error().message);
    config.batch_sizes = *sizes;
  }
  std::printf("inference: %s, %d blocks x %d channels, device %s\n", config.game.c_str(), config.blocks,
              config.channels, config.device.c_str());
  Result<std::vector<nn::InferenceBenchRow>> rows = nn::bench_inference(config);
  if (!rows.ok()) {
    std::cerr << "arena bench inference: " << rows.error().message << "\n";
    return rows.error().code == "bad_options" ? 2 : 1;
  }
  if (json) {
    for (const auto& row : *rows) std::cout << row.to_json().dump() << "\n";
    return 0;
  }
  std::printf("%8s %16s %16s %8s %12s\n", "batch", "raw pos/s", "service pos/s", "ratio", "mean batch");
  for (const auto& row : *rows) {
    std::printf("%8d %16.0f %16.0f %8.2f %12.1f\n", row.batch, row.raw_positions_per_s,
                row.service_positions_per_s, row.ratio, row.service_mean_batch);
  }
  return 0;
}

int bench_selfplay_command(const std::vector<std::string>& argv) {
  nn::SelfPlayBenchConfig config;
  bool json = false;
  Options options(
      "bench selfplay",
      "Self-play with a fresh network through the inference service: simulations per second and the "
      "mean batch,\n"
      "beside plain forward passes at that batch size in the same process (the share of the device "
      "kept busy).");
  network_options(options, config)
      .integer("actors", &config.actors, "concurrent games", 1)
      .integer("simulations", &config.simulations, "simulations per move", 1)
      .integer("search-batch", &config.search_batch, "leaves per search pass", 1)
      .number("seconds", &config.seconds, "measured seconds", 0)
      .flag("json", &json, "print JSON");
  packing_options(options, config);
  if (std::optional<int> code = options.parse(argv)) return *code;
  Result<nn::SelfPlayBenchResult> r = nn::bench_selfplay(config);
  if (!r.ok()) {
    std::cerr << "arena bench selfplay: " << r.error().message << "\n";
    return r.error().code == "bad_options" ? 2 : 1;
  }
  if (json) {
    std::cout << r->to_json().dump() << "\n";
    return 0;
  }
  std::printf("selfplay: %s, %d blocks x %d channels, %d actors, %d simulations/move, device %s\n",
              config.game.c_str(), config.blocks, config.channels, config.actors, config.simulations,
              r->device.c_str());
  std::printf("  %.0f simulations/s (leaves through the service), %llu games finished in %.1f s\n",
              r->simulations_per_s, static_cast<unsigned long long>(r->games), r->seconds);
  std::printf(
      "  mean batch %.1f; plain forward at that batch %.0f positions/s; self-play keeps %.0f%% of it\n",
      r->mean_batch, r->raw_positions_per_s, 100 * r->ratio);
  return 0;
}

}  // namespace

int run_bench(const std::vector<std::string>& args) {
  const std::string usage =
      "usage: arena bench inference|selfplay [options]   ('arena bench <which> --help' for the options)\n";
  if (args.empty() || args[0] == "--help") {
    std::fprintf(args.empty() ? stderr : stdout, "%s", usage.c_str());
    return args.empty() ? 2 : 0;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "inference") return bench_inference_command(rest);
  if (args[0] == "selfplay") return bench_selfplay_command(rest);
  std::fprintf(stderr, "arena bench: unknown benchmark '%s'\n%s", args[0].c_str(), usage.c_str());
  return 2;
}

}  // namespace arena::cli
