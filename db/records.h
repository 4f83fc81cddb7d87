// Rows of the store, as plain values. Times are ISO-8601 UTC text ("2026-11-26T04:43:19.123Z").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"

namespace arena::db {

// players.kind: who or what sits at a seat.
enum class PlayerKind { kHuman, kBot, kAgent, kEngine, kPuzzle };
std::string to_string(PlayerKind kind);
std::optional<PlayerKind> player_kind_from_string(const std::string& text);

struct PlayerRow {
  int64_t id = 0;
  std::string name;
  PlayerKind kind = PlayerKind::kAgent;
  std::string spec;  // agents and engines: how to make them ("random"); puzzles: the game spec
  std::string created_at;
};

// matches.status: pending (created, not started), active, finished, aborted.
struct MatchRow {
  int64_t id = 0;
  std::string game;          // canonical game spec
  std::string rating_group;  // matches with the same group are rated together
  bool rated = false;
  std::string status = "pending";
  uint64_t seed = 0;         // the chance seed: with the moves, replays the match exactly
  std::string time_control;  // "untimed", "fischer:60000+1000", "move:5000" (ms)
  std::string created_at, started_at, ended_at;
  std::vector<double> result;  // final returns by seat, once ended
  std::string termination;     // normal, resign, flag, abort, disconnect, draw_agreed, server_restart
  std::optional<int64_t> puzzle_player_id;  // one-player puzzles: the puzzle, rated as the opponent
  int64_t node = 0;  // the server node hosting it while it is live (arena serve --node); 0: a single server
};

struct SeatRow {
  int seat = 0;
  int64_t player_id = 0;
  std::string player_name;                      // filled by reads
  PlayerKind player_kind = PlayerKind::kAgent;  // filled by reads
};

// One step of a match's history. seat is -1 for a chance outcome and -2 for a joint step
// of a simultaneous phase.
struct MoveRow {
  int ply = 0;
  int seat = 0;
  std::string action;  // the game's notation; a joint step: JSON of each seat's orders
  Json step;           // the step as State::serialize writes it (an id, or {"orders": ...})
  int64_t think_ms = 0;
  std::vector<int64_t> clocks_ms;  // remaining time per seat after the move; empty when untimed
  std::vector<double> rewards;     // per seat, from this step
  std::string created_at;
};

struct MatchRecord {
  MatchRow match;
  std::vector<SeatRow> seats;
  std::vector<MoveRow> moves;
};

// The live Glicko-2 rating of a player in one rating group (on the Elo scale).
struct RatingRow {
  int64_t player_id = 0;
  std::string player_name;
  PlayerKind player_kind = PlayerKind::kAgent;
  std::string game;  // rating group
  double rating = 1500, deviation = 350, volatility = 0.06;
  int games = 0;
  std::string updated_at;
};

// A rating after a match, for history plots.
struct RatingHistoryRow {
  int64_t player_id = 0;
  std::string game;
  int64_t match_id = 0;
  double rating = 0, deviation = 0;
  std::string at;
};

// How a match ended, written in one transaction with the rating updates it causes.
struct MatchEnd {
  int64_t match_id = 0;
  std::string status = "finished";  // or "aborted"
  std::vector<double> result;
  std::string termination;
  std::vector<RatingRow> ratings;  // new live ratings (rated matches only)
};

struct MatchFilter {
  std::string game;       // rating group or spec; empty: any
  int64_t player_id = 0;  // 0: any
  std::string status;     // empty: any
  int64_t before_id = 0;  // page: ids below this; 0: newest first
  int limit = 50;
};

struct PuzzleRow {
  int64_t id = 0;
  std::string game;  // rating group ("game24")
  std::string spec;  // the puzzle's spec
  double difficulty = 0;
  int64_t player_id = 0;
};

// A training run of the shared network (training_runs). Its checkpoints are players named
// "nn:<run>@<step>" with rows in agent_versions.
struct TrainingRunRow {
  int64_t id = 0;                  // filled by reads
  std::string name;                // the run's name, unique
  std::vector<std::string> games;  // the game specs it trains on
  // "shared" (several games), "specialist" (one game), "transfer" (a held-out game from
  // another run's checkpoint, trunk frozen) or "scratch" (the same held-out game from nothing).
  std::string kind = "shared";
  std::string init_from;  // the checkpoint it started from; empty when from nothing
  bool frozen_trunk = false;
  int64_t budget_steps = 0;            // learner steps it may take
  int64_t steps = 0;                   // learner steps reached so far
  std::string device;                  // "cpu", "cuda:0", ...
  std::string created_at, updated_at;  // filled by reads
};

// A player's exploitability in a rating group (table exploitability), a cached figure: how
// much a best response wins from it, in chips per hand (NashConv / 2). Keyed by the player's
// name, so a figure may exist for an agent that has not played yet.
struct ExploitabilityRow {
  std::string rating_group;  // "kuhn_poker", "leduc_poker"
  std::string player;        // the player's name, e.g. "random", "nn:<run>@<step>"
  double value = 0;
  double low = 0, high = 0;  // 95% bootstrap interval; equal to value when exact
  bool exact = true;         // read from the agent; false: estimated from sampled decisions
  int samples = 0;           // decisions per information set when sampled
  std::string computed_at;   // filled by reads
};

// The kinds a training run may have, in the report's column order.
const std::vector<std::string>& training_run_kinds();

struct TokenRow {
  int64_t id = 0;
  int64_t player_id = 0;
  std::string scopes;  // space-separated
  std::string created_at;
};

// A browser session: a person signed in on one browser. The store keeps the SHA-256 of the
// session id only; a session past expires_at is never found.
struct SessionRow {
  int64_t id = 0;
  int64_t player_id = 0;
  std::string created_at;
  std::string expires_at;
};

}  // namespace arena::db
