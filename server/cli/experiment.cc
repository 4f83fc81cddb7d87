// `arena experiment generalization`: trains every arm of server/arena/experiment.h with every
// seed, plays the evaluation games, and writes the report. Everything goes to one folder:
//   <out>/config.json     the configuration as read
//   <out>/runs/<run>/     each training run (checkpoints, shards, metrics.jsonl, summary.json)
//   <out>/games.jsonl     every evaluation game (seats, returns, moves)
//   <out>/report.json, report.txt
// Run again on the same folder, it continues: finished runs (summary.json) and games already
// played are kept, so an interrupted experiment loses only what was in flight.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "agents/cfr/agent_policy.h"
#include "agents/cfr/cfr_agent.h"
#include "agents/nn/checkpoint.h"
#include "agents/nn/nn_agents.h"
#include "agents/nn/train/trainer.h"
#include "core/args.h"
#include "games/registry.h"
#include "server/arena/experiment.h"
#include "server/cli/commands.h"

namespace arena::cli {
namespace {

namespace fs = std::filesystem;
using experiment::Config;
using experiment::GameRecord;
using experiment::PlannedRun;

// What a finished training run left: <run>/summary.json.
struct RunResult {
  PlannedRun plan;
  std::vector<std::string> checkpoints;  // paths, oldest first
  std::vector<int64_t> steps;            // their learner steps
  Json summary;
};

Result<Json> read_json_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return make_error("io", "cannot read " + path.string());
  try {
    return Json::parse(in);
  } catch (const Json::exception& e) {
    return make_error("bad_config", path.string() + ": " + e.what());
  }
}

Status write_file(const fs::path& path, const std::string& text) {
  const fs::path partial = path.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::trunc);
    out << text;
    if (!out) return make_error("io", "cannot write " + partial.string());
  }
  std::error_code ec;
  fs::rename(partial, path, ec);
  if (ec) return make_error("io", "cannot write " + path.string() + ": " + ec.message());
  return {};
}

RunResult from_summary(const PlannedRun& plan, const Json& summary) {
  RunResult r{plan, {}, {}, summary};
  for (const Json& c : summary.at("checkpoints")) {
    r.checkpoints.push_back(c.at("path").get<std::string>());
    r.steps.push_back(c.at("step").get<int64_t>());
  }
  return r;
}

// Trains one planned run, or reads what an earlier invocation finished.
Result<RunResult> train_run(const Config& config, const PlannedRun& plan, const fs::path& runs,
                            const std::map<std::string, RunResult>& done, const std::string& device) {
  const fs::path dir = runs / plan.name;
  const fs::path summary_path = dir / "summary.json";
  if (fs::exists(summary_path)) {
    Result<Json> summary = read_json_file(summary_path);
    if (!summary.ok()) return summary.error();
    return from_summary(plan, *summary);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);  // an unfinished run starts again

  nn::TrainConfig t;
  t.games = plan.games;
  t.out_dir = dir.string();
  t.run = config.name + "-" + plan.name;
  t.device = device;
  t.blocks = config.blocks;
  t.channels = config.channels;
  t.steps = plan.steps;
  t.actors = config.actors;
  t.simulations = config.simulations;
  t.sample_reuse = config.reuse;
  t.batch_size = config.batch_size;
  t.seed = plan.seed;
  t.freeze_trunk = plan.freeze_trunk;
  t.progress_seconds = 60;
  // Learning curves on the target game: curve_points checkpoints, the untrained one included.
  const bool on_target = std::find(plan.games.begin(), plan.games.end(), config.target) != plan.games.end();
  t.checkpoint_every = on_target ? std::max<int64_t>(1, plan.steps / (config.curve_points - 1)) : plan.steps;
  if (!plan.init_from.empty()) {
    auto start = done.find(plan.init_from);
    if (start == done.end()) return make_error("bad_config", plan.name + " starts from a run not trained");
    t.init_from = start->second.checkpoints.back();
    Result<nn::CheckpointMeta> meta = nn::read_checkpoint_meta(t.init_from);
    if (!meta.ok()) return meta.error();
    if (Status s = nn::check_held_out(*meta, plan.games); !s.ok()) return s.error();
  }
  std::cout << "experiment: training " << plan.name << " (" << plan.arm << ", " << plan.steps
            << " learner steps)" << std::endl;
  nn::TrainCallbacks callbacks;
  callbacks.progress = [&](const nn::TrainProgress& p) {
    std::cout << "  " << plan.name << ": step " << p.step << "/" << plan.steps << ", " << p.games << " games"
              << (p.eta_s >= 0 ? ", eta " + std::to_string(static_cast<int>(p.eta_s)) + " s" : "")
              << std::endl;
  };
  const auto started = std::chrono::steady_clock::now();
  Result<nn::TrainSummary> trained = nn::train(t, callbacks);
  if (!trained.ok()) return trained.error();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  Json per_game = Json::object();
  for (const auto& [spec, data] : trained->final.per_game) {
    per_game[spec] = {{"learner_samples", data.samples},
                      {"selfplay_positions", data.positions},
                      {"selfplay_games", data.games},
                      {"selfplay_simulations", data.positions * static_cast<uint64_t>(config.simulations)}};
  }
  Json checkpoints = Json::array();
  for (const std::string& path : trained->checkpoints) {
    Result<nn::CheckpointMeta> meta = nn::read_checkpoint_meta(path);
    if (!meta.ok()) return meta.error();
    checkpoints.push_back({{"path", fs::absolute(path).string()}, {"step", meta->step}});
  }
  Json summary = {{"run", plan.name},
                  {"arm", plan.arm},
                  {"kind", plan.kind},
                  {"seed", plan.seed},
                  {"games", plan.games},
                  {"init_from", t.init_from},
                  {"frozen_trunk", plan.freeze_trunk},
                  {"learner_steps", trained->final.step},
                  {"wall_seconds", wall},
                  {"per_game", per_game},
                  {"checkpoints", checkpoints}};
  if (Status s = write_file(summary_path, summary.dump(2) + "\n"); !s.ok()) return s.error();
  return from_summary(plan, summary);
}

