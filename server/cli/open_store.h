// Opening the database for commands that only read what others recorded.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "db/sqlite_store.h"

namespace arena::cli {

// An existing database only: a mistyped path must not become a new empty file. `hint` says
// how a database gets made, e.g. "record matches with arena play --db".
inline Result<std::unique_ptr<db::SqliteStore>> open_existing_store(const std::string& path,
                                                                    const std::string& hint) {
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    std::fclose(f);
  } else {
    return make_error("no_db", "no database at '" + path + "' (" + hint + ")");
  }
  return db::SqliteStore::open(path);
}

}  // namespace arena::cli
