#include "server/arena/matchmaking.h"

#include <algorithm>

#include "core/thread_pool.h"
#include "games/registry.h"

namespace arena {

Matchmaker::Matchmaker(db::Store& store, std::vector<std::string> house_agents, Hooks hooks)
    : store_(store), house_agents_(std::move(house_agents)), hooks_(std::move(hooks)) {}

std::vector<SeatRequest> Matchmaker::seated(uint64_t seed, const SeatRequest& a, const SeatRequest& b) {
  return (seed & 1) ? std::vector<SeatRequest>{a, b} : std::vector<SeatRequest>{b, a};
}

Result<int64_t> Matchmaker::seek(const SeatRequest& who, Seek seek) {
  Placed placed;
  for (std::string& spec : seek.games) {
    Result<std::shared_ptr<const Game>> game = make_game(spec);
    if (!game.ok()) return game.error();
    spec = (*game)->spec();
    placed.games.push_back(std::move(game).value());
  }
  if (seek.games.empty()) return make_error("bad_request", "a seek needs at least one game");
  if (seek.time_controls.empty()) seek.time_controls.push_back(TimeControl{});
  std::shared_ptr<const Game> paired_game;
  MatchRequest request;
  int64_t id;
  {
    std::lock_guard lock(mutex_);
    id = next_seek_++;
    for (auto it = seeks_.begin(); it != seeks_.end() && !paired_game;) {
      const auto here = it++;  // `here` may be erased below
      const OpenSeek& other = here->second.open;
      if (other.who.player_id == who.player_id || other.seek.rated != seek.rated) continue;
      for (const std::shared_ptr<const Game>& game : placed.games) {
        if (game->num_players() != 2) continue;  // pairing is for two seats
        const std::vector<std::string>& theirs = other.seek.games;
        if (std::find(theirs.begin(), theirs.end(), game->spec()) == theirs.end()) continue;
        auto tc = std::find_first_of(seek.time_controls.begin(), seek.time_controls.end(),
                                     other.seek.time_controls.begin(), other.seek.time_controls.end());
        if (tc == seek.time_controls.end()) continue;
        paired_game = game;
        request.time_control = *tc;
        request.seed = hooks_.next_seed();
        request.seats = seated(*request.seed, who, other.who);
        seeks_.erase(here);
        break;
      }
    }
    if (!paired_game) {
      // No partner: a one-player game (a puzzle) needs none and starts at once.
      for (const std::shared_ptr<const Game>& game : placed.games) {
        if (game->num_players() != 1) continue;
        paired_game = game;
        request.time_control = seek.time_controls.front();
        request.seed = hooks_.next_seed();
        request.seats = {who};
        break;
      }
    }
    if (!paired_game) {
      placed.open = OpenSeek{id, who, std::move(seek)};
      seeks_[id] = std::move(placed);
      return id;
    }
  }
  request.game = paired_game->spec();
  request.rated = seek.rated;
  hooks_.start(std::move(paired_game), std::move(request), [](Result<int64_t>) {});
  return id;
}

bool Matchmaker::cancel_seek(int64_t seek_id) {
  std::lock_guard lock(mutex_);
  return seeks_.erase(seek_id) > 0;
}

std::vector<OpenSeek> Matchmaker::open_seeks() {
  std::lock_guard lock(mutex_);
  std::vector<OpenSeek> out;
  for (const auto& [id, placed] : seeks_) out.push_back(placed.open);
  return out;
}

void Matchmaker::challenge(const SeatRequest& from, const std::string& to_name, const std::string& game_spec,
                           const TimeControl& time_control, bool rated,
                           std::function<void(Result<ChallengeOutcome>)> done) {
  Result<std::shared_ptr<const Game>> game = make_game(game_spec);
  if (!game.ok()) return done(game.error());
  if (std::find(house_agents_.begin(), house_agents_.end(), to_name) != house_agents_.end()) {
    // A house agent accepts at once; the challenger's seat is drawn from the seed.
    const int players = (*game)->num_players();
    if (players != 2 && players != 1) {
      return done(make_error("bad_request", "challenges are for one- and two-player games"));
    }
    MatchRequest request;
    request.game = (*game)->spec();
    request.time_control = time_control;
    request.rated = rated;
    request.seed = hooks_.next_seed();
    request.seats = players == 1 ? std::vector<SeatRequest>{from}
                                 : seated(*request.seed, from, SeatRequest::agent_seat(to_name));
    hooks_.start(std::move(game).value(), std::move(request), [done](Result<int64_t> id) {
      if (!id.ok()) return done(id.error());
      done(ChallengeOutcome{0, *id});
    });
    return;
  }
  // A person or a bot: look the name up off this thread, then let them decide.
  ThreadPool::shared().post([this, from, to_name, game = std::move(game).value(), time_control, rated, done] {
    Result<std::optional<db::PlayerRow>> to = store_.find_player(to_name);
    if (!to.ok()) return done(to.error());
    if (!*to || (*to)->kind == db::PlayerKind::kAgent || (*to)->kind == db::PlayerKind::kPuzzle) {
      std::string valid;
      for (const std::string& a : house_agents_) valid += (valid.empty() ? "" : ", ") + a;
      return done(
          make_error("unknown_player", "no player '" + to_name + "' to challenge; house agents: " + valid));
    }
    int64_t id;
    {
      std::lock_guard lock(mutex_);
      id = next_challenge_++;
      challenges_[id] = PendingChallenge{from, (*to)->id, game, time_control, rated};
    }
    hooks_.emit(ChallengeIssued{id, from.player_id, from.name, (*to)->id, game->spec(),
                                time_control.to_string(), rated});
    done(ChallengeOutcome{id, 0});
  });
}

void Matchmaker::accept_challenge(int64_t challenge_id, const SeatRequest& by, MatchDone done) {
  PendingChallenge c;
  {
    std::lock_guard lock(mutex_);
    auto it = challenges_.find(challenge_id);
    if (it == challenges_.end() || it->second.to != by.player_id) {
      return done(
          make_error("unknown_challenge", "no open challenge " + std::to_string(challenge_id) + " for you"));
    }
    c = std::move(it->second);
    challenges_.erase(it);
  }
  MatchRequest request;
  request.game = c.game->spec();
  request.time_control = c.time_control;
  request.rated = c.rated;
  request.seed = hooks_.next_seed();
  request.seats = seated(*request.seed, c.from, by);
  hooks_.start(std::move(c.game), std::move(request), std::move(done));
}

Status Matchmaker::decline_challenge(int64_t challenge_id, int64_t player_id) {
  int64_t from;
  {
    std::lock_guard lock(mutex_);
    auto it = challenges_.find(challenge_id);
    if (it == challenges_.end() || it->second.to != player_id) {
      return make_error("unknown_challenge",
                        "no open challenge " + std::to_string(challenge_id) + " for you");
    }
    from = it->second.from.player_id;
    challenges_.erase(it);
  }
  hooks_.emit(ChallengeDeclined{challenge_id, from, player_id});
  return ok_status();
}

}  // namespace arena
