// `arena report`: `generalization`, computed from the store, and `steps` (report_steps.cc), the
// network's value head as a puzzle step scorer.
#include <cstdio>
#include <iostream>

#include "core/args.h"
#include "db/sql_store.h"
#include "server/arena/generalization.h"
#include "server/cli/commands.h"
#include "server/cli/open_store.h"
#include "server/net/wire.h"

namespace arena::cli {
namespace {

const char* kReportUsage =
    "usage: arena report <report> [options]\n"
    "\n"
    "Reports:\n"
    "  generalization   per game, each training run's latest checkpoint rated against the anchors\n"
    "                   (random = 0, rollout MCTS): the shared agent beside single-game specialists,\n"
    "                   and transfer with a frozen trunk beside the same game from scratch\n"
    "  steps            a checkpoint's value head as a step scorer on held-out puzzles: per game and\n"
    "                   difficulty, the AUC of 'this step is on a solution path' against the exact verifier\n"
    "\n"
    "Run 'arena report <report> --help' for its options.\n";

int run_generalization(const std::vector<std::string>& argv) {
  std::string db = "arena.db";
  int64_t bootstrap = 200, samples = 10, seconds = 60;
  bool json = false;
  Options options(
      "report generalization",
      "Prints the cross-game generalization report: for every game a training run trained, the\n"
      "Bradley-Terry rating (95% bootstrap interval, random = 0) of each run's latest rated checkpoint,\n"
      "in columns shared agent, specialist, transfer (frozen trunk) and scratch, beside the anchors.\n"
      "In games small enough for the exact tree (kuhn_poker, leduc_poker) each agent's exploitability\n"
      "(chips per hand) is computed beside its rating and stored, where the leaderboard shows it.");
  options.text("db", &db, "SQLite file")
      .integer("bootstrap", &bootstrap, "bootstrap resamples for the intervals", 0, 100000)
      .integer("exploitability-samples", &samples,
               "decisions per information set for agents whose policy is sampled (mcts, nn); 0: compute "
               "nothing, show the stored figures",
               0, 10000)
      .integer("exploitability-seconds", &seconds, "time limit of one sampled agent's estimate", 1, 3600)
      .flag("json", &json, "print JSON instead of a table");
  if (std::optional<int> code = options.parse(argv)) return *code;
  Result<std::unique_ptr<db::SqlStore>> store =
      open_existing_store(db, "arena train --db records training runs");
  if (!store.ok()) {
    std::cerr << "arena report generalization: " << store.error().message << "\n";
    return 1;
  }
  Result<GeneralizationReport> report = compute_generalization(**store, static_cast<int>(bootstrap));
  if (!report.ok()) {
    std::cerr << "arena report generalization: " << report.error().message << "\n";
    return 1;
  }
  if (samples > 0) {
    ExploitabilityRefresh refresh;
    refresh.samples = static_cast<int>(samples);
    refresh.seconds_per_agent = static_cast<int>(seconds);
    if (Status s = refresh_exploitability(**store, *report, refresh); !s.ok()) {
      std::cerr << "arena report generalization: " << s.error().message << "\n";
      return 1;
    }
  }
  if (json) {
    std::cout << net::generalization_json(*report).dump(2) << "\n";
  } else {
    std::cout << render_generalization_text(*report);
  }
  return 0;
}

}  // namespace

int run_report(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << kReportUsage;
    return 2;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kReportUsage;
    return 0;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "generalization") return run_generalization(rest);
  if (args[0] == "steps") return run_report_steps(rest);
  std::cerr << "arena report: unknown report '" << args[0] << "'\n" << kReportUsage;
  return 2;
}

}  // namespace arena::cli
