#include "server/net/server.h"

#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "core/thread_pool.h"
#include "games/registry.h"
#include "server/net/auth.h"
#include "server/net/beast.h"
#include "server/net/protocol.h"
#include "server/net/static_files.h"
#include "server/net/wire.h"

namespace arena::net {
namespace {

using Message = std::shared_ptr<const std::string>;
Message make_message(const Json& j) { return std::make_shared<const std::string>(j.dump()); }

// A token bucket: `rate` messages a second, bursts up to `burst`. Not thread-safe.
class RateLimiter {
 public:
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}
  // Zero when allowed; otherwise the seconds to wait.
  double take() {
    const auto now = std::chrono::steady_clock::now();
    tokens_ = std::min(burst_, tokens_ + rate_ * std::chrono::duration<double>(now - last_).count());
    last_ = now;
    if (tokens_ >= 1) {
      tokens_ -= 1;
      return 0;
    }
    return (1 - tokens_) / rate_;
  }

 private:
  double rate_, burst_, tokens_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

class WsSession;

// ---------------------------------------------------------------------------------------
// Hub: who is connected to what. It turns the arena's events into messages for the seated
// players' connections and for spectators. Thread-safe (one mutex; it only queues).

class Hub {
 public:
  explicit Hub(Arena& arena) : arena_(arena) {}

  void on_event(const ArenaEvent& event);
  void join(const std::shared_ptr<WsSession>& session);
  void leave(WsSession* session);
  bool spectate(const std::shared_ptr<WsSession>& session, int64_t match_id);
  void unspectate(WsSession* session, int64_t match_id);
  // The seat this player has in the match (the one to act when it has several).
  std::optional<int> seat_of(int64_t player_id, int64_t match_id);
  int live_matches_of(int64_t player_id);
  // Sends the full state of a match to one session (after a resync, a spectate, a return).
  void send_snapshot(const std::shared_ptr<WsSession>& session, int64_t match_id, std::optional<int> seat);

 private:
  struct Route {
    MatchCreated created;
    std::vector<int> to_act;
    Json last_move;
    std::set<std::weak_ptr<WsSession>, std::owner_less<std::weak_ptr<WsSession>>> spectators;
  };
  void send_to_player(int64_t player_id, const Message& m);
  // Counts (delta +1) or uncounts (-1) a route's match for each remote player seated in it.
  void count_live(const Route& route, int delta);

  Arena& arena_;
  std::mutex mutex_;
  std::map<int64_t, Route> routes_;  // live matches with at least one remote seat, or spectated
  std::map<int64_t, std::vector<std::weak_ptr<WsSession>>> players_;  // player id -> connections
  std::unordered_map<int64_t, int> live_matches_;  // player id -> routed matches it sits in
};

// ---------------------------------------------------------------------------------------
// A WebSocket connection: a bot, or a browser (guest or not).

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(tcp::socket&& socket, Arena& arena, Hub& hub, ServerStats& stats, const ServerConfig& config,
            PlayerIdentity who)
      : ws_(std::move(socket)),
        arena_(arena),
        hub_(hub),
        stats_(stats),
        config_(config),
        who_(std::move(who)),
        limiter_(config.messages_per_second, 2 * config.messages_per_second) {}

  const PlayerIdentity& who() const { return who_; }

