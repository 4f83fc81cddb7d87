// SGF (FF[4]) for Go: writing a match, and reading one back into a Go state.
//
// Written: GM[1]FF[4]CA[UTF-8]SZ KM HA RU PB PW DT (PC, GN when given) RE, the setup
// stones as AB/AW (PL[W] when White moves first without a handicap), then one node per
// move, B[dd] / W[dd], a pass as B[] / W[]. RE is "B+3.5" / "W+0.5" / "0" (draw) for a
// game that ended on the board, "B+R"/"W+R" when it ended by resignation, "+T" by flag,
// "+F" by another forfeit, and "Void" for an unfinished game.
//
// Read: the first game tree's main variation only (later variations are checked for
// syntax and ignored). SZ (default 19), KM (default 0), HA, AB/AW/PL in the root node;
// every move is replayed and checked (turn order, legality, superko). Errors are
// "parse_error" values whose message starts with "line L, column C (byte B):".
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "games/go/go.h"

namespace arena {

// The SGF text of a Go match (GoState::export_text() wraps it as {"sgf", ...}).
std::string export_go_sgf(const GoState& state, const ExportInfo& info);

// A Go state built from SGF: the spec comes from SZ, KM and HA (a handicap whose AB stones
// are the fixed points; any other AB/AW becomes the game's `setup`), then the moves.
Result<std::unique_ptr<GoState>> parse_go_sgf(std::string_view text);

}  // namespace arena
