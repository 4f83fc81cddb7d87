#include "agents/process/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

extern char** environ;

namespace arena::process {
namespace {

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

Result<std::unique_ptr<ChildProcess>> ChildProcess::start(const std::vector<std::string>& argv,
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
  return std::unique_ptr<ChildProcess>(new ChildProcess(argv, pid, to_child[1], from_child[0]));
}

ChildProcess::ChildProcess(std::vector<std::string> argv, pid_t pid, int to_child, int from_child)
    : argv_(std::move(argv)), pid_(pid), to_child_(to_child), from_child_(from_child) {}

ChildProcess::~ChildProcess() {
  if (pid_ >= 0) fail(make_error("killed", "destroyed while running"));
  close_pipes();
}

void ChildProcess::close_pipes() {
  close_fd(to_child_);
  close_fd(from_child_);
}

void ChildProcess::shutdown(std::string_view goodbye, std::chrono::milliseconds grace) {
  if (pid_ < 0) return;
  const auto deadline = Clock::now() + grace;
  // Ask politely, then close its input too: either makes an engine exit. Its output is
  // drained so that it never blocks on a full pipe while exiting.
  if (goodbye.empty() || write(goodbye, deadline).ok()) {
    close_fd(to_child_);
    char buf[512];
    for (;;) {
      pollfd p{from_child_, POLLIN, 0};
      const int ready = ::poll(&p, 1, remaining_ms(deadline));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) break;
      const ssize_t n = ::read(from_child_, buf, sizeof buf);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) break;
    }
  }
  if (pid_ < 0) return;  // the write found it gone (and reaped it)
  close_pipes();
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

Error ChildProcess::fail(Error error) {
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
    // A program that died by itself says how; one that we killed says nothing new.
    if (r == pid_ && error.code == "engine_failed" && !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
      error.message += " (" + describe_exit(status) + ")";
    }
    pid_ = -1;
  }
  close_pipes();
  return error;
}

Status ChildProcess::write(std::string_view bytes, Clock::time_point deadline) {
  if (failed()) return make_error("engine_failed", "the engine has failed before");
  while (!bytes.empty()) {
    const ssize_t n = write_without_sigpipe(to_child_, bytes.data(), bytes.size());
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      if (Clock::now() >= deadline) return fail(make_error("timeout", "the engine does not read its input"));
      pollfd p{to_child_, POLLOUT, 0};
      ::poll(&p, 1, remaining_ms(deadline));
      continue;
    }
    if (n < 0 && errno == EPIPE) return fail(make_error("engine_failed", "the engine has exited"));
    return fail(
        make_error("engine_failed", std::string("cannot write to the engine: ") + std::strerror(errno)));
  }
  return ok_status();
}

Result<std::string> ChildProcess::read_line(Clock::time_point deadline, std::string_view waiting_for) {
  char buf[4096];
  for (;;) {
    if (const size_t end = pending_.find('\n'); end != std::string::npos) {
      std::string line = pending_.substr(0, end);
      pending_.erase(0, end + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (failed()) {
      return make_error("engine_failed", "the engine has failed before " + std::string(waiting_for));
    }
    if (Clock::now() >= deadline) {
      return fail(make_error("timeout", "no answer to " + std::string(waiting_for) + " in time"));
    }
    pollfd p{from_child_, POLLIN, 0};
    const int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno != EINTR) {
      return fail(make_error("engine_failed", std::string("poll: ") + std::strerror(errno)));
    }
    if (ready <= 0) continue;
    const ssize_t n = ::read(from_child_, buf, sizeof buf);
    if (n > 0) {
      pending_.append(buf, static_cast<size_t>(n));
    } else if (n == 0) {
      std::string message = "the engine exited during " + std::string(waiting_for);
      if (!pending_.empty()) message += " after writing '" + first_line(pending_) + "'";
      return fail(make_error("engine_failed", message));
    } else if (errno != EAGAIN && errno != EINTR) {
      return fail(
          make_error("engine_failed", std::string("cannot read from the engine: ") + std::strerror(errno)));
    }
  }
}

bool ChildProcess::alive() {
  if (pid_ < 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == 0) return true;
  // It has exited (now reaped) while idle.
  pid_ = -1;
  close_pipes();
  return false;
}

ThreadPool& engine_io_pool() {
  static ThreadPool pool(std::max(4u, std::thread::hardware_concurrency()));
  return pool;
}

}  // namespace arena::process
