// Puzzle attempts as step-labelled data: every stored attempt at a one-player puzzle (by
// any player: the shared agent, bots, people), with the problem, each step and its exact
// verdict, in the shape of PRM800K's records so that people who train step scorers for
// language models can read the arena's data. The format is documented in
// server/arena/PUZZLE_EXPORT.md; `arena puzzle export --format prm` writes it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "db/records.h"
#include "games/game.h"

namespace arena {

// One attempt, as the export holds it.
struct PuzzleAttempt {
  int64_t match_id = 0;
  std::string game;            // the match's spec: "game24"
  std::string puzzle;          // the spec of exactly this puzzle: "game24(puzzle=17)"
  std::string player;          // who attempted it
  std::string player_kind;     // human, bot, agent, engine
  std::string ended_at;        // UTC, as stored
  std::string termination;     // normal, resign, flag, ...
  double return_value = 0;     // the attempt's return (1 for a solve)
  bool solved = false;         // the return is the game's maximum
  std::string problem;         // the problem as text
  std::string answer;          // the verified answer
  std::string attempt_answer;  // the attempt's own answer ("" when it made no step)
  std::vector<PuzzleStep> steps;
  bool operator==(const PuzzleAttempt&) const = default;
};

// The attempt a finished match holds; nullopt when the match is not a one-player puzzle or
// did not finish (aborted matches have no verdict to give). Every step is replayed and
// checked; a record that does not replay is an Error.
Result<std::optional<PuzzleAttempt>> puzzle_attempt(const db::MatchRecord& record);

// One line of the export, and back. Reading checks the documented schema: a missing or
// mistyped field is a "bad_record" Error naming it.
Json prm_json(const PuzzleAttempt& attempt);
Result<PuzzleAttempt> attempt_from_prm_json(const Json& j);

}  // namespace arena
