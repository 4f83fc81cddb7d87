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

// The one value of the first row of a query, as text ("" without a row).
Result<std::string> first_value(Connection& c, const std::string& sql, int64_t arg) {
  Result<Statement*> s = c.cached(sql);
  if (!s.ok()) return s.error();
  ResetOnExit reset{*s};
  (*s)->bind(1, arg);
  Result<bool> row = (*s)->step();
  if (!row.ok()) return row.error();
  return *row ? (*s)->column_text(0) : std::string();
}

// Advisory locks in two keys: the arena's (class) and the node's number; -1 the single
// server's (exclusive; every node holds it shared, so neither starts beside the other), -2
// the house's.
constexpr const char* kTryLock = "SELECT pg_try_advisory_lock(20261203, ?::integer)";
constexpr const char* kTryShared = "SELECT pg_try_advisory_lock_shared(20261203, ?::integer)";
constexpr int64_t kSingle = -1, kHouse = -2;

// A server restarted at once after a kill may find its predecessor's session still open for
// a moment (until the database notices the closed connection): it tries for a few seconds.
Result<std::unique_ptr<PostgresConnection>> wait_for_lock(const std::string& url, int64_t key,
                                                          const std::string& busy) {
  Result<std::unique_ptr<PostgresConnection>> c = PostgresConnection::open(url);
  if (!c.ok()) return c.error();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    Result<std::string> taken = first_value(**c, kTryLock, key);
    if (!taken.ok()) return taken.error();
    if (*taken == "t") return c;
    if (std::chrono::steady_clock::now() > give_up) return make_error("db_busy", busy);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Result<std::unique_ptr<ServeLock>> lock_postgres(const std::string& url) {
  Result<std::unique_ptr<PostgresConnection>> c =
      wait_for_lock(url, kSingle, "the database" + std::string(kBusy));
  if (!c.ok()) return c.error();
  return std::unique_ptr<ServeLock>(new PostgresLock(std::move(c).value()));
}

class PostgresNodeLocks final : public NodeLocks {
 public:
  PostgresNodeLocks(int64_t node, std::unique_ptr<PostgresConnection> c) : node_(node), c_(std::move(c)) {}

  Result<std::vector<int64_t>> nodes_with_live_matches() override {
    Result<Statement*> s = c_->cached(
        "SELECT DISTINCT node FROM matches WHERE status IN ('pending', 'active') AND node <> ? ORDER BY "
        "node");
    if (!s.ok()) return s.error();
    ResetOnExit reset{*s};
    (*s)->bind(1, node_);
    std::vector<int64_t> out;
    for (;;) {
      Result<bool> row = (*s)->step();
      if (!row.ok()) return row.error();
      if (!*row) return out;
      out.push_back((*s)->column_int(0));
    }
  }

  Result<bool> try_take(int64_t node) override {
    Result<std::string> taken = first_value(*c_, kTryLock, node);
    if (!taken.ok()) return taken.error();
    return *taken == "t";
  }

  Status release(int64_t node) override {
    Result<std::string> released = first_value(*c_, "SELECT pg_advisory_unlock(20261203, ?::integer)", node);
    if (!released.ok()) return released.error();
    return ok_status();
  }

  Result<std::string> database_name() override {
    Result<Statement*> s = c_->cached("SELECT current_database()");
    if (!s.ok()) return s.error();
    ResetOnExit reset{*s};
    Result<bool> row = (*s)->step();
    if (!row.ok()) return row.error();
    return *row ? (*s)->column_text(0) : std::string();
  }

  Result<bool> try_take_house() override {
    if (house_) return true;
    Result<bool> taken = try_take(kHouse);
    if (taken.ok() && *taken) house_ = true;
    return taken;
  }

 private:
  const int64_t node_;
  std::unique_ptr<PostgresConnection> c_;
  bool house_ = false;
};
#endif

}  // namespace

Result<std::unique_ptr<ServeLock>> lock_for_serving(const std::string& where) {
#if ARENA_WITH_POSTGRES
  if (is_postgres_url(where)) return lock_postgres(where);
#endif
  return lock_file(where);
}

Result<std::unique_ptr<NodeLocks>> lock_node(const std::string& url, int64_t node) {
#if ARENA_WITH_POSTGRES
  if (is_postgres_url(url)) {
    if (node < 1) return make_error("bad_request", "a node's number is 1 or more");
    Result<std::unique_ptr<PostgresConnection>> c =
        wait_for_lock(url, node, "node " + std::to_string(node) + " of this database" + kBusy);
    if (!c.ok()) return c.error();
    Result<std::string> beside = first_value(**c, kTryShared, kSingle);
    if (!beside.ok()) return beside.error();
    if (*beside != "t")
      return make_error("db_busy", "the database" + std::string(kBusy) + " (without --node)");
    return std::unique_ptr<NodeLocks>(new PostgresNodeLocks(node, std::move(c).value()));
  }
#endif
  (void)node;
  return make_error("bad_request", "several nodes share a PostgreSQL database (--db postgresql://...): '" +
                                       url + "' is not one");
}

}  // namespace arena::db