  void run(http::request<http::string_body> request, std::optional<std::string> set_cookie) {
    ++stats_.websocket_connections;
    websocket::stream_base::timeout timeouts =
        websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = config_.ws_idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(config_.ws_message_limit);
    ws_.set_option(websocket::stream_base::decorator([set_cookie](websocket::response_type& res) {
      res.set(http::field::server, "arena");
      if (set_cookie) res.set(http::field::set_cookie, *set_cookie);
    }));
    ws_.async_accept(request, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
  }

  // Queues a message (any thread). Past the queue limit the client is dropped.
  void send(Message m) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), m = std::move(m)] { self->enqueue(m); });
  }

  bool spectator_only() const { return spectator_only_; }

  // Closes from the server's side (shutdown).
  void close(websocket::close_reason reason) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), reason] { self->close_with(reason); });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return finish();
    hub_.join(shared_from_this());
    enqueue(make_message(welcome_message(who_)));
    read();
  }

  void read() { ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::on_read, shared_from_this())); }

  void on_read(beast::error_code ec, size_t) {
    if (ec == websocket::error::message_too_big) {
      enqueue(make_message(error_message(
          make_error("bad_message",
                     "message larger than " + std::to_string(config_.ws_message_limit) + " bytes"),
          nullptr)));
      close_with(websocket::close_reason(websocket::close_code::too_big, "message too big"));
      return;
    }
    if (ec) return finish();
    ++stats_.ws_messages_in;
    const std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (const double wait = limiter_.take(); wait > 0) {
      ++stats_.rate_limited;
      // Answer the request it refuses, so a client can match the refusal to its message.
      std::optional<Json> j = parse_json(text);
      const Json ref = j && j->is_object() && j->contains("ref") ? (*j)["ref"] : Json();
      enqueue(make_message(error_message(make_error("rate_limited", "too many messages"), ref, wait)));
    } else if (!ws_.got_text()) {
      enqueue(make_message(error_message(make_error("bad_message", "send text frames of JSON"), nullptr)));
    } else {
      Result<Incoming> in = parse_client_message(text);
      if (!in.ok()) {
        enqueue(make_message(error_message(in.error(), nullptr)));
      } else {
        std::visit([&](const auto& m) { handle(m, in->ref); }, in->message);
      }
    }
    if (closing_) return;
    if (queue_.size() >= queue_limit() / 2) {
      read_paused_ = true;  // on_write resumes reading once the queue has drained
    } else {
      read();
    }
  }

  // --- Messages ------------------------------------------------------------------------
  void reply_error(const Error& e, const Json& ref) { enqueue(make_message(error_message(e, ref))); }
  // A callback that answers on this connection's strand.
  std::function<void(Status)> answer(const Json& ref, Json ok) {
    auto self = shared_from_this();
    return [self, ref, ok](Status s) {
      asio::post(self->ws_.get_executor(), [self, ref, ok, s] {
        if (s.ok()) {
          self->enqueue(make_message(ok));
        } else {
          self->reply_error(s.error(), ref);
        }
      });
    };
  }
  std::shared_ptr<Match> find_match(int64_t id, const Json& ref) {
    std::shared_ptr<Match> m = arena_.find(id);
    if (!m) reply_error(make_error("unknown_match", "no live match " + std::to_string(id)), ref);
    return m;
  }
  SeatRequest as_seat() const {
    SeatRequest s;
    s.player_id = who_.id;
    s.name = who_.name;
    s.kind = *db::player_kind_from_string(who_.kind);
    return s;
  }

  void handle(const Hello&, const Json& ref) { enqueue(make_message(hello_ack(ref))); }
  void handle(const Ping&, const Json& ref) { enqueue(make_message(pong_message(ref))); }

  void handle(const SeekMessage& m, const Json& ref) {
    if (static_cast<int>(seeks_.size()) >= config_.max_seeks_per_connection) {
      ++stats_.rate_limited;
      return reply_error(
          make_error("rate_limited", "at most " + std::to_string(config_.max_seeks_per_connection) +
                                         " open seeks per connection"),
          ref);
    }
    if (hub_.live_matches_of(who_.id) >= config_.max_live_matches_per_player) {
      ++stats_.rate_limited;
      return reply_error(make_error("rate_limited", "too many live matches"), ref);
    }
    Seek seek;
    seek.player_id = who_.id;
    seek.games = m.games;
    seek.rated = m.rated && !who_.guest;  // guests play unrated
    for (const std::string& text : m.time_controls) {
      Result<TimeControl> tc = TimeControl::parse(text);
      if (!tc.ok()) return reply_error(tc.error(), ref);
      seek.time_controls.push_back(*tc);
    }
    Result<int64_t> id = arena_.seek(as_seat(), seek);
    if (!id.ok()) return reply_error(id.error(), ref);
    seeks_.insert(*id);
    enqueue(make_message(seek_ack(ref, *id)));
  }

  void handle(const CancelSeek& m, const Json& ref) {
    if (!seeks_.count(m.seek_id) || !arena_.cancel_seek(m.seek_id)) {
      seeks_.erase(m.seek_id);
      return reply_error(make_error("unknown_seek", "no open seek " + std::to_string(m.seek_id)), ref);
    }
    seeks_.erase(m.seek_id);
    enqueue(make_message(seek_ack(ref, m.seek_id)));
  }

  void handle(const ChallengeMessage& m, const Json& ref) {
    Result<TimeControl> tc = TimeControl::parse(m.time_control);
    if (!tc.ok()) return reply_error(tc.error(), ref);
    if (hub_.live_matches_of(who_.id) >= config_.max_live_matches_per_player) {
      ++stats_.rate_limited;
      return reply_error(make_error("rate_limited", "too many live matches"), ref);
    }
    auto self = shared_from_this();
    arena_.challenge(as_seat(), m.to, m.game, *tc, m.rated && !who_.guest,
                     [self, ref](Result<Arena::ChallengeOutcome> r) {
                       asio::post(self->ws_.get_executor(), [self, ref, r] {
                         if (!r.ok()) return self->reply_error(r.error(), ref);
                         self->enqueue(make_message(challenge_ack(ref, r->challenge_id, r->match_id)));
                       });
                     });
  }

  void handle(const AcceptChallenge& m, const Json& ref) {
    auto self = shared_from_this();
    arena_.accept_challenge(m.challenge_id, as_seat(), [self, ref](Result<int64_t> id) {
      asio::post(self->ws_.get_executor(), [self, ref, id] {
        if (!id.ok()) return self->reply_error(id.error(), ref);
        self->enqueue(make_message(match_ack(ref, *id)));
      });
    });
  }

  void handle(const DeclineChallenge& m, const Json& ref) {
    Status s = arena_.decline_challenge(m.challenge_id, who_.id);
    if (!s.ok()) return reply_error(s.error(), ref);
    enqueue(make_message(challenge_declined_ack(ref, m.challenge_id)));
  }

  void handle(const MoveMessage& m, const Json& ref) {
    std::shared_ptr<Match> match = find_match(m.match_id, ref);
    if (!match) return;
    std::optional<int> seat = hub_.seat_of(who_.id, m.match_id);
    if (!seat)
      return reply_error(
          make_error("not_your_turn", "you have no seat in match " + std::to_string(m.match_id)), ref);
    auto done = answer(ref, move_ack(ref, m.match_id, m.ply));
    ServerStats* stats = &stats_;
    auto counted = [done, stats](Status s) {
      if (s.ok()) ++stats->moves_acknowledged;
      done(std::move(s));
    };
    if (m.orders) {
      match->submit_orders(*seat, m.ply, *m.orders, counted);
    } else {
      match->submit(*seat, m.ply, *m.action, counted);
    }
  }

  template <typename Call>
  void seat_call(int64_t match_id, const Json& ref, Call call) {
    std::shared_ptr<Match> match = find_match(match_id, ref);
    if (!match) return;
    std::optional<int> seat = hub_.seat_of(who_.id, match_id);
    if (!seat)
      return reply_error(make_error("not_your_turn", "you have no seat in match " + std::to_string(match_id)),
                         ref);
    call(*match, *seat, answer(ref, match_ack(ref, match_id)));
  }
  void handle(const Resign& m, const Json& ref) {
    seat_call(m.match_id, ref, [](Match& match, int seat, Match::Done d) { match.resign(seat, d); });
  }
  void handle(const Abort& m, const Json& ref) {
    seat_call(m.match_id, ref, [](Match& match, int seat, Match::Done d) { match.abort(seat, d); });
  }
  void handle(const OfferDraw& m, const Json& ref) {
    seat_call(m.match_id, ref, [](Match& match, int seat, Match::Done d) { match.offer_draw(seat, d); });
  }

  void handle(const Spectate& m, const Json& ref) {
    if (!hub_.spectate(shared_from_this(), m.match_id)) {
      return reply_error(make_error("unknown_match", "no live match " + std::to_string(m.match_id)), ref);
    }
    enqueue(make_message(spectate_ack(ref, m.match_id, true)));
  }
  void handle(const Unspectate& m, const Json& ref) {
    hub_.unspectate(this, m.match_id);
    enqueue(make_message(spectate_ack(ref, m.match_id, false)));
  }
  void handle(const Resync& m, const Json& ref) {
    if (!arena_.find(m.match_id)) {
      return reply_error(make_error("unknown_match", "no live match " + std::to_string(m.match_id) +
                                                         " (a finished match is at GET /api/matches/" +
                                                         std::to_string(m.match_id) + ")"),
                         ref);
    }
    hub_.send_snapshot(shared_from_this(), m.match_id, hub_.seat_of(who_.id, m.match_id));
  }

  // --- Writing: one write in flight, a bounded queue -------------------------------------
  size_t queue_limit() const {
    return spectator_only_ ? config_.spectator_queue_limit : config_.player_queue_limit;
  }

  void enqueue(Message m) {
    if (closing_) return;
    if (queue_.size() >= queue_limit()) {
      // The client does not read what it is sent: drop it rather than buffer forever.
      ++stats_.ws_dropped_slow;
      close_with(
          websocket::close_reason(websocket::close_code::policy_error, "too slow: messages are not read"));
      return;
    }
    queue_.push_back(std::move(m));
    ++stats_.outbound_queued;
    if (queue_.size() == 1) write();
  }

  void write() {
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()),
                    beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, size_t) {
    if (ec || finished_) return finish();
    ++stats_.ws_messages_out;
    --stats_.outbound_queued;
    queue_.pop_front();  // the message just written: kept alive until now
    if (pending_close_) {
      // Beast allows one write at a time, and a close is a write: it goes after the last one.
      auto reason = *pending_close_;
      pending_close_.reset();
      return send_close(reason);
    }
    if (!queue_.empty()) return write();
    if (read_paused_ && !closing_) {
      read_paused_ = false;
      read();
    }
  }

  // Closes with `reason` once the write in flight (if any) is done; what is queued behind it
  // is dropped. A client that does not take even that write is cut off after a while.
  void close_with(websocket::close_reason reason) {
    if (closing_) return;
    closing_ = true;
    if (queue_.empty()) return send_close(reason);
    stats_.outbound_queued -= static_cast<int64_t>(queue_.size() - 1);
    queue_.erase(queue_.begin() + 1, queue_.end());
    pending_close_ = reason;
    drop_timer_.expires_after(std::chrono::seconds(5));
    drop_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) beast::get_lowest_layer(self->ws_).close();
    });
  }

  void send_close(websocket::close_reason reason) {
    ws_.async_close(reason, [self = shared_from_this()](beast::error_code) {
      self->drop_timer_.cancel();
      self->finish();
    });
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    closing_ = true;  // nothing more is queued; a write in flight keeps its message until it ends
    --stats_.websocket_connections;
    stats_.outbound_queued -= static_cast<int64_t>(queue_.size());
    for (int64_t seek : seeks_) arena_.cancel_seek(seek);
    seeks_.clear();
    hub_.leave(this);
  }

  friend class Hub;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  Arena& arena_;
  Hub& hub_;
  ServerStats& stats_;
  const ServerConfig& config_;
  PlayerIdentity who_;
  RateLimiter limiter_;
  std::deque<Message> queue_;  // the front is being written
  std::optional<websocket::close_reason> pending_close_;
  asio::steady_timer drop_timer_{ws_.get_executor()};
  bool read_paused_ = false;
  std::set<int64_t> seeks_;
  bool spectator_only_ = true;  // until the connection sits in a match
  bool closing_ = false;
  bool finished_ = false;
};

