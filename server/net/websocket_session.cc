#include "server/net/websocket_session.h"

#include "server/net/cluster_link.h"
#include "server/net/hub.h"
#include "server/net/shared_state.h"
#include "server/net/wire.h"

namespace arena::net {

WebSocketSession::WebSocketSession(tcp::socket&& socket, std::shared_ptr<SharedState> state,
                                   PlayerIdentity who, std::string address,
                                   std::vector<ConnectionLimits::Slot> slots)
    : ws_(std::move(socket)),
      state_(std::move(state)),
      arena_(state_->arena),
      hub_(state_->hub),
      stats_(state_->stats),
      config_(state_->config),
      who_(std::move(who)),
      address_(std::move(address)),
      slots_(std::move(slots)),
      limiter_(config_.messages_per_second, 2 * config_.messages_per_second) {}

void WebSocketSession::run(http::request<http::string_body> request, std::optional<std::string> set_cookie) {
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
  ws_.async_accept(request, beast::bind_front_handler(&WebSocketSession::on_accept, shared_from_this()));
}

void WebSocketSession::send(Message m) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), m = std::move(m)] { self->enqueue(m); });
}

void WebSocketSession::set_seated() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] { self->spectator_only_ = false; });
}

void WebSocketSession::close(websocket::close_reason reason) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), reason] { self->close_with(reason); });
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) return finish();
  accepted_ = true;
  if (pending_close_) {  // closed while the handshake was answered: the close goes now
    auto reason = *pending_close_;
    pending_close_.reset();
    return send_close(reason);
  }
  if (!who_.guest || who_.id != 0) return start();
  // A new guest: its row is written now that the handshake is good (a queued write; the
  // answer comes back to this strand), and the connection starts once it has its id.
  state_->store.ensure_player(
      who_.name, db::PlayerKind::kHuman, "", [self = shared_from_this()](Result<int64_t> id) {
        asio::post(self->ws_.get_executor(), [self, id = std::move(id)] {
          if (self->closing_) return;
          if (!id.ok()) {
            return self->close_with(
                websocket::close_reason(websocket::close_code::internal_error, "cannot store the guest"));
          }
          self->who_.id = *id;
          self->start();
        });
      });
}

void WebSocketSession::start() {
  // Set before the resumed matches' messages, which are posted behind this handler.
  if (hub_.join(shared_from_this())) spectator_only_ = false;
  reply(welcome_message(who_));
  read();
}

void WebSocketSession::read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(beast::error_code ec, size_t) {
  if (ec == websocket::error::message_too_big) {
    reply(error_message(make_error("bad_message", "message larger than " +
                                                      std::to_string(config_.ws_message_limit) + " bytes"),
                        nullptr));
    close_with(websocket::close_reason(websocket::close_code::too_big, "message too big"));
    return;
  }
  if (ec) return finish();
  ++stats_.ws_messages_in;
  if (const double wait = rate_limit_wait(); wait > 0) {
    // Refused unread: not parsed, and the refusal is the same few bytes whatever was sent.
    ++stats_.rate_limited;
    buffer_.consume(buffer_.size());
    reply(error_message(make_error("rate_limited", "too many messages"), nullptr, wait));
  } else if (!ws_.got_text()) {
    buffer_.consume(buffer_.size());
    reply(error_message(make_error("bad_message", "send text frames of JSON"), nullptr));
  } else {
    const std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    Result<Incoming> in = parse_client_message(text);
    if (!in.ok()) {
      reply(error_message(in.error(), nullptr));
    } else {
      std::visit([&](const auto& m) { handle(m, in->ref); }, in->message);
    }
  }
  if (closing_) return;
  if (queue_half_full()) {
    pause_reading();  // on_write resumes reading once the queue has drained
  } else {
    read();
  }
}

double WebSocketSession::rate_limit_wait() {
  double wait = limiter_.take();
  if (wait > 0) return wait;
  AbuseLimits& limits = state_->limits;
  if (who_.id > 0) wait = limits.player_messages.take(player_key(who_.id));
  if (wait > 0) return wait;
  return limits.address_messages.take(address_key(address_));
}

bool WebSocketSession::queue_half_full() const {
  return queue_.size() >= queue_limit() / 2 || queued_bytes_ >= config_.ws_send_budget / 2;
}

