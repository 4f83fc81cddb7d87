#include "server/arena/matchmaking.h"

#include <algorithm>

#include "core/thread_pool.h"
#include "games/registry.h"

namespace arena {
namespace {

Error limited(const std::string& what) { return make_error("rate_limited", what); }

}  // namespace

Matchmaker::Matchmaker(db::Store& store, std::vector<std::string> house_agents, MatchmakingLimits limits,
                       Hooks hooks, int64_t node)
    : store_(store),
      house_agents_(std::move(house_agents)),
      limits_(limits),
      hooks_(std::move(hooks)),
      node_(node) {}

int64_t Matchmaker::next_id(int64_t& counter) const {
  const int64_t k = counter++;
  return node_ == 0 ? k : (k - 1) * kMaxNodes + node_;
}

std::vector<SeatRequest> Matchmaker::seated(uint64_t seed, const SeatRequest& a, const SeatRequest& b) {
  return (seed & 1) ? std::vector<SeatRequest>{a, b} : std::vector<SeatRequest>{b, a};
}

std::string Matchmaker::pairing_key(const std::string& spec, const TimeControl& tc, bool rated) {
  return spec + '\n' + tc.to_string() + (rated ? "\nrated" : "\ncasual");
}

Result<int64_t> Matchmaker::seek(const SeatRequest& who, Seek seek) {
  if (seek.games.empty()) return make_error("bad_request", "a seek needs at least one game");
  if (seek.games.size() > kMaxSeekGames || seek.time_controls.size() > kMaxSeekTimeControls) {
    return make_error("bad_request", "a seek names at most " + std::to_string(kMaxSeekGames) + " games and " +
                                         std::to_string(kMaxSeekTimeControls) + " time controls");
  }
  Placed placed;
  for (std::string& spec : seek.games) {
    Result<std::shared_ptr<const Game>> game = make_game(spec);
    if (!game.ok()) return game.error();
    spec = (*game)->spec();
    placed.games.push_back(std::move(game).value());
  }
  if (seek.time_controls.empty()) seek.time_controls.push_back(TimeControl{});
  std::shared_ptr<const Game> paired_game;
  MatchRequest request;
  int64_t id;
  {
    std::lock_guard lock(mutex_);
    // The oldest open seek of another player that shares a game and a time control.
    std::optional<int64_t> partner;
    for (const std::shared_ptr<const Game>& game : placed.games) {
      if (game->num_players() != 2) continue;  // pairing is for two seats
      for (const TimeControl& tc : seek.time_controls) {
        auto bucket = seek_index_.find(pairing_key(game->spec(), tc, seek.rated));
        if (bucket == seek_index_.end()) continue;
        for (int64_t other : bucket->second) {  // skips at most this player's own few seeks
          if (partner && other >= *partner) break;
          if (seeks_.at(other).open.who.player_id == who.player_id) continue;
          partner = other;
          paired_game = game;
          request.time_control = tc;
          break;
        }
      }
    }
    if (partner) {
      auto it = seeks_.find(*partner);
      request.seed = hooks_.next_seed();
      request.seats = seated(*request.seed, who, it->second.open.who);
      remove_seek(it);
    } else {
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
      if (static_cast<int>(seeks_.size()) >= limits_.max_open_seeks) {
        return limited("the arena has " + std::to_string(seeks_.size()) + " open seeks; try again later");
      }
      int& mine = seeks_per_player_[who.player_id];
      if (mine >= limits_.max_seeks_per_player) {
        return limited("at most " + std::to_string(limits_.max_seeks_per_player) + " open seeks per player");
      }
      ++mine;
      id = next_id(next_seek_);
      for (const std::shared_ptr<const Game>& game : placed.games) {
        if (game->num_players() != 2) continue;
        for (const TimeControl& tc : seek.time_controls) {
          seek_index_[pairing_key(game->spec(), tc, seek.rated)].insert(id);
        }
      }
      placed.open = OpenSeek{id, who, std::move(seek)};
      seeks_[id] = std::move(placed);
      return id;
    }
    id = next_id(next_seek_);
  }
  request.game = paired_game->spec();
  request.rated = seek.rated;
  hooks_.start(std::move(paired_game), std::move(request), [](Result<int64_t>) {});
  return id;
}

void Matchmaker::remove_seek(std::map<int64_t, Placed>::iterator it) {
  const Placed& placed = it->second;
  for (const std::shared_ptr<const Game>& game : placed.games) {
    if (game->num_players() != 2) continue;
    for (const TimeControl& tc : placed.open.seek.time_controls) {
      auto bucket = seek_index_.find(pairing_key(game->spec(), tc, placed.open.seek.rated));
      if (bucket == seek_index_.end()) continue;
      bucket->second.erase(it->first);
      if (bucket->second.empty()) seek_index_.erase(bucket);
    }
  }
  auto count = seeks_per_player_.find(placed.open.who.player_id);
  if (count != seeks_per_player_.end() && --count->second <= 0) seeks_per_player_.erase(count);
  seeks_.erase(it);
}

bool Matchmaker::cancel_seek(int64_t seek_id) {
  std::lock_guard lock(mutex_);
  auto it = seeks_.find(seek_id);
  if (it == seeks_.end()) return false;
  remove_seek(it);
  return true;
}

std::vector<OpenSeek> Matchmaker::open_seeks(int64_t after, size_t limit, bool* more) {
  std::lock_guard lock(mutex_);
  std::vector<OpenSeek> out;
  auto it = seeks_.upper_bound(after);
  for (; it != seeks_.end() && out.size() < limit; ++it) out.push_back(it->second.open);
  if (more) *more = it != seeks_.end();
  return out;
}

void Matchmaker::challenge(const SeatRequest& from, const std::string& to_name, const std::string& game_spec,
                           const TimeControl& time_control, bool rated,
                           std::function<void(Result<ChallengeOutcome>)> done) {
  Result<std::shared_ptr<const Game>> game = make_game(game_spec);
  if (!game.ok()) return done(game.error());
  const bool to_house = std::any_of(house_agents_.begin(), house_agents_.end(), [&](const std::string& a) {
    return a == to_name || hooks_.resolve(a) == to_name;
  });
  if (to_house) {
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
  if ((*game)->num_players() != 2) {
    return done(make_error("bad_request", "a challenge to a player is for a two-player game"));
  }
  // A person or a bot: look the name up off this thread, then let them decide.
  ThreadPool::shared().post([this, from, to_name, game = std::move(game).value(), time_control, rated, done] {
    Result<std::optional<db::PlayerRow>> to = store_.find_player(to_name);
    if (!to.ok()) return done(to.error());
    if (!*to || (*to)->kind == db::PlayerKind::kAgent || (*to)->kind == db::PlayerKind::kPuzzle) {
      std::string valid;
      for (const std::string& a : house_agents_) valid += (valid.empty() ? "" : ", ") + hooks_.resolve(a);
      return done(
          make_error("unknown_player", "no player '" + to_name + "' to challenge; house agents: " + valid));
    }
    const int64_t to_id = (*to)->id;
    int64_t id;
    {
      std::lock_guard lock(mutex_);
      expire_challenges();
      if (static_cast<int>(challenges_.size()) >= limits_.max_pending_challenges) {
        return done(limited("too many pending challenges in the arena; try again later"));
      }
      if (challenges_from_[from.player_id] >= limits_.max_challenges_per_sender) {
        return done(limited("at most " + std::to_string(limits_.max_challenges_per_sender) +
                            " pending challenges from one player"));
      }
      if (challenges_to_[to_id] >= limits_.max_challenges_per_target) {
        return done(limited("'" + to_name + "' has " + std::to_string(limits_.max_challenges_per_target) +
                            " pending challenges; try again later"));
      }
      ++challenges_from_[from.player_id];
      ++challenges_to_[to_id];
      id = next_id(next_challenge_);
      challenges_[id] = PendingChallenge{
          from, to_id, game, time_control, rated, std::chrono::steady_clock::now() + limits_.challenge_ttl};
    }
    hooks_.emit(
        ChallengeIssued{id, from.player_id, from.name, to_id, game->spec(), time_control.to_string(), rated});
    done(ChallengeOutcome{id, 0});
  });
}

void Matchmaker::remove_challenge(std::map<int64_t, PendingChallenge>::iterator it) {
  auto uncount = [](std::map<int64_t, int>& counts, int64_t player) {
    auto c = counts.find(player);
    if (c != counts.end() && --c->second <= 0) counts.erase(c);
  };
  uncount(challenges_from_, it->second.from.player_id);
  uncount(challenges_to_, it->second.to);
  challenges_.erase(it);
}

void Matchmaker::expire_challenges() {
  const auto now = std::chrono::steady_clock::now();
  while (!challenges_.empty() && challenges_.begin()->second.expires <= now) {
    remove_challenge(challenges_.begin());
  }
}

void Matchmaker::accept_challenge(int64_t challenge_id, const SeatRequest& by, MatchDone done) {
  PendingChallenge c;
  {
    std::lock_guard lock(mutex_);
    expire_challenges();
    auto it = challenges_.find(challenge_id);
    if (it == challenges_.end() || it->second.to != by.player_id) {
      return done(make_error("unknown_challenge", "no open challenge " + std::to_string(challenge_id) +
                                                      " for you (challenges expire after " +
                                                      std::to_string(limits_.challenge_ttl.count() / 1000) +
                                                      " s)"));
    }
    c = it->second;
    remove_challenge(it);
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
    expire_challenges();
    auto it = challenges_.find(challenge_id);
    if (it == challenges_.end() || it->second.to != player_id) {
      return make_error("unknown_challenge",
                        "no open challenge " + std::to_string(challenge_id) + " for you");
    }
    from = it->second.from.player_id;
    remove_challenge(it);
  }
  hooks_.emit(ChallengeDeclined{challenge_id, from, player_id});
  return ok_status();
}

}  // namespace arena