// ---------------------------------------------------------------------------------------
// Hub

void Hub::send_to_player(int64_t player_id, const Message& m) {
  auto it = players_.find(player_id);
  if (it == players_.end()) return;
  for (const auto& weak : it->second) {
    if (auto s = weak.lock()) s->send(m);
  }
}

void Hub::on_event(const ArenaEvent& event) {
  std::lock_guard lock(mutex_);
  if (const auto* e = std::get_if<MatchCreated>(&event)) {
    auto [it, fresh] = routes_.try_emplace(e->match_id);
    Route& route = it->second;
    if (!fresh) count_live(route, -1);
    route.created = *e;
    count_live(route, +1);
    for (size_t seat = 0; seat < e->seats.size(); ++seat) {
      if (!e->seats[seat].remote) continue;
      auto it = players_.find(e->seats[seat].player_id);
      if (it == players_.end()) continue;
      const Message start = make_message(match_start_message(*e, static_cast<int>(seat)));
      for (const auto& weak : it->second) {
        if (auto s = weak.lock()) {
          asio::post(s->ws_.get_executor(), [s] { s->spectator_only_ = false; });
          s->send(start);
        }
      }
    }
  } else if (const auto* e = std::get_if<StateChanged>(&event)) {
    auto it = routes_.find(e->match_id);
    if (it == routes_.end()) return;
    Route& route = it->second;
    route.to_act = e->to_act;
    for (size_t seat = 0; seat < route.created.seats.size(); ++seat) {
      if (route.created.seats[seat].remote) {
        send_to_player(route.created.seats[seat].player_id,
                       make_message(state_message(*e, static_cast<int>(seat), route.last_move)));
      }
    }
    if (!route.spectators.empty()) {
      const Message view = make_message(state_message(*e, -1, route.last_move));  // serialised once for all
      for (const auto& weak : route.spectators) {
        if (auto s = weak.lock()) s->send(view);
      }
    }
  } else if (const auto* e = std::get_if<MoveMade>(&event)) {
    if (auto it = routes_.find(e->match_id); it != routes_.end()) it->second.last_move = move_json(*e);
  } else if (const auto* e = std::get_if<MatchEnded>(&event)) {
    auto it = routes_.find(e->match_id);
    if (it == routes_.end()) return;
    const Message end = make_message(match_end_message(*e));
    std::set<int64_t> sent;
    for (const SeatInfo& seat : it->second.created.seats) {
      if (seat.remote && sent.insert(seat.player_id).second) send_to_player(seat.player_id, end);
    }
    for (const auto& weak : it->second.spectators) {
      if (auto s = weak.lock()) s->send(end);
    }
    count_live(it->second, -1);
    routes_.erase(it);
  } else if (const auto* e = std::get_if<SeatError>(&event)) {
    auto it = routes_.find(e->match_id);
    if (it != routes_.end() && e->seat < static_cast<int>(it->second.created.seats.size()) &&
        it->second.created.seats[e->seat].remote) {
      send_to_player(it->second.created.seats[e->seat].player_id,
                     make_message(error_message(e->error, nullptr)));
    }
  } else if (const auto* e = std::get_if<ChallengeIssued>(&event)) {
    send_to_player(e->to_player_id, make_message(challenge_message(*e)));
  } else if (const auto* e = std::get_if<ChallengeDeclined>(&event)) {
    send_to_player(e->from_player_id, make_message(challenge_declined_message(*e)));
  }
}

