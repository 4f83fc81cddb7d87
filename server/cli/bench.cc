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

int bench_inference_command(const std::vector<std::string>& argv) {
  auto parsed = parse_command(
      "bench inference",
      "Positions per second of the shared network by batch size: plain forward passes of a ready input, and\n"
      "the inference service fed by searching threads with real positions, in the same process; and their "
      "ratio.",
      argv,
      {{"game", true, "game spec (default go(size=19))"},
       {"blocks", true, "residual blocks (default 10)"},
       {"channels", true, "channels (default 128)"},
       {"device", true, "auto, cpu or cuda (default auto)"},
       {"batches", true, "comma-separated batch sizes (default 1,8,64,256,1024)"},
       {"seconds", true, "seconds per point and side (default 2)"},
       {"fp32", false, "CUDA: full precision instead of fp16"},
       {"json", false, "print JSON lines"}});
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  nn::InferenceBenchConfig config;
  config.game = args.get("game", config.game);
  config.device = args.get("device", config.device);
  config.half = !args.has("fp32");
  Result<int64_t> blocks = args.get_int("blocks", config.blocks);
  Result<int64_t> channels = args.get_int("channels", config.channels);
  if (!blocks.ok() || !channels.ok()) {
    std::cerr << "arena bench inference: --blocks and --channels take integers\n";
    return 2;
  }
  config.blocks = static_cast<int>(*blocks);
  config.channels = static_cast<int>(*channels);
  if (args.has("batches")) {
    Result<std::vector<int>> sizes = parse_sizes(args.get("batches"));
    if (!sizes.ok()) {
      std::cerr << "arena bench inference: " << sizes.error().message << "\n";
      return 2;
    }
    config.batch_sizes = *sizes;
  }
  try {
    if (args.has("seconds")) config.seconds = std::stod(args.get("seconds"));
  } catch (const std::exception&) {
    std::cerr << "arena bench inference: --seconds takes a number\n";
    return 2;
  }
  std::printf("inference: %s, %d blocks x %d channels, device %s\n", config.game.c_str(), config.blocks,
              config.channels, config.device.c_str());
  Result<std::vector<nn::InferenceBenchRow>> rows = nn::bench_inference(config);
  if (!rows.ok()) {
    std::cerr << "arena bench inference: " << rows.error().message << "\n";
    return rows.error().code == "bad_options" ? 2 : 1;
  }
  if (args.has("json")) {
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
  auto parsed = parse_command("bench selfplay",
                              "Self-play with a fresh network through the inference service: simulations per "
                              "second and the mean batch,\n"
                              "beside plain forward passes at that batch size in the same process (the share "
                              "of the device kept busy).",
                              argv,
                              {{"game", true, "game spec (default go(size=9))"},
                               {"blocks", true, "residual blocks (default 10)"},
                               {"channels", true, "channels (default 128)"},
                               {"device", true, "auto, cpu or cuda (default auto)"},
                               {"actors", true, "concurrent games (default 64)"},
                               {"simulations", true, "simulations per move (default 64)"},
                               {"search-batch", true, "leaves per search pass (default 8)"},
                               {"seconds", true, "measured seconds (default 10)"},
                               {"json", false, "print JSON"}});
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  nn::SelfPlayBenchConfig config;
  config.game = args.get("game", config.game);
  config.device = args.get("device", config.device);
  struct IntOption {
    const char* name;
    int* out;
  };
  for (const IntOption& o :
       {IntOption{"blocks", &config.blocks}, IntOption{"channels", &config.channels},
        IntOption{"actors", &config.actors}, IntOption{"simulations", &config.simulations},
        IntOption{"search-batch", &config.search_batch}}) {
    Result<int64_t> v = args.get_int(o.name, *o.out);
    if (!v.ok()) {
      std::cerr << "arena bench selfplay: " << v.error().message << "\n";
      return 2;
    }
    *o.out = static_cast<int>(*v);
  }
  try {
    if (args.has("seconds")) config.seconds = std::stod(args.get("seconds"));
  } catch (const std::exception&) {
    std::cerr << "arena bench selfplay: --seconds takes a number\n";
    return 2;
  }
  Result<nn::SelfPlayBenchResult> r = nn::bench_selfplay(config);
  if (!r.ok()) {
    std::cerr << "arena bench selfplay: " << r.error().message << "\n";
    return r.error().code == "bad_options" ? 2 : 1;
  }
  if (args.has("json")) {
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
