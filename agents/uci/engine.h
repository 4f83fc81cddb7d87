// UciEngine: an external UCI chess engine (Stockfish, ...) run as a child process
// (process::ChildProcess), driven with a deadline on every wait. start() does the
// handshake ("uci" ... "uciok") and remembers the options the engine declares; then
// set_option, new_game ("ucinewgame" + "isready"/"readyok") and search ("position ...",
// "go ...", up to "bestmove"). A crashed engine (end of file, broken pipe) is
// "engine_failed", a hung one "timeout": the process is then killed and reaped at once,
// and the engine is failed().
//
// UciEnginePool: idle engines kept per command line (process::EnginePool). A failed engine
// never goes back. An engine taken from the pool may carry options set by its previous
// user: reset_options() puts them back to the engine's defaults.
//
// Thread-safety: a UciEngine serves one caller at a time. UciEnginePool is thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agents/process/pool.h"
#include "agents/process/process.h"
#include "core/result.h"

namespace arena::uci {

using process::Clock;

// One option an engine declares: "option name Skill Level type spin default 20 min 0 max 20".
struct EngineOption {
  std::string name;
  std::string type;  // check, spin, combo, button, string
  std::string default_value;
  std::optional<int64_t> min, max;  // spin options
};

// Reads an "option ..." line of the handshake; nullopt for any other line or one without
// a name.
std::optional<EngineOption> parse_option_line(std::string_view line);

class UciEngine {
 public:
  // How long the handshake may take (Stockfish answers in milliseconds; an engine that
  // loads networks may take a few seconds).
  static constexpr std::chrono::milliseconds kStartTimeout{10'000};

  // Starts argv[0] (an absolute path, or a name searched on PATH and in /usr/games) and
  // does the handshake. A program that is missing, exits, or does not answer "uciok" in
  // time is an Error (and is killed).
  static Result<std::unique_ptr<UciEngine>> start(const std::vector<std::string>& argv,
                                                  const std::string& stderr_path = "/dev/null",
                                                  std::chrono::milliseconds timeout = kStartTimeout);
  // Sends "quit", waits briefly for the engine to exit, then kills it.
  ~UciEngine();
  UciEngine(const UciEngine&) = delete;
  UciEngine& operator=(const UciEngine&) = delete;

  // "id name ..." from the handshake ("" when the engine gave none).
  const std::string& name() const { return name_; }
  const std::map<std::string, EngineOption>& options() const { return options_; }
  bool has_option(const std::string& name) const { return options_.count(name) > 0; }

  // Sends "setoption name <name> value <value>" (UCI has no answer to it). The value is
  // remembered so that reset_options() can undo it.
  Status set_option(const std::string& name, const std::string& value, Clock::time_point deadline);
  // Puts every option set since the handshake back to its declared default.
  Status reset_options(Clock::time_point deadline);
  // "isready", then waits for "readyok" (skipping "info" and any other line).
  Status sync(Clock::time_point deadline);
  // "ucinewgame", then sync().
  Status new_game(Clock::time_point deadline);
  // Sends `position` ("position fen ... moves ...") and `go` ("go movetime 100"), then
  // reads up to "bestmove <move> [ponder <move>]" and returns <move> ("(none)" or "0000"
  // when the engine has no move). A line that is not UCI is ignored, as UCI asks.
  Result<std::string> search(std::string_view position, std::string_view go, Clock::time_point deadline);

  bool failed() const { return process_->failed(); }
  // Whether the process still runs; one that has exited is reaped and becomes failed().
  bool alive() { return process_->alive(); }
  // The child's process id (-1 once it has been killed or has exited).
  pid_t pid() const { return process_->pid(); }
  const std::vector<std::string>& argv() const { return process_->argv(); }

 private:
  explicit UciEngine(std::unique_ptr<process::ChildProcess> process);
  Status send(std::string_view line, Clock::time_point deadline);
  // Reads lines until one whose first word is `word`; returns that line.
  Result<std::string> read_until(std::string_view word, std::string_view waiting_for,
                                 Clock::time_point deadline);

  std::unique_ptr<process::ChildProcess> process_;
  std::string name_;
  std::map<std::string, EngineOption> options_;
  std::map<std::string, std::string> changed_;  // options set since the handshake
};

using UciEnginePool = process::EnginePool<UciEngine>;

}  // namespace arena::uci
