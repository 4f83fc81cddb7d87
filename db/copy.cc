#include "db/copy.h"

#include "db/migrations.h"

namespace arena::db {
namespace {

Result<int64_t> count(Connection& db, const std::string& table) {
  Result<Statement*> s = db.cached("SELECT COUNT(*) FROM " + table);
  if (!s.ok()) return s.error();
  ResetOnExit reset{*s};
  Result<bool> row = (*s)->step();
  if (!row.ok()) return row.error();
  return *row ? (*s)->column_int(0) : 0;
}

// Copies one table's rows, each value as the type it is stored as (an SQLite REAL read as
// text would lose digits).
Result<int64_t> copy_table(Connection& from, Connection& to, const std::string& table) {
  Result<Statement*> read = from.cached("SELECT * FROM " + table);
  if (!read.ok()) return read.error();
  ResetOnExit reset_read{*read};
  Statement* insert = nullptr;
  std::optional<ResetOnExit> reset_insert;
  int64_t rows = 0;
  for (;;) {
    Result<bool> row = (*read)->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    const int columns = (*read)->column_count();
    if (!insert) {
      std::string names, marks;
      for (int c = 0; c < columns; ++c) {
        names += (c ? ", " : "") + (*read)->column_name(c);
        marks += c ? ", ?" : "?";
      }
      Result<Statement*> s = to.cached("INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")");
      if (!s.ok()) return s.error();
      insert = *s;
      reset_insert.emplace(ResetOnExit{insert});
    }
    insert->reset();
    for (int c = 0; c < columns; ++c) {
      switch ((*read)->column_kind(c)) {
        case Statement::Kind::kNull:
          insert->bind_null(c + 1);
          break;
        case Statement::Kind::kInt:
          insert->bind(c + 1, (*read)->column_int(c));
          break;
        case Statement::Kind::kDouble:
          insert->bind(c + 1, (*read)->column_double(c));
          break;
        case Statement::Kind::kText:
          insert->bind(c + 1, (*read)->column_text(c));
          break;
      }
    }
    if (Status s = insert->run(); !s.ok())
      return make_error(s.error().code, table + ": " + s.error().message);
    ++rows;
  }
  return rows;
}

}  // namespace

const std::vector<std::string>& tables_in_dependency_order() {
  static const std::vector<std::string> tables = {
      "players", "api_tokens", "sessions",       "agent_versions", "matches",       "seats",
      "moves",   "ratings",    "rating_history", "puzzles",        "training_runs", "exploitability"};
  return tables;
}

Result<std::vector<TableCount>> count_rows(Connection& db) {
  std::vector<TableCount> out;
  for (const std::string& table : tables_in_dependency_order()) {
    Result<int64_t> n = count(db, table);
    if (!n.ok()) return n.error();
    out.push_back({table, *n});
  }
  return out;
}

Result<std::vector<TableCount>> copy_database(Connection& from, Connection& to) {
  const int latest = static_cast<int>(migrations().size());
  for (Connection* db : {&from, &to}) {
    Result<int> version = schema_version(*db);
    if (!version.ok()) return version.error();
    if (*version != latest) {
      return make_error("db_error", std::string(db == &from ? "the source" : "the target") +
                                        " is at schema version " + std::to_string(*version) + ", not " +
                                        std::to_string(latest) + ": open it with this arena first");
    }
  }
  Result<std::vector<TableCount>> existing = count_rows(to);
  if (!existing.ok()) return existing.error();
  for (const TableCount& t : *existing) {
    if (t.rows != 0) {
      return make_error("not_empty", "the target already holds rows (" + t.table + ": " +
                                         std::to_string(t.rows) + "); copy into a new database");
    }
  }

  if (Status s = from.begin(Transaction::kRead); !s.ok()) return s.error();
  struct EndRead {
    Connection& c;
    ~EndRead() { (void)c.control("COMMIT"); }
  } end_read{from};
  if (Status s = to.begin(Transaction::kWrite); !s.ok()) return s.error();
  auto fail = [&to](const Error& e) -> Error {
    (void)to.control("ROLLBACK");
    return e;
  };
  std::vector<TableCount> copied;
  for (const std::string& table : tables_in_dependency_order()) {
    Result<int64_t> rows = copy_table(from, to, table);
    if (!rows.ok()) return fail(rows.error());
    copied.push_back({table, *rows});
  }
  // PostgreSQL's identities do not follow explicit ids: the next row must come after the last.
  if (to.dialect() == Dialect::kPostgres) {
    for (const char* table : {"players", "api_tokens", "sessions", "agent_versions", "matches",
                              "rating_history", "puzzles", "training_runs"}) {
      const std::string t = table;
      if (Status s = to.exec("SELECT setval(pg_get_serial_sequence('" + t +
                             "', 'id'), COALESCE(MAX(id), 1), " + "MAX(id) IS NOT NULL) FROM " + t);
          !s.ok())
        return fail(s.error());
    }
  }
  if (Status s = to.control("COMMIT"); !s.ok()) return fail(s.error());
  return copied;
}

}  // namespace arena::db
