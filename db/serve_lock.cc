#include "db/serve_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "db/sql_store.h"
#if ARENA_WITH_POSTGRES
#include "db/postgres.h"
#endif

namespace arena::db {
namespace {

const char* const kBusy = " is served by another arena serve; stop it first or pass another --db";

class FileLock final : public ServeLock {
 public:
  explicit FileLock(int fd) : fd_(fd) {}
  ~FileLock() override { ::close(fd_); }

 private:
  int fd_;
};

Result<std::unique_ptr<ServeLock>> lock_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return make_error("db_error", "cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) return make_error("db_busy", path + kBusy);
    return make_error("db_error", "cannot lock " + path + ": " + std::strerror(error));
  }
  return std::unique_ptr<ServeLock>(new FileLock(fd));
}

#if ARENA_WITH_POSTGRES
// The server releases a session lock when its connection ends, a killed process's included.
class PostgresLock final : public ServeLock {
 public:
  explicit PostgresLock(std::unique_ptr<PostgresConnection> c) : c_(std::move(c)) {}

 private:
  std::unique_ptr<PostgresConnection> c_;
};

// A server restarted at once after a kill may find its predecessor's session still open for
// a moment (until the database notices the closed connection): it tries for a few seconds.
Result<std::unique_ptr<ServeLock>> lock_postgres(const std::string& url) {
  Result<std::unique_ptr<PostgresConnection>> c = PostgresConnection::open(url);
  if (!c.ok()) return c.error();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    Result<Statement*> s = (*c)->cached("SELECT pg_try_advisory_lock(20261203)");
    if (!s.ok()) return s.error();
    ResetOnExit reset{*s};
    Result<bool> row = (*s)->step();
    if (!row.ok()) return row.error();
    if (*row && (*s)->column_text(0) == "t") break;
    if (std::chrono::steady_clock::now() > give_up)
      return make_error("db_busy", "the database" + std::string(kBusy));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return std::unique_ptr<ServeLock>(new PostgresLock(std::move(c).value()));
}
#endif

}  // namespace

Result<std::unique_ptr<ServeLock>> lock_for_serving(const std::string& where) {
#if ARENA_WITH_POSTGRES
  if (is_postgres_url(where)) return lock_postgres(where);
#endif
  return lock_file(where);
}

}  // namespace arena::db
