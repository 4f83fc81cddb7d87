#include "server/arena/match.h"

#include <algorithm>

namespace arena {
namespace {

Error refuse(const std::string& code, const std::string& message) { return make_error(code, message); }

void answer(const Match::Done& done, Status status) {
  if (done) done(std::move(status));
}

}  // namespace

Match::Match(asio::io_context& io, db::Store& store, MatchSetup setup, MatchHooks hooks)
    : io_(io),
      strand_(asio::make_strand(io)),
      store_(store),
      setup_(std::move(setup)),
      hooks_(std::move(hooks)),
      state_(setup_.game->new_initial_state()),
      rng_(setup_.seed) {
  const size_t n = setup_.seats.size();
  for (size_t i = 0; i < n; ++i) {
    clocks_.emplace_back(setup_.time_control);
    turn_timers_.push_back(std::make_unique<asio::steady_timer>(strand_));
    grace_timers_.push_back(std::make_unique<asio::steady_timer>(strand_));
  }
  pace_timer_ = std::make_unique<asio::steady_timer>(strand_);
  turn_started_.assign(n, SteadyClock::now());
  pending_orders_.resize(n);
  pending_acks_.resize(n);
  has_moved_.assign(n, false);
  setup_.agents.resize(n);
}

Match::~Match() = default;

// ---------------------------------------------------------------------------------------
// Starting and resuming

void Match::start() {
  auto self = shared_from_this();
  if (setup_.stored_active) {
    asio::post(strand_, [self] { self->begin(); });
    return;
  }
  store_.start_match(id(), [self](Status s) {
    asio::post(self->strand_, [self, s] {
      if (!s.ok()) {
        self->finish({}, "store_error", "aborted");
        return;
      }
      self->begin();
    });
  });
}

void Match::begin() {
  phase_ = Phase::kRunning;
  hooks_.emit(MatchStarted{id()});
  announce_state();
  advance();
}

Status Match::restore(const std::vector<db::MoveRow>& moves, bool started) {
  for (const db::MoveRow& move : moves) {
    if (move.ply != state_->ply())
      return refuse("bad_record", "missing ply " + std::to_string(state_->ply()));
    Status s;
    if (move.seat == kChancePlayer) {
      // Chance is drawn from the seed again, so the stream continues where it stopped.
      const Action drawn = draw_chance();
      if (!move.step.is_number_integer() || move.step.get<Action>() != drawn) {
        return refuse("bad_record",
                      "ply " + std::to_string(move.ply) + ": the stored chance outcome is not the seed's");
      }
      s = state_->apply(drawn);
    } else if (move.step.is_object()) {
      Result<Step> step = step_from_json(move.step);
      if (!step.ok()) return step.error();
      s = state_->apply_orders(step->orders);
    } else if (move.step.is_number_integer()) {
      s = state_->apply(move.step.get<Action>());
      if (move.seat >= 0 && move.seat < static_cast<int>(has_moved_.size())) has_moved_[move.seat] = true;
    } else {
      return refuse("bad_record", "ply " + std::to_string(move.ply) + " has no step");
    }
    if (!s.ok()) return s.error();
    if (!move.clocks_ms.empty()) {
      for (size_t i = 0; i < clocks_.size() && i < move.clocks_ms.size(); ++i) {
        if (move.clocks_ms[i] >= 0) clocks_[i].set_remaining(Millis(move.clocks_ms[i]));
      }
    }
  }
  if (started) phase_ = Phase::kRunning;
  return ok_status();
}

void Match::resume() {
  auto self = shared_from_this();
  asio::post(strand_, [self] {
    if (self->phase_ == Phase::kPending) {
      self->start();
      return;
    }
    self->announce_state();
    self->advance();
  });
}

// ---------------------------------------------------------------------------------------
// The loop: chance, then whoever is to act

Action Match::draw_chance() { return sample_chance(*state_, rng_); }

void Match::advance() {
  if (phase_ != Phase::kRunning) return;
  if (state_->is_terminal()) {
    finish(state_->returns(), "normal");
    return;
  }
  if (state_->is_chance_node()) {
    // A run of chance outcomes (a deal) is drawn and stored as one write.
    std::vector<db::MoveRow> rows;
    while (state_->is_chance_node()) {
      const Action outcome = draw_chance();
      std::string text = state_->action_to_string(kChancePlayer, outcome);  // stored; never broadcast
      Status s = state_->apply(outcome);
      assert(s.ok());
      rows.push_back(step_row(kChancePlayer, std::move(text), Json(outcome), 0));
    }
    store_steps(std::move(rows), {});
    return;
  }
  ++generation_;
  draw_offer_.reset();
  const std::vector<Player> to_act = state_->players_to_act();
  std::vector<int> seats(to_act.begin(), to_act.end());
  for (auto& orders : pending_orders_) orders.reset();
  begin_turn(seats);
  for (int seat : seats) {
    if (setup_.agents[seat]) ask(seat);
  }
}

void Match::begin_turn(const std::vector<int>& seats) {
  const auto now = SteadyClock::now();
  for (int seat : seats) {
    turn_started_[seat] = now;
    const Millis available = clocks_[seat].available();
    if (available == Millis::max()) continue;
    auto self = shared_from_this();
    const uint64_t generation = generation_;
    turn_timers_[seat]->expires_after(available);
    turn_timers_[seat]->async_wait([self, seat, generation](const boost::system::error_code& ec) {
      if (ec || generation != self->generation_ || self->phase_ != Phase::kRunning) return;
      self->flag(seat);
    });
  }
}

void Match::ask(int seat) {
  auto self = shared_from_this();
  const uint64_t generation = generation_;
  auto go = [self, seat, generation] {
    if (generation != self->generation_ || self->phase_ != Phase::kRunning) return;
    Budget budget;
    const Millis available = self->clocks_[seat].available();
    if (available != Millis::max()) {
      // Think for a slice of what is left, so a timed agent never flags by design.
      budget.time = std::max(Millis(1), think_budget(self->setup_.time_control, available));
    }
    const std::shared_ptr<Agent>& agent = self->setup_.agents[seat];
    std::weak_ptr<Match> weak = self;
    agent->choose_async(self->state_->clone(), seat, budget,
                        [weak, agent, seat, generation](Result<Decision> d) {
                          std::shared_ptr<Match> match = weak.lock();
                          if (!match) return;  // over and gone (flagged, say) while the agent was thinking
                          asio::post(match->strand_, [match, seat, generation, d = std::move(d)] {
                            match->on_decision(seat, generation, std::move(d));
                          });
                        });
  };
  if (setup_.min_move_interval > Millis(0)) {
    pace_timer_->expires_after(setup_.min_move_interval);
    pace_timer_->async_wait([go](const boost::system::error_code& ec) {
      if (!ec) go();
    });
  } else {
    go();
  }
}

void Match::on_decision(int seat, uint64_t generation, Result<Decision> decision) {
  if (generation != generation_ || phase_ != Phase::kRunning) return;  // too late: flagged or ended
  if (!decision.ok()) {
    // An engine that resigns has resigned; one that let its deadline pass has lost on time.
    const std::string& code = decision.error().code;
    const char* ending = code == "resign" ? "resign" : code == "timeout" ? "flag" : "agent_error";
    if (code != "resign") hooks_.emit(SeatError{id(), seat, decision.error()});
    finish(state_->forfeit_returns(seat), ending);
    return;
  }
  Status s = accept_move(seat, decision->actions, nullptr);
  if (!s.ok()) {
    // An in-process agent that plays an illegal move is broken: it forfeits.
    hooks_.emit(SeatError{id(), seat, s.error()});
    finish(state_->forfeit_returns(seat), "illegal_action");
  }
}

// ---------------------------------------------------------------------------------------
// Moves

Status Match::check_turn(int seat, int ply) const {
  if (phase_ == Phase::kEnded) return refuse("match_over", "match " + std::to_string(id()) + " is over");
  if (seat < 0 || seat >= static_cast<int>(setup_.seats.size())) {
    return refuse("not_your_turn", "seat " + std::to_string(seat) + " does not exist");
  }
  if (phase_ != Phase::kRunning) return refuse("not_your_turn", "the match is not waiting for a move");
  if (ply != state_->ply()) {
    return refuse("stale_ply",
                  "the match is at ply " + std::to_string(state_->ply()) + ", not " + std::to_string(ply));
  }
  const std::vector<Player> to_act = state_->players_to_act();
  if (std::find(to_act.begin(), to_act.end(), seat) == to_act.end()) {
    return refuse("not_your_turn", "seat " + std::to_string(seat) + " is not to act");
  }
  if (pending_orders_[seat])
    return refuse("not_your_turn", "seat " + std::to_string(seat) + " has given its orders");
  return ok_status();
}

void Match::submit(int seat, int ply, std::string action, Done done) {
  auto self = shared_from_this();
  asio::post(strand_, [self, seat, ply, action = std::move(action), done = std::move(done)]() mutable {
    if (Status s = self->check_turn(seat, ply); !s.ok()) return answer(done, s);
    if (self->state_->is_simultaneous_node()) {
      return answer(done, refuse("illegal_action", "this is a simultaneous phase: send orders"));
    }
    Result<Action> a = self->state_->parse_action(seat, action);
    if (!a.ok()) return answer(done, refuse("illegal_action", a.error().message));
    if (Status s = self->accept_move(seat, {*a}, done); !s.ok()) answer(done, s);
  });
}

void Match::submit_orders(int seat, int ply, std::vector<std::string> orders, Done done) {
  auto self = shared_from_this();
  asio::post(strand_, [self, seat, ply, orders = std::move(orders), done = std::move(done)]() mutable {
    if (Status s = self->check_turn(seat, ply); !s.ok()) return answer(done, s);
    std::vector<Action> actions;
    for (const std::string& text : orders) {
      Result<Action> a = self->state_->parse_action(seat, text);
      if (!a.ok()) return answer(done, refuse("illegal_action", a.error().message));
      actions.push_back(*a);
    }
    if (Status s = self->accept_move(seat, actions, done); !s.ok()) answer(done, s);
  });
}

// Validates and applies (or, in a simultaneous phase, records) one seat's move. On success
// the step is stored and `ack` answered after it is; on refusal nothing changes.
Status Match::accept_move(int seat, const std::vector<Action>& actions, Done ack) {
  const int64_t think_ms =
      std::chrono::duration_cast<Millis>(SteadyClock::now() - turn_started_[seat]).count();
  if (state_->is_simultaneous_node()) {
    if (Status s = state_->check_orders(seat, actions); !s.ok()) return s;
  } else {
    if (actions.size() != 1) return refuse("illegal_action", "expected exactly one action");
    if (!state_->is_legal(actions[0])) {
      const bool in_range = actions[0] >= 0 && actions[0] < game().num_distinct_actions();
      return refuse("illegal_action", (in_range ? "'" + state_->action_to_string(seat, actions[0]) + "'"
                                                : "action " + std::to_string(actions[0])) +
                                          " is not legal here");
    }
  }
  if (!clocks_[seat].charge(Millis(think_ms))) {
    flag(seat);
    return refuse("flag", "seat " + std::to_string(seat) + " ran out of time");
  }
  turn_timers_[seat]->cancel();
  has_moved_[seat] = true;

  if (!state_->is_simultaneous_node()) {
    const std::string text = state_->action_to_string(seat, actions[0]);
    Status s = state_->apply(actions[0]);
    assert(s.ok());
    std::vector<Done> acks;
    if (ack) acks.push_back(std::move(ack));
    store_steps({step_row(seat, text, Json(actions[0]), think_ms)}, std::move(acks));
    return ok_status();
  }

  // Simultaneous: keep the orders secret until every acting seat has given its own.
  pending_orders_[seat] = actions;
  pending_acks_[seat] = std::move(ack);
  for (Player p : state_->players_to_act()) {
    if (!pending_orders_[p]) return ok_status();
  }
  std::vector<std::vector<Action>> orders(setup_.seats.size());
  Json texts = Json::array();
  for (size_t p = 0; p < orders.size(); ++p) {
    Json seat_texts = Json::array();
    if (pending_orders_[p]) {
      orders[p] = *pending_orders_[p];
      for (Action a : orders[p]) seat_texts.push_back(state_->action_to_string(static_cast<Player>(p), a));
    }
    texts.push_back(seat_texts);
  }
  Status s = state_->apply_orders(orders);
  assert(s.ok());
  for (auto& given : pending_orders_) given.reset();  // resolved: the next phase's seats are all to act
  std::vector<Done> acks;
  for (auto& a : pending_acks_) {
    if (a) acks.push_back(std::move(a));
    a = nullptr;
  }
  store_steps({step_row(kSimultaneousPlayer, texts.dump(), Json{{"orders", orders}}, think_ms)},
              std::move(acks));
  return ok_status();
}

db::MoveRow Match::step_row(int seat, std::string action_text, Json step, int64_t think_ms) const {
  db::MoveRow row;
  row.ply = state_->ply() - 1;
  row.seat = seat;
  row.action = std::move(action_text);
  row.step = std::move(step);
  row.think_ms = think_ms;
  row.clocks_ms =
      setup_.time_control.kind == TimeControl::Kind::kUntimed ? std::vector<int64_t>{} : clock_readings();
  row.rewards = state_->rewards();
  return row;
}

void Match::store_steps(std::vector<db::MoveRow> rows, std::vector<Done> acks) {
  phase_ = phase_ == Phase::kEnded ? Phase::kEnded : Phase::kStoring;
  ++generation_;  // no timer or late answer may act on the old turn
  auto self = shared_from_this();
  std::vector<db::MoveRow> stored = rows;  // announced once the store has them
  store_.append_moves(
      id(), std::move(rows), [self, stored = std::move(stored), acks = std::move(acks)](Status s) mutable {
        asio::post(self->strand_,
                   [self, s = std::move(s), stored = std::move(stored), acks = std::move(acks)]() mutable {
                     self->on_stored(std::move(s), std::move(stored), std::move(acks));
                   });
      });
}

void Match::on_stored(Status status, std::vector<db::MoveRow> rows, std::vector<Done> acks) {
  for (Done& ack : acks) answer(ack, status);
  if (!status.ok()) {
    // The store refused the step: nothing after it can be trusted to be kept.
    if (phase_ != Phase::kEnded) finish({}, "store_error", "aborted");
    return;
  }
  for (db::MoveRow& row : rows) {
    hooks_.emit(MoveMade{id(), row.ply, row.seat,
                         row.seat == kChancePlayer ? std::string() : std::move(row.action), row.think_ms,
                         row.clocks_ms.empty() ? clock_readings() : std::move(row.clocks_ms)});
  }
  if (phase_ == Phase::kEnded) return;  // ended (resigned, flagged) while this step was stored
  announce_state();
  phase_ = Phase::kRunning;
  advance();
}

void Match::announce_state() {
  if (!state_->is_chance_node()) hooks_.emit(state_event());
}

// ---------------------------------------------------------------------------------------
// Endings

void Match::flag(int seat) {
  if (phase_ == Phase::kEnded) return;
  finish(state_->forfeit_returns(seat), "flag");
}

void Match::resign(int seat, Done done) {
  auto self = shared_from_this();
  asio::post(strand_, [self, seat, done = std::move(done)] {
    if (self->phase_ == Phase::kEnded) return answer(done, refuse("match_over", "the match is over"));
    if (seat < 0 || seat >= static_cast<int>(self->setup_.seats.size())) {
      return answer(done, refuse("bad_message", "no such seat"));
    }
    self->end_waiters_.push_back(done);
    self->finish(self->state_->forfeit_returns(seat), "resign");
  });
}

void Match::abort(int seat, Done done) {
  auto self = shared_from_this();
  asio::post(strand_, [self, seat, done = std::move(done)] {
    if (self->phase_ == Phase::kEnded) return answer(done, refuse("match_over", "the match is over"));
    if (std::find(self->has_moved_.begin(), self->has_moved_.end(), true) != self->has_moved_.end()) {
      return answer(done, refuse("too_late", "a match can be aborted only before the first move"));
    }
    (void)seat;
    self->end_waiters_.push_back(done);
    self->finish({}, "abort", "aborted");
  });
}

void Match::offer_draw(int seat, Done done) {
  auto self = shared_from_this();
  asio::post(strand_, [self, seat, done = std::move(done)] {
    if (self->phase_ == Phase::kEnded) return answer(done, refuse("match_over", "the match is over"));
    if (!self->game().type().draw_offers) {
      return answer(done, refuse("no_draws", self->game().type().name + " has no draw offers"));
    }
    if (self->draw_offer_ && *self->draw_offer_ != seat) {
      self->end_waiters_.push_back(done);
      self->finish(self->state_->draw_returns(), "draw_agreed");
      return;
    }
    self->draw_offer_ = seat;
    answer(done, ok_status());
  });
}

void Match::set_connected(int seat, bool connected) {
  auto self = shared_from_this();
  asio::post(strand_, [self, seat, connected] {
    if (seat < 0 || seat >= static_cast<int>(self->grace_timers_.size()) || self->phase_ == Phase::kEnded)
      return;
    auto& timer = *self->grace_timers_[seat];
    if (connected) {
      timer.cancel();
      return;
    }
    timer.expires_after(self->setup_.disconnect_grace);
    timer.async_wait([self, seat](const boost::system::error_code& ec) {
      if (ec || self->phase_ == Phase::kEnded) return;
      self->finish(self->state_->forfeit_returns(seat), "disconnect");
    });
  });
}

void Match::cancel_timers() {
  for (auto& t : turn_timers_) t->cancel();
  for (auto& t : grace_timers_) t->cancel();
  pace_timer_->cancel();
}

void Match::finish(std::vector<double> returns, std::string termination, std::string status) {
  if (phase_ == Phase::kEnded) return;
  phase_ = Phase::kEnded;
  ++generation_;
  cancel_timers();
  for (auto& a : pending_acks_) {
    answer(a, refuse("match_over", "the match ended (" + termination + ")"));
    a = nullptr;
  }
  // A one-player puzzle is rated against the puzzle: make sure the puzzle is on record.
  std::optional<PuzzleInfo> puzzle = game().num_players() == 1 ? state_->puzzle() : std::nullopt;
  if (puzzle && status == "finished" && setup_.rated) {
    auto self = shared_from_this();
    store_.ensure_puzzle(game().rating_group(), puzzle->spec, puzzle->difficulty,
                         [self, returns, termination, status](Result<int64_t> id) {
                           asio::post(self->strand_, [self, returns, termination, status, id] {
                             std::optional<int64_t> puzzle_player;
                             if (id.ok()) {
                               puzzle_player = *id;
                               self->store_.set_match_puzzle(self->id(), *id, nullptr);
                             }
                             self->write_end(returns, termination, status, puzzle_player);
                           });
                         });
    return;
  }
  write_end(std::move(returns), std::move(termination), std::move(status), std::nullopt);
}

void Match::write_end(std::vector<double> returns, std::string termination, std::string status,
                      std::optional<int64_t> puzzle_player_id) {
  db::MatchEnd end;
  end.match_id = id();
  end.status = status;
  end.result = returns;
  end.termination = termination;
  auto self = shared_from_this();
  auto store = [self, &end](std::vector<db::RatingRow> ratings) {
    end.ratings = std::move(ratings);
    self->store_.finish_match(end, [self, end](Status s) {
      if (!end.ratings.empty() && self->hooks_.ratings_settled)
        self->hooks_.ratings_settled(self->id(), end.ratings, s.ok());
      asio::post(self->strand_, [self, end, s] {
        for (Done& waiter : self->end_waiters_) answer(waiter, s);
        self->end_waiters_.clear();
        self->hooks_.emit(MatchEnded{self->id(), end.status, end.result, end.termination});
        if (self->hooks_.finished) self->hooks_.finished(self->id());
      });
    });
  };
  // Rated: the end is queued while the live ratings are held, in the order matches are rated.
  if (setup_.rated && status == "finished" && hooks_.rate) {
    hooks_.rate(*this, returns, puzzle_player_id, store);
  } else {
    store({});
  }
}

// ---------------------------------------------------------------------------------------
// Views

std::vector<int64_t> Match::clock_readings() const {
  std::vector<int64_t> out;
  for (const Clock& c : clocks_) out.push_back(c.remaining_ms());
  return out;
}

StateChanged Match::state_event() const {
  std::vector<bool> remote;
  for (const SeatInfo& seat : setup_.seats) remote.push_back(seat.remote);
  StateChanged e = state_changed(id(), *state_, remote);
  // A seat that has given its orders in a simultaneous phase is no longer to act: a client
  // that reconnects is not offered orders the match would refuse.
  for (size_t seat = 0; seat < pending_orders_.size(); ++seat) {
    if (!pending_orders_[seat]) continue;
    std::erase(e.to_act, static_cast<Player>(seat));
    if (seat < e.legal.size()) e.legal[seat].clear();
  }
  e.clocks_ms = clock_readings();
  return e;
}

void Match::snapshot(std::function<void(const StateChanged&, bool ended)> done) {
  auto self = shared_from_this();
  asio::post(strand_,
             [self, done = std::move(done)] { done(self->state_event(), self->phase_ == Phase::kEnded); });
}

// More than any board game's moves (Go 19x19: 362), fewer than no-limit hold'em's sizes.
constexpr size_t kMostLegalActionsListed = 1024;

StateChanged state_changed(int64_t match_id, const State& state, const std::vector<bool>& remote) {
  StateChanged e;
  e.match_id = match_id;
  e.ply = state.ply();
  for (Player p : state.players_to_act()) e.to_act.push_back(p);
  e.spectator_view = std::make_shared<const Json>(state.view(kSpectator));
  const bool one_view = state.game().type().perfect_information;  // every viewer sees it all
  e.legal.resize(remote.size());
  e.seat_views.resize(remote.size());
  for (int seat = 0; seat < static_cast<int>(remote.size()); ++seat) {
    if (!remote[seat]) continue;  // an agent's seat: nobody outside reads its view
    e.seat_views[seat] = one_view ? e.spectator_view : std::make_shared<const Json>(state.view(seat));
    if (std::find(e.to_act.begin(), e.to_act.end(), seat) == e.to_act.end()) continue;
    // A game with more legal actions than a message should carry (no-limit hold'em: every
    // chip size) lists its playout actions instead, a subset the game chooses (hold'em: fold,
    // call, fractions of the pot, all-in); every legal action is still accepted.
    std::vector<Action> listed = state.legal_actions(seat);
    if (listed.size() > kMostLegalActionsListed && !state.is_simultaneous_node())
      listed = state.playout_actions();
    for (Action a : listed) e.legal[seat].push_back(state.action_to_string(seat, a));
  }
  e.clocks_ms.assign(remote.size(), -1);
  return e;
}

}  // namespace arena
