// Every JSON body the server sends, built in one place: the WebSocket protocol's server
// messages (server/PROTOCOL.md) and the REST API's bodies (server/net/openapi.json). The
// arena and the store hand over typed values; only this file names their fields on the wire.
// Pure functions: no sockets, no store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "db/records.h"
#include "games/game.h"
#include "server/arena/arena.h"
#include "server/arena/events.h"
#include "server/arena/generalization.h"
#include "server/arena/leaderboard.h"
#include "server/net/protocol.h"

namespace arena::net {

// --- WebSocket: server to client ------------------------------------------------------
Json welcome_message(const PlayerIdentity& who);
Json error_message(const Error& error, const Json& ref, std::optional<double> retry_after_s = std::nullopt);
Json pong_message(const Json& ref);
// Acks: a request that succeeded, answered with its "ref" and what it made or changed.
Json hello_ack(const Json& ref);                  // the protocol version
Json seek_ack(const Json& ref, int64_t seek_id);  // seek and cancel_seek
// A challenge; `match_id` is 0 (null on the wire) until the challenged player accepts.
Json challenge_ack(const Json& ref, int64_t challenge_id, int64_t match_id);
Json challenge_declined_ack(const Json& ref, int64_t challenge_id);
Json match_ack(const Json& ref, int64_t match_id);  // accept_challenge, resign, abort, offer_draw
Json move_ack(const Json& ref, int64_t match_id, int ply);
Json spectate_ack(const Json& ref, int64_t match_id, bool spectating);
Json move_json(const MoveMade& move);
// The full state for one seat (seat >= 0) or for spectators (seat < 0): that viewer's view,
// who is to act, the seat's legal actions when it is to act, the clocks, the last move. As
// text around the view and the last move already serialised: a view is shared by many
// recipients (every seat of a perfect-information game, every spectator) and is dumped once
// per change, not once per recipient.
std::string state_message(const StateChanged& state, int seat, std::string_view view_json,
                          std::string_view last_move_json);
// That viewer's view in `state` (the spectators' for seat < 0).
const Json& view_for(const StateChanged& state, int seat);
// Sent to each seated player when its match starts (or when it comes back to it).
Json match_start_message(const MatchCreated& match, int seat);
Json match_end_message(const MatchEnded& end);
Json challenge_message(const ChallengeIssued& c);
Json challenge_declined_message(const ChallengeDeclined& c);

// --- REST bodies ----------------------------------------------------------------------
// {"error": {"code": ..., "message": ...}}
Json error_body(const std::string& code, const std::string& message);
Json health_json(int64_t uptime_s, size_t live_matches, size_t store_queue);

// A game as GET /api/games lists it: the registry's description, the house agents that
// accept challenges in it, and its family's browser board (none: the UI draws the raw view).
struct GameListing {
  Json description;  // games/registry.h describe_all_games()
  std::vector<std::string> opponents;
  std::optional<std::string> board;  // "/games/<family>/board.js"
};
Json games_json(const std::vector<GameListing>& games);

// A page of open seeks; `more`: others follow ("next" gives the page's last id).
Json seeks_json(const std::vector<Arena::OpenSeek>& seeks, bool more = false);
Json challenge_outcome_json(const Arena::ChallengeOutcome& outcome);

// A live Glicko-2 rating.
Json rating_json(const db::RatingRow& r);
// GET /api/leaderboard: `board` and `live` hold only the rows to show (a ?kind= filter is
// the caller's); `named.group` is empty for a family's name.
Json leaderboard_json(const RatingGroupQuery& named, const Leaderboard& board,
                      const std::vector<db::RatingRow>& live, int bootstrap);
Json player_json(const db::PlayerRow& player, const std::vector<db::RatingRow>& ratings,
                 const std::vector<db::RatingHistoryRow>& history);

// A page of GET /api/matches; `next_before` is the id to ask below for the next page.
Json matches_page_json(const std::vector<db::MatchRow>& rows, std::optional<int64_t> next_before);
// How much of a stored match a reader sees: a match in play keeps its chance outcomes (dealt
// cards) and its seed to itself until it ends.
enum class MatchDisclosure { kFull, kInPlay };
// The match record: match, seats, moves (GET /api/matches/{id} and `arena export --json`).
Json match_json(const db::MatchRecord& record, MatchDisclosure disclosure = MatchDisclosure::kFull);
// The match as its game's own format (server/arena/export.h), or as match_json, indented,
// when `json` is set or the game has no format.
Result<ExportText> match_export(const db::MatchRecord& record, bool json);
// GET /api/matches/{id}/views: `views` are the game's own renderings for `viewer`.
Json match_views_json(int64_t match_id, const std::string& viewer, const Json& views);

// The identity a request carries: null fields for a guest without a cookie.
Json identity_json(const PlayerIdentity& who);
// A new player and its token, shown once.
Json human_registered_json(const PlayerIdentity& who, const std::string& token);
Json bot_registered_json(const PlayerIdentity& who, const std::string& token);
Json signed_out_json();
Json token_revoked_json(const PlayerIdentity& who);

// The cross-game generalization report (`arena report generalization --json` too).
Json generalization_json(const GeneralizationReport& report);

}  // namespace arena::net
