// Match: one game in the arena, from creation to its stored end. It seats in-process
// agents and remote players (driven by the network layer) in any mix, owns the clocks,
// samples chance with the match's stored seed, validates every action through the
// Game/State API, stores every step before anyone hears of it, and emits typed events.
//
// Threading: all state lives on the match's strand. Public methods may be called from any
// thread; they post to the strand and report through callbacks (called on the strand).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/agent.h"
#include "core/rng.h"
#include "db/store.h"
#include "games/game.h"
#include "server/arena/asio.h"
#include "server/arena/events.h"
#include "server/arena/time_control.h"

namespace arena {

class Match;

// What a match needs from the arena that owns it.
struct MatchHooks {
  // Delivers an event to subscribers (thread-safe).
  std::function<void(const ArenaEvent&)> emit;
  // New live ratings for a finished rated match (seats and, for puzzles, the puzzle player),
  // handed to `store`, which queues the write of the match's end, before any other match is
  // rated (see LiveRatings::rate).
  std::function<void(const Match&, const std::vector<double>& returns,
                     std::optional<int64_t> puzzle_player_id,
                     const std::function<void(std::vector<db::RatingRow>)>& store)>
      rate;
  // The store committed (true) or failed to commit the result those ratings came from.
  std::function<void(int64_t match_id, const std::vector<db::RatingRow>&, bool stored)> ratings_settled;
  // Called once the end is stored.
  std::function<void(int64_t match_id)> finished;
};

// The state event for `state` (a match's, without its clocks: -1 per seat): the views of
// the seats marked `remote` and of spectators, and the legal actions of each remote seat
// that is to act.
StateChanged state_changed(int64_t match_id, const State& state, const std::vector<bool>& remote);

struct MatchSetup {
  int64_t id = 0;
  std::shared_ptr<const Game> game;
  std::vector<SeatInfo> seats;
  // By seat; null for remote seats. Shared: a decision in flight keeps its agent alive
  // (not the match), so a match may end and go while an engine is still thinking.
  std::vector<std::shared_ptr<Agent>> agents;
  TimeControl time_control;
  uint64_t seed = 0;
  bool rated = false;
  Millis disconnect_grace{30'000};
  Millis min_move_interval{0};  // pacing for agent seats (house matches people watch)
  bool stored_active = false;   // the match row was created active: start() writes nothing
};

class Match : public std::enable_shared_from_this<Match> {
 public:
  using Done = std::function<void(Status)>;

  Match(asio::io_context& io, db::Store& store, MatchSetup setup, MatchHooks hooks);
  ~Match();

  // Starts a new match: marks it active in the store (unless it was created active), then plays.
  void start();
  // Replays stored steps into a recovered match (before resume()); chance steps must be
  // the ones the seed draws. An Error means the record and the seed disagree.
  Status restore(const std::vector<db::MoveRow>& moves, bool started);
  // Continues a restored match.
  void resume();

  // --- Remote seats (any thread) ------------------------------------------------------
  // A move in the game's notation, answering ply `ply`. `done` gets OK once it is stored,
  // or the refusal: stale_ply, not_your_turn, illegal_action (with the reason), match_over.
  void submit(int seat, int ply, std::string action, Done done);
  // A seat's orders for a simultaneous phase, one per order group, in notation.
  void submit_orders(int seat, int ply, std::vector<std::string> orders, Done done);
  void resign(int seat, Done done);
  // Ends the match unrated, allowed only before any player has moved.
  void abort(int seat, Done done);
  // Offers a draw, or accepts the other side's offer (games with draw offers only).
  void offer_draw(int seat, Done done);
  // A remote seat's connection dropped or came back; after the grace period it forfeits.
  void set_connected(int seat, bool connected);
  // The current full state (for a resync), on the strand.
  void snapshot(std::function<void(const StateChanged&, bool ended)> done);

  // --- Facts (immutable) ------------------------------------------------------------
  int64_t id() const { return setup_.id; }
  const Game& game() const { return *setup_.game; }
  const std::vector<SeatInfo>& seats() const { return setup_.seats; }
  bool rated() const { return setup_.rated; }
  const TimeControl& time_control() const { return setup_.time_control; }
  uint64_t seed() const { return setup_.seed; }

 private:
  enum class Phase { kPending, kRunning, kStoring, kEnded };
  using SteadyClock = std::chrono::steady_clock;

  void begin();  // on the strand, once the store knows the match is active
  void advance();
  void ask(int seat);
  void begin_turn(const std::vector<int>& seats);
  void on_decision(int seat, uint64_t generation, Result<Decision> decision);
  Status accept_move(int seat, const std::vector<Action>& actions, Done ack);
  // The step just applied, as its stored row.
  db::MoveRow step_row(int seat, std::string action_text, Json step, int64_t think_ms) const;
  // Stores steps just applied (one write), then announces them and goes on.
  void store_steps(std::vector<db::MoveRow> rows, std::vector<Done> acks);
  void on_stored(Status status, std::vector<db::MoveRow> rows, std::vector<Done> acks);
  // A state is announced where someone acts or the game is over; a chance node is passed
  // through at once, so the state before a deal is never sent.
  void announce_state();
  void flag(int seat);
  void finish(std::vector<double> returns, std::string termination, std::string status = "finished");
  void write_end(std::vector<double> returns, std::string termination, std::string status,
                 std::optional<int64_t> puzzle_player_id);
  StateChanged state_event() const;
  std::vector<int64_t> clock_readings() const;
  Status check_turn(int seat, int ply) const;
  Action draw_chance();
  void cancel_timers();

  asio::io_context& io_;
  asio::strand<asio::io_context::executor_type> strand_;
  db::Store& store_;
  MatchSetup setup_;
  MatchHooks hooks_;

  std::unique_ptr<State> state_;
  Rng rng_;
  Phase phase_ = Phase::kPending;
  uint64_t generation_ = 0;  // bumps on every turn, so late answers and timers are ignored
  std::vector<Clock> clocks_;
  std::vector<SteadyClock::time_point> turn_started_;
  std::vector<std::unique_ptr<asio::steady_timer>> turn_timers_;
  std::vector<std::unique_ptr<asio::steady_timer>> grace_timers_;
  std::unique_ptr<asio::steady_timer> pace_timer_;
  std::vector<std::optional<std::vector<Action>>> pending_orders_;  // simultaneous phase
  std::vector<Done> pending_acks_;
  std::vector<bool> has_moved_;
  std::optional<int> draw_offer_;
  std::vector<Done> end_waiters_;  // resign/abort callers, answered once the end is stored
};

}  // namespace arena
