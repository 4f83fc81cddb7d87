#include "db/migrations.h"

#include <regex>

namespace arena::db {

const std::vector<std::string>& migrations() {
  static const std::vector<std::string> all = {
      // 1: the arena's core tables.
      R"sql(
CREATE TABLE players (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('human', 'bot', 'agent', 'engine', 'puzzle')),
  spec TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  player_id INTEGER NOT NULL REFERENCES players(id),
  token_sha256 TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  revoked_at TEXT
);
CREATE TABLE agent_versions (
  id INTEGER PRIMARY KEY,
  player_id INTEGER NOT NULL REFERENCES players(id),
  run TEXT NOT NULL,
  step INTEGER NOT NULL,
  checkpoint_path TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (run, step)
);
CREATE TABLE matches (
  id INTEGER PRIMARY KEY,
  game TEXT NOT NULL,
  rating_group TEXT NOT NULL,
  rated INTEGER NOT NULL CHECK (rated IN (0, 1)),
  status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'finished', 'aborted')),
  seed INTEGER NOT NULL,
  time_control TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  started_at TEXT,
  ended_at TEXT,
  result TEXT,
  termination TEXT,
  puzzle_player_id INTEGER REFERENCES players(id)
);
CREATE INDEX matches_by_group ON matches (rating_group, status, id);
CREATE INDEX matches_by_status ON matches (status, id);
CREATE TABLE seats (
  match_id INTEGER NOT NULL REFERENCES matches(id),
  seat INTEGER NOT NULL,
  player_id INTEGER NOT NULL REFERENCES players(id),
  PRIMARY KEY (match_id, seat)
);
CREATE INDEX seats_by_player ON seats (player_id, match_id);
CREATE TABLE moves (
  match_id INTEGER NOT NULL REFERENCES matches(id),
  ply INTEGER NOT NULL,
  seat INTEGER NOT NULL,
  action TEXT NOT NULL,
  step TEXT NOT NULL,
  think_ms INTEGER NOT NULL,
  clocks_ms TEXT NOT NULL,
  rewards TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (match_id, ply)
) WITHOUT ROWID;
CREATE TABLE ratings (
  player_id INTEGER NOT NULL REFERENCES players(id),
  game TEXT NOT NULL,
  rating REAL NOT NULL,
  deviation REAL NOT NULL,
  volatility REAL NOT NULL,
  games INTEGER NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (player_id, game)
);
CREATE TABLE rating_history (
  id INTEGER PRIMARY KEY,
  player_id INTEGER NOT NULL REFERENCES players(id),
  game TEXT NOT NULL,
  match_id INTEGER NOT NULL REFERENCES matches(id),
  rating REAL NOT NULL,
  deviation REAL NOT NULL,
  volatility REAL NOT NULL,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX rating_history_by_player ON rating_history (player_id, game, id);
CREATE TABLE puzzles (
  id INTEGER PRIMARY KEY,
  game TEXT NOT NULL,
  spec TEXT NOT NULL UNIQUE,
  difficulty REAL NOT NULL,
  player_id INTEGER NOT NULL UNIQUE REFERENCES players(id)
);
)sql",
      // 2: training runs of the shared network, so that a report can tell the shared agent,
      // single-game specialists and transfer runs apart (their checkpoints are agent_versions).
      R"sql(
CREATE TABLE training_runs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  games TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('shared', 'specialist', 'transfer', 'scratch')),
  init_from TEXT NOT NULL DEFAULT '',
  frozen_trunk INTEGER NOT NULL DEFAULT 0 CHECK (frozen_trunk IN (0, 1)),
  budget_steps INTEGER NOT NULL DEFAULT 0,
  steps INTEGER NOT NULL DEFAULT 0,
  device TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
)sql",
      // 3: browser sessions, apart from the bots' tokens (the store keeps each session id's
      // SHA-256 only); and names compared case-insensitively when a player registers.
      R"sql(
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  player_id INTEGER NOT NULL REFERENCES players(id),
  session_sha256 TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX players_by_name_nocase ON players (name COLLATE NOCASE);
)sql",
      // 4: a cache of exploitability figures (chips per hand, exact best response), one per
      // (rating group, player name), written by `arena report generalization` and `arena poker
      // exploitability --db`, read by the leaderboard: never computed on a request.
      R"sql(
CREATE TABLE exploitability (
  rating_group TEXT NOT NULL,
  player TEXT NOT NULL,
  value REAL NOT NULL,
  low REAL NOT NULL,
  high REAL NOT NULL,
  method TEXT NOT NULL CHECK (method IN ('exact', 'sampled')),
  samples INTEGER NOT NULL DEFAULT 0,
  computed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (rating_group, player)
);
)sql",
      // 5: names compared case-insensitively by lower(), which both SQLite and PostgreSQL have
      // (ASCII letters only in both: PostgreSQL's text here collates as "C").
      R"sql(
