#include "db/postgres.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace arena::db {
namespace {

constexpr Oid kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701;  // pg_type oids; 0: inferred

// The server's message on one line: "ERROR:  x\nDETAIL:  y\n" reads "x; DETAIL: y".
std::string message_of(const char* text) {
  std::string m = text ? text : "";
  if (m.rfind("ERROR:  ", 0) == 0) m.erase(0, 8);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  for (size_t at; (at = m.find("\n")) != std::string::npos;) m.replace(at, 1, "; ");
  for (size_t at; (at = m.find(":  ")) != std::string::npos;) m.replace(at, 3, ": ");
  return m;
}

}  // namespace

std::pair<std::string, int> postgres_parameters(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int next = 0, most = 0;
  char quote = 0;  // inside '...' or "..."
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      out += c;
      if (c == quote) quote = 0;  // a doubled quote closes and reopens: same result
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c != '?') {
      out += c;
      continue;
    }
    size_t j = i + 1;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') ++j;
    const int n = j > i + 1 ? std::atoi(sql.substr(i + 1, j - i - 1).c_str()) : ++next;
    out += "$" + std::to_string(n);
    most = std::max(most, n);
    i = j - 1;
  }
  return {out, most};
}

// ---------------------------------------------------------------------------------------

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::open(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (!conn) return db_error("cannot connect to PostgreSQL", "out of memory");
  std::unique_ptr<PostgresConnection> c(new PostgresConnection(conn));
  if (PQstatus(conn) != CONNECTION_OK) {
    return db_error("cannot connect to PostgreSQL at '" + url + "'", message_of(PQerrorMessage(conn)));
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return c;
}

PostgresConnection::~PostgresConnection() {
  cache_.clear();
  PQfinish(conn_);
}

Status PostgresConnection::exec(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  const ExecStatusType status = PQresultStatus(r);
  Status out = ok_status();
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    out = db_error(sql.substr(0, 60), message_of(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_)));
  }
  PQclear(r);
  return out;
}

Result<Statement*> PostgresConnection::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto [text, params] = postgres_parameters(sql);
    std::unique_ptr<PostgresStatement> s(
        new PostgresStatement(conn_, "s" + std::to_string(cache_.size()), std::move(text), params));
    it = cache_.emplace(sql, std::move(s)).first;
  }
  it->second->reset();
  return it->second.get();
}

Status PostgresConnection::begin(Transaction kind) {
  return exec(kind == Transaction::kWrite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

// ---------------------------------------------------------------------------------------

PostgresStatement::PostgresStatement(PGconn* conn, std::string name, std::string sql, int params)
    : conn_(conn), name_(std::move(name)), sql_(std::move(sql)), values_(params), types_(params, 0) {}

Statement& PostgresStatement::set(int i, std::optional<std::string> value, Oid type) {
  if (i >= 1 && i <= static_cast<int>(values_.size())) {
    values_[i - 1] = std::move(value);
    if (!prepared_) types_[i - 1] = type;
  }
  return *this;
}

Statement& PostgresStatement::bind(int i, int64_t v) { return set(i, std::to_string(v), kInt8); }

Statement& PostgresStatement::bind(int i, double v) {
  if (std::isnan(v)) return set(i, "NaN", kFloat8);
  if (std::isinf(v)) return set(i, v > 0 ? "Infinity" : "-Infinity", kFloat8);
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back exactly
  return set(i, std::string(buf, end), kFloat8);
}

Statement& PostgresStatement::bind(int i, const std::string& v) { return set(i, v, 0); }

Statement& PostgresStatement::bind_null(int i) { return set(i, std::nullopt, 0); }

void PostgresStatement::reset() {
  PQclear(result_);
  result_ = nullptr;
  executed_ = false;
  row_ = -1;
  for (auto& v : values_) v.reset();
}

Status PostgresStatement::execute() {
  const int n = static_cast<int>(values_.size());
  if (!prepared_) {
    PGresult* p = PQprepare(conn_, name_.c_str(), sql_.c_str(), n, types_.data());
    const bool done = PQresultStatus(p) == PGRES_COMMAND_OK;
    std::string error = done ? "" : message_of(p ? PQresultErrorMessage(p) : PQerrorMessage(conn_));
    PQclear(p);
    if (!done) return db_error("prepare " + sql_.substr(0, 60), error);
    prepared_ = true;
  }
  std::vector<const char*> values(n);
  std::vector<int> lengths(n);
  for (int i = 0; i < n; ++i) {
    values[i] = values_[i] ? values_[i]->c_str() : nullptr;
    lengths[i] = values_[i] ? static_cast<int>(values_[i]->size()) : 0;
  }
  result_ = PQexecPrepared(conn_, name_.c_str(), n, values.data(), lengths.data(), nullptr, 0);
  const ExecStatusType status = PQresultStatus(result_);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return db_error("step " + sql_.substr(0, 60),
                    message_of(result_ ? PQresultErrorMessage(result_) : PQerrorMessage(conn_)));
  }
  const char* tuples = PQcmdTuples(result_);
  changes_ = tuples && *tuples ? std::atoi(tuples) : 0;
  return ok_status();
}

Result<bool> PostgresStatement::step() {
  if (!executed_) {
    executed_ = true;
    if (Status s = execute(); !s.ok()) {
      PQclear(result_);
      result_ = nullptr;
      return s.error();
    }
  }
  if (!result_) return false;
  ++row_;
  return row_ < PQntuples(result_);
}

Statement::Kind PostgresStatement::column_kind(int i) const {
  if (PQgetisnull(result_, row_, i)) return Kind::kNull;
  switch (PQftype(result_, i)) {
    case kInt8:
    case kInt4:
    case kInt2:
      return Kind::kInt;
    case kFloat8:
    case kFloat4:
      return Kind::kDouble;
    default:
      return Kind::kText;
  }
}

int64_t PostgresStatement::column_int(int i) const {
  return std::strtoll(PQgetvalue(result_, row_, i), nullptr, 10);
}

double PostgresStatement::column_double(int i) const {
  return std::strtod(PQgetvalue(result_, row_, i), nullptr);  // reads NaN and Infinity too
}

std::string PostgresStatement::column_text(int i) const {
  return std::string(PQgetvalue(result_, row_, i), PQgetlength(result_, row_, i));
}

}  // namespace arena::db
