// TestDatabase: a database of its own for one test, on either backend of the store: an SQLite
// file under the test temp folder, or a database on the test PostgreSQL server. Removed at
// both ends of its life.
//
// The PostgreSQL server is the one CTest starts for the run (the fixture `servers` in
// tests/CMakeLists.txt: ARENA_TEST_SERVERS names the folder whose pg/ holds its socket); a
// test binary run by hand starts its own with scripts/postgres-test-server on first use and
// stops it at exit.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/sql.h"
#include "db/sqlite.h"
#if ARENA_WITH_POSTGRES
#include "db/postgres.h"
#endif

namespace arena::testing {

enum class Backend { kSqlite, kPostgres };

inline std::string to_string(Backend b) { return b == Backend::kSqlite ? "sqlite" : "postgresql"; }

// For INSTANTIATE_TEST_SUITE_P: names the backend in the test's name.
struct BackendName {
  std::string operator()(const ::testing::TestParamInfo<Backend>& info) const {
    return to_string(info.param);
  }
};

// The backends this build has.
inline std::vector<Backend> backends() {
#if ARENA_WITH_POSTGRES
  return {Backend::kSqlite, Backend::kPostgres};
#else
  return {Backend::kSqlite};
#endif
}

// Starts a throwaway server with `script` (scripts/postgres-test-server or redis-test-server)
// in `dir`, stopped when the process exits; gives the URL it printed. Throws on failure.
inline std::string start_own_server(const std::string& script, const std::string& dir) {
  FILE* out = popen((script + " start " + dir).c_str(), "r");
  std::string printed;
  char buf[512];
  while (out && fgets(buf, sizeof buf, out)) printed += buf;
  if (!out || pclose(out) != 0)
    throw std::runtime_error("cannot start a server: " + script + " start " + dir);
  static std::vector<std::string> stops;  // run at exit, after main
  if (stops.empty()) {
    std::atexit([] {
      for (const std::string& stop : stops) (void)!std::system(stop.c_str());
    });
  }
  stops.push_back(script + " stop " + dir);
  while (!printed.empty() && printed.back() == '\n') printed.pop_back();
  return printed;
}

#if ARENA_WITH_POSTGRES
// The test server's admin URL (database `postgres`). Throws when no server can be had.
inline const std::string& postgres_admin_url() {
  static const std::string admin = []() -> std::string {
    if (const char* servers = std::getenv("ARENA_TEST_SERVERS"); servers && *servers) {
      return "postgresql://arena@/postgres?host=" + std::string(servers) + "/pg";
    }
    return start_own_server(POSTGRES_TEST_SERVER, "/tmp/arena-pg-test-" + std::to_string(getpid()));
  }();
  return admin;
}

#ifdef REDIS_TEST_SERVER
// The Redis server of the run: CTest's (ARENA_TEST_SERVERS/redis), else one of this process's own.
inline const std::string& redis_url() {
  static const std::string url = []() -> std::string {
    if (const char* servers = std::getenv("ARENA_TEST_SERVERS"); servers && *servers) {
      return "redis://" + std::string(servers) + "/redis/redis.sock";
    }
    return start_own_server(REDIS_TEST_SERVER, "/tmp/arena-redis-test-" + std::to_string(getpid()));
  }();
  return url;
}
#endif
#endif

class TestDatabase {
 public:
  explicit TestDatabase(Backend backend = Backend::kSqlite) : backend_(backend) {
    static std::atomic<int> counter{0};
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string unique = std::to_string(getpid()) + "_" + std::to_string(counter++);
    if (backend_ == Backend::kSqlite) {
      std::string name = test ? test->name() : "none";
      for (char& c : name) c = (c == '/') ? '_' : c;  // parameterised names hold a '/'
      where_ = ::testing::TempDir() + "arena_store_" + name + "_" + unique + ".db";
      remove_files();
      return;
    }
#if ARENA_WITH_POSTGRES
    name_ = "arena_" + unique;
    admin_exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");  // one a killed run left
    admin_exec("CREATE DATABASE " + name_);
    where_ = postgres_admin_url();
    const size_t at = where_.find("/postgres");
    if (at == std::string::npos)
      throw std::runtime_error("the admin URL names no /postgres database: " + where_);
    where_.replace(at, 9, "/" + name_);
#endif
  }
  ~TestDatabase() {
    if (backend_ == Backend::kSqlite) {
      remove_files();
      return;
    }
#if ARENA_WITH_POSTGRES
    admin_exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
#endif
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  Backend backend() const { return backend_; }
  // What the store opens: the file's path or the database's URL.
  const std::string& where() const { return where_; }
  // SQLite only: the file's path.
  const std::string& path() const { return where_; }

  // A plain connection to it (SQLite: `create` makes the file).
  Result<std::unique_ptr<db::Connection>> connect(bool create = false) const {
    if (backend_ == Backend::kSqlite) {
      Result<std::unique_ptr<db::SqliteConnection>> c = db::SqliteConnection::open(where_, create);
      if (!c.ok()) return c.error();
      return std::unique_ptr<db::Connection>(std::move(c).value());
    }
#if ARENA_WITH_POSTGRES
    Result<std::unique_ptr<db::PostgresConnection>> c = db::PostgresConnection::open(where_);
    if (!c.ok()) return c.error();
    return std::unique_ptr<db::Connection>(std::move(c).value());
#else
    return make_error("db_error", "built without PostgreSQL");
#endif
  }

 private:
  void remove_files() const {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((where_ + suffix).c_str());
  }
#if ARENA_WITH_POSTGRES
  static void admin_exec(const std::string& sql) {
    Result<std::unique_ptr<db::PostgresConnection>> admin =
        db::PostgresConnection::open(postgres_admin_url());
    if (!admin.ok()) throw std::runtime_error(admin.error().message);
    if (Status s = (*admin)->exec(sql); !s.ok()) throw std::runtime_error(s.error().message);
  }
  std::string name_;
#endif

  Backend backend_;
  std::string where_;
};

}  // namespace arena::testing