CREATE INDEX players_by_lower_name ON players (lower(name));
)sql",
      // 6: the node hosting each match while it is live (arena serve --node; 0 on a single
      // server), so that a node recovers its own matches and takes over a dead node's.
      R"sql(
ALTER TABLE matches ADD COLUMN node INTEGER NOT NULL DEFAULT 0;
CREATE INDEX matches_by_node ON matches (node, status);
)sql",
  };
  return all;
}

namespace {

// PostgreSQL's migrations are SQLite's with these replacements, in order (whole words):
// identities for rowids, 64-bit integers, doubles, text that sorts by bytes as SQLite's does,
// the same time format. PostgreSQL databases are new (no names registered before the
// case-insensitive check), and several servers may write one: the index itself refuses a
// second spelling of a name there.
const std::vector<std::pair<std::regex, std::string>>& postgres_rewrites() {
  static const std::vector<std::pair<std::regex, std::string>> rules = {
      {std::regex(R"(\(strftime\('%Y-%m-%dT%H:%M:%fZ', 'now'\)\))"),
       R"((to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))"},
      {std::regex(R"(\bINTEGER PRIMARY KEY\b)"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
      {std::regex(R"(\bINTEGER\b)"), "BIGINT"},
      {std::regex(R"(\bREAL\b)"), "DOUBLE PRECISION"},
      {std::regex(R"(\bTEXT\b)"), R"(TEXT COLLATE "C")"},
      {std::regex(R"(\) WITHOUT ROWID;)"), ");"},
      {std::regex(R"(\(name COLLATE NOCASE\))"), "(name)"},
      {std::regex(R"(CREATE INDEX players_by_lower_name)"), "CREATE UNIQUE INDEX players_by_lower_name"},
  };
  return rules;
}

// Serialises migrations among servers starting together on one PostgreSQL database.
constexpr const char* kPostgresMigrationLock = "SELECT pg_advisory_xact_lock(20261202)";

Status set_version(Connection& db, int version) {
  if (db.dialect() == Dialect::kSqlite) return db.exec("PRAGMA user_version = " + std::to_string(version));
  return db.exec("DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES (" +
                 std::to_string(version) + ")");
}

Result<int> read_int(Connection& db, const std::string& sql) {
  Result<Statement*> stmt = db.cached(sql);
  if (!stmt.ok()) return stmt.error();
  ResetOnExit reset{*stmt};
  Result<bool> row = (*stmt)->step();
  if (!row.ok()) return row.error();
  return *row ? static_cast<int>((*stmt)->column_int(0)) : 0;
}

}  // namespace

std::string migration_sql(Dialect dialect, int i) {
  std::string sql = migrations().at(static_cast<size_t>(i));
  if (dialect == Dialect::kSqlite) return sql;
  for (const auto& [pattern, replacement] : postgres_rewrites())
    sql = std::regex_replace(sql, pattern, replacement);
  return sql;
}

Result<int> schema_version(Connection& db) {
  if (db.dialect() == Dialect::kSqlite) return read_int(db, "PRAGMA user_version");
  Result<int> exists = read_int(db,
                                "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() "
                                "AND tablename = 'schema_version'");
  if (!exists.ok() || *exists == 0) return exists;
  return read_int(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
}

Status migrate(Connection& db, int target) {
  const int latest = static_cast<int>(migrations().size());
  if (target < 0) target = latest;
  if (target > latest) {
    return make_error("db_error", "no migration to version " + std::to_string(target) + " (the latest is " +
                                      std::to_string(latest) + ")");
  }
  const bool postgres = db.dialect() == Dialect::kPostgres;
  // One transaction per migration, its version bump inside it, so a crash leaves one or the
  // other; the version is read again under the lock each time (another server may be ahead).
  for (;;) {
    if (Status s = db.begin(Transaction::kWrite); !s.ok()) return s.error();
    auto fail = [&db](const Error& e) -> Status {
      (void)db.exec("ROLLBACK");
      return e;
    };
    if (postgres) {
      if (Status s = db.exec(std::string(kPostgresMigrationLock) +
                             "; CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)");
          !s.ok())
        return fail(s.error());
    }
    Result<int> version = schema_version(db);
    if (!version.ok()) return fail(version.error());
    if (*version > latest) {
      return fail(make_error("db_error", "the database has schema version " + std::to_string(*version) +
                                             ", newer than this arena knows (" + std::to_string(latest) +
                                             ")"));
    }
    if (*version >= target) return db.exec("COMMIT");
    const int v = *version;
    Status s = db.exec(migration_sql(db.dialect(), v));
    if (s.ok()) s = set_version(db, v + 1);
    if (s.ok()) s = db.exec("COMMIT");
    if (!s.ok()) {
      return fail(make_error(
          "db_error", "migration to version " + std::to_string(v + 1) + " failed: " + s.error().message));
    }
  }
}

}  // namespace arena::db
