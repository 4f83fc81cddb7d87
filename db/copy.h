// Copying an arena from one database to another (SQLite to PostgreSQL or back): every table,
// row by row with its ids, in one transaction on the target; `arena db copy` checks the
// result with row counts and a ratings recomputation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/sql.h"

namespace arena::db {

// The tables of the schema in an order that inserts every referenced row first.
const std::vector<std::string>& tables_in_dependency_order();

struct TableCount {
  std::string table;
  int64_t rows = 0;
};

// Rows per table.
Result<std::vector<TableCount>> count_rows(Connection& db);

// Copies every table of `from` into `to`. Both must be at the latest schema version (open
// each as a store first) and `to` must hold no rows: an arena is moved, never merged. Reads
// `from` in one snapshot; writes `to` in one transaction, so a failure leaves it empty.
// Gives the rows copied per table.
Result<std::vector<TableCount>> copy_database(Connection& from, Connection& to);

}  // namespace arena::db