void Hub::join(const std::shared_ptr<WsSession>& session) {
  std::vector<std::pair<int64_t, int>> seats;  // matches this player sits in: resume them
  {
    std::lock_guard lock(mutex_);
    auto& list = players_[session->who().id];
    list.erase(std::remove_if(list.begin(), list.end(), [](const auto& w) { return w.expired(); }),
               list.end());
    list.push_back(session);
    for (const auto& [id, route] : routes_) {
      for (size_t seat = 0; seat < route.created.seats.size(); ++seat) {
        if (route.created.seats[seat].remote && route.created.seats[seat].player_id == session->who().id) {
          seats.emplace_back(id, static_cast<int>(seat));
          session->send(make_message(match_start_message(route.created, static_cast<int>(seat))));
        }
      }
    }
  }
  if (!seats.empty()) session->spectator_only_ = false;
  for (const auto& [match_id, seat] : seats) {
    if (std::shared_ptr<Match> m = arena_.find(match_id)) {
      m->set_connected(seat, true);
      send_snapshot(session, match_id, seat);
    }
  }
}

void Hub::leave(WsSession* session) {
  std::vector<std::pair<int64_t, int>> seats;
  {
    std::lock_guard lock(mutex_);
    const int64_t player = session->who().id;
    bool still_connected = false;
    if (auto it = players_.find(player); it != players_.end()) {
      auto& list = it->second;
      list.erase(std::remove_if(list.begin(), list.end(),
                                [session](const auto& w) {
                                  auto s = w.lock();
                                  return !s || s.get() == session;
                                }),
                 list.end());
      still_connected = !list.empty();
      if (list.empty()) players_.erase(it);
    }
    for (auto& [id, route] : routes_) {
      for (auto it = route.spectators.begin(); it != route.spectators.end();) {
        auto s = it->lock();
        it = (!s || s.get() == session) ? route.spectators.erase(it) : std::next(it);
      }
      if (still_connected) continue;
      for (size_t seat = 0; seat < route.created.seats.size(); ++seat) {
        if (route.created.seats[seat].remote && route.created.seats[seat].player_id == player) {
          seats.emplace_back(id, static_cast<int>(seat));
        }
      }
    }
  }
  // The last connection of a seated player is gone: its grace period starts.
  for (const auto& [match_id, seat] : seats) {
    if (std::shared_ptr<Match> m = arena_.find(match_id)) m->set_connected(seat, false);
  }
}

