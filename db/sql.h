// The store's view of a SQL database: a connection and its prepared statements, the same for
// every backend (SQLite in sqlite.h, PostgreSQL in postgres.h). SQL is written once, in the
// subset both dialects share: parameters are `?` or `?N` (1-based; PostgreSQL's driver turns
// them into `$N`), ids come back with `RETURNING id`, times are bound as ISO-8601 text.
// Errors come back as Result/Status values carrying the database's message.
// Not thread-safe: one connection per thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"

namespace arena::db {

enum class Dialect { kSqlite, kPostgres };

class Statement {
 public:
  virtual ~Statement() = default;

  // Binds by 1-based index; chainable.
  virtual Statement& bind(int i, int64_t v) = 0;
  virtual Statement& bind(int i, double v) = 0;
  virtual Statement& bind(int i, const std::string& v) = 0;
  virtual Statement& bind_null(int i) = 0;
  Statement& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Statement& bind(int i, const char* v) { return bind(i, std::string(v)); }
  template <typename T>
  Statement& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  // Steps once: true when a row is ready, false when done; an Error on failure.
  virtual Result<bool> step() = 0;
  // Runs a statement that returns no rows.
  Status run() {
    Result<bool> r = step();
    if (!r.ok()) return r.error();
    return ok_status();
  }
  // Ready to run again: no pending row, no bindings.
  virtual void reset() = 0;
  // Rows inserted, updated or deleted by the last run.
  virtual int changes() const = 0;

  // What a result column holds in the current row.
  enum class Kind { kNull, kInt, kDouble, kText };
  virtual int column_count() const = 0;
  virtual std::string column_name(int i) const = 0;
  virtual Kind column_kind(int i) const = 0;

  virtual int64_t column_int(int i) const = 0;
  virtual double column_double(int i) const = 0;
  virtual std::string column_text(int i) const = 0;
  virtual bool column_is_null(int i) const = 0;
};

// What a transaction is for: a write takes the write lock at once (SQLite's IMMEDIATE); a read
// sees one snapshot throughout (PostgreSQL's REPEATABLE READ).
enum class Transaction { kWrite, kRead };

class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;
  // Runs one or more statements without binds or rows (schema, transaction control).
  virtual Status exec(const std::string& sql) = 0;
  // A statement prepared once per connection and kept: parsing SQL is most of a small write's
  // cost. Reset, with no bindings, when handed out; reset it again after use (a ResetOnExit
  // does) so that it holds no read snapshot.
  virtual Result<Statement*> cached(const std::string& sql) = 0;
  virtual Status begin(Transaction kind) = 0;
  // Transaction control inside begin()'s transaction: COMMIT, ROLLBACK, SAVEPOINT x,
  // ROLLBACK TO x, RELEASE x.
  virtual Status control(const std::string& sql) { return exec(sql); }
  // False once the connection is lost (a restarted server): a pool drops it.
  virtual bool usable() const { return true; }
};

// Resets a cached statement when the scope ends.
struct ResetOnExit {
  Statement* statement;
  ~ResetOnExit() { statement->reset(); }
};

Error db_error(const std::string& what, const std::string& message);

// Now, as the store writes times: ISO-8601 UTC with milliseconds ("2026-11-26T04:43:19.123Z").
std::string now_utc();
// `seconds` from now, in the same form.
std::string utc_in(int64_t seconds);

}  // namespace arena::db
