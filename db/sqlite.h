// The SQLite driver: a connection and a prepared statement over SQLite's C API, behind the
// store's Connection and Statement (sql.h).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "db/sql.h"

namespace arena::db {

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(SqliteStatement&& other) noexcept : stmt_(other.stmt_), db_(other.db_) {
    other.stmt_ = nullptr;
  }
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  using Statement::bind;
  Statement& bind(int i, int64_t v) override;
  Statement& bind(int i, double v) override;
  Statement& bind(int i, const std::string& v) override;
  Statement& bind_null(int i) override;

  Result<bool> step() override;
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  int changes() const override { return sqlite3_changes(db_); }

  int column_count() const override { return sqlite3_column_count(stmt_); }
  std::string column_name(int i) const override { return sqlite3_column_name(stmt_, i); }
  Kind column_kind(int i) const override;
  int64_t column_int(int i) const override { return sqlite3_column_int64(stmt_, i); }
  double column_double(int i) const override { return sqlite3_column_double(stmt_, i); }
  std::string column_text(int i) const override;
  bool column_is_null(int i) const override { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

 private:
  friend class SqliteConnection;
  SqliteStatement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  sqlite3_stmt* stmt_;
  sqlite3* db_;
};

class SqliteConnection final : public Connection {
 public:
  // Opens (creating if `create`) the file, with WAL, foreign keys, a busy timeout and
  // synchronous=FULL (an acknowledged write survives power loss, not only a crash).
  static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path, bool create);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  Status exec(const std::string& sql) override;
  Result<Statement*> cached(const std::string& sql) override;
  Status begin(Transaction kind) override;
  // Prepared once, like every other statement.
  Status control(const std::string& sql) override;

  // A statement of its own (not cached), for one-off queries.
  Result<SqliteStatement> prepare(const std::string& sql);

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> cache_;  // finalized before the close
  sqlite3* db_;
};

}  // namespace arena::db
