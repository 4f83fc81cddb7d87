// Opening the database for commands that only read what others recorded.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "db/sql_store.h"

namespace arena::cli {

// An existing database only: a mistyped path must not become a new empty file. `hint` says
// how a database gets made, e.g. "record matches with arena play --db". A PostgreSQL URL is
// taken as it is (the server says whether the database exists).
inline Result<std::unique_ptr<db::SqlStore>> open_existing_store(const std::string& path,
                                                                 const std::string& hint) {
  if (db::is_postgres_url(path)) return db::SqlStore::open(path);
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    std::fclose(f);
  } else {
    return make_error("no_db", "no database at '" + path + "' (" + hint + ")");
  }
  return db::SqlStore::open(path);
}

}  // namespace arena::cli
