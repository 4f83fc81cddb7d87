// The PostgreSQL driver: a connection and its prepared statements over libpq, behind the
// store's Connection and Statement (sql.h). Parameters written `?` or `?N` become `$N`;
// values travel as text, results come back as text.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "db/sql.h"

namespace arena::db {

class PostgresStatement final : public Statement {
 public:
  ~PostgresStatement() override { PQclear(result_); }
  PostgresStatement(const PostgresStatement&) = delete;
  PostgresStatement& operator=(const PostgresStatement&) = delete;

  using Statement::bind;
  Statement& bind(int i, int64_t v) override;
  Statement& bind(int i, double v) override;
  Statement& bind(int i, const std::string& v) override;
  Statement& bind_null(int i) override;

  Result<bool> step() override;
  void reset() override;
  int changes() const override { return changes_; }

  int column_count() const override { return result_ ? PQnfields(result_) : 0; }
  std::string column_name(int i) const override { return PQfname(result_, i); }
  Kind column_kind(int i) const override;
  int64_t column_int(int i) const override;
  double column_double(int i) const override;
  std::string column_text(int i) const override;
  bool column_is_null(int i) const override { return PQgetisnull(result_, row_, i) != 0; }

 private:
  friend class PostgresConnection;
  PostgresStatement(PGconn* conn, std::string name, std::string sql, int params);
  Statement& set(int i, std::optional<std::string> value, Oid type);
  Status execute();

  PGconn* conn_;
  const std::string name_, sql_;  // sql_ with $N parameters
  bool prepared_ = false;
  std::vector<std::optional<std::string>> values_;
  std::vector<Oid> types_;  // of the first binding: the server infers the rest from context
  PGresult* result_ = nullptr;
  int row_ = -1, changes_ = 0;
  bool executed_ = false;
};

class PostgresConnection final : public Connection {
 public:
  // Connects to `url` (a libpq URI), quietly: notices are dropped.
  static Result<std::unique_ptr<PostgresConnection>> open(const std::string& url);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  Status exec(const std::string& sql) override;
  Result<Statement*> cached(const std::string& sql) override;
  Status begin(Transaction kind) override;
  bool usable() const override { return PQstatus(conn_) == CONNECTION_OK; }

 private:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  std::unordered_map<std::string, std::unique_ptr<PostgresStatement>> cache_;
  PGconn* conn_;
};

// `sql` with `?` and `?N` parameters written as PostgreSQL's `$N` (quoted text left alone),
// and how many parameters it takes.
std::pair<std::string, int> postgres_parameters(const std::string& sql);

}  // namespace arena::db
