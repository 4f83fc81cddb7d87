// GtpServer: one of our agents as a GTP version 2 engine, so that GTP controllers (GoGui,
// Sabaki, KGS and OGS bridges, another engine's two-engine mode) can play it at Go.
// It keeps the position as a game of our `go` and makes the agent (with make_agent) for
// the current board size, komi and handicap.
//
// Commands: protocol_version, name, version, known_command, list_commands, quit,
// boardsize, clear_board, komi, fixed_handicap, place_free_handicap, set_free_handicap,
// play, genmove, undo, final_score (area score, as our Go scores), showboard.
// GTP lets a controller play either colour at any time; our games alternate, so a move
// by the side not to move is preceded by a pass of the other side.
//
// Thread-safety: none; one server serves one controller from one thread.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agents/agent.h"
#include "agents/gtp/protocol.h"
#include "core/rng.h"

namespace arena {

class GtpServer {
 public:
  // A server for the agent `agent_spec` (e.g. "random"), whose agents are seeded from
  // `seed` and made for the board each genmove plays on. The spec is checked (can_play) on
  // the default 19x19 board: a bad one is an Error, except that an agent that cannot play
  // 19x19 ("unsupported": a network trained on 9x9) is accepted for `boardsize` to fix.
  static Result<std::unique_ptr<GtpServer>> create(std::string agent_spec, uint64_t seed);

  // Answers commands from `in` on `out` (flushed after each response) until "quit" or the
  // end of the input.
  void serve(std::istream& in, std::ostream& out);
  // The formatted response to one input line: "" for a blank or comment line.
  std::string handle_line(std::string_view line);
  bool quit_requested() const { return quit_; }

  // The position as our Go game sees it (for tests).
  const State& state() const { return *state_; }

 private:
  GtpServer(std::string agent_spec, uint64_t seed);

  // The response text of a command, or an Error whose message becomes "? message".
  Result<std::string> execute(const gtp::Command& command);
  // Makes the game from the board settings and replays `history` on it.
  Status rebuild(int size, double komi, int handicap, std::string setup, const std::vector<Step>& history);
  Status clear(int size);
  // A move (or genmove) by `seat`: first a pass by the other side when `seat` is not to
  // move. Returns how many steps that pass added (0 or 1), or "illegal move".
  Result<int> bring_to_move(Player seat);
  // Drops the last `steps` steps of the history.
  void take_back(int steps);
  Result<std::string> genmove(Player seat);
  Result<std::string> handicap(const gtp::Command& command, bool fixed);
  Result<std::string> set_free_handicap(const gtp::Command& command);

  const std::string agent_spec_;
  Rng seeds_;
  int size_ = 19;
  double komi_ = 7.5;
  int handicap_ = 0;
  std::string setup_;  // the Go game's `setup` parameter (set_free_handicap)
  std::shared_ptr<const Game> game_;
  std::unique_ptr<State> state_;
  std::vector<int> undo_steps_;  // steps each play or genmove added, for undo
  std::unique_ptr<Agent> agent_;
  std::string agent_game_;  // the spec of the game agent_ was made for
  bool quit_ = false;
};

}  // namespace arena
