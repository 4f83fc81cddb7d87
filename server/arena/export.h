// A stored match in its game's standard format (PGN, SGF, a hand history, puzzle steps),
// or as JSON. Rebuilt from the stored steps, every one checked again on the way.
#pragma once

#include "core/result.h"
#include "db/records.h"
#include "games/game.h"

namespace arena {

// The match's final state, replayed from its stored steps.
Result<std::unique_ptr<State>> replay_match(const db::MatchRecord& record);

// The views `viewer` (a seat or kSpectator) had of the match: element k after its first k
// stored steps (chance steps included, as in the record's moves), element 0 the initial
// position (handicap stones, a dealt puzzle's setup).
Result<Json> match_views(const db::MatchRecord& record, Player viewer);

// The match in its game's own format; JSON when `json` is set or the game has none.
Result<ExportText> export_match(const db::MatchRecord& record, bool json);

// The match record as JSON: match, seats, moves (the REST match view and --json export).
Json match_to_json(const db::MatchRecord& record);

}  // namespace arena