bool Hub::spectate(const std::shared_ptr<WsSession>& session, int64_t match_id) {
  std::shared_ptr<Match> match = arena_.find(match_id);
  if (!match) return false;
  {
    std::lock_guard lock(mutex_);
    auto it = routes_.find(match_id);
    if (it == routes_.end()) {
      // A match the hub has not routed yet (agents only, or older than this server).
      Route route;
      route.created = MatchCreated{match_id, match->game().spec(), match->seats(), match->rated(),
                                   match->time_control().to_string()};
      it = routes_.emplace(match_id, std::move(route)).first;
      count_live(it->second, +1);
    }
    it->second.spectators.insert(session);
  }
  send_snapshot(session, match_id, std::nullopt);
  return true;
}

void Hub::unspectate(WsSession* session, int64_t match_id) {
  std::lock_guard lock(mutex_);
  auto it = routes_.find(match_id);
  if (it == routes_.end()) return;
  for (auto s = it->second.spectators.begin(); s != it->second.spectators.end();) {
    auto locked = s->lock();
    s = (!locked || locked.get() == session) ? it->second.spectators.erase(s) : std::next(s);
  }
}

std::optional<int> Hub::seat_of(int64_t player_id, int64_t match_id) {
  std::lock_guard lock(mutex_);
  auto it = routes_.find(match_id);
  if (it == routes_.end()) return std::nullopt;
  std::optional<int> first;
  const auto& seats = it->second.created.seats;
  for (size_t seat = 0; seat < seats.size(); ++seat) {
    if (!seats[seat].remote || seats[seat].player_id != player_id) continue;
    const int s = static_cast<int>(seat);
    if (std::find(it->second.to_act.begin(), it->second.to_act.end(), s) != it->second.to_act.end()) return s;
    if (!first) first = s;
  }
  return first;
}

