// `arena train`: self-play training of the shared network (agents/nn/train), with every
// checkpoint entered in the database as the player nn:<run>@<step> and evaluated in rated
// matches against the anchors (random, rollout MCTS at the same simulations) and the
// previous checkpoint, in every trained game.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "agents/local_match.h"
#include "agents/nn/nn_agents.h"
#include "agents/nn/train/trainer.h"
#include "core/args.h"
#include "core/format.h"
#include "core/json.h"
#include "core/result.h"
#include "core/rng.h"
#include "games/registry.h"
#include "server/cli/commands.h"
#include "server/cli/learn_front.h"
#include "server/cli/packing_options.h"
#include "server/cli/recorded_play.h"
#include "server/net/server.h"

namespace arena::cli {
namespace {

// The value of `--name value` or `--name=value` in `argv` (the last, as parse() keeps).
std::optional<std::string> option_value(const std::vector<std::string>& argv, const std::string& name) {
  std::optional<std::string> value;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == "--" + name && i + 1 < argv.size()) value = argv[i + 1];
    if (argv[i].rfind("--" + name + "=", 0) == 0) value = argv[i].substr(name.size() + 3);
  }
  return value;
}

// A run's command line, kept in <out>/command.json so that --resume continues with the
// settings it was started with.
std::string command_file(const std::string& out_dir) { return out_dir + "/command.json"; }

Result<std::vector<std::string>> read_command(const std::string& out_dir) {
  std::ifstream in(command_file(out_dir));
  if (!in) return std::vector<std::string>{};  // a run from before command.json: the flags as given
  try {
    return Json::parse(in).at("argv").get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    return make_error("bad_run", command_file(out_dir) + ": " + e.what());
  }
}

Status write_command(const std::string& out_dir, const std::vector<std::string>& argv) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  const std::string path = command_file(out_dir), temporary = path + ".tmp";
  {
    std::ofstream out(temporary);
    out << Json{{"command", "train"}, {"argv", argv}}.dump(2) << "\n";
    if (!out.flush()) return make_error("io", "cannot write " + temporary);
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) return make_error("io", "cannot write " + path + ": " + ec.message());
  return ok_status();
}

// Evaluation of each checkpoint: rated matches, recorded through the arena, several at once
// so that the checkpoint's searches share the service's batches.
class Evaluation {
 public:
  Evaluation(RecordedPlay& recorder, std::vector<std::string> games, int matches, int simulations,
             uint64_t seed)
      : recorder_(recorder),
        games_(std::move(games)),
        matches_(matches),
        simulations_(simulations),
        rng_(seed) {}

  // `me` is the checkpoint's player name, also the spec that makes its agent.
  std::string evaluate(const std::string& me) {
    std::vector<std::string> opponents = {"random", "mcts(simulations=" + std::to_string(simulations_) + ")"};
    if (!previous_.empty()) opponents.push_back(previous_);
    std::string summary;
    for (const std::string& spec : games_) {
      Result<std::shared_ptr<const Game>> game = make_game(spec);
      if (!game.ok()) continue;
      summary += (summary.empty() ? "" : "; ") + spec;
      if ((*game)->num_players() == 1) {
        // Puzzles: the anchors attempt as many as the checkpoint, so that they are rated too.
        const Score s = play_all(**game, {me});
        summary += " solved " + s.text();
        for (const std::string& anchor : {opponents[0], opponents[1]}) play_all(**game, {anchor});
        continue;
      }
      for (const std::string& opponent : opponents) {
        const Score s = play_all(**game, {me, opponent});
        summary += " " + short_name(opponent) + " " + s.text();
      }
    }
    previous_ = me;
    return summary;
  }

 private:
  struct Score {
    double points = 0;
    int played = 0;
    int failed = 0;
    std::string text() const {
      std::string t =
          fixed(points, points == static_cast<int>(points) ? 0 : 1) + "/" + std::to_string(played);
      if (failed > 0) t += " (" + std::to_string(failed) + " failed)";
      return t;
    }
  };

  static std::string short_name(const std::string& spec) {
    if (spec.rfind("nn:", 0) == 0) return "previous";
    if (spec.rfind("mcts", 0) == 0) return "mcts";
    return spec;
  }

