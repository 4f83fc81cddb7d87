#include "server/arena/arena.h"

#include <sys/random.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "agents/registry.h"
#include "games/registry.h"

namespace arena {
namespace {

// 64 bits from the operating system's cryptographic generator.
uint64_t os_random_u64() {
  uint64_t value = 0;
  if (getrandom(&value, sizeof value, 0) != static_cast<ssize_t>(sizeof value)) {
    throw std::runtime_error("the operating system gave no random bytes for a match seed");
  }
  return value;
}

// The showcase spec of a registered game: its first example spec ("go(size=9)").
std::string showcase(const GameRegistration& r) {
  return r.example_specs.empty() ? r.type.name : r.example_specs.front();
}

HouseConfig house_config(const ArenaConfig& config) {
  HouseConfig house{config.house_matches, config.house_games, config.house_agents, config.house_move_interval,
                    config.house_featured};
  if (house.games.empty()) {
    for (const GameRegistration& r : GameRegistry::instance().registrations()) {
      if (r.type.name.rfind("test_", 0) != 0) house.games.push_back(showcase(r));
    }
  }
  return house;
}

}  // namespace

Arena::Arena(asio::io_context& io, db::Store& store, ArenaConfig config)
    : io_(io),
      store_(store),
      config_(std::move(config)),
      seeds_(config_.seed),
      aliases_(config_.agent_aliases),
      ratings_(config_.rating_periods),
      matchmaker_(store, config_.challengeable_agents, config_.matchmaking,
                  {[this](std::shared_ptr<const Game> game, MatchRequest request, MatchDone done) {
                     start_match(std::move(game), std::move(request), std::move(done));
                   },
                   [this](const ArenaEvent& e) { emit(e); }, [this] { return next_seed(); },
                   [this](const std::string& agent) { return resolve_agent(agent); }},
                  config_.node),
      house_(io, house_config(config_), config_.seed ? seeds_.next_u64() : os_random_u64(),
             {[this](std::shared_ptr<const Game> game, MatchRequest request, MatchDone done) {
                start_match(std::move(game), std::move(request), std::move(done));
              },
              [this](int64_t id) { return find(id) != nullptr; },
              [this](const std::string& agent) { return resolve_agent(agent); }}) {
  for (const GameRegistration& r : GameRegistry::instance().registrations()) {
    Result<std::shared_ptr<const Game>> game = make_game(showcase(r));
    if (!game.ok()) continue;
    std::vector<std::string>& agents = opponents_[r.type.name];
    for (const std::string& agent : config_.challengeable_agents) {
      if (can_play(resolve_agent(agent), **game).ok()) agents.push_back(agent);
    }
  }
}

Arena::~Arena() {
  stop();
  store_.flush();  // no store callback that refers to this arena may outlive it
}

uint64_t Arena::next_seed() {
  if (!config_.seed) return os_random_u64();
  std::lock_guard lock(mutex_);
  return seeds_.next_u64();
}

Result<int64_t> Arena::seek(const SeatRequest& who, Seek seek) {
  // An early answer; start_match holds the cap for the match a pairing makes.
  if (live_matches_of(who.player_id) >= config_.max_live_matches_per_player) {
    return make_error("rate_limited", "too many live matches");
  }
  return matchmaker_.seek(who, std::move(seek));
}

int Arena::live_matches_of(int64_t player_id) {
  std::lock_guard lock(mutex_);
  auto it = live_per_player_.find(player_id);
  return it == live_per_player_.end() ? 0 : it->second;
}

bool Arena::reserve_live(const std::vector<SeatRequest>& seats) {
  std::set<int64_t> players;  // a player in two seats of one match has one live match
  for (const SeatRequest& s : seats) {
    if (s.agent.empty()) players.insert(s.player_id);
  }
  for (int64_t p : players) {
    auto it = live_per_player_.find(p);
    if (it != live_per_player_.end() && it->second >= config_.max_live_matches_per_player) return false;
  }
  for (int64_t p : players) ++live_per_player_[p];
  return true;
}

void Arena::release_live(const std::vector<int64_t>& remote_players) {
  std::lock_guard lock(mutex_);
  for (int64_t p : std::set<int64_t>(remote_players.begin(), remote_players.end())) {
    auto it = live_per_player_.find(p);
    if (it != live_per_player_.end() && --it->second <= 0) live_per_player_.erase(it);
  }
}

int Arena::subscribe(Subscriber subscriber) {
  std::lock_guard lock(mutex_);
  subscribers_[next_subscriber_] = std::move(subscriber);
  return next_subscriber_++;
}

void Arena::unsubscribe(int id) {
  std::lock_guard lock(mutex_);
  subscribers_.erase(id);
}

void Arena::emit(const ArenaEvent& event) {
  std::vector<Subscriber> targets;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, s] : subscribers_) targets.push_back(s);
  }
  for (const Subscriber& s : targets) s(event);
}

