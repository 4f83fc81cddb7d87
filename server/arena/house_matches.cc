#include "server/arena/house_matches.h"

#include "agents/registry.h"
#include "games/registry.h"

namespace arena {

HouseMatches::HouseMatches(asio::io_context& io, HouseConfig config, uint64_t seed, Hooks hooks)
    : io_(io), config_(std::move(config)), hooks_(std::move(hooks)), picks_(seed) {
  if (config_.matches <= 0) return;
  for (const std::string& spec : config_.games) {
    Result<std::shared_ptr<const Game>> game = make_game(spec);
    if (!game.ok()) continue;
    Lineup lineup{*game, {}};
    for (const std::string& agent : config_.agents) {
      if (can_play(hooks_.resolve(agent), **game).ok()) lineup.agents.push_back(agent);
    }
    lineup.featured = !config_.featured.empty() && can_play(hooks_.resolve(config_.featured), **game).ok();
    if (lineup.featured && lineup.agents.empty()) lineup.agents.push_back(config_.featured);
    if (!lineup.agents.empty()) lineups_.push_back(std::move(lineup));
  }
}

void HouseMatches::start() {
  {
    std::lock_guard lock(mutex_);
    on_ = true;
  }
  asio::post(io_, [this] { top_up(); });
}

void HouseMatches::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  on_ = false;
}

void HouseMatches::on_finished(int64_t match_id) {
  bool again;
  {
    std::lock_guard lock(mutex_);
    again = live_.erase(match_id) > 0 && on_ && !stopped_;
  }
  if (again) asio::post(io_, [this] { top_up(); });
}

void HouseMatches::top_up() {
  for (;;) {
    std::shared_ptr<const Game> game;
    MatchRequest request;
    {
      std::lock_guard lock(mutex_);
      if (!on_ || stopped_ || lineups_.empty()) return;
      if (static_cast<int>(live_.size()) + starting_ >= config_.matches) return;
      ++starting_;
      const Lineup& lineup = lineups_[picks_.uniform(lineups_.size())];
      game = lineup.game;
      const int featured_seat = lineup.featured ? static_cast<int>(picks_.uniform(game->num_players())) : -1;
      for (int i = 0; i < game->num_players(); ++i) {
        request.seats.push_back(SeatRequest::agent_seat(
            i == featured_seat ? config_.featured : lineup.agents[picks_.uniform(lineup.agents.size())]));
      }
    }
    request.game = game->spec();
    request.rated = true;
    request.min_move_interval = config_.move_interval;
    hooks_.start(std::move(game), std::move(request), [this](Result<int64_t> id) {
      bool again = false;
      {
        std::lock_guard lock(mutex_);
        --starting_;
        // A short game may be over before this callback: then its place is free again.
        if (id.ok() && hooks_.is_live(*id)) {
          live_.insert(*id);
        } else {
          again = id.ok() && on_ && !stopped_;
        }
      }
      if (again) asio::post(io_, [this] { top_up(); });
    });
  }
}

}  // namespace arena