void WebSocketSession::pause_reading() {
  read_paused_ = true;
  stall_timer_.expires_after(config_.ws_stall_timeout);
  stall_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || !self->read_paused_ || self->closing_) return;
    ++self->stats_.ws_dropped_slow;
    self->close_with(
        websocket::close_reason(websocket::close_code::policy_error, "too slow: messages are not read"));
  });
}

// --- Messages ------------------------------------------------------------------------------

void WebSocketSession::reply(const Json& message) { enqueue(make_message(message)); }

void WebSocketSession::reply_error(const Error& e, const Json& ref) { reply(error_message(e, ref)); }

std::function<void(Status)> WebSocketSession::answer(const Json& ref, Json ok) {
  auto self = shared_from_this();
  return [self, ref, ok = std::move(ok)](Status s) {
    asio::post(self->ws_.get_executor(), [self, ref, ok, s] {
      if (s.ok()) {
        self->reply(ok);
      } else {
        self->reply_error(s.error(), ref);
      }
    });
  };
}

void WebSocketSession::as_seat(int64_t match_id, std::function<void(Status)> done, SeatAction action) {
  if (std::shared_ptr<Match> match = arena_.find(match_id))
    return act_as(match, who_.id, std::move(action), done);
  if (ClusterLink* link = state_->cluster) return link->act(who_.id, match_id, action, std::move(done));
  done(make_error("unknown_match", "no live match " + std::to_string(match_id)));
}

SeatRequest WebSocketSession::as_seat_request() const {
  SeatRequest s;
  s.player_id = who_.id;
  s.name = who_.name;
  s.kind = db::player_kind_from_string(who_.kind).value_or(db::PlayerKind::kBot);
  s.guest = who_.guest;
  return s;
}

void WebSocketSession::handle(const Hello&, const Json& ref) { reply(hello_ack(ref)); }

void WebSocketSession::handle(const Ping&, const Json& ref) { reply(pong_message(ref)); }

void WebSocketSession::handle(const SeekMessage& m, const Json& ref) {
  Seek seek;
  seek.player_id = who_.id;
  seek.games = m.games;
  seek.rated = m.rated && !who_.guest;  // guests play unrated
  for (const std::string& text : m.time_controls) {
    Result<TimeControl> tc = TimeControl::parse(text);
    if (!tc.ok()) return reply_error(tc.error(), ref);
    seek.time_controls.push_back(*tc);
  }
  auto self = shared_from_this();
  auto placed = [self, ref](Result<int64_t> id) {
    asio::post(self->ws_.get_executor(), [self, id, ref] {
      if (!id.ok()) return self->reply_error(id.error(), ref);
      if (self->finished_) {
        self->cancel_seek(*id);  // the connection went meanwhile: so does its seek
        return;
      }
      self->seeks_.insert(*id);
      self->reply(seek_ack(ref, *id));
    });
  };
  // On a node of several, the seeks are the lobby's (where any two can pair).
  if (ClusterLink* link = state_->cluster; link && link->lobby() != 0 && link->lobby() != link->node()) {
    return link->seek(as_seat_request(), seek, std::move(placed));
  }
  // Placing a seek resolves its games' specs: off the network threads.
  state_->workers.post([self, who = as_seat_request(), seek = std::move(seek), placed = std::move(placed)] {
    placed(self->arena_.seek(who, seek));
  });
}

void WebSocketSession::cancel_seek(int64_t seek_id, std::function<void(Status)> done) {
  if (ClusterLink* link = state_->cluster; link && node_of_id(seek_id) != link->node()) {
    return link->cancel_seek(seek_id, std::move(done));
  }
  const bool cancelled = arena_.cancel_seek(seek_id);
  if (!done) return;
  done(cancelled ? ok_status()
                 : Status(make_error("unknown_seek", "no open seek " + std::to_string(seek_id))));
}

void WebSocketSession::handle(const CancelSeek& m, const Json& ref) {
  if (!seeks_.erase(m.seek_id)) {
    return reply_error(make_error("unknown_seek", "no open seek " + std::to_string(m.seek_id)), ref);
  }
  cancel_seek(m.seek_id, answer(ref, seek_ack(ref, m.seek_id)));
}

