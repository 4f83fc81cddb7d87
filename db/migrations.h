// The schema as an ordered list of migrations. PRAGMA user_version holds how many have
// been applied; start-up applies the rest, each in its own transaction. Migrations only
// add (tables, columns, indexes): none drops or rewrites stored data.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"

namespace arena::db {

// Migration i (0-based) takes the schema from version i to i + 1.
const std::vector<std::string>& migrations();

// Brings the database up to the latest version (or to `target`, for tests).
// A file from a newer version of Arena is an error, never a downgrade.
Status migrate(Connection& db, int target = -1);

Result<int> schema_version(Connection& db);

}  // namespace arena::db
