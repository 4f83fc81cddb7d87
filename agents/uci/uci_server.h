// UciServer: one of our agents as a UCI chess engine, so that chess GUIs (Arena, Cute
// Chess, Banksia) and tools (cutechess-cli, fastchess, lichess-bot) can play it.
// It keeps the position as a game of our `chess` ("chess(fen=...)" for a set-up position,
// "variant=chess960" when UCI_Chess960 is on), made through the game registry, and makes
// the agent (with make_agent) for that game.
//
// Commands: uci, debug, isready, setoption (UCI_Chess960), ucinewgame, position
// (startpos | fen <FEN>, then moves ...), go, stop, ponderhit, quit. Unknown commands are
// ignored, as UCI says; a bad position or a go without one is answered with
// "info string error ...", and the server keeps running.
//
// go's limits become the agent's Budget: movetime as it is; wtime/btime with winc/binc (and
// movestogo) a share of the mover's clock; nodes, depth, infinite and no limit the agent's
// own default (our agents have no node or depth limit). Decisions run on the agent's pool:
// isready is answered at once while one runs; "bestmove" comes when it ends, or for "go
// infinite" at "stop". quit (or the end of the input) waits for a running decision and
// prints its bestmove first.
//
// Thread-safety: serve() runs on one thread; the only other thread that writes to the
// output (a decision's end) does so under a lock.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agents/agent.h"
#include "core/rng.h"

namespace arena {

class UciServer {
 public:
  // A server for the agent `agent_spec` (e.g. "random"), whose agents are seeded from
  // `seed`. The spec is checked (can_play) on standard chess: a bad one is an Error.
  static Result<std::unique_ptr<UciServer>> create(std::string agent_spec, uint64_t seed);
  // Waits for a running decision.
  ~UciServer();

  // Answers commands from `in` on `out` (flushed after each line) until "quit" or the end
  // of the input.
  void serve(std::istream& in, std::ostream& out);
  // Handles one input line, writing any answer to `out`; false after "quit".
  bool handle_line(std::string_view line, std::ostream& out);

  // The current position (for tests); null before a position command or after a bad one.
  const State* state() const { return state_.get(); }
  bool chess960() const { return chess960_; }

 private:
  UciServer(std::string agent_spec, uint64_t seed);

  void position(const std::vector<std::string>& words, std::ostream& out);
  void go(const std::vector<std::string>& words, std::ostream& out);
  // Prints the bestmove of the finished decision if it may be printed now (not held by
  // "go infinite"); called under mutex_.
  void flush_bestmove_locked();
  // Waits for the running decision, then prints its bestmove.
  void finish_search();
  void write_line(std::ostream& out, const std::string& line);

  const std::string agent_spec_;
  Rng seeds_;
  bool chess960_ = false;
  std::unique_ptr<State> state_;
  std::shared_ptr<const Game> agent_game_;  // the game agent_ was made for
  std::unique_ptr<Agent> agent_;

  std::mutex mutex_;  // guards what follows and writes to the output
  std::condition_variable done_;
  std::ostream* out_ = nullptr;
  bool searching_ = false;             // a go is running or its bestmove is not printed yet
  bool infinite_ = false;              // the running go holds its bestmove until stop
  std::optional<std::string> result_;  // the finished decision's bestmove line
};

}  // namespace arena