void WebSocketSession::handle(const ChallengeMessage& m, const Json& ref) {
  Result<TimeControl> tc = TimeControl::parse(m.time_control);
  if (!tc.ok()) return reply_error(tc.error(), ref);
  if (const double wait =
          arena_.is_house_opponent(m.to) ? 0 : challenge_wait(state_->limits, who_.id, address_);
      wait > 0) {
    ++stats_.rate_limited;
    return reply(error_message(make_error("rate_limited", "too many challenges"), ref, wait));
  }
  auto self = shared_from_this();
  arena_.challenge(as_seat_request(), m.to, m.game, *tc, m.rated && !who_.guest,
                   [self, ref](Result<Arena::ChallengeOutcome> r) {
                     asio::post(self->ws_.get_executor(), [self, ref, r] {
                       if (!r.ok()) return self->reply_error(r.error(), ref);
                       self->reply(challenge_ack(ref, r->challenge_id, r->match_id));
                     });
                   });
}

void WebSocketSession::handle(const AcceptChallenge& m, const Json& ref) {
  auto self = shared_from_this();
  MatchDone done = [self, ref](Result<int64_t> id) {
    asio::post(self->ws_.get_executor(), [self, ref, id] {
      if (!id.ok()) return self->reply_error(id.error(), ref);
      self->reply(match_ack(ref, *id));
    });
  };
  // A challenge another node holds is accepted there (its id names that node).
  if (ClusterLink* link = state_->cluster; link && node_of_id(m.challenge_id) != link->node()) {
    return link->accept_challenge(m.challenge_id, as_seat_request(), std::move(done));
  }
  arena_.accept_challenge(m.challenge_id, as_seat_request(), std::move(done));
}

void WebSocketSession::handle(const DeclineChallenge& m, const Json& ref) {
  if (ClusterLink* link = state_->cluster; link && node_of_id(m.challenge_id) != link->node()) {
    return link->decline_challenge(m.challenge_id, who_.id,
                                   answer(ref, challenge_declined_ack(ref, m.challenge_id)));
  }
  Status s = arena_.decline_challenge(m.challenge_id, who_.id);
  if (!s.ok()) return reply_error(s.error(), ref);
  reply(challenge_declined_ack(ref, m.challenge_id));
}

void WebSocketSession::handle(const MoveMessage& m, const Json& ref) {
  SeatAction action;
  action.ply = m.ply;
  if (m.orders) {
    action.kind = SeatAction::Kind::kOrders;
    action.orders = *m.orders;
  } else {
    action.action = *m.action;
  }
  ServerStats* stats = &stats_;
  auto done = [done = answer(ref, move_ack(ref, m.match_id, m.ply)), stats](Status s) {
    if (s.ok()) ++stats->moves_acknowledged;
    done(std::move(s));
  };
  as_seat(m.match_id, std::move(done), std::move(action));
}

void WebSocketSession::handle(const Resign& m, const Json& ref) {
  as_seat(m.match_id, answer(ref, match_ack(ref, m.match_id)), SeatAction::of(SeatAction::Kind::kResign));
}

void WebSocketSession::handle(const Abort& m, const Json& ref) {
  as_seat(m.match_id, answer(ref, match_ack(ref, m.match_id)), SeatAction::of(SeatAction::Kind::kAbort));
}

void WebSocketSession::handle(const OfferDraw& m, const Json& ref) {
  as_seat(m.match_id, answer(ref, match_ack(ref, m.match_id)), SeatAction::of(SeatAction::Kind::kOfferDraw));
}

void WebSocketSession::handle(const Spectate& m, const Json& ref) {
  ClusterLink* link = state_->cluster;
  if (!link || arena_.find(m.match_id)) {
    if (Status s = hub_.spectate(shared_from_this(), m.match_id, config_.max_spectated_matches); !s.ok()) {
      return reply_error(s.error(), ref);
    }
    return reply(spectate_ack(ref, m.match_id, true));
  }
  // Another node's match: its state comes from there, and then its messages.
  auto self = shared_from_this();
  link->snapshot(0, m.match_id, [self, ref, id = m.match_id](Result<Message> snapshot) {
    asio::post(self->ws_.get_executor(), [self, ref, id, snapshot] {
      if (!snapshot.ok()) return self->reply_error(snapshot.error(), ref);
      if (self->finished_) return;
      if (Status s = self->hub_.spectate_remote(self, id, self->config_.max_spectated_matches, *snapshot);
          !s.ok()) {
        return self->reply_error(s.error(), ref);
      }
      self->reply(spectate_ack(ref, id, true));
    });
  });
}