int Hub::live_matches_of(int64_t player_id) {
  std::lock_guard lock(mutex_);
  auto it = live_matches_.find(player_id);
  return it == live_matches_.end() ? 0 : it->second;
}

void Hub::count_live(const Route& route, int delta) {
  std::set<int64_t> counted;  // a player in two seats of one match has one live match
  for (const SeatInfo& s : route.created.seats) {
    if (!s.remote || !counted.insert(s.player_id).second) continue;
    if ((live_matches_[s.player_id] += delta) <= 0) live_matches_.erase(s.player_id);
  }
}

void Hub::send_snapshot(const std::shared_ptr<WsSession>& session, int64_t match_id,
                        std::optional<int> seat) {
  std::shared_ptr<Match> match = arena_.find(match_id);
  if (!match) return;
  Json last_move;
  {
    std::lock_guard lock(mutex_);
    if (auto it = routes_.find(match_id); it != routes_.end()) last_move = it->second.last_move;
  }
  match->snapshot([session, seat, last_move](const StateChanged& state, bool) {
    session->send(make_message(state_message(state, seat.value_or(-1), last_move)));
  });
}

// ---------------------------------------------------------------------------------------
// HTTP

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::io_context& io, Arena& arena, db::Store& store, ServerConfig config,
       std::function<size_t()> depth)
      : io(io),
        arena(arena),
        store(store),
        config(std::move(config)),
        hub(arena),
        rest(arena, store, stats, std::move(depth), this->config.extra_metrics, this->config.games_root),
        workers(static_cast<size_t>(std::max(1, this->config.worker_threads))),
        acceptor(asio::make_strand(io)) {}

  asio::io_context& io;
  Arena& arena;
  db::Store& store;
  ServerConfig config;
  ServerStats stats;
  Hub hub;
  RestApi rest;
  ThreadPool workers;
  tcp::acceptor acceptor;
  int subscription = 0;
  std::mutex sessions_mutex;
  std::vector<std::weak_ptr<WsSession>> sessions;  // for shutdown

  void accept();
  // Who an upgrade request is (auth.h: a bot's token, a person's session, or a guest cookie,
  // made if absent). Blocking (reads and writes the store): runs on a worker.
  Result<Identity> identify(const http::request<http::string_body>& req);
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, std::shared_ptr<Server::Impl> server)
      : stream_(std::move(socket)), server_(std::move(server)) {}

  void run() {
    ++server_->stats.http_connections;
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::read, shared_from_this()));
  }
  ~HttpSession() { --server_->stats.http_connections; }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(server_->config.http_body_limit);
    stream_.expires_after(server_->config.http_idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    if (ec == http::error::body_limit) {
      return reply(
          error_response(413, "too_large",
                         "request body over " + std::to_string(server_->config.http_body_limit) + " bytes"),
          false, 11, "POST");
    }
    if (ec) return;  // timeout, reset, malformed: drop the connection
    http::request<http::string_body> req = parser_->release();
    const std::string target(req.target());
    const std::string path = target.substr(0, target.find('?'));
    if (websocket::is_upgrade(req)) {
      if (path != "/ws")
        return reply(error_response(404, "not_found", "WebSocket is at /ws"), false, req.version(), "GET");
      return upgrade(std::move(req));
    }
    auto self = shared_from_this();
    server_->workers.post([self, req = std::move(req), path] {
      HttpResponse res;
      std::optional<size_t> content_length;  // HEAD of a static file: the size GET would send
      if (path == "/metrics" || path.rfind("/api/", 0) == 0 || path == "/api") {
        HttpRequest r;
        r.method = std::string(req.method_string());
        r.target = std::string(req.target());
        r.body = req.body();
        for (const auto& field : req) {
          std::string name(field.name_string());
          for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          r.headers[name] = std::string(field.value());
        }
        res = self->server_->rest.handle(r);
      } else {
        auto view = [](beast::string_view v) { return std::string_view(v.data(), v.size()); };
        const ServerConfig& config = self->server_->config;
        // /games/<family>/<file>: the family's web/ folder, for a registered family.
        std::filesystem::path root = config.web_root;
        std::string_view target = view(req.target());
        if (target.starts_with("/games/")) {
          const std::string_view rest = target.substr(7);
          const std::string family(rest.substr(0, rest.find('/')));
          if (GameRegistry::instance().find_family(family) && family.size() < rest.size()) {
            root = config.games_root / family / "web";
            target = rest.substr(family.size());
          }
        }
        StaticResponse s =
            serve_static(root, view(req.method_string()), target, view(req[http::field::if_none_match]));
        content_length = s.content_length;
        res.status = s.status;
        res.content_type = s.content_type;
        res.body = std::move(s.body);
        res.headers = std::move(s.headers);
      }
      const bool keep_alive = req.keep_alive();
      const unsigned version = req.version();
      const std::string method(req.method_string());
      asio::post(self->stream_.get_executor(),
                 [self, res = std::move(res), keep_alive, version, method, content_length]() mutable {
                   self->reply(std::move(res), keep_alive, version, method, content_length);
                 });
    });
  }

  void reply(HttpResponse res, bool keep_alive, unsigned version, const std::string& method,
             std::optional<size_t> content_length = std::nullopt) {
    auto msg =
        std::make_shared<http::response<http::string_body>>(static_cast<http::status>(res.status), version);
    msg->set(http::field::server, "arena");
    msg->set(http::field::content_type, res.content_type);
    for (const auto& [name, value] : res.headers) msg->set(name, value);
    if (res.content_type.rfind("application/json", 0) == 0 && !msg->count(http::field::cache_control)) {
      msg->set(http::field::cache_control, "no-store");
    }
    msg->keep_alive(keep_alive);
    const size_t length = content_length.value_or(res.body.size());
    if (method != "HEAD") msg->body() = std::move(res.body);
    msg->content_length(length);
    stream_.expires_after(server_->config.http_idle_timeout);
    http::async_write(stream_, *msg, [self = shared_from_this(), msg](beast::error_code ec, size_t) {
      if (ec) return;
      if (!msg->keep_alive()) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      self->read();
    });
  }

  void upgrade(http::request<http::string_body> req) {
    auto self = shared_from_this();
    stream_.expires_never();
    server_->workers.post([self, req = std::move(req)]() mutable {
      auto identity = self->server_->identify(req);
      asio::post(self->stream_.get_executor(), [self, req = std::move(req),
                                                identity = std::move(identity)]() mutable {
        if (!identity.ok()) {
          return self->reply(error_response(identity.error()), false, req.version(), "GET");
        }
        auto session = std::make_shared<WsSession>(self->stream_.release_socket(), self->server_->arena,
                                                   self->server_->hub, self->server_->stats,
                                                   self->server_->config, identity->who);
        {
          std::lock_guard lock(self->server_->sessions_mutex);
          auto& list = self->server_->sessions;
          list.erase(std::remove_if(list.begin(), list.end(), [](const auto& w) { return w.expired(); }),
                     list.end());
          list.push_back(session);
        }
        session->run(std::move(req), identity->set_cookie);
      });
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Server::Impl> server_;
};

Result<Identity> Server::Impl::identify(const http::request<http::string_body>& req) {
  auto header = [&req](http::field f) {
    auto it = req.find(f);
    return it == req.end() ? std::string_view() : std::string_view(it->value().data(), it->value().size());
  };
  return net::identify(store, header(http::field::authorization), header(http::field::cookie), true);
}

void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(io),
                        [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                          if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
                          if (!ec) {
                            // Small messages go out at once: Nagle's delay would add ~40 ms to every answer
                            // and charge it to clocks.
                            beast::error_code ignored;
                            socket.set_option(tcp::no_delay(true), ignored);
                            std::make_shared<HttpSession>(std::move(socket), self)->run();
                          }
                          self->accept();
                        });
}

