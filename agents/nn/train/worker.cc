#include "agents/nn/train/worker.h"

#include "games/registry.h"

namespace arena::nn {

Json selfplay_settings(const TrainConfig& c) {
  return {{"games", c.games},
          {"weights", c.weights},
          {"selfplay_weights", c.selfplay_weights},
          {"sample_reuse", c.sample_reuse},
          {"game_reuse", c.game_reuse},
          {"simulations", c.simulations},
          {"c_puct", c.c_puct},
          {"fpu_reduction", c.fpu_reduction},
          {"dirichlet_alpha", c.dirichlet_alpha},
          {"dirichlet_scale", c.dirichlet_scale},
          {"temperature_moves", c.temperature_moves},
          {"game_temperature_moves", c.game_temperature_moves},
          {"search_batch", c.search_batch},
          {"noisy_games", c.noisy_games},
          {"noisy_moves", c.noisy_moves}};
}

Result<TrainConfig> read_selfplay_settings(const Json& j) {
  TrainConfig c;
  try {
    j.at("games").get_to(c.games);
    j.at("weights").get_to(c.weights);
    j.at("selfplay_weights").get_to(c.selfplay_weights);
    j.at("sample_reuse").get_to(c.sample_reuse);
    j.at("game_reuse").get_to(c.game_reuse);
    j.at("simulations").get_to(c.simulations);
    j.at("c_puct").get_to(c.c_puct);
    j.at("fpu_reduction").get_to(c.fpu_reduction);
    j.at("dirichlet_alpha").get_to(c.dirichlet_alpha);
    j.at("dirichlet_scale").get_to(c.dirichlet_scale);
    j.at("temperature_moves").get_to(c.temperature_moves);
    j.at("game_temperature_moves").get_to(c.game_temperature_moves);
    j.at("search_batch").get_to(c.search_batch);
    j.at("noisy_games").get_to(c.noisy_games);
    j.at("noisy_moves").get_to(c.noisy_moves);
  } catch (const Json::exception& e) {
    return make_error("bad_settings", std::string("the run's self-play settings: ") + e.what());
  }
  const size_t n = c.games.size();
  if (n == 0 || (!c.weights.empty() && c.weights.size() != n) ||
      (!c.selfplay_weights.empty() && c.selfplay_weights.size() != n) ||
      (!c.game_reuse.empty() && c.game_reuse.size() != n) ||
      (!c.game_temperature_moves.empty() && c.game_temperature_moves.size() != n)) {
    return make_error("bad_settings", "the run's self-play settings: not one entry per game");
  }
  for (const std::string& spec : c.games) {
    if (Result<std::shared_ptr<const Game>> game = make_game(spec); !game.ok())
      return make_error("bad_settings",
                        "the run plays " + spec + ", which this build cannot: " + game.error().message);
  }
  return c;
}

SelfPlayWorker::SelfPlayWorker(TrainConfig settings) : settings_(std::move(settings)) {}

SelfPlayWorker::~SelfPlayWorker() {
  actors_.reset();  // before the service they play with
}

Result<std::unique_ptr<SelfPlayWorker>> SelfPlayWorker::create(const TrainConfig& settings) {
  Result<selfplay::SelfPlayConfig> sp = selfplay_config(settings, settings.seed);
  if (!sp.ok()) return sp.error();
  std::unique_ptr<SelfPlayWorker> worker(new SelfPlayWorker(settings));
  SelfPlayWorker* self = worker.get();
  Result<std::unique_ptr<selfplay::SelfPlayActors>> actors =
      selfplay::SelfPlayActors::create(*sp, [self](int, uint64_t) -> std::shared_ptr<Evaluator> {
        std::lock_guard lock(self->mutex_);
        return self->service_;
      });
  if (!actors.ok()) return make_error("bad_config", actors.error().message);
  worker->actors_ = std::move(*actors);
  return worker;
}

Status SelfPlayWorker::load(const std::string& checkpoint_path) {
  ServiceOptions options;
  options.device = settings_.device;
  options.search_batch = settings_.search_batch;
  options.max_batch = std::max(8, settings_.actors * settings_.search_batch);
  options.min_batch = settings_.min_batch;
  options.max_wait_us = settings_.max_wait_us;
  Result<std::shared_ptr<InferenceService>> service = InferenceService::load(checkpoint_path, options);
  if (!service.ok()) return service.error();
  for (const selfplay::GameChoice& choice : actors_->config().games) {
    Result<std::shared_ptr<const Game>> game = make_game(choice.spec);
    if (!game.ok() || !(*service)->knows(**game))
      return make_error("bad_checkpoint", checkpoint_path + " has no head for " + choice.spec);
  }
  std::lock_guard lock(mutex_);
  service_ = std::move(*service);  // the games in flight keep the old one until they end
  return {};
}

Result<std::vector<selfplay::Trajectory>> SelfPlayWorker::play(int n) {
  std::shared_ptr<InferenceService> service;
  {
    std::lock_guard lock(mutex_);
    service = service_;
  }
  if (!service) return make_error("no_checkpoint", "no network loaded to play with");
  if (std::vector<double> w = balanced_selfplay_weights(settings_, actors_->stats()); !w.empty()) {
    if (Status s = actors_->set_weights(std::move(w)); !s.ok()) return s.error();
  }
  const uint64_t errors_before = service->stats().errors;
  Result<std::vector<selfplay::Trajectory>> games = actors_->play_batch(n);
  if (!games.ok()) return games.error();
  if (const ServiceStats stats = service->stats(); stats.errors > errors_before) {
    return make_error("inference_error",
                      std::to_string(stats.errors - errors_before) +
                          " forward passes failed; these games are not training data: " + stats.last_error);
  }
  return games;
}

ServiceStats SelfPlayWorker::service_stats() const {
  std::lock_guard lock(mutex_);
  return service_ ? service_->stats() : ServiceStats{};
}

selfplay::ActorStats SelfPlayWorker::actor_stats() const { return actors_->stats(); }

}  // namespace arena::nn
