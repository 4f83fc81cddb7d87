// Thin RAII wrappers over the SQLite C API: a connection and a prepared statement.
// Errors come back as Result/Status values carrying SQLite's message.
// Not thread-safe: one connection per thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/result.h"

namespace arena::db {

class Statement;

class Connection {
 public:
  // Opens (creating if `create`) the file, with WAL, foreign keys, a busy timeout and
  // synchronous=FULL (an acknowledged write survives power loss, not only a crash).
  static Result<std::unique_ptr<Connection>> open(const std::string& path, bool create);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Status exec(const std::string& sql);
  Result<Statement> prepare(const std::string& sql);
  // A statement prepared once per connection and kept: parsing SQL is most of a small
  // write's cost. Reset, with no bindings, when handed out; reset it again after use (a
  // ResetOnExit does) so that it holds no read snapshot.
  Result<Statement*> cached(const std::string& sql);
  int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  std::string message() const { return sqlite3_errmsg(db_); }
  sqlite3* raw() { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;  // finalized before the close
  sqlite3* db_;
};

class Statement {
 public:
  Statement(Statement&& other) noexcept : stmt_(other.stmt_), db_(other.db_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  // Binds by 1-based index; chainable.
  Statement& bind(int i, int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Statement& bind(int i, double v);
  Statement& bind(int i, const std::string& v);
  Statement& bind(int i, const char* v) { return bind(i, std::string(v)); }
  Statement& bind_null(int i);
  template <typename T>
  Statement& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  // Steps once: true when a row is ready, false when done; an Error on failure.
  Result<bool> step();
  // Runs a statement that returns no rows.
  Status run();
  // Ready to run again: no pending row, no bindings.
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
  double column_double(int i) const { return sqlite3_column_double(stmt_, i); }
  std::string column_text(int i) const;
  bool column_is_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

 private:
  friend class Connection;
  Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  sqlite3_stmt* stmt_;
  sqlite3* db_;
};

// Resets a cached statement when the scope ends.
struct ResetOnExit {
  Statement* statement;
  ~ResetOnExit() { statement->reset(); }
};

Error db_error(const std::string& what, const std::string& message);

}  // namespace arena::db
