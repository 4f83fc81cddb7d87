// The schema as an ordered list of migrations, written in SQLite's dialect; PostgreSQL's are
// derived from them word for word (migrations.cc says how). The version applied is SQLite's
// PRAGMA user_version, or PostgreSQL's one-row table schema_version; start-up applies the
// rest, each in its own transaction. Migrations only add (tables, columns, indexes): none
// drops or rewrites stored data.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "db/sql.h"

namespace arena::db {

// Migration i (0-based) takes the schema from version i to i + 1, in SQLite's dialect.
const std::vector<std::string>& migrations();
// Migration i in `dialect`.
std::string migration_sql(Dialect dialect, int i);

// Brings the database up to the latest version (or to `target`, for tests).
// A database from a newer version of Arena is an error, never a downgrade.
Status migrate(Connection& db, int target = -1);

Result<int> schema_version(Connection& db);

}  // namespace arena::db
