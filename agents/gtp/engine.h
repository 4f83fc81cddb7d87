// GtpEngine: an external GTP engine (GNU Go, Pachi, KataGo, ...) run as a child process
// with pipes on its stdin and stdout, driven one command at a time with a deadline.
// A crashed engine (end of file, broken pipe) or a hung one (deadline passed) is an Error,
// and the process is killed and reaped at once (SIGKILL, waitpid: no zombies); after that
// the engine is failed() and answers every command with an "engine_failed" Error.
//
// GtpEnginePool: engines are costly to start (GNU Go reads its pattern databases), so the
// process keeps idle engines keyed by command line; an agent takes an idle one when there
// is one and gives it back when it is destroyed. A failed engine never goes back.
//
// Thread-safety: a GtpEngine serves one caller at a time. GtpEnginePool is thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agents/gtp/protocol.h"
#include "core/result.h"

namespace arena::gtp {

using Clock = std::chrono::steady_clock;

class GtpEngine {
 public:
  // Starts argv[0] (an absolute path, or a name searched on PATH) with the arguments that
  // follow. The engine's stderr goes to `stderr_path` (default /dev/null; appended to).
  static Result<std::unique_ptr<GtpEngine>> start(const std::vector<std::string>& argv,
                                                  const std::string& stderr_path = "/dev/null");
  // Sends "quit", waits briefly for the engine to exit, then kills it.
  ~GtpEngine();
  GtpEngine(const GtpEngine&) = delete;
  GtpEngine& operator=(const GtpEngine&) = delete;

  // Sends one command ("name arg ...", no newline) and waits until `deadline` for its
  // response. A success response gives its text; a failure response is a "gtp_failure"
  // Error with the engine's message (the engine stays usable). End of file or a broken
  // pipe is "engine_failed", a passed deadline "timeout", and output that is not GTP
  // "engine_failed": in those cases the process is killed.
  Result<std::string> send(std::string_view command, Clock::time_point deadline);
  Result<std::string> send(std::string_view command, std::chrono::milliseconds timeout) {
    return send(command, Clock::now() + timeout);
  }

  bool failed() const { return pid_ < 0; }
  // Whether the process still runs; one that has exited is reaped and becomes failed().
  bool alive();
  // The child's process id (-1 once it has been killed or has exited).
  pid_t pid() const { return pid_; }
  const std::vector<std::string>& argv() const { return argv_; }

 private:
  GtpEngine(std::vector<std::string> argv, pid_t pid, int to_engine, int from_engine);
  // Kills the child, reaps it, closes the pipes; returns `error` for convenience.
  Error fail(Error error);
  Status write_all(std::string_view bytes, Clock::time_point deadline);

  std::vector<std::string> argv_;
  pid_t pid_;
  int to_engine_;    // the engine's stdin (non-blocking)
  int from_engine_;  // the engine's stdout (non-blocking)
  ResponseReader reader_;
  int next_id_ = 1;
};

// Splits a command line into words: blanks separate, '...' and "..." quote, a backslash
// escapes the next character. An unterminated quote is a "bad_spec" Error.
Result<std::vector<std::string>> split_command_line(std::string_view line);
// The absolute path of an executable: `name` itself when it holds a '/', else the first
// match on PATH or in /usr/games (where Debian installs GNU Go); nullopt when none.
std::optional<std::string> find_executable(const std::string& name);

class GtpEnginePool {
 public:
  // Idle engines kept per command line; more given back are shut down.
  static constexpr size_t kMaxIdlePerCommand = 4;

  GtpEnginePool() = default;
  ~GtpEnginePool();  // shuts down every idle engine
  GtpEnginePool(const GtpEnginePool&) = delete;
  GtpEnginePool& operator=(const GtpEnginePool&) = delete;

  // The process-wide pool (its idle engines are shut down at exit).
  static GtpEnginePool& shared();

  // An idle engine started with `argv`, or a newly started one.
  Result<std::unique_ptr<GtpEngine>> acquire(const std::vector<std::string>& argv);
  // Gives an engine back for reuse; a failed one (or one beyond the idle limit) is shut
  // down instead.
  void release(std::unique_ptr<GtpEngine> engine);
  // How many idle engines wait for `argv`.
  size_t idle(const std::vector<std::string>& argv) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::vector<std::unique_ptr<GtpEngine>>> idle_;
};

}  // namespace arena::gtp