MatchHooks Arena::hooks() {
  MatchHooks h;
  h.emit = [this](const ArenaEvent& e) { emit(e); };
  h.rate = [this](const Match& m, const std::vector<double>& returns, std::optional<int64_t> puzzle,
                  const std::function<void(std::vector<db::RatingRow>)>& store) {
    ratings_.rate(m, returns, puzzle, store);
  };
  h.ratings_settled = [this](int64_t id, const std::vector<db::RatingRow>& rows, bool stored) {
    ratings_.settle(id, rows, stored);
  };
  h.finished = [this](int64_t id) { on_finished(id); };
  return h;
}

std::shared_ptr<Match> Arena::find(int64_t match_id) {
  std::lock_guard lock(mutex_);
  auto it = matches_.find(match_id);
  return it == matches_.end() ? nullptr : it->second;
}

std::vector<int64_t> Arena::live_matches() {
  std::lock_guard lock(mutex_);
  std::vector<int64_t> ids;
  for (const auto& [id, m] : matches_) ids.push_back(id);
  return ids;
}

// ---------------------------------------------------------------------------------------
// Creating matches

Result<std::shared_ptr<Match>> Arena::build(int64_t id, const MatchRequest& request,
                                            std::shared_ptr<const Game> game, std::vector<SeatInfo> seats,
                                            bool stored_active) {
  MatchSetup setup;
  setup.stored_active = stored_active;
  setup.id = id;
  setup.game = game;
  setup.seats = std::move(seats);
  setup.time_control = request.time_control;
  setup.seed = *request.seed;
  setup.rated = request.rated;
  setup.disconnect_grace = config_.disconnect_grace;
  setup.min_move_interval = request.min_move_interval;
  Rng agent_seeds(setup.seed ^ 0xA6E7u);
  for (const SeatRequest& seat : request.seats) {
    if (seat.agent.empty()) {
      setup.agents.push_back(nullptr);
      continue;
    }
    Result<std::unique_ptr<Agent>> agent = make_agent(seat.agent, *game, agent_seeds.next_u64());
    if (!agent.ok()) return agent.error();
    setup.agents.push_back(std::move(agent).value());
  }
  return std::make_shared<Match>(io_, store_, std::move(setup), hooks());
}

void Arena::create_match(MatchRequest request, MatchDone done) {
  Result<std::shared_ptr<const Game>> game = make_game(request.game);
  if (!game.ok()) return done(game.error());
  start_match(std::move(game).value(), std::move(request), std::move(done));
}

