#include "agents/gtp/engine.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

extern char** environ;

namespace arena::gtp {
namespace {

constexpr auto kQuitGrace = std::chrono::milliseconds(500);

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) return 0;
  return left > 60'000 ? 60'000 : static_cast<int>(left) + 1;
}

// write() with SIGPIPE blocked on this thread, so that a dead reader is an EPIPE value
// and not a signal that ends the process (pipes have no MSG_NOSIGNAL). A SIGPIPE the
// write raises is consumed before the mask is restored.
ssize_t write_without_sigpipe(int fd, const char* data, size_t size) {
  sigset_t pipe_only, old_mask, pending;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask);
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE);
  const ssize_t n = ::write(fd, data, size);
  const int saved_errno = errno;
  if (n < 0 && saved_errno == EPIPE && !was_pending) {
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe_only, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = saved_errno;
  return n;
}

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

bool executable_file(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

std::string first_line(std::string_view text) { return std::string(text.substr(0, text.find('\n'))); }

}  // namespace

Result<std::vector<std::string>> split_command_line(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < line.size()) {
        word += line[++i];
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      word += line[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote) return make_error("bad_spec", "unterminated quote in command line '" + std::string(line) + "'");
  if (in_word) words.push_back(std::move(word));
  return words;
}

std::optional<std::string> find_executable(const std::string& name) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string::npos) {
    if (executable_file(name)) return name;
    return std::nullopt;
  }
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest(path);
    for (;;) {
      const size_t colon = rest.find(':');
      std::string dir(rest.substr(0, colon));
      dirs.push_back(dir.empty() ? "." : dir);
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  dirs.push_back("/usr/games");
  dirs.push_back("/usr/local/games");
  for (const std::string& dir : dirs) {
    const std::string candidate = dir + "/" + name;
    if (executable_file(candidate)) return candidate;
  }
  return std::nullopt;
}

Result<std::unique_ptr<GtpEngine>> GtpEngine::start(const std::vector<std::string>& argv,
                                                    const std::string& stderr_path) {
  if (argv.empty()) return make_error("bad_spec", "empty engine command line");
  std::optional<std::string> path = find_executable(argv[0]);
  if (!path) {
    return make_error("engine_failed",
                      "cannot find the engine '" + argv[0] + "' (searched PATH and /usr/games)");
  }
  // O_CLOEXEC: a pipe end inherited by another engine started concurrently would keep
  // this engine's stdin open after we close it.
  int to_child[2], from_child[2];
  if (::pipe2(to_child, O_CLOEXEC) != 0)
    return make_error("engine_failed", std::string("pipe: ") + std::strerror(errno));
  if (::pipe2(from_child, O_CLOEXEC) != 0) {
    const int saved = errno;
    ::close(to_child[0]);
    ::close(to_child[1]);
    return make_error("engine_failed", std::string("pipe: ") + std::strerror(saved));
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  // The child starts with no signals blocked and SIGPIPE at its default, whatever this
  // process does with them.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, path->c_str(), &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(to_child[0]);
  ::close(from_child[1]);
  if (rc != 0) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    return make_error("engine_failed", "cannot start '" + *path + "': " + std::strerror(rc));
  }
  ::fcntl(to_child[1], F_SETFL, ::fcntl(to_child[1], F_GETFL) | O_NONBLOCK);
  ::fcntl(from_child[0], F_SETFL, ::fcntl(from_child[0], F_GETFL) | O_NONBLOCK);
  return std::unique_ptr<GtpEngine>(new GtpEngine(argv, pid, to_child[1], from_child[0]));
}

GtpEngine::GtpEngine(std::vector<std::string> argv, pid_t pid, int to_engine, int from_engine)
    : argv_(std::move(argv)), pid_(pid), to_engine_(to_engine), from_engine_(from_engine) {}

GtpEngine::~GtpEngine() {
  if (pid_ < 0) return;
  const auto deadline = Clock::now() + kQuitGrace;
  // Ask politely, then close its input too: either makes a GTP engine exit.
  if (write_all("quit\n", deadline).ok()) {
    char buf[512];
    for (;;) {
      pollfd p{from_engine_, POLLIN, 0};
      const int ready = ::poll(&p, 1, remaining_ms(deadline));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) break;
      const ssize_t n = ::read(from_engine_, buf, sizeof buf);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) break;
    }
  }
  close_fd(to_engine_);
  close_fd(from_engine_);
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) {
      pid_ = -1;
      return;
    }
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

