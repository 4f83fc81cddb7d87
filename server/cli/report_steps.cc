// `arena report steps`: the shared network's value head as a step scorer (a learned process
// reward) measured against the puzzles' exact verifier, on held-out problems per game and
// difficulty (agents/search/step_scorer.h). The network is reached through its inference
// service's torch-free header, so no LibTorch here.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include "agents/nn/checkpoint.h"
#include "agents/nn/nn_agents.h"
#include "agents/search/step_scorer.h"
#include "core/args.h"
#include "games/registry.h"
#include "server/cli/commands.h"

namespace arena::cli {

namespace {

namespace fs = std::filesystem;

// A checkpoint file from what the user wrote: a file, a player name "nn:<run>@<step>"
// (resolved in the runs folder), or a run folder (its last checkpoint).
Result<std::string> resolve_checkpoint(const std::string& given) {
  static const std::regex name(R"(nn:([A-Za-z0-9_.-]+)@([0-9]+))");
  std::smatch m;
  if (std::regex_match(given, m, name)) {
    return nn::checkpoint_path(nn::runs_dir() + "/" + m[1].str(), std::stoll(m[2].str()));
  }
  std::error_code ec;
  if (fs::is_directory(given, ec)) {
    const fs::path dir = fs::is_directory(fs::path(given) / "checkpoints", ec)
                             ? fs::path(given) / "checkpoints"
                             : fs::path(given);
    std::optional<fs::path> last;
    for (const fs::directory_entry& file : fs::directory_iterator(dir, ec)) {
      const std::string n = file.path().filename().string();
      if (n.rfind("step-", 0) != 0 || file.path().extension() != ".pt") continue;
      if (!last || n > last->filename().string()) last = file.path();
    }
    if (!last) return make_error("io", "no checkpoint (step-*.pt) in " + dir.string());
    return last->string();
  }
  return given;
}

// One checkpoint's report over every problem set; the problems and paths are the same for
// every checkpoint (they depend on the seed alone), so checkpoints are compared step by step.
Result<StepReport> score_checkpoint(const std::string& given, const std::vector<ProblemSet>& sets,
                                    const std::string& device, int random_paths, uint64_t seed,
                                    int bootstrap) {
  Result<std::string> path = resolve_checkpoint(given);
  if (!path.ok()) return path.error();
  Result<nn::CheckpointMeta> meta = nn::read_checkpoint_meta(*path);
  if (!meta.ok()) return meta.error();
  for (const ProblemSet& set : sets) {
    Result<std::shared_ptr<const Game>> game = make_game(set.specs.front());
    if (!game.ok()) return game.error();
    if (meta->net.index_of(**game) < 0) {
      std::string known;
      for (const std::string& g : meta->games) known += (known.empty() ? "" : ", ") + g;
      return make_error("unsupported", "checkpoint " + *path + " has no head for " + set.game +
                                           " (it was trained on " + known + ")");
    }
  }
  Result<std::shared_ptr<nn::InferenceService>> service = nn::shared_service(*path, device);
  if (!service.ok()) return service.error();
  StepReport report{meta->player_name(), *path, {}};
  for (const ProblemSet& set : sets) {
    std::vector<ProblemSteps> problems;
    for (size_t i = 0; i < set.specs.size(); ++i) {
      Result<std::shared_ptr<const Game>> game = make_game(set.specs[i]);
      if (!game.ok()) return game.error();
      std::unique_ptr<State> start = (*game)->new_initial_state();
      Result<ProblemSteps> steps =
          score_problem_steps(*start, **service, {.random_paths = random_paths, .seed = seed + i});
      if (!steps.ok()) return steps.error();
      problems.push_back(std::move(*steps));
    }
    std::cerr << "  " << report.scorer << "  " << set.game << " " << set.difficulty << ": " << problems.size()
              << " problems scored\n";
    report.rows.push_back({set.game, set.difficulty, summarize_steps(problems, bootstrap, seed)});
  }
  return report;
}

}  // namespace

int run_report_steps(const std::vector<std::string>& argv) {
  std::string checkpoints, games = "game24;countdown;arithmetic_chain", out, device = "cpu";
  int64_t problems = 40, seed = 1, random_paths = 2, bootstrap = 1000;
  bool json = false;
  Options options(
      "report steps",
      "Measures a checkpoint's value head as a step scorer: on held-out puzzle problems it walks the\n"
      "solver's path and seeded random paths, scores the position after every legal step by the network's\n"
      "value and labels the step by the exact verifier (on a solution path or not). Prints per game and\n"
      "difficulty the AUC of that score (Mann-Whitney, ties half) with a 95% bootstrap interval over the\n"
      "problems, beside the AUC among the steps tried at one position (what a search choosing a step sees).\n"
      "Steps that end the game and neutral ones (Countdown's stop) are left out and counted.");
  options
      .text("checkpoint", &checkpoints,
            "checkpoint file, run folder or nn:<run>@<step>; several separated by ';'")
      .required()
      .text("games", &games,
            "puzzle game specs separated by ';' (a fixed difficulty parameter keeps that one)")
      .integer("problems", &problems, "problems per game and difficulty", 1, 100000)
      .integer("random-paths", &random_paths, "random walks per problem besides the solver's path", 0, 1000)
      .integer("seed", &seed, "seed of the problems, the walks and the bootstrap", 0)
      .integer("bootstrap", &bootstrap, "bootstrap resamples of the problems for the intervals", 0, 100000)
      .text("device", &device, "auto, cpu or cuda")
      .flag("json", &json, "print JSON instead of a table")
      .text("out", &out,
            "also write the JSON to this file (runs/<run>/step_auc.json is what arena serve shows at "
            "/api/reports/steps)");
  if (std::optional<int> code = options.parse(argv)) return *code;
  std::vector<ProblemSet> sets;
  for (const std::string& spec : split_specs(games, ';')) {
    Result<std::vector<ProblemSet>> more = step_problem_sets(spec, static_cast<int>(problems), seed);
    if (!more.ok()) return options.usage_error(more.error().message);
    sets.insert(sets.end(), more->begin(), more->end());
  }
  if (sets.empty()) return options.usage_error("--games names no game");
  const std::vector<std::string> given = split_specs(checkpoints, ';');
  if (given.empty()) return options.usage_error("--checkpoint names no checkpoint");
  Json all = Json::array();
  std::string text;
  for (const std::string& c : given) {
    Result<StepReport> report = score_checkpoint(c, sets, device, static_cast<int>(random_paths),
                                                 static_cast<uint64_t>(seed), static_cast<int>(bootstrap));
    if (!report.ok()) {
      std::cerr << "arena report steps: " << report.error().message << "\n";
      return 1;
    }
    all.push_back(step_report_json(*report));
    text += render_step_report_text(*report) + "\n";
  }
  const Json doc{{"report", "steps"}, {"problems", problems},   {"random_paths", random_paths},
                 {"seed", seed},      {"bootstrap", bootstrap}, {"scorers", all}};
  if (!out.empty()) {
    std::ofstream file(out);
    file << doc.dump(2) << "\n";
    if (!file) {
      std::cerr << "arena report steps: cannot write " << out << "\n";
      return 1;
    }
  }
  std::cout << (json ? doc.dump(2) + "\n" : text);
  return 0;
}

}  // namespace arena::cli