  // matches_ matches of `entrants` (entrants[0] is the player scored, taking seat i mod
  // players in match i; the last is its opponent). Points: 1 a win or a solved puzzle (the
  // game's best return), 0.5 a draw.
  Score play_all(const Game& g, const std::vector<std::string>& entrants) {
    const std::string game = g.spec();
    const int players = g.num_players();
    const double solved = g.max_utility() - 1e-9;
    std::vector<std::future<std::optional<double>>> results;
    for (int i = 0; i < matches_; ++i) {
      const int my_seat = i % players;
      std::vector<std::string> seats(players);
      for (int s = 0; s < players; ++s) seats[s] = s == my_seat ? entrants[0] : entrants.back();
      const uint64_t seed = rng_.next_u64();
      results.push_back(std::async(
          std::launch::async, [this, game, seats, seed, my_seat, solved]() -> std::optional<double> {
            Result<RecordedPlay::Outcome> outcome = recorder_.play(game, seats, seed);
            if (!outcome.ok()) {
              std::cerr << "arena train: evaluation match failed: " << outcome.error().message << "\n";
              return std::nullopt;
            }
            const std::vector<double>& r = outcome->returns;
            if (r.size() == 1) return r[0] >= solved ? 1.0 : 0.0;
            const Player winner = winner_of(r);
            if (winner == my_seat) return 1.0;
            if (winner == -1 && r[my_seat] == *std::max_element(r.begin(), r.end())) return 0.5;
            return 0.0;
          }));
    }
    Score score;
    for (auto& f : results) {
      const std::optional<double> points = f.get();
      if (!points) {
        ++score.failed;
        continue;
      }
      score.points += *points;
      ++score.played;
    }
    return score;
  }

  RecordedPlay& recorder_;
  std::vector<std::string> games_;
  int matches_;
  int simulations_;
  Rng rng_;
  std::string previous_;
};

// "host:port" with a port 0-65535.
std::optional<std::pair<std::string, uint16_t>> host_and_port(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  const std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const int value = std::stoi(port);
  if (value > 65535) return std::nullopt;
  return std::make_pair(text.substr(0, colon), static_cast<uint16_t>(value));
}

// The step and path of the run's newest checkpoint, if it has one.
std::optional<std::pair<int64_t, std::string>> newest_checkpoint(const std::string& out_dir) {
  std::optional<std::pair<int64_t, std::string>> newest;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(out_dir + "/checkpoints", ec)) {
    Result<nn::CheckpointMeta> meta = nn::read_checkpoint_meta(entry.path().string());
    if (meta.ok() && (!newest || meta->step > newest->first)) newest = {meta->step, entry.path().string()};
  }
  return newest;
}

void print_progress(const nn::TrainProgress& p, int64_t total_steps) {
  std::string line = "[" + fixed(p.elapsed_s, 0) + " s] step " + std::to_string(p.step);
  if (total_steps > 0) line += "/" + std::to_string(total_steps);
  line += "  games " + std::to_string(p.games) + " (" + fixed(p.games_per_s, 1) + "/s)";
  if (p.collected_games > 0) line += " [" + std::to_string(p.collected_games) + " from workers]";
  line += "  positions " + std::to_string(p.positions) + " (" + fixed(p.positions_per_s, 0) + "/s)";
  line += "  batch " + fixed(p.mean_batch, 1);
  char lr[32];
  std::snprintf(lr, sizeof lr, "%.2e", p.learning_rate);
  line += "  lr " + std::string(lr);
  if (p.eta_s >= 0) line += "  eta " + fixed(p.eta_s / 60, 1) + " min";
  for (const auto& [game, losses] : p.losses) {
    line += "  | " + game + " policy " + fixed(losses.policy, 3) + " (kl " + fixed(losses.kl, 3) +
            ") value " + fixed(losses.value, 3);
  }
  if (!p.last_evaluation.empty()) line += "  | eval: " + p.last_evaluation;
  std::cout << line << std::endl;
}

// A data-parallel run's final weights, as every rank sees them (they must be the same).
void print_digest(const nn::TrainConfig& config, const nn::TrainSummary& summary) {
  if (!config.data_parallel.enabled()) return;
  char digest[32];
  std::snprintf(digest, sizeof digest, "%016llx", static_cast<unsigned long long>(summary.weights_digest));
  std::cout << "rank " << config.data_parallel.rank << " of " << config.data_parallel.nodes
            << ": final weights digest " << digest << std::endl;
}