Error GtpEngine::fail(Error error) {
  if (pid_ >= 0) {
    int status = 0;
    pid_t r = 0;
    if (error.code == "engine_failed") {
      // It closed its output or its input: most likely it is exiting; let it finish
      // briefly so that its exit status can be told.
      const auto until = Clock::now() + std::chrono::milliseconds(100);
      while ((r = ::waitpid(pid_, &status, WNOHANG)) == 0 && Clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    if (r != pid_) {
      ::kill(pid_, SIGKILL);
      while ((r = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
      }
    }
    // An engine that died by itself says how; one that we killed says nothing new.
    if (r == pid_ && error.code == "engine_failed" && !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
      error.message += " (" + describe_exit(status) + ")";
    }
    pid_ = -1;
  }
  close_fd(to_engine_);
  close_fd(from_engine_);
  return error;
}

Status GtpEngine::write_all(std::string_view bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    const ssize_t n = write_without_sigpipe(to_engine_, bytes.data(), bytes.size());
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      if (Clock::now() >= deadline) return make_error("timeout", "the engine does not read its input");
      pollfd p{to_engine_, POLLOUT, 0};
      ::poll(&p, 1, remaining_ms(deadline));
      continue;
    }
    if (n < 0 && errno == EPIPE) return make_error("engine_failed", "the engine has exited");
    return make_error("engine_failed", std::string("cannot write to the engine: ") + std::strerror(errno));
  }
  return ok_status();
}

Result<std::string> GtpEngine::send(std::string_view command, Clock::time_point deadline) {
  if (failed())
    return make_error("engine_failed", "the engine has failed before '" + std::string(command) + "'");
  if (command.find('\n') != std::string_view::npos) {
    return make_error("bad_request", "a GTP command is one line");
  }
  const int id = next_id_++;
  if (Status s = write_all(std::to_string(id) + " " + std::string(command) + "\n", deadline); !s.ok()) {
    return fail(s.error());
  }
  char buf[4096];
  for (;;) {
    if (std::optional<Result<Response>> r = reader_.next()) {
      if (!r->ok()) return fail(make_error("engine_failed", (*r).error().message));
      Response& response = **r;
      if (response.id && *response.id != id) {
        return fail(make_error("engine_failed", "response to command " + std::to_string(*response.id) +
                                                    " while waiting for " + std::to_string(id)));
      }
      if (!response.success) return make_error("gtp_failure", std::string(command) + ": " + response.text);
      return std::move(response.text);
    }
    if (Clock::now() >= deadline) {
      return fail(make_error("timeout", "no answer to '" + std::string(command) + "' in time"));
    }
    pollfd p{from_engine_, POLLIN, 0};
    const int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno != EINTR) {
      return fail(make_error("engine_failed", std::string("poll: ") + std::strerror(errno)));
    }
    if (ready <= 0) continue;
    const ssize_t n = ::read(from_engine_, buf, sizeof buf);
    if (n > 0) {
      reader_.feed(std::string_view(buf, static_cast<size_t>(n)));
    } else if (n == 0) {
      std::string message = "the engine exited during '" + std::string(command) + "'";
      if (!reader_.pending().empty()) message += " after writing '" + first_line(reader_.pending()) + "'";
      return fail(make_error("engine_failed", message));
    } else if (errno != EAGAIN && errno != EINTR) {
      return fail(
          make_error("engine_failed", std::string("cannot read from the engine: ") + std::strerror(errno)));
    }
  }
}

bool GtpEngine::alive() {
  if (pid_ < 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == 0) return true;
  // It has exited (now reaped) while idle.
  pid_ = -1;
  close_fd(to_engine_);
  close_fd(from_engine_);
  return false;
}

GtpEnginePool::~GtpEnginePool() {
  std::lock_guard lock(mutex_);
  idle_.clear();
}

GtpEnginePool& GtpEnginePool::shared() {
  static GtpEnginePool pool;
  return pool;
}

Result<std::unique_ptr<GtpEngine>> GtpEnginePool::acquire(const std::vector<std::string>& argv) {
  {
    std::lock_guard lock(mutex_);
    auto it = idle_.find(argv);
    while (it != idle_.end() && !it->second.empty()) {
      std::unique_ptr<GtpEngine> engine = std::move(it->second.back());
      it->second.pop_back();
      if (engine->alive()) return engine;
    }
  }
  return GtpEngine::start(argv);
}

void GtpEnginePool::release(std::unique_ptr<GtpEngine> engine) {
  if (!engine || engine->failed()) return;
  {
    std::lock_guard lock(mutex_);
    std::vector<std::unique_ptr<GtpEngine>>& idle = idle_[engine->argv()];
    if (idle.size() < kMaxIdlePerCommand) {
      idle.push_back(std::move(engine));
      return;
    }
  }
  // Shut down outside the lock (it may wait for the engine to quit).
}

size_t GtpEnginePool::idle(const std::vector<std::string>& argv) const {
  std::lock_guard lock(mutex_);
  auto it = idle_.find(argv);
  return it == idle_.end() ? 0 : it->second.size();
}

}  // namespace arena::gtp