std::string agent_spec(const std::string& checkpoint, int simulations) {
  return "nn(checkpoint='" + checkpoint + "',simulations=" + std::to_string(simulations) + ")";
}

// The evaluation games already played, and appending new ones.
class GameLog {
 public:
  static Result<GameLog> open(const fs::path& path) {
    GameLog log;
    log.path_ = path;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      Json json;
      try {
        json = Json::parse(line);
      } catch (const Json::exception&) {
        continue;  // a line cut short by an interrupted run
      }
      Result<GameRecord> r = GameRecord::from_json(json);
      if (!r.ok()) return r.error();
      log.records_.push_back(std::move(*r));
    }
    return log;
  }
  int64_t played(const std::string& set, const std::string& game, const std::string& pairing) const {
    int64_t n = 0;
    for (const GameRecord& r : records_) n += r.set == set && r.game == game && r.pairing == pairing;
    return n;
  }
  Status append(const std::vector<GameRecord>& records) {
    std::ofstream out(path_, std::ios::app);
    for (const GameRecord& r : records) {
      out << r.to_json().dump() << "\n";
      records_.push_back(r);
    }
    out.flush();
    if (!out) return make_error("io", "cannot append to " + path_.string());
    return {};
  }
  const std::vector<GameRecord>& records() const { return records_; }

 private:
  fs::path path_;
  std::vector<GameRecord> records_;
};

// Plays what a pairing still lacks.
Status complete_pairing(GameLog& log, const Config& config, const std::string& set, const std::string& game,
                        const std::string& player, const std::string& opponent, int games, uint64_t seed) {
  const std::string pairing = player + " vs " + opponent;
  const int64_t have = log.played(set, game, pairing);
  if (have >= games) return {};
  const int opening = config.opening_plies.contains(game) ? config.opening_plies.at(game) : 0;
  Result<std::vector<GameRecord>> played = experiment::play_pairing(
      set, game, player, opponent, have, static_cast<int>(games - have), opening, seed, config.threads);
  if (!played.ok()) return played.error();
  return log.append(*played);
}