void Arena::start_match(std::shared_ptr<const Game> game, MatchRequest request, MatchDone done) {
  if (static_cast<int>(request.seats.size()) != game->num_players()) {
    return done(make_error("bad_request", game->spec() + " has " + std::to_string(game->num_players()) +
                                              " seats, got " + std::to_string(request.seats.size())));
  }
  for (SeatRequest& seat : request.seats) {
    if (seat.agent.empty()) {
      if (seat.player_id <= 0) return done(make_error("bad_request", "a remote seat needs a player"));
      continue;
    }
    seat.agent = resolve_agent(seat.agent);
    if (Status playable = can_play(seat.agent, *game); !playable.ok()) return done(playable.error());
  }
  if (!request.seed) request.seed = next_seed();
  for (const SeatRequest& seat : request.seats) {
    if (seat.agent.empty() && seat.guest) request.rated = false;  // rated means every remote seat is named
  }
  std::vector<int64_t> remote_players;
  for (const SeatRequest& seat : request.seats) {
    if (seat.agent.empty()) remote_players.push_back(seat.player_id);
  }
  {
    std::lock_guard lock(mutex_);
    if (!reserve_live(request.seats)) {
      return done(make_error("rate_limited", "a player of this match already sits in " +
                                                 std::to_string(config_.max_live_matches_per_player) +
                                                 " live matches"));
    }
  }
  // From here every failure gives the reservation back.
  done = [this, remote_players, done = std::move(done)](Result<int64_t> id) {
    if (!id.ok()) release_live(remote_players);
    done(std::move(id));
  };

  // Agents are players too: find or create each one's row, then store the match.
  struct Pending {
    std::mutex mutex;
    int waiting = 0;
    std::optional<Error> error;
    std::vector<SeatInfo> seats;
  };
  auto pending = std::make_shared<Pending>();
  for (const SeatRequest& seat : request.seats) {
    SeatInfo info;
    info.remote = seat.agent.empty();
    info.player_id = seat.player_id;
    info.name = info.remote ? seat.name : seat.agent;
    info.kind = info.remote ? seat.kind : db::PlayerKind::kAgent;
    pending->seats.push_back(info);
  }
  auto store_match = [this, pending, request, game, done]() {
    if (pending->error) return done(*pending->error);
    db::MatchRow row;
    row.game = game->spec();
    row.rating_group = game->rating_group();
    row.rated = request.rated;
    row.seed = *request.seed;
    row.time_control = request.time_control.to_string();
    row.status = "active";  // it starts as soon as it is stored
    row.node = config_.node;
    std::vector<db::SeatRow> seat_rows;
    for (size_t i = 0; i < pending->seats.size(); ++i) {
      seat_rows.push_back(
          {static_cast<int>(i), pending->seats[i].player_id, pending->seats[i].name, pending->seats[i].kind});
    }
    store_.create_match(row, seat_rows, [this, pending, request, game, done](Result<int64_t> id) {
      if (!id.ok()) return done(id.error());
      Result<std::shared_ptr<Match>> match =
          build(*id, request, game, pending->seats, /*stored_active=*/true);
      if (!match.ok()) return done(match.error());
      {
        std::lock_guard lock(mutex_);
        matches_[*id] = *match;
      }
      emit(MatchCreated{*id, game->spec(), pending->seats, request.rated, request.time_control.to_string()});
      (*match)->start();
      done(*id);
    });
  };

  std::vector<size_t> to_resolve;
  {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < pending->seats.size(); ++i) {
      SeatInfo& info = pending->seats[i];
      if (info.remote) continue;
      auto it = agent_players_.find(info.name);
      if (it != agent_players_.end()) {
        info.player_id = it->second;
      } else {
        to_resolve.push_back(i);
      }
    }
  }
  if (to_resolve.empty()) return store_match();
  pending->waiting = static_cast<int>(to_resolve.size());
  for (size_t i : to_resolve) {
    const std::string name = pending->seats[i].name;
    store_.ensure_player(name, db::PlayerKind::kAgent, name,
                         [this, pending, i, name, store_match](Result<int64_t> id) {
                           bool last;
                           {
                             std::lock_guard lock(pending->mutex);
                             if (id.ok()) {
                               pending->seats[i].player_id = *id;
                             } else {
                               pending->error = id.error();
                             }
                             last = --pending->waiting == 0;
                           }
                           if (id.ok()) {
                             std::lock_guard lock(mutex_);
                             agent_players_[name] = *id;
                           }
                           if (last) store_match();
                         });
  }
}

// ---------------------------------------------------------------------------------------
// Lifecycle

void Arena::on_finished(int64_t match_id) {
  std::shared_ptr<Match> match;
  {
    std::lock_guard lock(mutex_);
    auto it = matches_.find(match_id);
    if (it != matches_.end()) {
      match = std::move(it->second);
      matches_.erase(it);
    }
  }
  if (match) {
    std::vector<int64_t> remote_players;
    for (const SeatInfo& s : match->seats()) {
      if (s.remote) remote_players.push_back(s.player_id);
    }
    release_live(remote_players);
  }
  house_.on_finished(match_id);
}

Status Arena::recover() {
  Result<std::vector<db::RatingRow>> all = store_.ratings("");
  if (!all.ok()) return all.error();
  ratings_.load(*all);
  Result<std::vector<db::MatchRecord>> unfinished = store_.unfinished_matches(config_.node);
  if (!unfinished.ok()) return unfinished.error();
  for (const db::MatchRecord& record : *unfinished) {
    if (Status s = recover_match(record, /*resume_remote=*/false); !s.ok()) return s;
  }
  return ok_status();
}

