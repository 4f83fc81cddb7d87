// `arena train`: self-play training of the shared network (agents/nn/train), with every
// checkpoint entered in the database as the player nn:<run>@<step> and evaluated in rated
// matches against the anchors (random, rollout MCTS at the same simulations) and the
// previous checkpoint, in every trained game.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <future>
#include <iostream>
#include <sstream>
#include <thread>

#include "agents/local_match.h"
#include "agents/nn/nn_agents.h"
#include "agents/nn/train/trainer.h"
#include "core/args.h"
#include "core/rng.h"
#include "games/registry.h"
#include "server/cli/commands.h"
#include "server/cli/recorded_play.h"

namespace arena::cli {
namespace {

std::string fixed(double v, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
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

// Enters a checkpoint in the database: its player and its agent_versions row.
Status register_checkpoint(db::Store& store, const std::string& player, const nn::CheckpointEvent& event) {
  std::promise<Result<int64_t>> player_id;
  store.ensure_player(player, db::PlayerKind::kAgent, player,
                      [&](Result<int64_t> id) { player_id.set_value(std::move(id)); });
  Result<int64_t> id = player_id.get_future().get();
  if (!id.ok()) return id.error();
  std::promise<Result<int64_t>> version;
  store.add_agent_version(*id, event.meta.run, event.meta.step, event.path,
                          [&](Result<int64_t> v) { version.set_value(std::move(v)); });
  Result<int64_t> v = version.get_future().get();
  if (!v.ok()) return v.error();
  return {};
}

void print_progress(const nn::TrainProgress& p, int64_t total_steps) {
  std::string line = "[" + fixed(p.elapsed_s, 0) + " s] step " + std::to_string(p.step);
  if (total_steps > 0) line += "/" + std::to_string(total_steps);
  line += "  games " + std::to_string(p.games) + " (" + fixed(p.games_per_s, 1) + "/s)";
  line += "  positions " + std::to_string(p.positions) + " (" + fixed(p.positions_per_s, 0) + "/s)";
  line += "  batch " + fixed(p.mean_batch, 1);
  for (const auto& [game, losses] : p.losses) {
    line += "  | " + game + " policy " + fixed(losses.first, 3) + " value " + fixed(losses.second, 3);
  }
  if (!p.last_evaluation.empty()) line += "  | eval: " + p.last_evaluation;
  std::cout << line << std::endl;
}

}  // namespace

int run_train(const std::vector<std::string>& argv) {
  auto parsed = parse_command(
      "train",
      "Trains the shared network by self-play on one or more games: self-play phases (PUCT search with the\n"
      "current network) and learner phases alternate; trajectories go to <out>/shards (gzip, see\n"
      "agents/selfplay/SHARDS.md), checkpoints to <out>/checkpoints. Every checkpoint becomes the player\n"
      "nn:<run>@<step> in the database and plays rated evaluation matches against random, rollout MCTS\n"
      "(same simulations) and the previous checkpoint in each game. A line of progress per interval.",
      argv,
      {{"games", true, "game specs separated by ';' (required), e.g. \"go(size=9);kuhn_poker;game24\""},
       {"out", true, "run folder (required), e.g. runs/shared-1; the run is named after its last part"},
       {"weights", true, "sampling weight per game, ';'-separated (default equal)"},
       {"db", true, "SQLite file for the checkpoints' players and evaluation matches (default ./arena.db)"},
       {"device", true, "auto, cpu or cuda (default auto)"},
       {"actors", true, "self-play threads, all searching at once (default 32)"},
       {"steps", true, "learner steps (default 1000, or no limit when --minutes is given)"},
       {"minutes", true, "stop after this many minutes (default none)"},
       {"blocks", true, "residual blocks of the trunk (default 4)"},
       {"channels", true, "channels of the trunk (default 64)"},
       {"simulations", true, "self-play simulations per move (default 64)"},
       {"batch", true, "learner batch size (default 128)"},
       {"lr", true, "learning rate (default 0.001)"},
       {"checkpoint-every", true, "learner steps between checkpoints (default 100)"},
       {"init-from", true, "start from this checkpoint's weights (transfer)"},
       {"freeze-trunk", false, "train only stems and heads (with --init-from: a transfer run)"},
       {"kind", true,
        "shared, specialist, transfer or scratch: the run's column in the generalization report\n"
        "                         (default: shared for several games, specialist for one, transfer\n"
        "                         with --freeze-trunk)"},
       {"eval-games", true,
        "evaluation matches per opponent and game at each checkpoint (default 4; 0: none)"},
       {"eval-simulations", true,
        "simulations of the checkpoint and of rollout MCTS in evaluation (default 100)"},
       {"seed", true, "seed (default 1)"}});
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  auto usage = [](const std::string& message) {
    std::cerr << "arena train: " << message << "\n";
    return 2;
  };
  if (!args.has("games") || !args.has("out")) return usage("--games and --out are required (see --help)");

  nn::TrainConfig config;
  config.games = split_specs(args.get("games"), ';');
  if (config.games.empty()) return usage("--games names no game");
  for (const std::string& spec : config.games) {
    // Checked before anything is recorded: a typo must not leave a run in the report.
    if (Result<std::shared_ptr<const Game>> game = make_game(spec); !game.ok())
      return usage(game.error().message);
  }
  for (const std::string& w : split_specs(args.get("weights"), ';')) {
    try {
      config.weights.push_back(std::stod(w));
    } catch (const std::exception&) {
      return usage("bad weight '" + w + "'");
    }
  }
  if (!config.weights.empty() && config.weights.size() != config.games.size()) {
    return usage("--weights needs one weight per game");
  }
  config.out_dir = args.get("out");
  while (config.out_dir.size() > 1 && config.out_dir.back() == '/') config.out_dir.pop_back();
  config.run = std::filesystem::path(config.out_dir).lexically_normal().filename().string();
  if (config.run.empty() || config.run == "." || config.run == "..")
    return usage("--out must name the run's folder");
  // Another run's checkpoints there would be overwritten by a network of another shape,
  // under the same player names: refuse (resuming a run is not implemented).
  std::error_code ec;
  const std::filesystem::path checkpoints = std::filesystem::path(config.out_dir) / "checkpoints";
  if (std::filesystem::is_directory(checkpoints, ec) && !std::filesystem::is_empty(checkpoints, ec)) {
    std::cerr << "arena train: " << config.out_dir
              << " already holds a run (its checkpoints); choose another --out (resuming is not supported)\n";
    return 1;
  }
  config.device = args.get("device", "auto");
  config.init_from = args.get("init-from");
  config.freeze_trunk = args.has("freeze-trunk");
  struct IntOption {
    const char* name;
    int64_t fallback;
    int64_t min;
    int64_t* out;
  };
  int64_t actors, steps, blocks, channels, simulations, batch, checkpoint_every, eval_games, eval_simulations,
      seed;
  // A time budget alone means what it says: no step limit unless --steps is given too.
  const IntOption ints[] = {{"actors", 32, 1, &actors},
                            {"steps", args.has("minutes") ? 0 : 1000, 0, &steps},
                            {"blocks", 4, 1, &blocks},
                            {"channels", 64, 4, &channels},
                            {"simulations", 64, 1, &simulations},
                            {"batch", 128, 1, &batch},
                            {"checkpoint-every", 100, 1, &checkpoint_every},
                            {"eval-games", 4, 0, &eval_games},
                            {"eval-simulations", 100, 1, &eval_simulations},
                            {"seed", 1, 0, &seed}};
  for (const IntOption& o : ints) {
    Result<int64_t> v = args.get_int(o.name, o.fallback);
    if (!v.ok()) return usage(v.error().message);
    if (*v < o.min) return usage("--" + std::string(o.name) + " must be at least " + std::to_string(o.min));
    *o.out = *v;
  }
  config.actors = static_cast<int>(actors);
  config.steps = steps;
  config.blocks = static_cast<int>(blocks);
  config.channels = static_cast<int>(channels);
  config.simulations = static_cast<int>(simulations);
  config.batch_size = static_cast<int>(batch);
  config.checkpoint_every = checkpoint_every;
  config.seed = static_cast<uint64_t>(seed);
  try {
    if (args.has("minutes")) config.minutes = std::stod(args.get("minutes"));
    if (args.has("lr")) config.learning_rate = std::stod(args.get("lr"));
  } catch (const std::exception&) {
    return usage("--minutes and --lr take numbers");
  }
  if (config.steps == 0 && config.minutes <= 0) return usage("give --steps or --minutes");
  std::string kind = args.get("kind");
  if (kind.empty())
    kind = config.freeze_trunk ? "transfer" : config.games.size() > 1 ? "shared" : "specialist";
  if (kind != "shared" && kind != "specialist" && kind != "transfer" && kind != "scratch") {
    return usage("--kind is shared, specialist, transfer or scratch");
  }

  // Checkpoints are players named nn:<run>@<step>, a name that is also their agent's spec,
  // resolved in the runs folder (ARENA_RUNS): the folder that holds this run.
  const std::string runs_dir =
      std::filesystem::absolute(config.out_dir).lexically_normal().parent_path().string();
  setenv("ARENA_RUNS", runs_dir.c_str(), 1);
  Result<std::unique_ptr<RecordedPlay>> recorder = RecordedPlay::open(args.get("db", "arena.db"));
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
  if (!save_run(0)) return 1;

  nn::TrainCallbacks callbacks;
  callbacks.progress = [&](const nn::TrainProgress& p) { print_progress(p, config.steps); };
  callbacks.checkpoint = [&](const nn::CheckpointEvent& event) -> std::string {
    // The checkpoint's player (named as its evaluation agent will be) and its version row.
    std::string line = event.meta.player_name();
    if (eval_simulations != 100) line += "(simulations=" + std::to_string(eval_simulations) + ")";
    if (Status s = register_checkpoint((*recorder)->store(), line, event); !s.ok()) {
      std::cerr << "arena train: " << s.error().message << "\n";
    }
    if (eval_games > 0) line += ": " + evaluation.evaluate(line);
    save_run(event.meta.step);
    std::cout << "checkpoint " << event.path << "  " << line << std::endl;
    return line;
  };
  std::cout << "arena train: run " << config.run << " (" << kind << ") on " << args.get("games") << ", out "
            << config.out_dir << std::endl;
  Result<nn::TrainSummary> summary = nn::train(config, callbacks);
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
  return 0;
}

}  // namespace arena::cli
