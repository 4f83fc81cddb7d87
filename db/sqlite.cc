#include "db/sqlite.h"

namespace arena::db {

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path, bool create) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return db_error("cannot open '" + path + "'", message);
  }
  std::unique_ptr<SqliteConnection> c(new SqliteConnection(db));
  sqlite3_busy_timeout(db, 5000);
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=FULL"}) {
    if (Status s = c->exec(pragma); !s.ok()) return s.error();
  }
  return c;
}

SqliteConnection::~SqliteConnection() {
  cache_.clear();  // a connection with live statements would not close
  sqlite3_close(db_);
}

Status SqliteConnection::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return db_error(sql.substr(0, 60), message);
  }
  return ok_status();
}

Result<SqliteStatement> SqliteConnection::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    return db_error("prepare " + sql.substr(0, 60), sqlite3_errmsg(db_));
  }
  return SqliteStatement(stmt, db_);
}

Result<Statement*> SqliteConnection::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    Result<SqliteStatement> fresh = prepare(sql);
    if (!fresh.ok()) return fresh.error();
    it = cache_.emplace(sql, std::make_unique<SqliteStatement>(std::move(fresh).value())).first;
  }
  it->second->reset();
  return it->second.get();
}

Status SqliteConnection::begin(Transaction kind) {
  // IMMEDIATE takes the write lock now, so a batch never fails half-way for want of it.
  return control(kind == Transaction::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
}

Status SqliteConnection::control(const std::string& sql) {
  Result<Statement*> stmt = cached(sql);
  if (!stmt.ok()) return stmt.error();
  ResetOnExit reset{*stmt};
  return (*stmt)->run();
}

Statement& SqliteStatement::bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& SqliteStatement::bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Statement& SqliteStatement::bind(int i, const std::string& v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& SqliteStatement::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

Result<bool> SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_error(
      std::string("step ") + (sqlite3_sql(stmt_) ? std::string(sqlite3_sql(stmt_)).substr(0, 60) : ""),
      sqlite3_errmsg(db_));
}

Statement::Kind SqliteStatement::column_kind(int i) const {
  switch (sqlite3_column_type(stmt_, i)) {
    case SQLITE_NULL:
      return Kind::kNull;
    case SQLITE_INTEGER:
      return Kind::kInt;
    case SQLITE_FLOAT:
      return Kind::kDouble;
    default:
      return Kind::kText;
  }
}

std::string SqliteStatement::column_text(int i) const {
  const unsigned char* text = sqlite3_column_text(stmt_, i);
  return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, i))
              : std::string();
}

}  // namespace arena::db
