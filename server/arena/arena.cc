#include "server/arena/arena.h"

#include <chrono>

#include "agents/registry.h"
#include "core/thread_pool.h"
#include "games/registry.h"

namespace arena {
namespace {

constexpr double kSolvedEpsilon = 1e-9;

// Pairwise Glicko-2 scores of seat i against seat j from final returns (higher is better).
double score(double a, double b) { return a > b ? 1.0 : a < b ? 0.0 : 0.5; }

}  // namespace

Arena::Arena(asio::io_context& io, db::Store& store, ArenaConfig config)
    : io_(io),
      store_(store),
      config_(std::move(config)),
      seeds_(config_.seed
                 ? config_.seed
                 : static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count())) {
  if (config_.house_games.empty()) {
    for (const GameRegistration& r : GameRegistry::instance().registrations()) {
      if (r.type.name.rfind("test_", 0) == 0) continue;
      config_.house_games.push_back(r.example_specs.empty() ? r.type.name : r.example_specs.front());
    }
  }
  for (const GameRegistration& r : GameRegistry::instance().registrations()) {
    Result<std::shared_ptr<const Game>> game =
        make_game(r.example_specs.empty() ? r.type.name : r.example_specs.front());
    if (!game.ok()) continue;
    std::vector<std::string>& agents = opponents_[r.type.name];
    for (const std::string& agent : config_.challengeable_agents) {
      if (make_agent(agent, **game, 0).ok()) agents.push_back(agent);
    }
  }
  if (config_.house_matches <= 0) return;
  for (const std::string& spec : config_.house_games) {
    Result<std::shared_ptr<const Game>> game = make_game(spec);
    if (!game.ok()) continue;
    HouseLineup lineup{(*game)->spec(), {}};
    for (const std::string& agent : config_.house_agents) {
      if (make_agent(agent, **game, 0).ok()) lineup.agents.push_back(agent);
    }
    if (!lineup.agents.empty()) house_lineups_.push_back(std::move(lineup));
  }
}

Arena::~Arena() {
  stop();
  store_.flush();  // no store callback that refers to this arena may outlive it
}

