// GtpEngine: an external GTP engine (GNU Go, Pachi, KataGo, ...) run as a child process
// (process::ChildProcess: posix_spawn, pipes, a deadline on every wait), driven one
// command at a time. A crashed engine (end of file, broken pipe), a hung one (deadline
// passed) or one that writes what is not GTP is an Error, and the process is killed and
// reaped at once (SIGKILL, waitpid: no zombies); after that the engine is failed() and
// answers every command with an "engine_failed" Error.
//
// GtpEnginePool: idle engines kept per command line (process::EnginePool), so that agents
// reuse running engines. A failed engine never goes back.
//
// Thread-safety: a GtpEngine serves one caller at a time. GtpEnginePool is thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agents/gtp/protocol.h"
#include "agents/process/pool.h"
#include "agents/process/process.h"
#include "core/result.h"

namespace arena::gtp {

using process::Clock;
using process::find_executable;
using process::split_command_line;

class GtpEngine {
 public:
  // Starts argv[0] (an absolute path, or a name searched on PATH and in /usr/games) with
  // the arguments that follow. The engine's stderr goes to `stderr_path` (default
  // /dev/null; appended to).
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

  bool failed() const { return process_->failed(); }
  // Whether the process still runs; one that has exited is reaped and becomes failed().
  bool alive() { return process_->alive(); }
  // The child's process id (-1 once it has been killed or has exited).
  pid_t pid() const { return process_->pid(); }
  const std::vector<std::string>& argv() const { return process_->argv(); }

 private:
  explicit GtpEngine(std::unique_ptr<process::ChildProcess> process);

  std::unique_ptr<process::ChildProcess> process_;
  ResponseReader reader_;
  int next_id_ = 1;
};

using GtpEnginePool = process::EnginePool<GtpEngine>;

}  // namespace arena::gtp
