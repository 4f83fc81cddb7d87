// A stored match in its game's standard format (PGN, SGF, a hand history, puzzle steps), and
// its views move by move. Rebuilt from the stored steps, every one checked again on the way.
// (The match as JSON is the wire's: server/net/wire.h match_json.)
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

// The match in its game's own format; nullopt when the game has none.
Result<std::optional<ExportText>> export_in_game_format(const db::MatchRecord& record);

}  // namespace arena