int run_generalization(const std::vector<std::string>& argv) {
  std::string config_path, out, device = "auto";
  Options options(
      "experiment generalization",
      "Runs the generalization experiment a configuration file describes (experiments/generalization.json):\n"
      "trains the arms (shared, specialist, held-out transfer with a frozen or fine-tuned trunk, scratch) "
      "with\n"
      "each seed at equal budgets, rates every arm's final checkpoint against fixed anchors in "
      "colour-paired\n"
      "games, plays learning curves on the target game, and writes report.json and report.txt. Run again on\n"
      "the same --out to continue an interrupted experiment.");
  options.text("config", &config_path, "the configuration (JSON)")
      .required()
      .text("out", &out, "the experiment's folder")
      .required()
      .text("device", &device, "auto, cpu or cuda (training and evaluation)");
  if (std::optional<int> code = options.parse(argv)) return *code;
  auto fail = [](const Error& e) {
    std::cerr << "arena experiment generalization: " << e.message << "\n";
    return e.code == "bad_config" ? 2 : 1;
  };
  Result<Json> json = read_json_file(config_path);
  if (!json.ok()) return fail(json.error());
  Result<Config> config = experiment::parse_config(*json);
  if (!config.ok()) return fail(config.error());
  std::error_code ec;
  fs::create_directories(fs::path(out) / "runs", ec);
  if (ec) return fail(make_error("io", "cannot create " + out + ": " + ec.message()));
  if (Status s = write_file(fs::path(out) / "config.json", config->to_json().dump(2) + "\n"); !s.ok())
    return fail(s.error());

  const auto started = std::chrono::steady_clock::now();
  std::map<std::string, RunResult> done;
  for (const PlannedRun& plan : experiment::plan_runs(*config)) {
    Result<RunResult> r = train_run(*config, plan, fs::path(out) / "runs", done, device);
    if (!r.ok()) return fail(r.error());
    done.emplace(plan.name, std::move(*r));
  }

  Result<GameLog> log = GameLog::open(fs::path(out) / "games.jsonl");
  if (!log.ok()) return fail(log.error());
  std::map<std::string, std::pair<std::string, uint64_t>> arm_of;
  std::map<std::string, std::string> run_of;  // a final checkpoint's agent -> its run
  uint64_t pairing_seed = 1;
  for (const std::string& game : config->games) {
    for (const auto& [name, run] : done) {
      if (run.plan.arm == "held-out") continue;
      if (std::find(run.plan.games.begin(), run.plan.games.end(), game) == run.plan.games.end()) continue;
      const std::string me = agent_spec(run.checkpoints.back(), config->eval_simulations);
      arm_of[me] = {run.plan.arm, run.plan.seed};
      run_of[me] = name;
      for (const std::string& anchor : config->anchors.at(game)) {
        std::cout << "experiment: " << game << ": " << name << " against " << anchor << std::endl;
        if (Status s = complete_pairing(*log, *config, "final", game, me, anchor, config->games_per_pairing,
                                        pairing_seed++);
            !s.ok())
          return fail(s.error());
      }
    }
  }
  // Learning curves: every checkpoint of the runs on the target game against the curve anchor.
  std::vector<experiment::CurvePoint> points;
  for (const auto& [name, run] : done) {
    if (run.plan.arm == "held-out") continue;
    const auto& games = run.plan.games;
    if (std::find(games.begin(), games.end(), config->target) == games.end()) continue;
    for (size_t k = 0; k < run.checkpoints.size(); ++k) {
      const std::string me = agent_spec(run.checkpoints[k], config->eval_simulations);
      if (Status s = complete_pairing(*log, *config, "curve", config->target, me, config->curve_anchor,
                                      config->curve_games, 1000 + k);
          !s.ok())
        return fail(s.error());
      double points_won = 0;
      int played = 0;
      for (const GameRecord& r : log->records()) {
        if (r.set != "curve" || r.pairing != me + " vs " + config->curve_anchor) continue;
        if (r.seats.size() == 1) {
          if (r.seats[0] != me) continue;  // the anchor's attempt at the same puzzle
          points_won += r.returns[0] > 0 ? 1 : 0;
          ++played;
          continue;
        }
        const size_t mine = r.seats[0] == me ? 0 : 1;
        points_won += r.returns[mine] > r.returns[1 - mine]    ? 1
                      : r.returns[mine] == r.returns[1 - mine] ? 0.5
                                                               : 0;
        ++played;
      }
      if (played > 0) {
        const int64_t samples = run.steps[k] * config->batch_size / static_cast<int64_t>(games.size());
        points.push_back({run.plan.arm, run.plan.seed, samples, points_won / played, played});
      }
    }
  }

  // Exploitability where the game is small enough to hold whole: the exact anchors', then
  // every arm's final checkpoint (the nn agent's policy there is its CFR+ search's, read
  // exactly; a policy that cannot be read is sampled).
  std::vector<experiment::ExploitabilityRow> exploitability;
  if (config->exploitability_samples > 0) {
    for (const std::string& spec : config->games) {
      Result<std::shared_ptr<const Game>> game = make_game(spec);
      if (!game.ok()) return fail(game.error());
      Result<std::shared_ptr<const cfr::GameTree>> tree = cfr::whole_tree(**game);
      if (!tree.ok()) continue;  // not a game to hold whole (Go, chess, the puzzles, hold'em)
      cfr::ExploitabilityOptions measure;
      measure.sampling.samples = config->exploitability_samples;
      measure.bootstrap = 200;
      std::vector<std::pair<std::string, std::pair<std::string, uint64_t>>> entrants;
      for (const std::string& anchor : config->anchors.at(spec)) {
        if (anchor == "random" || anchor.rfind("cfr", 0) == 0) entrants.push_back({anchor, {"", 0}});
      }
      for (const auto& [me, arm] : arm_of) {
        const auto& games = done.at(run_of.at(me)).plan.games;
        if (std::find(games.begin(), games.end(), spec) != games.end()) entrants.push_back({me, arm});
      }
      for (const auto& [who, arm] : entrants) {
        Result<cfr::ExploitabilityEstimate> e = cfr::exploitability_of(who, **tree, measure);
        if (!e.ok()) return fail(e.error());
        std::cout << "experiment: " << spec << ": exploitability of " << who << " " << e->value.exploitability
                  << std::endl;
        exploitability.push_back(
            {spec, who, arm.first, arm.second, e->value.exploitability, e->low, e->high, e->exact});
      }
    }
  }

  experiment::Report report;
  report.exploitability = std::move(exploitability);
  report.config = config->to_json();
  report.target = config->target;
  report.runs = Json::array();
  for (const auto& [name, run] : done) report.runs.push_back(run.summary);
  for (const std::string& game : config->games) {
    report.games.push_back(experiment::rate_game(game, log->records(), arm_of,
                                                 config->anchors.at(game).front(), config->bootstrap, 7));
  }
  report.curves = experiment::summarise_curves(points, config->curve_threshold);
  const double hours =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() / 3600;
  Json report_json = report.to_json();
  report_json["hours_this_invocation"] = hours;
  report_json["machine"] = {{"hardware_threads", std::thread::hardware_concurrency()}, {"device", device}};
  if (Status s = write_file(fs::path(out) / "report.json", report_json.dump(2) + "\n"); !s.ok())
    return fail(s.error());
  for (const experiment::GameTable& table : report.games) {
    if (Status s =
            write_file(fs::path(out) / (experiment::slug(table.game) + ".svg"), experiment::game_svg(table));
        !s.ok())
      return fail(s.error());
  }
  if (!report.curves.empty()) {
    if (Status s =
            write_file(fs::path(out) / "curves.svg", experiment::curves_svg(report.curves, report.target));
        !s.ok())
      return fail(s.error());
  }
  const std::string text = experiment::render_text(report);
  if (Status s = write_file(fs::path(out) / "report.txt", text); !s.ok()) return fail(s.error());
  std::cout << text;
  return 0;
}

}  // namespace

int run_experiment(const std::vector<std::string>& args) {
  const char* usage =
      "usage: arena experiment generalization --config FILE --out DIR [options]\n"
      "\n"
      "  generalization   the shared agent against specialists, held-out transfer and scratch, at equal\n"
      "                   budgets over several seeds, rated against fixed anchors with intervals\n";
  if (args.empty()) {
    std::cerr << usage;
    return 2;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << usage;
    return 0;
  }
  if (args[0] == "generalization") return run_generalization({args.begin() + 1, args.end()});
  std::cerr << "arena experiment: unknown experiment '" << args[0] << "'\n" << usage;
  return 2;
}

}  // namespace arena::cli