// ---------------------------------------------------------------------------------------

Server::Server(asio::io_context& io, Arena& arena, db::Store& store, ServerConfig config,
               std::function<size_t()> store_queue_depth)
    : impl_(std::make_shared<Impl>(io, arena, store, std::move(config), std::move(store_queue_depth))) {
  Hub* hub = &impl_->hub;
  impl_->subscription = arena.subscribe([hub](const ArenaEvent& e) { hub->on_event(e); });
}

Server::~Server() {
  stop();
  impl_->arena.unsubscribe(impl_->subscription);
}

Result<uint16_t> Server::listen() {
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->config.bind, ec);
  if (ec) return make_error("bad_address", "cannot use '" + impl_->config.bind + "': " + ec.message());
  const tcp::endpoint endpoint(address, impl_->config.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error("listen_failed", "cannot listen on " + impl_->config.bind + ":" +
                                           std::to_string(impl_->config.port) + ": " + ec.message());
  }
  impl_->accept();
  return acceptor.local_endpoint().port();
}

void Server::stop() {
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
  std::lock_guard lock(impl_->sessions_mutex);
  for (const auto& weak : impl_->sessions) {
    if (auto s = weak.lock())
      s->close(websocket::close_reason(websocket::close_code::going_away, "server shutting down"));
  }
}

ServerStats& Server::stats() { return impl_->stats; }

}  // namespace arena::net