uint64_t Arena::next_seed() {
  std::lock_guard lock(mutex_);
  return seeds_.next_u64();
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
  h.rate = [this](const Match& m, const std::vector<double>& returns, std::optional<int64_t> puzzle) {
    return rate(m, returns, puzzle);
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

void Arena::create_match(MatchRequest request, std::function<void(Result<int64_t>)> done) {
  Result<std::shared_ptr<const Game>> game = make_game(request.game);
  if (!game.ok()) return done(game.error());
  if (static_cast<int>(request.seats.size()) != (*game)->num_players()) {
    return done(make_error("bad_request", (*game)->spec() + " has " + std::to_string((*game)->num_players()) +
                                              " seats, got " + std::to_string(request.seats.size())));
  }
  for (const SeatRequest& seat : request.seats) {
    if (seat.agent.empty()) {
      if (seat.player_id <= 0) return done(make_error("bad_request", "a remote seat needs a player"));
      continue;
    }
    Result<std::unique_ptr<Agent>> probe = make_agent(seat.agent, **game, 0);
    if (!probe.ok()) return done(probe.error());
  }
  if (!request.seed) request.seed = next_seed();

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
  auto store_match = [this, pending, request, game = *game, done]() {
    if (pending->error) return done(*pending->error);
    db::MatchRow row;
    row.game = game->spec();
    row.rating_group = game->rating_group();
    row.rated = request.rated;
    row.seed = *request.seed;
    row.time_control = request.time_control.to_string();
    row.status = "active";  // it starts as soon as it is stored
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
// Ratings

std::vector<db::RatingRow> Arena::rate(const Match& match, const std::vector<double>& returns,
                                       std::optional<int64_t> puzzle_player_id) {
  const std::string group = match.game().rating_group();
  // Participants: the seats, and for a puzzle the puzzle itself as the opponent.
  std::vector<int64_t> players;
  std::vector<double> results = returns;
  for (const SeatInfo& s : match.seats()) players.push_back(s.player_id);
  if (players.size() == 1) {
    if (!puzzle_player_id) return {};
    const bool solved = !returns.empty() && returns[0] >= match.game().max_utility() - kSolvedEpsilon;
    players.push_back(*puzzle_player_id);
    results = {solved ? 1.0 : 0.0, solved ? 0.0 : 1.0};
  }
  std::lock_guard lock(mutex_);
  auto current = [&](int64_t player) {
    auto it = ratings_.find({player, group});
    if (it != ratings_.end()) return it->second;
    db::RatingRow fresh;
    fresh.player_id = player;
    fresh.game = group;
    return fresh;
  };
  // Every participant is updated from the ratings before this match (one rating period).
  std::vector<db::RatingRow> before;
  for (int64_t p : players) before.push_back(current(p));
  std::vector<db::RatingRow> after;
  for (size_t i = 0; i < players.size(); ++i) {
    std::vector<Glicko2Result> period;
    for (size_t j = 0; j < players.size(); ++j) {
      if (i == j || players[i] == players[j]) continue;  // an agent against itself learns nothing
      period.push_back(
          {{before[j].rating, before[j].deviation, before[j].volatility}, score(results[i], results[j])});
    }
    if (period.empty()) continue;
    const Glicko2Rating updated =
        glicko2_update({before[i].rating, before[i].deviation, before[i].volatility}, period);
    db::RatingRow row = before[i];
    row.rating = updated.rating;
    row.deviation = updated.deviation;
    row.volatility = updated.volatility;
    row.games += 1;
    after.push_back(row);
  }
  for (const db::RatingRow& row : after) ratings_[{row.player_id, row.game}] = row;
  return after;
}

// ---------------------------------------------------------------------------------------
// Lifecycle

void Arena::on_finished(int64_t match_id) {
  bool top_up = false;
  {
    std::lock_guard lock(mutex_);
    matches_.erase(match_id);
    top_up = house_.erase(match_id) > 0 && house_on_ && !stopped_;
  }
  if (top_up) asio::post(io_, [this] { top_up_house_matches(); });
}

Status Arena::recover() {
  Result<std::vector<db::RatingRow>> all = store_.ratings("");
  if (!all.ok()) return all.error();
  {
    std::lock_guard lock(mutex_);
    for (const db::RatingRow& r : *all) ratings_[{r.player_id, r.game}] = r;
  }
  Result<std::vector<db::MatchRecord>> unfinished = store_.unfinished_matches();
  if (!unfinished.ok()) return unfinished.error();
  for (const db::MatchRecord& record : *unfinished) {
    // Resumable: every seat an in-process agent whose spec is on record, and a record that
    // replays under its own seed.
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
    if (!why && agents_only) {
      Result<std::shared_ptr<Match>> match =
          build(record.match.id, request, *game, seats, /*stored_active=*/false);
      if (match.ok()) {
        Status restored = (*match)->restore(record.moves, record.match.status == "active");
        if (restored.ok()) {
          {
            std::lock_guard lock(mutex_);
            matches_[record.match.id] = *match;
          }
          (*match)->resume();
          continue;
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
    Status s = db::wait_status([&](db::Store::Done d) { store_.finish_match(end, std::move(d)); });
    if (!s.ok()) return s;
  }
  return ok_status();
}

void Arena::start_house_matches() {
  {
    std::lock_guard lock(mutex_);
    house_on_ = true;
  }
  asio::post(io_, [this] { top_up_house_matches(); });
}

void Arena::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  house_on_ = false;
}

void Arena::top_up_house_matches() {
  for (;;) {
    MatchRequest request;
    {
      std::lock_guard lock(mutex_);
      if (!house_on_ || stopped_ || house_lineups_.empty()) return;
      if (static_cast<int>(house_.size()) + house_starting_ >= config_.house_matches) return;
      ++house_starting_;
      const HouseLineup& lineup = house_lineups_[seeds_.uniform(house_lineups_.size())];
      request.game = lineup.game;
      request.seed = seeds_.next_u64();
      Result<std::shared_ptr<const Game>> game = make_game(request.game);
      const int players = game.ok() ? (*game)->num_players() : 0;
      for (int i = 0; i < players; ++i) {
        request.seats.push_back(SeatRequest::agent_seat(lineup.agents[seeds_.uniform(lineup.agents.size())]));
      }
    }
    request.rated = true;
    request.min_move_interval = config_.house_move_interval;
    create_match(request, [this](Result<int64_t> id) {
      bool again = false;
      {
        std::lock_guard lock(mutex_);
        --house_starting_;
        // A short game may be over before this callback: then its place is free again.
        if (id.ok() && matches_.count(*id)) {
          house_.insert(*id);
        } else {
          again = id.ok() && house_on_ && !stopped_;
        }
      }
      if (again) asio::post(io_, [this] { top_up_house_matches(); });
    });
  }
}

// ---------------------------------------------------------------------------------------
// Matchmaking

Result<int64_t> Arena::seek(const SeatRequest& who, Seek seek) {
  for (std::string& spec : seek.games) {
    Result<std::shared_ptr<const Game>> g = make_game(spec);
    if (!g.ok()) return g.error();
    spec = (*g)->spec();
  }
  if (seek.games.empty()) return make_error("bad_request", "a seek needs at least one game");
  if (seek.time_controls.empty()) seek.time_controls.push_back(TimeControl{});
  std::optional<MatchRequest> pairing;
  int64_t id;
  {
    std::lock_guard lock(mutex_);
    id = next_seek_++;
    for (auto it = seeks_.begin(); it != seeks_.end() && !pairing; ++it) {
      const OpenSeek& other = it->second;
      if (other.who.player_id == who.player_id || other.seek.rated != seek.rated) continue;
      for (const std::string& g : seek.games) {
        if (std::find(other.seek.games.begin(), other.seek.games.end(), g) == other.seek.games.end())
          continue;
        for (const TimeControl& tc : seek.time_controls) {
          if (std::find(other.seek.time_controls.begin(), other.seek.time_controls.end(), tc) ==
              other.seek.time_controls.end()) {
            continue;
          }
          Result<std::shared_ptr<const Game>> game = make_game(g);
          if (!game.ok() || (*game)->num_players() != 2) continue;  // pairing is for two seats
          MatchRequest request;
          request.game = g;
          request.time_control = tc;
          request.rated = seek.rated;
          request.seed = seeds_.next_u64();
          const bool swap = request.seed.value() & 1;
          request.seats =
              swap ? std::vector<SeatRequest>{who, other.who} : std::vector<SeatRequest>{other.who, who};
          pairing = request;
          break;
        }
        if (pairing) break;
      }
      if (pairing) seeks_.erase(it);
      if (pairing) break;
    }
    if (!pairing) {
      // No partner: a one-player game (a puzzle) needs none and starts at once.
      for (const std::string& g : seek.games) {
        Result<std::shared_ptr<const Game>> game = make_game(g);
        if (!game.ok() || (*game)->num_players() != 1) continue;
        MatchRequest solo;
        solo.game = g;
        solo.time_control = seek.time_controls.front();
        solo.rated = seek.rated;
        solo.seed = seeds_.next_u64();
        solo.seats = {who};
        pairing = solo;
        break;
      }
    }
    if (!pairing) seeks_[id] = OpenSeek{id, who, seek};
  }
  if (pairing) create_match(*pairing, [](Result<int64_t>) {});
  return id;
}

bool Arena::cancel_seek(int64_t seek_id) {
  std::lock_guard lock(mutex_);
  return seeks_.erase(seek_id) > 0;
}

std::vector<Arena::OpenSeek> Arena::open_seeks() {
  std::lock_guard lock(mutex_);
  std::vector<OpenSeek> out;
  for (const auto& [id, s] : seeks_) out.push_back(s);
  return out;
}

std::vector<std::string> Arena::opponents(const std::string& name) const {
  auto it = opponents_.find(name);
  return it == opponents_.end() ? std::vector<std::string>() : it->second;
}

void Arena::challenge(const SeatRequest& from, const std::string& to_name, const std::string& game,
                      const TimeControl& time_control, bool rated,
                      std::function<void(Result<ChallengeOutcome>)> done) {
  Result<std::shared_ptr<const Game>> g = make_game(game);
  if (!g.ok()) return done(g.error());
  if (std::find(config_.challengeable_agents.begin(), config_.challengeable_agents.end(), to_name) !=
      config_.challengeable_agents.end()) {
    // A house agent accepts at once; the challenger's seat is drawn from the seed.
    MatchRequest request;
    request.game = (*g)->spec();
    request.time_control = time_control;
    request.rated = rated;
    request.seed = next_seed();
    if ((*g)->num_players() != 2 && (*g)->num_players() != 1) {
      return done(make_error("bad_request", "challenges are for one- and two-player games"));
    }
    if ((*g)->num_players() == 1) {
      request.seats = {from};
    } else {
      const bool first = request.seed.value() & 1;
      request.seats = first ? std::vector<SeatRequest>{from, SeatRequest::agent_seat(to_name)}
                            : std::vector<SeatRequest>{SeatRequest::agent_seat(to_name), from};
    }
    create_match(request, [done](Result<int64_t> id) {
      if (!id.ok()) return done(id.error());
      done(ChallengeOutcome{0, *id});
    });
    return;
  }
  // A person or a bot: look the name up off this thread, then let them decide.
  const std::string spec = (*g)->spec();
  ThreadPool::shared().post([this, from, to_name, spec, time_control, rated, done] {
    Result<std::optional<db::PlayerRow>> to = store_.find_player(to_name);
    if (!to.ok()) return done(to.error());
    if (!*to || (*to)->kind == db::PlayerKind::kAgent || (*to)->kind == db::PlayerKind::kPuzzle) {
      std::string valid;
      for (const std::string& a : config_.challengeable_agents) valid += (valid.empty() ? "" : ", ") + a;
      return done(
          make_error("unknown_player", "no player '" + to_name + "' to challenge; house agents: " + valid));
    }
    int64_t id;
    {
      std::lock_guard lock(mutex_);
      id = next_challenge_++;
      challenges_[id] = PendingChallenge{from, (*to)->id, spec, time_control, rated};
    }
    emit(ChallengeIssued{id, from.player_id, from.name, (*to)->id, spec, time_control.to_string(), rated});
    done(ChallengeOutcome{id, 0});
  });
}

void Arena::accept_challenge(int64_t challenge_id, const SeatRequest& by,
                             std::function<void(Result<int64_t>)> done) {
  PendingChallenge c;
  uint64_t seed;
  {
    std::lock_guard lock(mutex_);
    auto it = challenges_.find(challenge_id);
    if (it == challenges_.end() || it->second.to != by.player_id) {
      return done(
          make_error("unknown_challenge", "no open challenge " + std::to_string(challenge_id) + " for you"));
    }
    c = it->second;
    challenges_.erase(it);
    seed = seeds_.next_u64();
  }
  MatchRequest request;
  request.game = c.game;
  request.time_control = c.time_control;
  request.rated = c.rated;
  request.seed = seed;
  request.seats = (seed & 1) ? std::vector<SeatRequest>{c.from, by} : std::vector<SeatRequest>{by, c.from};
  create_match(request, std::move(done));
}

Status Arena::decline_challenge(int64_t challenge_id, int64_t player_id) {
  PendingChallenge c;
  {
    std::lock_guard lock(mutex_);
    auto it = challenges_.find(challenge_id);
    if (it == challenges_.end() || it->second.to != player_id) {
      return make_error("unknown_challenge",
                        "no open challenge " + std::to_string(challenge_id) + " for you");
    }
    c = it->second;
    challenges_.erase(it);
  }
  emit(ChallengeDeclined{challenge_id, c.from.player_id, player_id});
  return ok_status();
}

}  // namespace arena