// Rank R > 0: the same training without the database, checkpoints or metrics (rank 0's).
int run_follower(const nn::TrainConfig& config) {
  nn::TrainCallbacks callbacks;
  callbacks.progress = [&](const nn::TrainProgress& p) {
    std::cout << "rank " << config.data_parallel.rank << ": ";
    print_progress(p, config.steps);
  };
  std::cout << "arena train: rank " << config.data_parallel.rank << " of " << config.data_parallel.nodes
            << " (master " << config.data_parallel.master << "), shards in " << config.out_dir
            << "/shards-rank" << config.data_parallel.rank << std::endl;
  Result<nn::TrainSummary> summary = nn::train(config, callbacks);
  if (!summary.ok()) {
    std::cerr << "arena train: " << summary.error().message << "\n";
    return summary.error().code == "bad_config" ? 2 : 1;
  }
  std::cout << "done: " << summary->final.step << " learner steps, " << summary->final.games
            << " self-play games of this rank in " << fixed(summary->final.elapsed_s, 0) << " s" << std::endl;
  print_digest(config, *summary);
  return 0;
}

}  // namespace

int run_train(const std::vector<std::string>& given_argv) {
  // A resumed run's command line is the one it was started with, then what is given now
  // (later values win: --steps 4000 extends the budget).
  std::vector<std::string> argv;
  const bool resuming = std::find(given_argv.begin(), given_argv.end(), "--resume") != given_argv.end();
  if (std::optional<std::string> out = option_value(given_argv, "out"); resuming && out) {
    Result<std::vector<std::string>> stored = read_command(*out);
    if (!stored.ok()) {
      std::cerr << "arena train: --resume: " << stored.error().message << "\n";
      return 1;
    }
    argv = *stored;
  }
  for (const std::string& word : given_argv) {
    if (word != "--resume") argv.push_back(word);
  }
  nn::TrainConfig config;
  std::string games, weights, db = "arena.db", kind;
  std::string selfplay_weights, reuse, temperature_moves, replay_windows;
  bool no_symmetries = false, no_selfplay = false;
  std::string listen, worker_tokens;
  int64_t max_worker_lag = -1;
  double worker_uploads_per_minute = 60;
  int64_t seed = 1, eval_games = 4, eval_simulations = 100, games_per_phase = 0;
  int64_t replay_capacity = static_cast<int64_t>(config.replay_capacity);
  Options options(
      "train",
      "Trains the shared network by self-play on one or more games: self-play phases (PUCT search with the\n"
      "current network) and learner phases alternate; trajectories go to <out>/shards (gzip, see\n"
      "agents/selfplay/SHARDS.md), checkpoints to <out>/checkpoints. Every checkpoint becomes the player\n"
      "nn:<run>@<step> in the database and plays rated evaluation matches against random, rollout MCTS\n"
      "(same simulations) and the previous checkpoint in each game. A line of progress per interval.");
  options.text("games", &games, "game specs separated by ';', e.g. \"go(size=9);kuhn_poker;game24\"")
      .required()
      .text("out", &config.out_dir, "run folder, e.g. runs/shared-1; the run is named after its last part")
      .required()
      .text("weights", &weights, "the learner's mix: each batch's share per game, ';'-separated")
      .default_text("equal")
      .text("selfplay-weights", &selfplay_weights, "how often self-play plays each game, ';'-separated")
      .default_text("balanced so that every game's positions are reused --reuse times")
      .text("db", &db, "SQLite file for the checkpoints' players and evaluation matches")
      .text("device", &config.device, "auto, cpu or cuda")
      .integer("actors", &config.actors, "self-play threads, all searching at once", 1)
      .integer("steps", &config.steps, "learner steps", 0)
      .default_text("1000, or no limit when --minutes is given")
      .number("minutes", &config.minutes, "stop after this many minutes", 0)
      .default_text("none")
      .integer("blocks", &config.blocks, "residual blocks of the trunk", 1)
      .integer("channels", &config.channels, "channels of the trunk", 4)
      .integer("simulations", &config.simulations, "self-play simulations per move", 1)
      .integer("batch", &config.batch_size, "learner batch size", 1)
      .number("lr", &config.learning_rate, "peak learning rate", 0)
      .flag("no-symmetries", &no_symmetries,
            "train on positions as played only, not through their game's symmetries (Go's rotations and "
            "reflections, Connect Four's mirror)")
      .number("weight-decay", &config.weight_decay,
              "AdamW weight decay (convolution and linear weights only)", 0)
      .integer("warmup-steps", &config.warmup_steps, "learner steps of linear learning-rate warm-up", 0)
      .integer("lr-decay-steps", &config.lr_decay_steps,
               "cosine decay of the learning rate over this many steps (after the warm-up)", 0)
      .default_text("the step budget; none without one")
      .number("final-lr", &config.final_lr_fraction,
              "the learning rate at the decay's end, as a fraction of --lr", 0, 1)
      .text("reuse", &reuse,
            "learner samples per new self-play position: one number, or one per game separated by ';'")
      .default_text("4")
      .integer("replay-capacity", &replay_capacity,
               "replay positions over all games; each game keeps its share of the learner mix", 1)
      .text("replay-windows", &replay_windows, "replay positions kept per game, ';'-separated")
      .default_text("--replay-capacity x the game's share, at least 20 batches")
      .text("temperature-moves", &temperature_moves,
            "self-play moves drawn by visit counts before the most visited is played: one number, or one per "
            "game separated by ';'")
      .default_text("8")
      .number("c-puct", &config.c_puct, "PUCT exploration constant", 0)
      .number("fpu-reduction", &config.fpu_reduction, "first-play urgency reduction of the self-play search",
              0)
      .number("dirichlet-alpha", &config.dirichlet_alpha,
              "root noise alpha; 0: --dirichlet-scale / legal moves", 0)
      .number("dirichlet-scale", &config.dirichlet_scale, "root noise alpha x legal moves (when alpha is 0)",
              0)
      .integer("search-batch", &config.search_batch, "leaves a search gathers per evaluation", 1)
      .number("noisy-games", &config.noisy_games,
              "share of self-play games in which one seat is noisy (a weaker opponent)", 0, 1)
      .number("noisy-moves", &config.noisy_moves, "a noisy seat's share of uniformly random moves", 0, 1)
      .integer("games-per-phase", &games_per_phase, "self-play games per phase", 0)
      .default_text("2 x actors")
      .integer("steps-per-phase", &config.steps_per_phase,
               "learner steps per phase (a fixed budget per phase: runs whose games differ in length spend "
               "the same)",
               0)
      .default_text("until each new position is sampled 4 times")
      .integer("checkpoint-every", &config.checkpoint_every, "learner steps between checkpoints", 1)
      .flag("resume", &config.resume,
            "continue the run in --out from its last checkpoint (weights, optimizer, step, replay from its "
            "shards) with the options it was started with (<out>/command.json); options given now win, "
            "e.g. --steps for the whole run")
      .text("init-from", &config.init_from, "start from this checkpoint's weights (transfer)")
      .flag("freeze-trunk", &config.freeze_trunk,
            "train only stems and heads (with --init-from: a transfer run)")
      .text("kind", &kind,
            "shared, specialist, transfer or scratch: the run's column in the generalization report")
      .default_text("shared for several games, specialist for one, transfer with --freeze-trunk")
      .integer("eval-games", &eval_games,
               "evaluation matches per opponent and game at each checkpoint; 0: none", 0)
      .integer("eval-simulations", &eval_simulations,
               "simulations of the checkpoint and of rollout MCTS in evaluation", 1)
      .integer("seed", &seed, "seed", 0)
      .text("listen", &listen,
            "offer the run to self-play workers (arena selfplay --server http://HOST:PORT) at HOST:PORT "
            "(port 0: any free one): they download its checkpoints and upload shards of their games, which "
            "join its learner phases")
      .text("worker-tokens", &worker_tokens,
            "with --listen: a file of '<name> <token>' lines, the workers allowed to upload")
      .flag("no-selfplay", &no_selfplay,
            "with --listen: play no self-play here; learn only from the workers' games")
      .integer("max-worker-lag", &max_worker_lag,
               "with --listen: refuse games played with a checkpoint more than this many learner steps old",
               0)
      .default_text("4 x --checkpoint-every")
      .number("worker-uploads-per-minute", &worker_uploads_per_minute,
              "with --listen: uploads one worker token may make a minute (bursts of as many)", 0);
  std::string master;
  options
      .integer("nodes", &config.data_parallel.nodes,
               "processes of one data-parallel learner (with --rank and --master): each plays its own "
               "self-play, every learner step sums their gradients over all their batches",
               1)
      .default_text("1")
      .integer(
          "rank", &config.data_parallel.rank,
          "this process's rank in [0, --nodes); rank 0 serves --master and writes checkpoints and metrics, "
          "rank R > 0 writes its shards to <out>/shards-rank<R>",
          0)
      .text("master", &master, "host:port of rank 0's rendezvous (TCP store), e.g. 127.0.0.1:29500")
      .number("master-timeout", &config.data_parallel.timeout_s,
              "seconds to wait at the start for the master and every rank", 0);
  packing_options(options, config);
  if (std::optional<int> code = options.parse(argv)) return *code;
  config.resume = resuming;
  auto usage = [&options](const std::string& message) { return options.usage_error(message); };

  config.seed = static_cast<uint64_t>(seed);
  config.symmetries = !no_symmetries;
  config.selfplay = !no_selfplay;
  if (listen.empty() != worker_tokens.empty()) return usage("--listen and --worker-tokens go together");
  if (no_selfplay && listen.empty())
    return usage("--no-selfplay learns from workers only: give --listen too");
  std::optional<std::pair<std::string, uint16_t>> listen_at;
  if (!listen.empty()) {
    listen_at = host_and_port(listen);
    if (!listen_at) return usage("--listen is HOST:PORT, e.g. 127.0.0.1:8090");
  }
  if (max_worker_lag < 0) max_worker_lag = 4 * config.checkpoint_every;
  if (options.given("nodes") || options.given("rank") || options.given("master")) {
    if (!options.given("nodes") || !options.given("rank") || !options.given("master"))
      return usage("--nodes, --rank and --master go together");
    if (config.data_parallel.nodes < 2) return usage("--nodes must be at least 2");
    config.data_parallel.master = master;
    if (Status s = nn::validate(config.data_parallel); !s.ok()) return usage(s.error().message);
  }
  if (listen_at && config.data_parallel.nodes > 1)
    return usage("--listen serves one learner process: not with --nodes (yet)");
  config.games_per_phase = static_cast<int>(games_per_phase);
  // A time budget alone means what it says: no step limit unless --steps is given too.
  if (options.given("minutes") && !options.given("steps")) config.steps = 0;
  if (config.steps == 0 && config.minutes <= 0) return usage("give --steps or --minutes");
  config.games = split_specs(games, ';');
  if (config.games.empty()) return usage("--games names no game");
  for (const std::string& spec : config.games) {
    // Checked before anything is recorded: a typo must not leave a run in the report.
    if (Result<std::shared_ptr<const Game>> game = make_game(spec); !game.ok())
      return usage(game.error().message);
  }
  // A ';'-separated list of numbers: one for every game, or one per game.
  const size_t n_games = config.games.size();
  auto per_game = [&](const std::string& flag, const std::string& text, bool one_for_all,
                      std::vector<double>& out) -> std::optional<std::string> {
    out.clear();
    for (const std::string& item : split_specs(text, ';')) {
      try {
        size_t used = 0;
        const double v = std::stod(item, &used);
        if (used != item.size() || !(v >= 0)) throw std::invalid_argument(item);
        out.push_back(v);
      } catch (const std::exception&) {
        return "--" + flag + ": bad number '" + item + "'";
      }
    }
    if (out.empty()) return std::nullopt;
    if (one_for_all && out.size() == 1) out.assign(n_games, out[0]);
    if (out.size() != n_games) return "--" + flag + " needs one number per game";
    return std::nullopt;
  };
  if (auto e = per_game("weights", weights, false, config.weights)) return usage(*e);
  std::vector<double> list;
  if (auto e = per_game("selfplay-weights", selfplay_weights, false, config.selfplay_weights))
    return usage(*e);
  if (auto e = per_game("reuse", reuse, true, config.game_reuse)) return usage(*e);
  if (auto e = per_game("temperature-moves", temperature_moves, true, list)) return usage(*e);
  for (double v : list) config.game_temperature_moves.push_back(static_cast<int>(v));
  if (auto e = per_game("replay-windows", replay_windows, false, list)) return usage(*e);
  for (double v : list) config.replay_windows.push_back(static_cast<size_t>(v));
  config.replay_capacity = static_cast<size_t>(replay_capacity);
  while (config.out_dir.size() > 1 && config.out_dir.back() == '/') config.out_dir.pop_back();
  config.run = std::filesystem::path(config.out_dir).lexically_normal().filename().string();
  if (config.run.empty() || config.run == "." || config.run == "..")
    return usage("--out must name the run's folder");
  if (kind.empty())
    kind = config.freeze_trunk ? "transfer" : config.games.size() > 1 ? "shared" : "specialist";
  if (kind != "shared" && kind != "specialist" && kind != "transfer" && kind != "scratch") {
    return usage("--kind is shared, specialist, transfer or scratch");
  }
  if (kind == "transfer") {
    if (config.init_from.empty()) return usage("--kind transfer needs --init-from");
    Result<nn::CheckpointMeta> start = nn::read_checkpoint_meta(config.init_from);
    if (!start.ok()) {
      std::cerr << "arena train: --init-from: " << start.error().message << "\n";
      return 1;
    }
    if (Status s = nn::check_held_out(*start, config.games); !s.ok())
      return usage("--kind transfer: " + s.error().message);
  }
  // Rank R > 0 of a data-parallel run trains beside rank 0, which records the run.
  if (config.data_parallel.rank > 0) return run_follower(config);
  // Another run's checkpoints there would be overwritten by a network of another shape,
  // under the same player names: refuse (resuming a run is not implemented).
  std::error_code ec;
  const std::filesystem::path checkpoints = std::filesystem::path(config.out_dir) / "checkpoints";
  const bool has_run =
      std::filesystem::is_directory(checkpoints, ec) && !std::filesystem::is_empty(checkpoints, ec);
  if (has_run && !config.resume) {
    std::cerr << "arena train: " << config.out_dir
              << " already holds a run (its checkpoints); choose another --out, or --resume it\n";
    return 1;
  }
  if (!has_run && config.resume) {
    std::cerr << "arena train: --resume: " << config.out_dir << " holds no checkpoint\n";
    return 1;
  }
  if (Status s = write_command(config.out_dir, argv); !s.ok()) {
    std::cerr << "arena train: " << s.error().message << "\n";
    return 1;
  }

  // Checkpoints are players named nn:<run>@<step>, a name that is also their agent's spec,
  // resolved in the runs folder (ARENA_RUNS): the folder that holds this run.
  const std::string runs_dir =
      std::filesystem::absolute(config.out_dir).lexically_normal().parent_path().string();
  setenv("ARENA_RUNS", runs_dir.c_str(), 1);
  Result<std::unique_ptr<RecordedPlay>> recorder = RecordedPlay::open(db);
  if (!recorder.ok()) {
    std::cerr << "arena train: " << recorder.error().message << "\n";
    return 1;
  }
  Evaluation evaluation(**recorder, config.games, static_cast<int>(eval_games),
                        static_cast<int>(eval_simulations), config.seed ^ 0x5eed);

  // The run's row, for the generalization report: written at the start and at each checkpoint.
  db::TrainingRunRow run_row;
  run_row.name = config.run;
  run_row.games = config.games;
  run_row.kind = kind;
  run_row.init_from = config.init_from;
  run_row.frozen_trunk = config.freeze_trunk;
  run_row.budget_steps = config.steps;
  run_row.device = config.device;
  auto save_run = [&](int64_t steps) {
    run_row.steps = steps;
    std::promise<Result<int64_t>> saved;
    (*recorder)->store().upsert_training_run(run_row,
                                             [&](Result<int64_t> id) { saved.set_value(std::move(id)); });
    Result<int64_t> id = saved.get_future().get();
    if (!id.ok()) std::cerr << "arena train: recording the run: " << id.error().message << "\n";
    return id.ok();
  };
  if (!config.resume && !save_run(0)) return 1;  // a resumed run keeps its row until its next checkpoint

  // Self-play workers: the run's learner offered over HTTP on the evaluation arena's server.
  std::unique_ptr<LearnFront> front;
  std::unique_ptr<net::Server> server;
  if (listen_at) {
    Result<std::unique_ptr<LearnFront>> made = LearnFront::create(
        config, worker_tokens, {config.run, config.out_dir + "/incoming", max_worker_lag, 200'000});
    if (!made.ok()) {
      std::cerr << "arena train: --worker-tokens: " << made.error().message << "\n";
      return 1;
    }
    front = std::move(*made);
    if (config.resume) {
      if (std::optional<std::pair<int64_t, std::string>> last = newest_checkpoint(config.out_dir))
        front->publish(last->first, last->second);
    }
    net::ServerConfig server_config;
    server_config.bind = listen_at->first;
    server_config.port = listen_at->second;
    server_config.learn = {front.get(), worker_uploads_per_minute};
    server = std::make_unique<net::Server>((*recorder)->io(), (*recorder)->arena(), (*recorder)->store(),
                                           server_config);
    Result<uint16_t> port = server->listen();
    if (!port.ok()) {
      std::cerr << "arena train: --listen " << listen << ": " << port.error().message << "\n";
      return 1;
    }
    std::cout << "arena train: self-play workers: arena selfplay --server http://" << listen_at->first << ":"
              << *port << " --token <token>" << std::endl;
  }

  nn::TrainCallbacks callbacks;
  callbacks.progress = [&](const nn::TrainProgress& p) { print_progress(p, config.steps); };
  if (front) callbacks.collect = [&](double wait_s) { return front->collect(wait_s); };
  callbacks.checkpoint = [&](const nn::CheckpointEvent& event) -> std::string {
    if (front) front->publish(event.meta.step, event.path);
    // The checkpoint's player (named as its evaluation agent will be) and its version row.
    std::string line = event.meta.player_name();
    if (eval_simulations != 100) line += "(simulations=" + std::to_string(eval_simulations) + ")";
    if (Status s =
            register_checkpoint((*recorder)->store(), line, event.meta.run, event.meta.step, event.path);
        !s.ok()) {
      std::cerr << "arena train: " << s.error().message << "\n";
    }
    if (eval_games > 0) line += ": " + evaluation.evaluate(line);
    save_run(event.meta.step);
    std::cout << "checkpoint " << event.path << "  " << line << std::endl;
    return line;
  };
  std::cout << "arena train: run " << config.run << " (" << kind << ") on " << games << ", out "
            << config.out_dir << std::endl;
  Result<nn::TrainSummary> summary = nn::train(config, callbacks);
  if (server) server->stop();
  if (!summary.ok()) {
    std::cerr << "arena train: " << summary.error().message << "\n";
    return summary.error().code == "bad_config" ? 2 : 1;
  }
  std::cout << "done: " << summary->final.step << " learner steps, " << summary->final.games
            << " self-play games, " << summary->final.positions << " positions in "
            << fixed(summary->final.elapsed_s, 0) << " s; " << summary->checkpoints.size() << " checkpoints, "
            << summary->shards.size() << " shards; mean batch " << fixed(summary->service.mean_batch, 1)
            << ", " << fixed(summary->service.positions_per_second, 0) << " positions/s through the service"
            << std::endl;
  if (front) {
    for (const auto& [worker, c] : front->counts()) {
      std::cout << "worker " << worker << ": " << c.games << " games (" << c.positions << " positions) in "
                << c.uploads << " shards, " << c.refused << " uploads refused" << std::endl;
    }
  }
  print_digest(config, *summary);
  return 0;
}

int run_ship(const std::vector<std::string>& argv) {
  std::string checkpoint, models = "models";
  Options options(
      "ship",
      "Writes a checkpoint into the models folder the repository ships (models/<run>/checkpoints/),\n"
      "in half precision and without the optimizer's state. `arena serve` plays it as the shared\n"
      "agent while --runs holds no run of several games.");
  options.text("checkpoint", &checkpoint, "the checkpoint file (runs/<run>/checkpoints/step-<N>.pt)")
      .required()
      .text("models", &models, "the models folder");
  if (std::optional<int> code = options.parse(argv)) return *code;
  Result<std::string> written = nn::ship_checkpoint(checkpoint, models);
  if (!written.ok()) {
    std::cerr << "arena ship: " << written.error().message << "\n";
    return 1;
  }
  std::error_code ec;
  std::cout << *written << " (" << std::filesystem::file_size(*written, ec) / 1024 << " KiB)" << std::endl;
  return 0;
}

}  // namespace arena::cli
