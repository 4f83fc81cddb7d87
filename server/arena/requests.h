// What the arena's collaborators pass each other: who sits at a seat, a request for a
// match, a seek and a challenge's outcome. Plain values.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/records.h"
#include "games/game.h"
#include "server/arena/time_control.h"

namespace arena {

// Seek and challenge ids are unique among the nodes of one arena: node n (1 to
// kMaxNodes - 1) numbers them n, n + kMaxNodes, n + 2 * kMaxNodes, ...; a single server
// (node 0) 1, 2, 3, ... So an id names the node that holds it (node_of_id), where a player
// connected to another node is sent to accept a challenge.
constexpr int64_t kMaxNodes = 1024;
inline int64_t node_of_id(int64_t id) { return id % kMaxNodes; }

// Who sits at a seat: an in-process agent made from a spec, or a remote player.
struct SeatRequest {
  std::string agent;  // agent spec ("random"); empty for a remote player
  // Remote players: who they are (the network layer knows from the token or cookie).
  int64_t player_id = 0;
  std::string name;
  db::PlayerKind kind = db::PlayerKind::kBot;
  bool guest = false;  // a guest plays unrated: a match with a guest seat is never rated

  static SeatRequest agent_seat(std::string spec) {
    SeatRequest s;
    s.agent = std::move(spec);
    return s;
  }
};

struct MatchRequest {
  std::string game;  // a spec; resolved once by Arena::create_match
  std::vector<SeatRequest> seats;
  TimeControl time_control;
  bool rated = true;
  std::optional<uint64_t> seed;  // drawn by the arena when absent
  Millis min_move_interval{0};
};

// A standing offer to play: any of `games` at any of `time_controls` (at most
// kMaxSeekGames and kMaxSeekTimeControls of them).
inline constexpr size_t kMaxSeekGames = 16;
inline constexpr size_t kMaxSeekTimeControls = 8;
struct Seek {
  int64_t player_id = 0;
  std::vector<std::string> games;  // specs (canonical once placed)
  std::vector<TimeControl> time_controls;
  bool rated = true;
};

struct OpenSeek {
  int64_t id = 0;
  SeatRequest who;
  Seek seek;
};

struct ChallengeOutcome {
  int64_t challenge_id = 0;
  int64_t match_id = 0;  // set when a house agent accepted at once
};

using MatchDone = std::function<void(Result<int64_t>)>;
// Starts a match of a game already resolved (the request's `game` is its spec); `done`
// gets the match id once it is stored. How the arena's collaborators start matches.
using StartMatch = std::function<void(std::shared_ptr<const Game>, MatchRequest, MatchDone)>;

}  // namespace arena
