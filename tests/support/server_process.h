// ServerProcess: the real `arena serve` as a child process on an ephemeral port, with a
// database and a web folder of its own in a temporary folder, for the integration tests
// (tests/net/server_harness.h) and the load benchmark (tests/bench/ws_load.cc). Failures to
// start are thrown (std::runtime_error), so its RAII still kills the server and removes the
// folder.
//
// Threading: not thread-safe; use one from one thread (a reader thread collects the output).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace arena::harness {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct ServerOptions {
  int house_matches = 1;
  int house_interval_ms = 20;
  int threads = 2;
  // false: no --web, and the server runs in its temporary folder (which has no web/), so
  // it must find the web UI itself.
  bool web_flag = true;
  // Whether the server finds the shipped shared agent (models/); off, house matches and
  // challenges are the plain agents' (the tests of the server's mechanics stay light).
  bool shipped_models = false;
  // The server's database: empty, arena.db in its folder; or another, e.g. a postgresql:// URL.
  std::string db;
  std::vector<std::string> extra_args;  // more `arena serve` options
  int max_open_files = 0;               // nonzero: the server's RLIMIT_NOFILE
};

// How the process ended.
struct ExitInfo {
  bool exited = false;                // it exited by itself (not by a signal)
  int code = -1;                      // its exit status when it exited
  bool killed = false;                // it did not stop within the grace period and was sent SIGKILL
  int signal = 0;                     // the signal that ended it, if one did
  std::chrono::milliseconds took{0};  // from SIGTERM to its end
  std::string output;                 // stdout and stderr together
};

// `arena serve --port 0` with a database and a web folder of its own, in a temporary folder
// that is removed afterwards. The process is killed (SIGKILL) if it is still running when
// this object goes away.
class ServerProcess {
 public:
  explicit ServerProcess(std::string binary, ServerOptions options = {})
      : binary_(std::filesystem::absolute(binary).string()), options_(options) {
    const std::filesystem::path base = std::filesystem::temp_directory_path() / "arena_it_XXXXXX";
    std::string pattern = base.string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    dir_ = pattern;
    std::filesystem::create_directory(web_dir());
  }
  ~ServerProcess() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (reader_.joinable()) reader_.join();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::filesystem::path db_path() const { return dir_ / "arena.db"; }
  // What the server is given as --db.
  std::string database() const { return options_.db.empty() ? db_path().string() : options_.db; }
  std::filesystem::path web_dir() const { return dir_ / "web"; }

