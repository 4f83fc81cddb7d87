#include "server/cli/serve_learn.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <regex>

#include "agents/nn/checkpoint.h"
#include "agents/nn/nn_agents.h"
#include "agents/nn/train/trainer.h"
#include "core/format.h"
#include "core/json.h"
#include "core/rng.h"
#include "games/registry.h"
#include "server/cli/recorded_play.h"

namespace arena::cli {
namespace {

namespace fs = std::filesystem;

std::string run_dir(const std::string& run) { return nn::runs_dir() + "/" + run; }
std::string promotions_file(const std::string& run) { return run_dir(run) + "/promotions.jsonl"; }

// "nn:<run>@<step>" -> (run, step).
std::optional<std::pair<std::string, int64_t>> parse_checkpoint_name(const std::string& name) {
  static const std::regex pattern(R"(nn:([A-Za-z0-9_.-]+)@([0-9]+))");
  std::smatch m;
  if (!std::regex_match(name, m, pattern)) return std::nullopt;
  return std::make_pair(m[1].str(), std::stoll(m[2].str()));
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

double share_beaten(const std::vector<double>& returns, int seat) {
  if (returns.size() < 2) return 0.5;
  double points = 0;
  for (size_t j = 0; j < returns.size(); ++j) {
    if (static_cast<int>(j) == seat) continue;
    points += returns[seat] > returns[j] ? 1.0 : returns[seat] == returns[j] ? 0.5 : 0.0;
  }
  return points / static_cast<double>(returns.size() - 1);
}

std::optional<std::string> last_promoted(const std::string& run) {
  std::ifstream in(promotions_file(run));
  std::optional<std::string> last;
  for (std::string line; std::getline(in, line);) {
    std::optional<Json> j = parse_json(line);
    if (!j || !j->is_object() || !j->value("promoted", false) || !j->contains("player")) continue;
    const std::string player = (*j)["player"].is_string() ? (*j)["player"].get<std::string>() : "";
    const auto name = parse_checkpoint_name(player);
    std::error_code ec;
    if (name && fs::exists(nn::checkpoint_file(name->first, name->second), ec)) last = player;
  }
  return last;
}

ServeLearner::ServeLearner(Arena& arena, db::Store& store, std::string alias, LearnOptions options)
    : arena_(arena),
      store_(store),
      alias_(std::move(alias)),
      options_(std::move(options)),
      recorder_(RecordedPlay::over(arena, store)),
      gate_seed_(options_.seed ^ 0x6a7e) {}

Result<std::unique_ptr<ServeLearner>> ServeLearner::start(Arena& arena, db::Store& store, std::string alias,
                                                          LearnOptions options) {
  const std::string incumbent = arena.resolve_agent(alias);
  const auto name = parse_checkpoint_name(incumbent);
  if (!name)
    return make_error("bad_config", "--learn starts from the shared agent's checkpoint; '" + alias + "' is " +
                                        incumbent + ", not a checkpoint nn:<run>@<step>");
  const std::string start_path = nn::checkpoint_file(name->first, name->second);
  Result<nn::CheckpointMeta> meta = nn::read_checkpoint_meta(start_path);
  if (!meta.ok()) return meta.error();

  nn::TrainConfig config;
  config.games = meta->games;
  config.blocks = meta->net.blocks;
  config.channels = meta->net.channels;
  config.out_dir = run_dir(options.run);
  config.run = options.run;
  config.device = options.device;
  config.steps = 0;  // until stopped
  config.actors = options.actors;
  config.games_per_phase = options.actors;  // short phases: a stop waits for one
  config.simulations = options.simulations;
  config.checkpoint_every = options.checkpoint_every;
  config.seed = options.seed;
  config.progress_seconds = 60;
  std::error_code ec;
  const fs::path checkpoints = fs::path(config.out_dir) / "checkpoints";
  config.resume = fs::is_directory(checkpoints, ec) && !fs::is_empty(checkpoints, ec);
  if (!config.resume) config.init_from = start_path;

  std::unique_ptr<ServeLearner> learner(new ServeLearner(arena, store, std::move(alias), std::move(options)));
  ServeLearner* self = learner.get();
  std::cout << "arena: learning in " << config.out_dir
            << (config.resume ? " (resumed)" : " from " + incumbent) << " on " << config.games.size()
            << " games; gate " << self->options_.gate_games << " matches per game, promoted at "
            << fixed(self->options_.gate_score, 2) << std::endl;
  self->thread_ = std::thread([self, config] {
    nn::TrainCallbacks callbacks;
    callbacks.stop = [self] { return self->stopping_.load(); };
    callbacks.progress = [](const nn::TrainProgress& p) {
      std::cout << "arena: learning: step " << p.step << ", " << p.games << " self-play games, "
                << fixed(p.positions_per_s, 0) << " positions/s" << std::endl;
    };
    callbacks.checkpoint = [self](const nn::CheckpointEvent& e) {
      return self->on_checkpoint(e.path, e.meta.player_name(), e.meta.step, e.meta.games);
    };
    Result<nn::TrainSummary> done = nn::train(config, callbacks);
    if (!done.ok()) std::cerr << "arena: learning stopped: " << done.error().message << std::endl;
  });
  return learner;
}

ServeLearner::~ServeLearner() { stop(); }

void ServeLearner::stop() {
  stopping_ = true;
  recorder_->cancel();
  if (thread_.joinable()) thread_.join();
}

std::string ServeLearner::on_checkpoint(const std::string& path, const std::string& player, int64_t step,
                                        const std::vector<std::string>& games) {
  if (Status s = register_checkpoint(store_, player, options_.run, step, path); !s.ok()) {
    std::cerr << "arena: learning: entering " << player << ": " << s.error().message << std::endl;
    return "";
  }
  if (first_step_ < 0) first_step_ = step;
  if (stopping_ || (step == first_step_ && step == 0)) return "";  // the incumbent's own weights
  const GateResult g = gate(player, step, games);
  if (stopping_) return "";  // a gate cut short says nothing
  if (g.promoted) arena_.set_alias(alias_, player);
  Json line = {{"at", utc_now()},         {"step", g.step},         {"player", g.candidate},
               {"previous", g.incumbent}, {"score", g.score},       {"matches", g.matches},
               {"failed", g.failed},      {"promoted", g.promoted}, {"gate_score", options_.gate_score}};
  Json per_game = Json::object();
  for (const auto& [game, score] : g.per_game) per_game[game] = score;
  line["per_game"] = per_game;
  std::ofstream(promotions_file(options_.run), std::ios::app) << line.dump() << "\n";
  const std::string summary = "gate " + fixed(g.score, 3) + " over " + std::to_string(g.matches) +
                              " matches against " + g.incumbent + (g.promoted ? ": promoted" : ": kept");
  std::cout << "arena: learning: " << player << " " << summary << std::endl;
  return summary;
}

GateResult ServeLearner::gate(const std::string& candidate, int64_t step,
                              const std::vector<std::string>& games) {
  GateResult result;
  result.candidate = candidate;
  result.incumbent = arena_.resolve_agent(alias_);
  result.step = step;
  Rng seeds(gate_seed_ ^ static_cast<uint64_t>(step));
  double total = 0;
  for (const std::string& spec : games) {
    Result<std::shared_ptr<const Game>> game = make_game(spec);
    if (!game.ok()) continue;
    const int players = (*game)->num_players();
    // Each match's points, or nullopt when it failed (or was cut short by a stop).
    std::vector<std::future<std::optional<double>>> matches;
    for (int i = 0; i < options_.gate_games; ++i) {
      const uint64_t seed = seeds.next_u64();
      matches.push_back(std::async(std::launch::async, [&, seed, i]() -> std::optional<double> {
        if (players == 1) {  // a puzzle: each solves the same draw alone
          Result<RecordedPlay::Outcome> mine = recorder_->play(spec, {candidate}, seed);
          Result<RecordedPlay::Outcome> theirs = recorder_->play(spec, {result.incumbent}, seed);
          if (!mine.ok() || !theirs.ok()) return std::nullopt;
          return share_beaten({mine->returns[0], theirs->returns[0]}, 0);
        }
        const int seat = i % players;
        std::vector<std::string> seats(players, result.incumbent);
        seats[seat] = candidate;
        Result<RecordedPlay::Outcome> outcome = recorder_->play(spec, seats, seed);
        if (!outcome.ok()) return std::nullopt;
        return share_beaten(outcome->returns, seat);
      }));
    }
    double game_total = 0;
    int game_matches = 0;
    for (auto& m : matches) {
      const std::optional<double> points = m.get();
      if (!points) {
        ++result.failed;
        continue;
      }
      game_total += *points;
      ++game_matches;
    }
    if (game_matches > 0) result.per_game.emplace_back((*game)->spec(), game_total / game_matches);
    total += game_total;
    result.matches += game_matches;
  }
  result.score = result.matches > 0 ? total / result.matches : 0;
  result.promoted = result.matches > 0 && result.score >= options_.gate_score;
  return result;
}

}  // namespace arena::cli
