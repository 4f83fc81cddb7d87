// The lock `arena serve` holds on its database for the life of the process, so that a second
// server on the same database refuses to start (two servers would each recover and replay the
// other's live matches). Other commands (`arena ratings`, `arena export`) still read it.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"

namespace arena::db {

class ServeLock {
 public:
  virtual ~ServeLock() = default;
};

// SQLite: flock on the file (apart from SQLite's own fcntl locks). PostgreSQL: a session
// advisory lock on a connection of its own. A "db_busy" Error when another server holds it.
Result<std::unique_ptr<ServeLock>> lock_for_serving(const std::string& where);

}  // namespace arena::db
