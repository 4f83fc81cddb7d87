// Hub: which WebSocket connections play or watch which live matches. It turns the arena's
// events into messages for the seated players' connections and for spectators, resumes a
// player's matches when it connects and starts their disconnect grace when its last
// connection goes, or at once for a seat whose player has no connection when the match is
// made (a REST challenge's seat that never connects forfeits like one that left). Seats and whose turn it is
// belong to the Match and are asked of it, never copied here.
//
// Threading: thread-safe (one mutex; it only queues messages on the connections' strands).
// It takes the mutex after any call into the arena, never before.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "server/arena/arena.h"

namespace arena::net {

class WebSocketSession;

// The remote seats `player_id` holds in `match`, in seat order (several when it plays itself).
std::vector<int> seats_of(const Match& match, int64_t player_id);
// Of `seats`, the first that is in `to_act`, else the first; -1 for none (a spectator).
int seat_to_act(const std::vector<int>& seats, const std::vector<int>& to_act);

class Hub {
 public:
  explicit Hub(Arena& arena) : arena_(arena) {}

  void on_event(const ArenaEvent& event);
  // A connection is open: it gets its player's live matches back (match_start, then the
  // state). True when that player sits in one (its queue is a player's, not a spectator's).
  bool join(const std::shared_ptr<WebSocketSession>& session);
  void leave(WebSocketSession* session);
  // Watches a live match: unknown_match when none is live, rate_limited when the connection
  // already watches `max_watched` others (each one it watches costs a message a move).
  Status spectate(const std::shared_ptr<WebSocketSession>& session, int64_t match_id, size_t max_watched);
  void unspectate(WebSocketSession* session, int64_t match_id);
  // Sends the full state of a match to one session (after a resync, a spectate, a return),
  // as seen from the one of `seats` that is to act (seat_to_act); none: a spectator's view.
  void send_snapshot(const std::shared_ptr<WebSocketSession>& session, Match& match, std::vector<int> seats);

 private:
  // A live match someone plays remotely or watches. The Match itself is held weakly: the
  // arena owns it, and MatchEnded (sent while it is alive) removes the entry.
  struct Watched {
    std::weak_ptr<Match> match;
    std::optional<MoveMade> last_move;  // for the state messages' "last_move"
    std::set<std::weak_ptr<WebSocketSession>, std::owner_less<std::weak_ptr<WebSocketSession>>> spectators;
  };

  // One handler per event (std::visit); each takes the mutex itself.
  void on(const MatchCreated& e);
  void on(const MatchStarted&) {}
  void on(const StateChanged& e);
  void on(const MoveMade& e);
  void on(const MatchEnded& e);
  void on(const SeatError& e);
  void on(const ChallengeIssued& e);
  void on(const ChallengeDeclined& e);

  // Under the mutex.
  void send_to_player(int64_t player_id, const std::shared_ptr<const std::string>& message);
  void stop_watching(const WebSocketSession* session);
  static Json last_move_json(const Watched& watched);

  Arena& arena_;
  std::mutex mutex_;
  std::map<int64_t, Watched> matches_;  // live matches with at least one remote seat, or watched
  std::map<int64_t, std::vector<std::weak_ptr<WebSocketSession>>> players_;  // player id -> connections
  std::map<const WebSocketSession*, size_t> watching_;  // connection -> matches it spectates
};

}  // namespace arena::net
