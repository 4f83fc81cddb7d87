// The WebSocket protocol's client messages (documented in server/PROTOCOL.md), parsed once
// into typed structs for std::visit; the server's messages are built in server/net/wire.h.
// Pure functions: no sockets, no store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/json.h"
#include "core/result.h"

namespace arena::net {

inline constexpr int kProtocolVersion = 1;

// --- Client to server -----------------------------------------------------------------
struct Hello {
  int protocol = kProtocolVersion;
};
struct SeekMessage {
  std::vector<std::string> games;
  std::vector<std::string> time_controls;  // empty: untimed
  bool rated = true;
};
struct CancelSeek {
  int64_t seek_id = 0;
};
struct ChallengeMessage {
  std::string to;  // a player's name or a house agent ("random")
  std::string game;
  std::string time_control;
  bool rated = true;
};
struct AcceptChallenge {
  int64_t challenge_id = 0;
};
struct DeclineChallenge {
  int64_t challenge_id = 0;
};
struct MoveMessage {
  int64_t match_id = 0;
  int ply = 0;                                     // the ply this move answers
  std::optional<std::string> action;               // a sequential move, in the game's notation
  std::optional<std::vector<std::string>> orders;  // a simultaneous phase: one per order group
};
struct Resign {
  int64_t match_id = 0;
};
struct Abort {
  int64_t match_id = 0;
};
struct OfferDraw {
  int64_t match_id = 0;
};
struct Spectate {
  int64_t match_id = 0;
};
struct Unspectate {
  int64_t match_id = 0;
};
struct Resync {
  int64_t match_id = 0;
  int last_ply = -1;
};
struct Ping {};

using ClientMessage =
    std::variant<Hello, SeekMessage, CancelSeek, ChallengeMessage, AcceptChallenge, DeclineChallenge,
                 MoveMessage, Resign, Abort, OfferDraw, Spectate, Unspectate, Resync, Ping>;

// A parsed message and the client's "ref" (a string of at most kMaxRefLength bytes or an
// integer, echoed in the answer; null when absent).
inline constexpr size_t kMaxRefLength = 64;
struct Incoming {
  ClientMessage message;
  Json ref;
};

// Parses one text frame. Anything malformed is a "bad_message" Error saying what; JSON
// nested deeper than kMaxJsonDepth (core/json.h) is not valid JSON here.
Result<Incoming> parse_client_message(std::string_view text);

// Who a connection or request is (server/net/auth.h finds out).
struct PlayerIdentity {
  int64_t id = 0;
  std::string name;
  std::string kind;
  bool guest = false;
};

}  // namespace arena::net