void WebSocketSession::handle(const Unspectate& m, const Json& ref) {
  hub_.unspectate(this, m.match_id);
  reply(spectate_ack(ref, m.match_id, false));
}

void WebSocketSession::handle(const Resync& m, const Json& ref) {
  const Error unknown = make_error("unknown_match", "no live match " + std::to_string(m.match_id) +
                                                        " (a finished match is at GET /api/matches/" +
                                                        std::to_string(m.match_id) + ")");
  if (std::shared_ptr<Match> match = arena_.find(m.match_id)) {
    return hub_.send_snapshot(shared_from_this(), *match, seats_of(*match, who_.id));
  }
  ClusterLink* link = state_->cluster;
  if (!link) return reply_error(unknown, ref);
  auto self = shared_from_this();
  link->snapshot(who_.id, m.match_id, [self, ref, unknown](Result<Message> snapshot) {
    asio::post(self->ws_.get_executor(), [self, ref, unknown, snapshot] {
      if (!snapshot.ok()) {
        return self->reply_error(snapshot.error().code == "unknown_match" ? unknown : snapshot.error(), ref);
      }
      self->enqueue(*snapshot);
    });
  });
}

// --- Writing: one write in flight, a bounded queue ------------------------------------------

size_t WebSocketSession::queue_limit() const {
  return spectator_only_ ? config_.spectator_queue_limit : config_.player_queue_limit;
}

void WebSocketSession::enqueue(Message m) {
  if (closing_) return;
  if (queue_.size() >= queue_limit() || queued_bytes_ + m->size() > config_.ws_send_budget) {
    // The client does not read what it is sent: drop it rather than buffer forever.
    ++stats_.ws_dropped_slow;
    close_with(
        websocket::close_reason(websocket::close_code::policy_error, "too slow: messages are not read"));
    return;
  }
  queued_bytes_ += m->size();
  queue_.push_back(std::move(m));
  ++stats_.outbound_queued;
  if (queue_.size() == 1) write();
}

void WebSocketSession::write() {
  ws_.text(true);
  ws_.async_write(asio::buffer(*queue_.front()),
                  beast::bind_front_handler(&WebSocketSession::on_write, shared_from_this()));
}

void WebSocketSession::on_write(beast::error_code ec, size_t) {
  if (ec || finished_) return finish();
  ++stats_.ws_messages_out;
  --stats_.outbound_queued;
  queued_bytes_ -= queue_.front()->size();
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
    stall_timer_.cancel();
    read();
  }
}

void WebSocketSession::close_with(websocket::close_reason reason) {
  if (closing_) return;
  closing_ = true;
  if (!accepted_) {
    // Beast allows no close while the handshake's answer is being written: on_accept sends it.
    pending_close_ = reason;
    return;
  }
  if (queue_.empty()) return send_close(reason);
  stats_.outbound_queued -= static_cast<int64_t>(queue_.size() - 1);
  queue_.erase(queue_.begin() + 1, queue_.end());
  queued_bytes_ = queue_.front()->size();
  pending_close_ = reason;
  drop_timer_.expires_after(std::chrono::seconds(5));
  drop_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) beast::get_lowest_layer(self->ws_).close();
  });
}

void WebSocketSession::send_close(websocket::close_reason reason) {
  ws_.async_close(reason, [self = shared_from_this()](beast::error_code) {
    self->drop_timer_.cancel();
    self->finish();
  });
}

void WebSocketSession::finish() {
  if (finished_) return;
  finished_ = true;
  closing_ = true;  // nothing more is queued; a write in flight keeps its message until it ends
  --stats_.websocket_connections;
  stall_timer_.cancel();
  stats_.outbound_queued -= static_cast<int64_t>(queue_.size());
  for (int64_t seek : seeks_) cancel_seek(seek);
  seeks_.clear();
  hub_.leave(this);
}

}  // namespace arena::net
