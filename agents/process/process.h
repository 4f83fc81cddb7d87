// ChildProcess: an external program (a GTP or UCI engine) run as a child process with
// pipes on its stdin and stdout, spoken to in lines with a deadline on every wait. What the
// engine protocols share lives here; agents/gtp/ and agents/uci/ put their protocol on top.
//
// Any failure of the pipe is an Error, and the process is killed and reaped at once
// (SIGKILL, waitpid: no zombies): end of file or a broken pipe is "engine_failed" (with
// the exit status when the program exited by itself), a passed deadline "timeout". A
// protocol layer that reads nonsense calls fail() itself. After a failure the process is
// failed() and every write or read is an "engine_failed" Error.
//
// Thread-safety: one caller at a time.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/thread_pool.h"

namespace arena::process {

using Clock = std::chrono::steady_clock;

class ChildProcess {
 public:
  // Starts argv[0] (an absolute path, or a name found by find_executable) with the
  // arguments that follow, its stdin and stdout non-blocking pipes to us and its stderr
  // appended to `stderr_path`. A missing program is an "engine_failed" Error.
  static Result<std::unique_ptr<ChildProcess>> start(const std::vector<std::string>& argv,
                                                     const std::string& stderr_path = "/dev/null");
  // Kills and reaps the process if it still runs (call shutdown() first to ask politely).
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Writes all of `bytes` to the program's stdin by `deadline`.
  Status write(std::string_view bytes, Clock::time_point deadline);
  // The next line of the program's stdout, without its "\n" (nor a "\r" before it).
  // `waiting_for` names what the caller waits for, in error messages ("'genmove b'").
  Result<std::string> read_line(Clock::time_point deadline, std::string_view waiting_for);
  // Output read but not yet returned as a line (for error messages).
  const std::string& pending() const { return pending_; }

  // Kills the process, reaps it, closes the pipes; returns `error` (with the exit status
  // added when the program had exited by itself) for convenience.
  Error fail(Error error);
  // Writes `goodbye` ("quit\n"), closes the program's stdin, waits up to `grace` for it to
  // exit, then kills it; always reaps it.
  void shutdown(std::string_view goodbye, std::chrono::milliseconds grace);

  bool failed() const { return pid_ < 0; }
  // Whether the process still runs; one that has exited is reaped and becomes failed().
  bool alive();
  // The child's process id (-1 once it has been killed or has exited).
  pid_t pid() const { return pid_; }
  const std::vector<std::string>& argv() const { return argv_; }

 private:
  ChildProcess(std::vector<std::string> argv, pid_t pid, int to_child, int from_child);
  void close_pipes();

  std::vector<std::string> argv_;
  pid_t pid_;
  int to_child_;    // the program's stdin (non-blocking)
  int from_child_;  // the program's stdout (non-blocking)
  std::string pending_;
};

// Splits a command line into words: blanks separate, '...' and "..." quote, a backslash
// escapes the next character. An unterminated quote is a "bad_spec" Error.
Result<std::vector<std::string>> split_command_line(std::string_view line);
// The absolute path of an executable: `name` itself when it holds a '/', else the first
// match on PATH or in /usr/games and /usr/local/games (where Debian installs GNU Go and
// Stockfish); nullopt when none.
std::optional<std::string> find_executable(const std::string& name);

// The pool that runs external engines' decisions (GTP and UCI agents): apart from the shared
// pool, so that threads blocked on an engine's pipe never hold up searches.
ThreadPool& engine_io_pool();

}  // namespace arena::process