  // Starts the server and waits for the line that says its port. After kill() it may be
  // started again on the same database (on a new port), as after a crash.
  void start(std::chrono::milliseconds timeout = 15s) {
    if (running()) throw std::runtime_error("the server is already running");
    if (reaped_) {  // a restart: forget the previous process
      pid_ = -1;
      reaped_ = false;
      terminated_at_.reset();
      port_ = 0;
      std::lock_guard lock(mutex_);
      output_.clear();
      eof_ = false;
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    std::vector<std::string> args = {binary_,
                                     "serve",
                                     "--port",
                                     "0",
                                     "--db",
                                     database(),
                                     "--house-matches",
                                     std::to_string(options_.house_matches),
                                     "--house-interval-ms",
                                     std::to_string(options_.house_interval_ms),
                                     "--threads",
                                     std::to_string(options_.threads)};
    if (options_.web_flag) {
      args.push_back("--web");
      args.push_back(web_dir().string());
    }
    if (!options_.shipped_models) {
      args.push_back("--models");
      args.push_back("none");
    }
    args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
    const rlimit files{static_cast<rlim_t>(options_.max_open_files),
                       static_cast<rlim_t>(options_.max_open_files)};
    const std::string cwd = dir_.string();
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {  // the child: only async-signal-safe calls until exec
      ::dup2(fds[1], STDOUT_FILENO);
      ::dup2(fds[1], STDERR_FILENO);
      if (::chdir(cwd.c_str()) != 0) ::_exit(126);
      if (files.rlim_cur > 0 && ::setrlimit(RLIMIT_NOFILE, &files) != 0) ::_exit(125);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    reader_ = std::thread([this, fd = fds[0]] {
      char buf[4096];
      for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        std::lock_guard lock(mutex_);
        output_.append(buf, static_cast<size_t>(n));
        changed_.notify_all();
      }
      ::close(fd);
      std::lock_guard lock(mutex_);
      eof_ = true;
      changed_.notify_all();
    });
    static constexpr std::string_view kServing = "arena: serving http://";
    std::unique_lock lock(mutex_);
    const bool ready = changed_.wait_for(lock, timeout, [&] {
      const size_t at = output_.find(kServing);
      return eof_ || (at != std::string::npos && output_.find('\n', at) != std::string::npos);
    });
    const size_t at = output_.find(kServing);
    if (!ready || at == std::string::npos) {
      throw std::runtime_error("arena serve did not say its port (" +
                               std::string(ready ? "it ended" : "timed out") + "); output:\n" + output_);
    }
    // "arena: serving http://127.0.0.1:PORT/ (db ...)"
    const size_t host = at + kServing.size();
    const size_t slash = output_.find('/', host);
    const size_t colon = output_.rfind(':', slash);
    if (slash == std::string::npos || colon == std::string::npos || colon < host) {
      throw std::runtime_error("cannot read the port from: " + output_);
    }
    port_ = static_cast<uint16_t>(std::stoi(output_.substr(colon + 1, slash - colon - 1)));
  }

  bool started() const { return pid_ > 0; }
  bool running() const { return pid_ > 0 && !reaped_; }
  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  std::string output() const {
    std::lock_guard lock(mutex_);
    return output_;
  }

  // SIGTERM, then waits up to `grace` for the process to end (SIGKILL after that). Under
  // AddressSanitizer the leak check at exit of a server that loaded LibTorch takes seconds
  // on a loaded machine, after "arena: stopped" is printed: it gets longer.
#if defined(__SANITIZE_ADDRESS__)
  static constexpr std::chrono::milliseconds kStopGrace = 30s;
#else
  static constexpr std::chrono::milliseconds kStopGrace = 5s;
#endif
  ExitInfo stop(std::chrono::milliseconds grace = kStopGrace) {
    terminate();
    return wait(grace);
  }
  // SIGKILL, as a crash (nothing is flushed, no connection is closed), and waits for the
  // process to end; gives its output.
  std::string kill() {
    if (!running()) throw std::runtime_error("the server is not running");
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    if (reader_.joinable()) reader_.join();
    return output();
  }
  // Sends SIGTERM (once) and returns at once.
  void terminate() {
    if (!running()) throw std::runtime_error("the server is not running");
    if (terminated_at_) return;
    terminated_at_ = Clock::now();
    ::kill(pid_, SIGTERM);
  }
  // After terminate(): waits until `grace` after the SIGTERM for the process to end, then
  // kills it (SIGKILL).
  ExitInfo wait(std::chrono::milliseconds grace = 5s) {
    ExitInfo info;
    if (!running() || !terminated_at_)
      throw std::runtime_error("wait() needs a running server and terminate()");
    const auto start = *terminated_at_;
    int status = 0;
    for (;;) {
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) break;
      if (r < 0 && errno != EINTR) throw std::runtime_error("waitpid failed");
      if (Clock::now() - start > grace) {
        info.killed = true;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(5ms);
    }
    reaped_ = true;
    info.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    info.exited = WIFEXITED(status);
    info.code = info.exited ? WEXITSTATUS(status) : -1;
    info.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    if (reader_.joinable()) reader_.join();
    info.output = output();
    return info;
  }

 private:
  std::string binary_;
  ServerOptions options_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::optional<Clock::time_point> terminated_at_;
  uint16_t port_ = 0;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;
  bool eof_ = false;
};

}  // namespace arena::harness
