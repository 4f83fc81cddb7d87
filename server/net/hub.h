// Hub: which WebSocket connections play or watch which live matches. It turns the arena's
// events into messages for the seated players' connections and for spectators, resumes a
// player's matches when it connects and starts their disconnect grace when its last
// connection goes, or at once for a seat whose player has no connection when the match is
// made (a REST challenge's seat that never connects forfeits like one that left). Seats and whose turn it is
// belong to the Match and are asked of it, never copied here.
//
// On a node of several (arena serve --node) it also reaches players and spectators
// connected to other nodes, through the ClusterLink: what it sends a player goes to the
// player's other nodes too, a hosted match's spectator messages go to the nodes that watch
// it, and it watches other nodes' matches for its own spectators.
//
// Threading: thread-safe (one mutex; it only queues messages on the connections' strands).
// It takes the mutex after any call into the arena, never before; the ClusterLink's own
// lock is taken under it, never the other way round.
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

class ClusterLink;
class WebSocketSession;
using Message = std::shared_ptr<const std::string>;

// What a seated player asks of its match (the protocol's move, resign, abort, offer_draw):
// run on this node when the match lives here, else carried to its node (ClusterLink).
struct SeatAction {
  enum class Kind { kMove, kOrders, kResign, kAbort, kOfferDraw };
  Kind kind = Kind::kMove;
  int ply = 0;
  std::string action;               // kMove
  std::vector<std::string> orders;  // kOrders

  // An action with no arguments (resign, abort, offer_draw).
  static SeatAction of(Kind kind) {
    SeatAction a;
    a.kind = kind;
    return a;
  }
  Json to_json() const;
  static Result<SeatAction> from_json(const Json& j);
};

// Runs `action` for the seat `player_id` holds in `match` (with several, as when a player
// challenged itself, the one to act, asked of the match); not_your_turn when it holds none.
void act_as(const std::shared_ptr<Match>& match, int64_t player_id, SeatAction action, Match::Done done);

// The remote seats `player_id` holds in `match`, in seat order (several when it plays itself).
std::vector<int> seats_of(const Match& match, int64_t player_id);
// Of `seats`, the first that is in `to_act`, else the first; -1 for none (a spectator).
int seat_to_act(const std::vector<int>& seats, const std::vector<int>& to_act);

class Hub {
 public:
  explicit Hub(Arena& arena) : arena_(arena) {}
  // On a node of several: the link to the others. Set once, before serving.
  void set_link(ClusterLink* link) { link_ = link; }

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
  // The same state message, handed to `sink` (on the match's strand).
  void snapshot_message(Match& match, std::vector<int> seats, std::function<void(Message)> sink);

  // --- From the other nodes (ClusterLink) ---------------------------------------------
  // A message for `player_id`'s connections here; `seated`: it seats them (a match_start).
  void deliver_to_player(int64_t player_id, const Message& m, bool seated);
  // A message for this node's spectators of a match on another node; `end`: its last.
  void deliver_to_spectators(int64_t match_id, const Message& m, bool end);
  // Watches a match of another node, whose state `snapshot` the caller got from it.
  Status spectate_remote(const std::shared_ptr<WebSocketSession>& session, int64_t match_id,
                         size_t max_watched, const Message& snapshot);
  // A connection of `player_id` opened on node `node`: the matches it sits in here resume
  // for it there (match_start and the state, sent to that node only).
  void player_joined_elsewhere(int64_t player_id, int64_t node);
  // `player_id` has no connection on another node any more: its grace starts where it has
  // none here either.
  void player_gone_elsewhere(int64_t player_id);

 private:
  // A live match someone plays remotely or watches. The Match itself is held weakly: the
  // arena owns it, and MatchEnded (sent while it is alive) removes the entry.
  struct Watched {
    std::weak_ptr<Match> match;
    std::optional<MoveMade> last_move;  // for the state messages' "last_move"
    bool remote = false;                // hosted by another node: watched through the link
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

  // Under the mutex. A player's connections here and, through the link, elsewhere;
  // `match_id`: a match_start's, which seats them.
  void send_to_player(int64_t player_id, const Message& message, int64_t match_id = 0);
  // The player's connections here only; `seated`: the message seats them.
  void send_here(int64_t player_id, const Message& message, bool seated);
  // A local match's message for spectators, here and on the nodes that watch it.
  void send_to_spectators(int64_t match_id, Watched& watched, const Message& message);
  // Counts `session` as watching `watched` (rate_limited past max_watched matches).
  Status add_spectator(Watched& watched, const std::shared_ptr<WebSocketSession>& session,
                       size_t max_watched);
  // Forgets a remote match nobody here watches any more.
  void drop_if_unwatched(std::map<int64_t, Watched>::iterator it);
  void stop_watching(const WebSocketSession* session);
  static Json last_move_json(const Watched& watched);

  Arena& arena_;
  ClusterLink* link_ = nullptr;
  std::mutex mutex_;
  std::map<int64_t, Watched> matches_;  // live matches with at least one remote seat, or watched
  std::map<int64_t, std::vector<std::weak_ptr<WebSocketSession>>> players_;  // player id -> connections
  std::map<const WebSocketSession*, size_t> watching_;  // connection -> matches it spectates
};

}  // namespace arena::net
