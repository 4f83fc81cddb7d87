// The lock `arena serve` holds on its database for the life of the process, so that a second
// server on the same database refuses to start (two servers would each recover and replay the
// other's live matches). Other commands (`arena ratings`, `arena export`) still read it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace arena::db {

class ServeLock {
 public:
  virtual ~ServeLock() = default;
};

// SQLite: flock on the file (apart from SQLite's own fcntl locks). PostgreSQL: a session
// advisory lock on a connection of its own. A "db_busy" Error when another server holds it.
Result<std::unique_ptr<ServeLock>> lock_for_serving(const std::string& where);

// The locks of the nodes of one arena on a PostgreSQL database (arena serve --node): each
// node holds its own for as long as it lives, so a node's lock that another can take is a
// dead node's (the database releases a session lock when the connection ends, a killed
// process's included). A node also takes the house lock once: the house matches run on the
// node that holds it, and on no other.
class NodeLocks {
 public:
  virtual ~NodeLocks() = default;
  // Other nodes with pending or active matches (0: a single server's, left by one that
  // stopped before the nodes started: no one holds a lock for them).
  virtual Result<std::vector<int64_t>> nodes_with_live_matches() = 0;
  // Takes a node's lock when it is free (true): the node is dead, and its matches are the
  // taker's to claim (Store::claim_matches) until release(). False: that node is alive.
  virtual Result<bool> try_take(int64_t node) = 0;
  virtual Status release(int64_t node) = 0;
  // Takes the house lock when it is free; once held, true until the process ends.
  virtual Result<bool> try_take_house() = 0;
  // The database's name (every node of the arena sees the same).
  virtual Result<std::string> database_name() = 0;
};

// Takes node `node`'s lock on the PostgreSQL database at `url` (waiting a few seconds for a
// predecessor's session to go): "db_busy" when a live node has that number; "bad_request"
// when `url` is not a PostgreSQL URL or the build has no PostgreSQL.
Result<std::unique_ptr<NodeLocks>> lock_node(const std::string& url, int64_t node);

}  // namespace arena::db
