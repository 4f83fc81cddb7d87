#include "server/net/hub.h"

#include <algorithm>

#include "server/net/cluster_link.h"
#include "server/net/websocket_session.h"
#include "server/net/wire.h"

namespace arena::net {
namespace {

// The match as its MatchCreated event announced it (for a player who comes back to it).
MatchCreated created_of(const Match& match) {
  return MatchCreated{match.id(), match.game().spec(), match.seats(), match.rated(),
                      match.time_control().to_string()};
}

// Removes `session` (and connections already gone) from a list of connections.
template <typename Sessions>
void forget(Sessions& sessions, const WebSocketSession* session) {
  std::erase_if(sessions, [session](const auto& weak) {
    auto s = weak.lock();
    return !s || s.get() == session;
  });
}

}  // namespace

std::vector<int> seats_of(const Match& match, int64_t player_id) {
  std::vector<int> out;
  const std::vector<SeatInfo>& seats = match.seats();
  for (size_t seat = 0; seat < seats.size(); ++seat) {
    if (seats[seat].remote && seats[seat].player_id == player_id) out.push_back(static_cast<int>(seat));
  }
  return out;
}

Json SeatAction::to_json() const {
  static const char* const kKinds[] = {"move", "orders", "resign", "abort", "offer_draw"};
  Json j = {{"kind", kKinds[static_cast<int>(kind)]}, {"ply", ply}};
  if (kind == Kind::kMove) j["action"] = action;
  if (kind == Kind::kOrders) j["orders"] = orders;
  return j;
}

Result<SeatAction> SeatAction::from_json(const Json& j) {
  static const std::map<std::string, Kind> kKinds = {{"move", Kind::kMove},
                                                     {"orders", Kind::kOrders},
                                                     {"resign", Kind::kResign},
                                                     {"abort", Kind::kAbort},
                                                     {"offer_draw", Kind::kOfferDraw}};
  SeatAction a;
  try {
    auto kind = kKinds.find(j.at("kind").get<std::string>());
    if (kind == kKinds.end()) return make_error("bad_message", "unknown seat action " + j.at("kind").dump());
    a.kind = kind->second;
    a.ply = j.at("ply").get<int>();
    if (a.kind == Kind::kMove) a.action = j.at("action").get<std::string>();
    if (a.kind == Kind::kOrders) a.orders = j.at("orders").get<std::vector<std::string>>();
  } catch (const Json::exception& e) {
    return make_error("bad_message", std::string("a seat action: ") + e.what());
  }
  return a;
}

void act_as(const std::shared_ptr<Match>& match, int64_t player_id, SeatAction action, Match::Done done) {
  std::vector<int> seats = seats_of(*match, player_id);
  if (seats.empty()) {
    return done(make_error("not_your_turn", "you have no seat in match " + std::to_string(match->id())));
  }
  auto run = [action = std::move(action)](Match& m, int seat, Match::Done d) {
    switch (action.kind) {
      case SeatAction::Kind::kMove:
        return m.submit(seat, action.ply, action.action, std::move(d));
      case SeatAction::Kind::kOrders:
        return m.submit_orders(seat, action.ply, action.orders, std::move(d));
      case SeatAction::Kind::kResign:
        return m.resign(seat, std::move(d));
      case SeatAction::Kind::kAbort:
        return m.abort(seat, std::move(d));
      case SeatAction::Kind::kOfferDraw:
        return m.offer_draw(seat, std::move(d));
    }
  };
  if (seats.size() == 1) return run(*match, seats.front(), std::move(done));
  // Whose turn it is lives on the match's strand: ask there, and act from there.
  match->snapshot(
      [match, seats = std::move(seats), run = std::move(run), done = std::move(done)](
          const StateChanged& state, bool) { run(*match, seat_to_act(seats, state.to_act), done); });
}

int seat_to_act(const std::vector<int>& seats, const std::vector<int>& to_act) {
  for (int seat : seats) {
    if (std::find(to_act.begin(), to_act.end(), seat) != to_act.end()) return seat;
  }
  return seats.empty() ? -1 : seats.front();
}

void Hub::send_to_player(int64_t player_id, const Message& m, int64_t match_id) {
  if (link_ && link_->connected_elsewhere(player_id)) link_->to_player(player_id, m, match_id);
  send_here(player_id, m, match_id != 0);
}

void Hub::send_here(int64_t player_id, const Message& m, bool seated) {
  auto it = players_.find(player_id);
  if (it == players_.end()) return;
  for (const auto& weak : it->second) {
    if (auto s = weak.lock()) {
      if (seated) s->set_seated();
      s->send(m);
    }
  }
}

void Hub::send_to_spectators(int64_t match_id, Watched& watched, const Message& m) {
  for (const auto& weak : watched.spectators) {
    if (auto s = weak.lock()) s->send(m);
  }
  if (link_ && link_->watched_elsewhere(match_id)) link_->to_spectators(match_id, m, false);
}

void Hub::drop_if_unwatched(std::map<int64_t, Watched>::iterator it) {
  if (!it->second.remote || !it->second.spectators.empty()) return;
  if (link_) link_->unwatch(it->first);
  matches_.erase(it);
}

Json Hub::last_move_json(const Watched& watched) {
  return watched.last_move ? move_json(*watched.last_move) : Json();
}

void Hub::on_event(const ArenaEvent& event) {
  std::visit([this](const auto& e) { on(e); }, event);
}

void Hub::on(const MatchCreated& e) {
  std::shared_ptr<Match> match = arena_.find(e.match_id);
  if (!match) return;  // it cannot have ended: it starts after this event
  std::lock_guard lock(mutex_);
  Watched& watched = matches_[e.match_id];
  watched.match = match;
  if (watched.remote) {  // watched here while another node hosted it: taken over
    watched.remote = false;
    if (link_) link_->unwatch(e.match_id);
  }
  for (size_t seat = 0; seat < e.seats.size(); ++seat) {
    if (!e.seats[seat].remote) continue;
    const int64_t player = e.seats[seat].player_id;
    if (!players_.contains(player) && !(link_ && link_->connected_elsewhere(player))) {
      // Nobody to tell: the seat's grace starts now (posted under the mutex, so a join
      // that follows is heard after it).
      match->set_connected(static_cast<int>(seat), false);
      continue;
    }
    send_to_player(player, make_message(match_start_message(e, static_cast<int>(seat))), e.match_id);
  }
}

void Hub::on(const StateChanged& e) {
  std::lock_guard lock(mutex_);
  auto it = matches_.find(e.match_id);
  if (it == matches_.end()) return;
  std::shared_ptr<Match> match = it->second.match.lock();
  if (!match) return;
  const std::string last_move = last_move_json(it->second).dump();
  // Each distinct view serialised once (one for all, with perfect information).
  std::vector<std::pair<const Json*, std::string>> dumped;
  auto view_text = [&](int seat) -> const std::string& {
    const Json* view = &view_for(e, seat);
    for (const auto& [v, text] : dumped) {
      if (v == view) return text;
    }
    return dumped.emplace_back(view, view->dump()).second;
  };
  const std::vector<SeatInfo>& seats = match->seats();
  for (size_t seat = 0; seat < seats.size(); ++seat) {
    if (!seats[seat].remote) continue;
    const int s = static_cast<int>(seat);
    send_to_player(seats[seat].player_id,
                   std::make_shared<const std::string>(state_message(e, s, view_text(s), last_move)));
  }
  if (!it->second.spectators.empty() || (link_ && link_->watched_elsewhere(e.match_id))) {
    const Message view =
        std::make_shared<const std::string>(state_message(e, -1, view_text(-1), last_move));  // one for all
    send_to_spectators(e.match_id, it->second, view);
  }
}

void Hub::on(const MoveMade& e) {
  std::lock_guard lock(mutex_);
  if (auto it = matches_.find(e.match_id); it != matches_.end()) it->second.last_move = e;
}

void Hub::on(const MatchEnded& e) {
  std::lock_guard lock(mutex_);
  auto it = matches_.find(e.match_id);
  if (it == matches_.end()) return;
  const Message end = make_message(match_end_message(e));
  if (std::shared_ptr<Match> match = it->second.match.lock()) {
    std::set<int64_t> sent;
    for (const SeatInfo& seat : match->seats()) {
      if (seat.remote && sent.insert(seat.player_id).second) send_to_player(seat.player_id, end);
    }
  }
  for (const auto& weak : it->second.spectators) {
    if (auto s = weak.lock()) {  // a closed one was forgotten by leave()
      s->send(end);
      stop_watching(s.get());
    }
  }
  if (link_ && link_->watched_elsewhere(e.match_id)) link_->to_spectators(e.match_id, end, true);
  matches_.erase(it);
}

void Hub::on(const SeatError& e) {
  std::lock_guard lock(mutex_);
  auto it = matches_.find(e.match_id);
  if (it == matches_.end()) return;
  std::shared_ptr<Match> match = it->second.match.lock();
  if (!match || e.seat < 0 || e.seat >= static_cast<int>(match->seats().size())) return;
  const SeatInfo& seat = match->seats()[e.seat];
  if (seat.remote) send_to_player(seat.player_id, make_message(error_message(e.error, nullptr)));
}

void Hub::on(const ChallengeIssued& e) {
  std::lock_guard lock(mutex_);
  send_to_player(e.to_player_id, make_message(challenge_message(e)));
}

void Hub::on(const ChallengeDeclined& e) {
  std::lock_guard lock(mutex_);
  send_to_player(e.from_player_id, make_message(challenge_declined_message(e)));
}

bool Hub::join(const std::shared_ptr<WebSocketSession>& session) {
  const int64_t player = session->who().id;
  std::vector<std::pair<std::shared_ptr<Match>, int>> seats;  // the matches this player sits in: resume them
  {
    std::lock_guard lock(mutex_);
    auto& list = players_[player];
    std::erase_if(list, [](const auto& w) { return w.expired(); });
    list.push_back(session);
    if (link_) link_->joined(player, list.size() == 1);
    for (const auto& [id, watched] : matches_) {
      std::shared_ptr<Match> match = watched.match.lock();
      if (!match) continue;
      for (int seat : seats_of(*match, player)) {
        seats.emplace_back(match, seat);
        session->send(make_message(match_start_message(created_of(*match), seat)));
      }
    }
  }
  for (const auto& [match, seat] : seats) {
    match->set_connected(seat, true);
    send_snapshot(session, *match, {seat});
  }
  return !seats.empty();
}

void Hub::leave(WebSocketSession* session) {
  std::vector<std::pair<std::shared_ptr<Match>, int>> seats;
  {
    std::lock_guard lock(mutex_);
    const int64_t player = session->who().id;
    bool still_connected = false;
    if (auto it = players_.find(player); it != players_.end()) {
      forget(it->second, session);
      still_connected = !it->second.empty();
      if (!still_connected) players_.erase(it);
    }
    watching_.erase(session);
    if (!still_connected && link_) {
      link_->left(player);
      still_connected = link_->connected_elsewhere(player);
    }
    for (auto it = matches_.begin(); it != matches_.end();) {
      auto& [id, watched] = *it;
      forget(watched.spectators, session);
      if (!still_connected) {
        if (std::shared_ptr<Match> match = watched.match.lock()) {
          for (int seat : seats_of(*match, player)) seats.emplace_back(match, seat);
        }
      }
      drop_if_unwatched(it++);
    }
  }
  // The last connection of a seated player is gone: its grace period starts.
  for (const auto& [match, seat] : seats) match->set_connected(seat, false);
}

Status Hub::spectate(const std::shared_ptr<WebSocketSession>& session, int64_t match_id, size_t max_watched) {
  std::shared_ptr<Match> match = arena_.find(match_id);
  if (!match) return make_error("unknown_match", "no live match " + std::to_string(match_id));
  {
    std::lock_guard lock(mutex_);
    // A match the hub does not watch yet (agents only, or older than this server).
    Watched& watched = matches_[match_id];
    watched.match = match;
    if (Status s = add_spectator(watched, session, max_watched); !s.ok()) return s;
  }
  send_snapshot(session, *match, {});
  return ok_status();
}

Status Hub::add_spectator(Watched& watched, const std::shared_ptr<WebSocketSession>& session,
                          size_t max_watched) {
  if (watched.spectators.contains(session)) return ok_status();
  size_t& count = watching_[session.get()];
  if (count >= max_watched) {
    return make_error("rate_limited", "a connection watches at most " + std::to_string(max_watched) +
                                          " matches at once; unspectate one first");
  }
  ++count;
  watched.spectators.insert(session);
  return ok_status();
}

void Hub::unspectate(WebSocketSession* session, int64_t match_id) {
  std::lock_guard lock(mutex_);
  auto it = matches_.find(match_id);
  if (it == matches_.end()) return;
  auto& spectators = it->second.spectators;
  const bool watched = std::any_of(spectators.begin(), spectators.end(),
                                   [session](const auto& weak) { return weak.lock().get() == session; });
  forget(spectators, session);
  if (watched) stop_watching(session);
  drop_if_unwatched(it);
}

void Hub::stop_watching(const WebSocketSession* session) {
  auto it = watching_.find(session);
  if (it != watching_.end() && --it->second == 0) watching_.erase(it);
}

void Hub::send_snapshot(const std::shared_ptr<WebSocketSession>& session, Match& match,
                        std::vector<int> seats) {
  snapshot_message(match, std::move(seats), [session](Message m) { session->send(std::move(m)); });
}

void Hub::snapshot_message(Match& match, std::vector<int> seats, std::function<void(Message)> sink) {
  Json last_move;
  {
    std::lock_guard lock(mutex_);
    if (auto it = matches_.find(match.id()); it != matches_.end()) last_move = last_move_json(it->second);
  }
  match.snapshot(
      [sink = std::move(sink), seats = std::move(seats), last_move](const StateChanged& state, bool) {
        const int seat = seat_to_act(seats, state.to_act);
        sink(std::make_shared<const std::string>(
            state_message(state, seat, view_for(state, seat).dump(), last_move.dump())));
      });
}

// --- From the other nodes ----------------------------------------------------------------

void Hub::deliver_to_player(int64_t player_id, const Message& m, bool seated) {
  std::lock_guard lock(mutex_);
  send_here(player_id, m, seated);
}

void Hub::deliver_to_spectators(int64_t match_id, const Message& m, bool end) {
  std::lock_guard lock(mutex_);
  auto it = matches_.find(match_id);
  if (it == matches_.end() || !it->second.remote) return;
  for (const auto& weak : it->second.spectators) {
    if (auto s = weak.lock()) {
      s->send(m);
      if (end) stop_watching(s.get());
    }
  }
  if (!end) return;
  it->second.spectators.clear();
  drop_if_unwatched(it);
}

Status Hub::spectate_remote(const std::shared_ptr<WebSocketSession>& session, int64_t match_id,
                            size_t max_watched, const Message& snapshot) {
  std::lock_guard lock(mutex_);
  // An entry that is not remote came here meanwhile (taken over): a spectator like any.
  auto [it, added] = matches_.try_emplace(match_id);
  if (added) {
    it->second.remote = true;
    if (link_) link_->watch(match_id);
  }
  if (Status s = add_spectator(it->second, session, max_watched); !s.ok()) {
    drop_if_unwatched(it);
    return s;
  }
  session->send(snapshot);
  return ok_status();
}

void Hub::player_joined_elsewhere(int64_t player_id, int64_t node) {
  std::vector<std::pair<std::shared_ptr<Match>, int>> seats;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, watched] : matches_) {
      std::shared_ptr<Match> match = watched.match.lock();
      if (!match) continue;
      for (int seat : seats_of(*match, player_id)) {
        seats.emplace_back(match, seat);
        link_->to_player(player_id, make_message(match_start_message(created_of(*match), seat)), id, node);
      }
    }
  }
  for (const auto& [match, seat] : seats) {
    match->set_connected(seat, true);
    snapshot_message(*match, {seat},
                     [this, player_id, node](Message m) { link_->to_player(player_id, m, 0, node); });
  }
}

void Hub::player_gone_elsewhere(int64_t player_id) {
  std::vector<std::pair<std::shared_ptr<Match>, int>> seats;
  {
    std::lock_guard lock(mutex_);
    if (players_.contains(player_id)) return;
    for (const auto& [id, watched] : matches_) {
      if (std::shared_ptr<Match> match = watched.match.lock()) {
        for (int seat : seats_of(*match, player_id)) seats.emplace_back(match, seat);
      }
    }
  }
  for (const auto& [match, seat] : seats) match->set_connected(seat, false);
}

}  // namespace arena::net
