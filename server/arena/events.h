// The arena's typed events. The network layer turns them into wire messages; the arena
// knows nothing of JSON on the wire. Views are the games' own JSON renderings.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "db/records.h"

namespace arena {

struct SeatInfo {
  int64_t player_id = 0;
  std::string name;
  db::PlayerKind kind = db::PlayerKind::kAgent;
  bool remote = false;  // driven by a connection, not an in-process agent
};

struct MatchCreated {
  int64_t match_id;
  std::string game;
  std::vector<SeatInfo> seats;
  bool rated;
  std::string time_control;
};

struct MatchStarted {
  int64_t match_id;
};

// After a stored step where someone is to act or the game is over (never at a chance
// node): the full state for each remote seat (null for an agent's seat) and for
// spectators. Views are shared, never copied: with perfect information every seat's view
// is the spectator's (one rendering, one pointer, serialised once by the network layer).
// `legal[s]` lists remote seat s's legal actions in notation when s is to act (empty
// otherwise).
struct StateChanged {
  int64_t match_id;
  int ply;
  std::vector<int> to_act;
  std::vector<std::shared_ptr<const Json>> seat_views;
  std::shared_ptr<const Json> spectator_view;
  std::vector<std::vector<std::string>> legal;
  std::vector<int64_t> clocks_ms;  // -1 per seat when untimed
};

// A stored move. `action` is empty for a chance outcome (it may be private: a dealt card);
// the views say what each viewer may know of it.
struct MoveMade {
  int64_t match_id;
  int ply;
  int seat;  // -1 chance, -2 a simultaneous step
  std::string action;
  int64_t think_ms;
  std::vector<int64_t> clocks_ms;
};

struct MatchEnded {
  int64_t match_id;
  std::string status;  // finished or aborted
  std::vector<double> returns;
  std::string termination;
};

// Something a seat sent that was refused; the match goes on.
struct SeatError {
  int64_t match_id;
  int seat;
  Error error;
};

// A player has been challenged and may accept or decline.
struct ChallengeIssued {
  int64_t challenge_id;
  int64_t from_player_id;
  std::string from_name;
  int64_t to_player_id;
  std::string game;
  std::string time_control;
  bool rated;
};

struct ChallengeDeclined {
  int64_t challenge_id;
  int64_t from_player_id;
  int64_t to_player_id;
};

using ArenaEvent = std::variant<MatchCreated, MatchStarted, StateChanged, MoveMade, MatchEnded, SeatError,
                                ChallengeIssued, ChallengeDeclined>;

}  // namespace arena