Result<std::vector<int64_t>> Arena::take_over(int64_t dead_node) {
  Result<std::vector<int64_t>> claimed = db::wait_ids(
      [&](db::Store::DoneIds d) { store_.claim_matches(dead_node, config_.node, std::move(d)); });
  if (!claimed.ok() || claimed->empty()) return claimed;
  Result<std::vector<db::MatchRecord>> mine = store_.unfinished_matches(config_.node);
  if (!mine.ok()) return mine.error();
  for (const db::MatchRecord& record : *mine) {
    // Only the claimed ones: the others are this node's own, live here already.
    if (!std::binary_search(claimed->begin(), claimed->end(), record.match.id)) continue;
    if (Status s = recover_match(record, /*resume_remote=*/true); !s.ok()) return s.error();
  }
  return claimed;
}

Status Arena::recover_match(const db::MatchRecord& record, bool resume_remote) {
  // Resumable: every seat an in-process agent whose spec is on record (or, with
  // resume_remote, a remote player), and a record that replays under its own seed.
  MatchRequest request;
  request.game = record.match.game;
  request.rated = record.match.rated;
  request.seed = record.match.seed;
  bool agents_only = true;
  std::vector<SeatInfo> seats;
  for (const db::SeatRow& s : record.seats) {
    Result<std::optional<db::PlayerRow>> player = store_.player(s.player_id);
    const bool agent =
        player.ok() && *player && (*player)->kind == db::PlayerKind::kAgent && !(*player)->spec.empty();
    agents_only = agents_only && agent;
    request.seats.push_back(
        SeatRequest{agent ? (*player)->spec : "", s.player_id, s.player_name, s.player_kind});
    seats.push_back(SeatInfo{s.player_id, s.player_name, s.player_kind, !agent});
  }
  std::optional<Error> why;
  if (Result<TimeControl> tc = TimeControl::parse(record.match.time_control); tc.ok()) {
    request.time_control = *tc;
  } else {
    why = tc.error();
  }
  Result<std::shared_ptr<const Game>> game = make_game(record.match.game);
  if (!game.ok()) why = game.error();
  if (!why && (agents_only || resume_remote)) {
    Result<std::shared_ptr<Match>> match =
        build(record.match.id, request, *game, seats, /*stored_active=*/false);
    if (match.ok()) {
      Status restored = (*match)->restore(record.moves, record.match.status == "active");
      if (restored.ok()) {
        {
          std::lock_guard lock(mutex_);
          matches_[record.match.id] = *match;
          std::set<int64_t> players;  // as reserve_live counts them
          for (const SeatInfo& seat : seats) {
            if (seat.remote && players.insert(seat.player_id).second) ++live_per_player_[seat.player_id];
          }
        }
        // Its players hear of it as of a new match (the network layer seats them again, and
        // their grace runs until they come back).
        if (!agents_only) {
          emit(MatchCreated{record.match.id, (*game)->spec(), seats, record.match.rated,
                            request.time_control.to_string()});
        }
        (*match)->resume();
        return ok_status();
      }
      why = restored.error();
    } else {
      why = match.error();
    }
  }
  db::MatchEnd end;
  end.match_id = record.match.id;
  end.status = "aborted";
  end.termination = "server_restart";
  return db::wait_status([&](db::Store::Done d) { store_.finish_match(end, std::move(d)); });
}

void Arena::stop() { house_.stop(); }

bool Arena::is_house_opponent(const std::string& name) const {
  const std::vector<std::string>& agents = config_.challengeable_agents;
  return std::any_of(agents.begin(), agents.end(),
                     [&](const std::string& a) { return a == name || resolve_agent(a) == name; });
}

std::vector<std::string> Arena::opponents(const std::string& name) const {
  auto it = opponents_.find(name);
  if (it == opponents_.end()) return {};
  std::vector<std::string> out;
  for (const std::string& agent : it->second) out.push_back(resolve_agent(agent));
  return out;
}

std::string Arena::resolve_agent(const std::string& agent) const {
  std::lock_guard lock(aliases_mutex_);
  auto it = aliases_.find(agent);
  return it == aliases_.end() ? agent : it->second;
}

void Arena::set_alias(const std::string& name, const std::string& spec) {
  std::lock_guard lock(aliases_mutex_);
  aliases_[name] = spec;
}

}  // namespace arena
