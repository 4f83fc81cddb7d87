// The store on both backends (SQLite and PostgreSQL, each test once per backend): migrations,
// every write and read, callbacks after commit, readers during writes, and a writer killed
// mid-write (store_crash_writer.cc). SQLite's own settings and files are tested apart.
#include "db/sql_store.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "core/rng.h"
#include "db/migrations.h"
#include "tests/support/test_database.h"

namespace arena::db {
namespace {

template <typename T>
::testing::AssertionResult ok(const Result<T>& r) {
  if (r.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << r.error().code << ": " << r.error().message;
}

::testing::AssertionResult ok(const Status& s) {
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << s.error().code << ": " << s.error().message;
}

using testing::Backend;
using testing::BackendName;
using testing::backends;
using TempDb = testing::TestDatabase;

// The first column of the first row of `sql`, as text.
Result<std::string> query_text(Connection& c, const std::string& sql) {
  Result<Statement*> s = c.cached(sql);
  if (!s.ok()) return s.error();
  ResetOnExit reset{*s};
  Result<bool> row = (*s)->step();
  if (!row.ok()) return row.error();
  if (!*row) return make_error("no_row", sql);
  return (*s)->column_text(0);
}

MatchFilter filter(const std::string& game, const std::string& status, int64_t player_id = 0,
                   int64_t before_id = 0, int limit = 50) {
  MatchFilter f;
  f.game = game;
  f.status = status;
  f.player_id = player_id;
  f.before_id = before_id;
  f.limit = limit;
  return f;
}

// Empty when the plies of `moves` are exactly 0..n-1 in order; otherwise what is wrong.
std::string ply_gap(const std::vector<MoveRow>& moves) {
  for (size_t i = 0; i < moves.size(); ++i) {
    if (moves[i].ply != static_cast<int>(i)) {
      return "move " + std::to_string(i) + " has ply " + std::to_string(moves[i].ply);
    }
  }
  return "";
}

// ---------------------------------------------------------------------------------------
// Migrations

const char* const kTables[] = {"players", "api_tokens",    "agent_versions", "matches",
                               "seats",   "moves",         "ratings",        "rating_history",
                               "puzzles", "training_runs", "sessions"};

bool table_exists(Connection& c, const std::string& table) {
  Result<std::string> n = query_text(
      c, c.dialect() == Dialect::kSqlite
             ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'"
             : "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = '" +
                   table + "'");
  return n.ok() && *n == "1";
}

// Writes the schema version as a newer arena would have.
Status set_schema_version(Connection& c, int version) {
  return c.exec(c.dialect() == Dialect::kSqlite
                    ? "PRAGMA user_version = " + std::to_string(version)
                    : "UPDATE schema_version SET version = " + std::to_string(version));
}

class Migrations : public ::testing::TestWithParam<Backend> {};
INSTANTIATE_TEST_SUITE_P(Backends, Migrations, ::testing::ValuesIn(backends()), BackendName());

TEST_P(Migrations, AnEmptyFileReachesTheLatestVersionWithEveryTable) {
  TempDb db(GetParam());
  Result<std::unique_ptr<Connection>> c = db.connect(/*create=*/true);
  ASSERT_TRUE(ok(c));
  Result<int> before = schema_version(**c);
  ASSERT_TRUE(ok(before));
  EXPECT_EQ(*before, 0);
  ASSERT_TRUE(ok(migrate(**c)));
  Result<int> after = schema_version(**c);
  ASSERT_TRUE(ok(after));
  EXPECT_EQ(*after, static_cast<int>(migrations().size()));
  for (const char* table : kTables) EXPECT_TRUE(table_exists(**c, table)) << table;
}

// A row for each table, valid at the version that creates the table: later migrations
// only add, so these must still insert at that version and still be there at the latest.
struct FixtureRow {
  const char* table;
  std::vector<const char*> needs;  // tables the row refers to
  const char* insert;
  const char* check;  // counts the row: 1 while it is intact
};

const std::vector<FixtureRow>& fixture_rows() {
  static const std::vector<FixtureRow> rows = {
      {"players",
       {},
       "INSERT INTO players (id, name, kind, spec) VALUES (101, 'fixture', 'agent', 'random')",
       "SELECT COUNT(*) FROM players WHERE id = 101 AND name = 'fixture' AND kind = 'agent' AND spec = "
       "'random'"},
      {"api_tokens",
       {"players"},
       "INSERT INTO api_tokens (id, player_id, token_sha256, scopes) VALUES (102, 101, 'feed', 'play')",
       "SELECT COUNT(*) FROM api_tokens WHERE id = 102 AND player_id = 101 AND token_sha256 = 'feed' "
       "AND scopes = 'play'"},
      {"agent_versions",
       {"players"},
       "INSERT INTO agent_versions (id, player_id, run, step, checkpoint_path) VALUES (103, 101, 'r1', 7, "
       "'/c/7')",
       "SELECT COUNT(*) FROM agent_versions WHERE id = 103 AND run = 'r1' AND step = 7 AND checkpoint_path = "
       "'/c/7'"},
      {"matches",
       {},
       "INSERT INTO matches (id, game, rating_group, rated, status, seed, time_control) "
       "VALUES (104, 'kuhn_poker', 'kuhn_poker', 1, 'active', 42, 'untimed')",
       "SELECT COUNT(*) FROM matches WHERE id = 104 AND game = 'kuhn_poker' AND status = 'active' AND seed = "
       "42"},
      {"seats",
       {"matches", "players"},
       "INSERT INTO seats (match_id, seat, player_id) VALUES (104, 0, 101)",
       "SELECT COUNT(*) FROM seats WHERE match_id = 104 AND seat = 0 AND player_id = 101"},
      {"moves",
       {"matches"},
       "INSERT INTO moves (match_id, ply, seat, action, step, think_ms, clocks_ms, rewards) "
       "VALUES (104, 0, 0, 'bet', '1', 5, '[]', '[0,0]')",
       "SELECT COUNT(*) FROM moves WHERE match_id = 104 AND ply = 0 AND action = 'bet' AND think_ms = 5"},
      {"ratings",
       {"players"},
       "INSERT INTO ratings (player_id, game, rating, deviation, volatility, games) "
       "VALUES (101, 'kuhn_poker', 1600, 200, 0.06, 3)",
       "SELECT COUNT(*) FROM ratings WHERE player_id = 101 AND rating = 1600 AND games = 3"},
      {"rating_history",
       {"players", "matches"},
       "INSERT INTO rating_history (id, player_id, game, match_id, rating, deviation, volatility) "
       "VALUES (105, 101, 'kuhn_poker', 104, 1600, 200, 0.06)",
       "SELECT COUNT(*) FROM rating_history WHERE id = 105 AND match_id = 104 AND rating = 1600"},
      {"puzzles",
       {"players"},
       "INSERT INTO puzzles (id, game, spec, difficulty, player_id) VALUES (106, 'game24', 'g24', 0.5, 101)",
       "SELECT COUNT(*) FROM puzzles WHERE id = 106 AND spec = 'g24' AND difficulty = 0.5"},
      {"training_runs",
       {},
       "INSERT INTO training_runs (id, name, games, kind, steps) VALUES (107, 'r1', '[\"kuhn_poker\"]', "
       "'specialist', 7)",
       "SELECT COUNT(*) FROM training_runs WHERE id = 107 AND name = 'r1' AND kind = 'specialist' AND steps "
       "= 7"},
      {"sessions",
       {"players"},
       "INSERT INTO sessions (id, player_id, session_sha256, expires_at) VALUES (108, 101, 'beef', "
       "'2999-01-01T00:00:00.000Z')",
       "SELECT COUNT(*) FROM sessions WHERE id = 108 AND player_id = 101 AND session_sha256 = 'beef'"},
  };
  return rows;
}

TEST_P(Migrations, MigratingFromEveryEarlierVersionKeepsTheData) {
  const int latest = static_cast<int>(migrations().size());
  // Each fixture row's table appears at some version: check the list covers every table.
  ASSERT_EQ(fixture_rows().size(), std::size(kTables));
  for (int v = 0; v <= latest; ++v) {
    SCOPED_TRACE("from version " + std::to_string(v));
    TempDb db(GetParam());
    std::vector<const FixtureRow*> inserted;
    {
      Result<std::unique_ptr<Connection>> c = db.connect(/*create=*/true);
      ASSERT_TRUE(ok(c));
      ASSERT_TRUE(ok(migrate(**c, v)));
      Result<int> version = schema_version(**c);
      ASSERT_TRUE(ok(version));
      ASSERT_EQ(*version, v);
      for (const FixtureRow& row : fixture_rows()) {
        bool present = table_exists(**c, row.table);
        for (const char* needed : row.needs) present = present && table_exists(**c, needed);
        if (!present) continue;
        ASSERT_TRUE(ok((*c)->exec(row.insert))) << row.table;
        inserted.push_back(&row);
      }
    }
    {
      Result<std::unique_ptr<Connection>> c = db.connect();
      ASSERT_TRUE(ok(c));
      ASSERT_TRUE(ok(migrate(**c)));
      Result<int> version = schema_version(**c);
      ASSERT_TRUE(ok(version));
      EXPECT_EQ(*version, latest);
      for (const FixtureRow* row : inserted) {
        Result<std::string> n = query_text(**c, row->check);
        ASSERT_TRUE(ok(n)) << row->table;
        EXPECT_EQ(*n, "1") << row->table << " lost its row";
      }
      for (const char* table : kTables) EXPECT_TRUE(table_exists(**c, table)) << table;
    }
    if (v == latest) {
      EXPECT_EQ(inserted.size(), fixture_rows().size());
    }
    // The store reads what was stored before it opened the file.
    Result<std::unique_ptr<SqlStore>> store = SqlStore::open(db.where());
    ASSERT_TRUE(ok(store));
    if (!inserted.empty()) {
      Result<std::optional<PlayerRow>> p = (*store)->find_player("fixture");
      ASSERT_TRUE(ok(p));
      EXPECT_TRUE(p->has_value());
    }
  }
}

TEST_P(Migrations, MigratingPastTheLatestVersionIsAnError) {
  TempDb db(GetParam());
  Result<std::unique_ptr<Connection>> c = db.connect(/*create=*/true);
  ASSERT_TRUE(ok(c));
  const int latest = static_cast<int>(migrations().size());
  Status s = migrate(**c, latest + 1);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_error");
  Result<int> version = schema_version(**c);
  ASSERT_TRUE(ok(version));
  EXPECT_EQ(*version, 0) << "nothing applied";
}

TEST_P(Migrations, OpeningTwiceIsIdempotent) {
  TempDb db(GetParam());
  int64_t id = 0;
  {
    Result<std::unique_ptr<SqlStore>> store = SqlStore::open(db.where());
    ASSERT_TRUE(ok(store));
    Result<int64_t> r =
        wait([&](Store::DoneId d) { (*store)->ensure_player("ann", PlayerKind::kHuman, "", d); });
    ASSERT_TRUE(ok(r));
    id = *r;
  }
  {
    Result<std::unique_ptr<SqlStore>> store = SqlStore::open(db.where());
    ASSERT_TRUE(ok(store));
    Result<std::optional<PlayerRow>> p = (*store)->find_player("ann");
    ASSERT_TRUE(ok(p));
    ASSERT_TRUE(p->has_value());
    EXPECT_EQ((*p)->id, id);
  }
  Result<std::unique_ptr<Connection>> c = db.connect();
  ASSERT_TRUE(ok(c));
  ASSERT_TRUE(ok(migrate(**c)));
  ASSERT_TRUE(ok(migrate(**c)));
  Result<int> version = schema_version(**c);
  ASSERT_TRUE(ok(version));
  EXPECT_EQ(*version, static_cast<int>(migrations().size()));
  Result<std::string> players = query_text(**c, "SELECT COUNT(*) FROM players");
  ASSERT_TRUE(ok(players));
  EXPECT_EQ(*players, "1");
}

TEST_P(Migrations, AFileFromANewerVersionIsRefused) {
  TempDb db(GetParam());
  const int newer = static_cast<int>(migrations().size()) + 1;
  {
    Result<std::unique_ptr<Connection>> c = db.connect(/*create=*/true);
    ASSERT_TRUE(ok(c));
    ASSERT_TRUE(ok(migrate(**c)));
    ASSERT_TRUE(ok(set_schema_version(**c, newer)));
    Status again = migrate(**c);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, "db_error");
  }
  Result<std::unique_ptr<SqlStore>> store = SqlStore::open(db.where());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, "db_error");
  EXPECT_NE(store.error().message.find("newer"), std::string::npos) << store.error().message;
  // Never downgraded.
  Result<std::unique_ptr<Connection>> c = db.connect();
  ASSERT_TRUE(ok(c));
  Result<int> version = schema_version(**c);
  ASSERT_TRUE(ok(version));
  EXPECT_EQ(*version, newer);
}

TEST(SqliteMigrations, AFileThatIsNotADatabaseIsAnErrorNotACrash) {
  TempDb db;
  std::string garbage;
  Rng rng(7);
  for (int i = 0; i < 8192; ++i) garbage.push_back(static_cast<char>(rng.uniform(256)));
  {
    std::ofstream out(db.path(), std::ios::binary);
    out << garbage;
  }
  Result<std::unique_ptr<SqlStore>> store = SqlStore::open(db.where());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, "db_error");
  EXPECT_FALSE(store.error().message.empty());

  Result<std::unique_ptr<Connection>> c = db.connect();
  if (c.ok()) {
    EXPECT_FALSE(migrate(**c).ok());
  }
  // The file is left as it was.
  std::ifstream in(db.path(), std::ios::binary);
  std::stringstream now;
  now << in.rdbuf();
  EXPECT_EQ(now.str(), garbage);
}

TEST(SqliteMigrations, ConnectionsUseWalForeignKeysAndFullSync) {
  TempDb db;
  Result<std::unique_ptr<SqlStore>> store = SqlStore::open(db.where());
  ASSERT_TRUE(ok(store));
  Result<std::unique_ptr<Connection>> c = db.connect();
  ASSERT_TRUE(ok(c));
  Result<std::string> journal = query_text(**c, "PRAGMA journal_mode");
  ASSERT_TRUE(ok(journal));
  EXPECT_EQ(*journal, "wal");
  Result<std::string> fk = query_text(**c, "PRAGMA foreign_keys");
  ASSERT_TRUE(ok(fk));
  EXPECT_EQ(*fk, "1");
  Result<std::string> sync = query_text(**c, "PRAGMA synchronous");
  ASSERT_TRUE(ok(sync));
  EXPECT_EQ(*sync, "2");  // FULL: an acknowledged commit survives power loss
}

// ---------------------------------------------------------------------------------------
// Writes and reads

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<SqlStore>> s = SqlStore::open(db_.where());
    ASSERT_TRUE(ok(s));
    store_ = std::move(s).value();
  }

  Result<int64_t> ensure_player(const std::string& name, PlayerKind kind = PlayerKind::kAgent,
                                const std::string& spec = "random") {
    return wait([&](Store::DoneId d) { store_->ensure_player(name, kind, spec, std::move(d)); });
  }
  int64_t player(const std::string& name) {
    Result<int64_t> id = ensure_player(name);
    EXPECT_TRUE(ok(id)) << name;
    return id.ok() ? *id : 0;
  }

  static MatchRow match_row(const std::string& group, bool rated = true) {
    MatchRow m;
    m.game = group + "(v=1)";
    m.rating_group = group;
    m.rated = rated;
    m.seed = 12345;
    m.time_control = "untimed";
    return m;
  }
  static std::vector<SeatRow> seats(const std::vector<int64_t>& players) {
    std::vector<SeatRow> out;
    for (size_t i = 0; i < players.size(); ++i)
      out.push_back({static_cast<int>(i), players[i], "", PlayerKind::kAgent});
    return out;
  }
  Result<int64_t> create(const MatchRow& m, const std::vector<int64_t>& players) {
    return wait([&](Store::DoneId d) { store_->create_match(m, seats(players), std::move(d)); });
  }
  // A started match of `group` between `players`; 0 (and a test failure) if that fails.
  int64_t started(const std::string& group, const std::vector<int64_t>& players, bool rated = true) {
    Result<int64_t> id = create(match_row(group, rated), players);
    EXPECT_TRUE(ok(id));
    if (!id.ok()) return 0;
    EXPECT_TRUE(ok(start(*id)));
    return *id;
  }
  Status start(int64_t id) {
    return wait_status([&](Store::Done d) { store_->start_match(id, std::move(d)); });
  }
  static MoveRow move_row(int ply, const std::string& action) {
    MoveRow m;
    m.ply = ply;
    m.seat = ply % 2;
    m.action = action;
    m.step = Json(ply);
    return m;
  }
  Status append(int64_t id, int ply, const std::string& action) {
    return wait_status([&](Store::Done d) { store_->append_move(id, move_row(ply, action), std::move(d)); });
  }
  Status finish(const MatchEnd& end) {
    return wait_status([&](Store::Done d) { store_->finish_match(end, std::move(d)); });
  }
  static RatingRow rating(int64_t player, const std::string& group, double value, int games) {
    RatingRow r;
    r.player_id = player;
    r.game = group;
    r.rating = value;
    r.deviation = 100 + games;
    r.volatility = 0.05;
    r.games = games;
    return r;
  }
  std::optional<MatchRecord> record(int64_t id) {
    Result<std::optional<MatchRecord>> r = store_->match(id);
    EXPECT_TRUE(ok(r));
    return r.ok() ? *r : std::nullopt;
  }
  std::vector<int64_t> ids(const MatchFilter& f) {
    Result<std::vector<MatchRow>> rows = store_->matches(f);
    EXPECT_TRUE(ok(rows));
    std::vector<int64_t> out;
    if (rows.ok()) {
      for (const MatchRow& m : *rows) out.push_back(m.id);
    }
    return out;
  }

  TempDb db_{GetParam()};  // before store_: the store closes before the database is removed
  std::unique_ptr<SqlStore> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(backends()), BackendName());

TEST_P(StoreTest, EnsurePlayerIsGetOrCreate) {
  Result<int64_t> a = ensure_player("ann", PlayerKind::kHuman, "");
  Result<int64_t> again = ensure_player("ann", PlayerKind::kBot, "other");
  Result<int64_t> b = ensure_player("bob", PlayerKind::kEngine, "mcts(sims=10)");
  ASSERT_TRUE(ok(a) && ok(again) && ok(b));
  EXPECT_EQ(*a, *again);
  EXPECT_NE(*a, *b);

  Result<std::optional<PlayerRow>> ann = store_->find_player("ann");
  ASSERT_TRUE(ok(ann));
  ASSERT_TRUE(ann->has_value());
  EXPECT_EQ((*ann)->id, *a);
  EXPECT_EQ((*ann)->kind, PlayerKind::kHuman);  // the second call did not change it
  EXPECT_EQ((*ann)->spec, "");
  EXPECT_FALSE((*ann)->created_at.empty());

  Result<std::optional<PlayerRow>> bob = store_->player(*b);
  ASSERT_TRUE(ok(bob));
  ASSERT_TRUE(bob->has_value());
  EXPECT_EQ((*bob)->name, "bob");
  EXPECT_EQ((*bob)->kind, PlayerKind::kEngine);
  EXPECT_EQ((*bob)->spec, "mcts(sims=10)");

  Result<std::optional<PlayerRow>> nobody = store_->find_player("nobody");
  ASSERT_TRUE(ok(nobody));
  EXPECT_FALSE(nobody->has_value());
  Result<std::optional<PlayerRow>> missing = store_->player(*b + 100);
  ASSERT_TRUE(ok(missing));
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreTest, PlayerKindsRoundTripAsText) {
  for (PlayerKind k :
       {PlayerKind::kHuman, PlayerKind::kBot, PlayerKind::kAgent, PlayerKind::kEngine, PlayerKind::kPuzzle}) {
    EXPECT_EQ(player_kind_from_string(to_string(k)), k);
  }
  EXPECT_FALSE(player_kind_from_string("robot").has_value());
}

TEST_P(StoreTest, CreateMatchStoresTheRowAndSeatsAndStartMatchActivatesIt) {
  const int64_t a = player("a"), b = player("b");
  MatchRow m = match_row("kuhn_poker");
  m.seed = 0xFEDCBA9876543210ULL;  // above INT64_MAX: must survive the signed column
  m.time_control = "fischer:60000+1000";
  Result<int64_t> id = create(m, {b, a});
  ASSERT_TRUE(ok(id));

  std::optional<MatchRecord> r = record(*id);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->match.id, *id);
  EXPECT_EQ(r->match.game, "kuhn_poker(v=1)");
  EXPECT_EQ(r->match.rating_group, "kuhn_poker");
  EXPECT_TRUE(r->match.rated);
  EXPECT_EQ(r->match.status, "pending");
  EXPECT_EQ(r->match.seed, 0xFEDCBA9876543210ULL);
  EXPECT_EQ(r->match.time_control, "fischer:60000+1000");
  EXPECT_FALSE(r->match.created_at.empty());
  EXPECT_TRUE(r->match.started_at.empty());
  EXPECT_FALSE(r->match.puzzle_player_id.has_value());
  ASSERT_EQ(r->seats.size(), 2u);
  EXPECT_EQ(r->seats[0].seat, 0);
  EXPECT_EQ(r->seats[0].player_id, b);
  EXPECT_EQ(r->seats[0].player_name, "b");
  EXPECT_EQ(r->seats[1].player_id, a);
  EXPECT_EQ(r->seats[1].player_name, "a");
  EXPECT_TRUE(r->moves.empty());

  ASSERT_TRUE(ok(start(*id)));
  r = record(*id);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->match.status, "active");
  EXPECT_FALSE(r->match.started_at.empty());
  EXPECT_FALSE(start(*id).ok()) << "a match starts once";
  EXPECT_FALSE(start(*id + 1000).ok()) << "no such match";

  Result<std::optional<MatchRecord>> missing = store_->match(*id + 1000);
  ASSERT_TRUE(ok(missing));
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreTest, AppendMoveRoundTripsEveryField) {
  const int64_t id = started("kuhn_poker", {player("a"), player("b")});
  MoveRow chance;
  chance.ply = 0;
  chance.seat = -1;
  chance.action = "deal J Q";
  chance.step = Json{{"orders", {{"a", 1}, {"b", "x"}}}};
  chance.think_ms = 0;
  chance.rewards = {0.0, 0.0};
  MoveRow bet;
  bet.ply = 1;
  bet.seat = 0;
  bet.action = "bet";
  bet.step = Json(1);
  bet.think_ms = 1234;
  bet.clocks_ms = {58766, 60000};
  bet.rewards = {-0.5, 0.25};
  for (const MoveRow& m : {chance, bet}) {
    ASSERT_TRUE(ok(wait_status([&](Store::Done d) { store_->append_move(id, m, std::move(d)); })));
  }
  std::optional<MatchRecord> r = record(id);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->moves.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const MoveRow& want = i == 0 ? chance : bet;
    const MoveRow& got = r->moves[i];
    EXPECT_EQ(got.ply, want.ply);
    EXPECT_EQ(got.seat, want.seat);
    EXPECT_EQ(got.action, want.action);
    EXPECT_EQ(got.step, want.step);
    EXPECT_EQ(got.think_ms, want.think_ms);
    EXPECT_EQ(got.clocks_ms, want.clocks_ms);
    EXPECT_EQ(got.rewards, want.rewards);
    EXPECT_FALSE(got.created_at.empty());
  }
}

TEST_P(StoreTest, ADuplicatePlyFailsAloneAndDoesNotOverwrite) {
  const int64_t id = started("kuhn_poker", {player("a"), player("b")});
  // Hold the writer in a callback so that everything queued meanwhile commits as one batch.
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  store_->ensure_player("gate", PlayerKind::kBot, "", [gate](Result<int64_t>) { gate.wait(); });

  struct Write {
    int ply;
    bool duplicate;
  };
  std::vector<Write> writes;
  for (int ply = 0; ply < 200; ++ply) {
    writes.push_back({ply, false});
    if (ply % 10 == 9) writes.push_back({ply - 5, true});
  }
  std::vector<int> calls(writes.size(), 0);
  std::vector<Status> results(writes.size());
  for (size_t i = 0; i < writes.size(); ++i) {
    const Write& w = writes[i];
    store_->append_move(id, move_row(w.ply, (w.duplicate ? "dup" : "m") + std::to_string(w.ply)),
                        [&calls, &results, i](Status s) {
                          ++calls[i];
                          results[i] = std::move(s);
                        });
  }
  release.set_value();
  store_->flush();

  size_t failed = 0;
  for (size_t i = 0; i < writes.size(); ++i) {
    EXPECT_EQ(calls[i], 1) << "write " << i;
    EXPECT_EQ(results[i].ok(), !writes[i].duplicate) << "write " << i << " (ply " << writes[i].ply << ")";
    failed += results[i].ok() ? 0 : 1;
  }
  EXPECT_EQ(failed, 20u);

  std::optional<MatchRecord> r = record(id);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->moves.size(), 200u);
  EXPECT_EQ(ply_gap(r->moves), "");
  for (const MoveRow& m : r->moves) EXPECT_EQ(m.action, "m" + std::to_string(m.ply));
  EXPECT_FALSE(append(id, 3, "again").ok());
  r = record(id);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->moves[3].action, "m3");
}

TEST_P(StoreTest, AWriteThatCannotBeEncodedFailsAloneWithoutEndingTheProcess) {
  const int64_t id = started("kuhn_poker", {player("a"), player("b")});
  MoveRow bad = move_row(0, "bad");
  bad.step = Json(std::string("\xff\xfe"));  // not UTF-8: JSON cannot write it
  Status bad_result, next_result;
  store_->append_move(id, bad, [&](Status s) { bad_result = std::move(s); });
  store_->append_move(id, move_row(0, "good"), [&](Status s) { next_result = std::move(s); });
  store_->flush();
  EXPECT_FALSE(bad_result.ok());
  EXPECT_TRUE(ok(next_result));
  std::optional<MatchRecord> r = record(id);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->moves.size(), 1u);
  EXPECT_EQ(r->moves[0].action, "good");
}

TEST_P(StoreTest, NonFiniteNumbersReadBackAsNaN) {
  const int64_t id = started("kuhn_poker", {player("a"), player("b")});
  MoveRow m = move_row(0, "bet");
  m.rewards = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(), 0.5};
  ASSERT_TRUE(ok(wait_status([&](Store::Done d) { store_->append_move(id, m, std::move(d)); })));
  MatchEnd end;
  end.match_id = id;
  end.result = {std::numeric_limits<double>::quiet_NaN(), 1};
  end.termination = "normal";
  ASSERT_TRUE(ok(finish(end)));

  std::optional<MatchRecord> r = record(id);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->moves.size(), 1u);
  ASSERT_EQ(r->moves[0].rewards.size(), 3u);
  EXPECT_TRUE(std::isnan(r->moves[0].rewards[0]));
  EXPECT_TRUE(std::isnan(r->moves[0].rewards[1])) << "JSON has no infinity";
  EXPECT_EQ(r->moves[0].rewards[2], 0.5);
  ASSERT_EQ(r->match.result.size(), 2u);
  EXPECT_TRUE(std::isnan(r->match.result[0]));
  EXPECT_EQ(r->match.result[1], 1);
  Result<std::vector<MatchRow>> rows = store_->matches(filter("", "finished"));
  ASSERT_TRUE(ok(rows));
  EXPECT_EQ(rows->size(), 1u);
}

TEST_P(StoreTest, FinishMatchWritesTheResultAndRatingsTogether) {
  const int64_t a = player("a"), b = player("b");
  const int64_t id = started("kuhn_poker", {a, b});
  ASSERT_TRUE(ok(append(id, 0, "bet")));
  MatchEnd end;
  end.match_id = id;
  end.result = {1.5, -1.5};
  end.termination = "normal";
  end.ratings = {rating(a, "kuhn_poker", 1620.5, 1), rating(b, "kuhn_poker", 1380.25, 1)};
  ASSERT_TRUE(ok(finish(end)));

  std::optional<MatchRecord> r = record(id);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->match.status, "finished");
  EXPECT_EQ(r->match.result, (std::vector<double>{1.5, -1.5}));
  EXPECT_EQ(r->match.termination, "normal");
  EXPECT_FALSE(r->match.ended_at.empty());

  Result<std::vector<RatingRow>> table = store_->ratings("kuhn_poker");
  ASSERT_TRUE(ok(table));
  ASSERT_EQ(table->size(), 2u);
  EXPECT_EQ((*table)[0].player_id, a);
  EXPECT_EQ((*table)[0].player_name, "a");
  EXPECT_DOUBLE_EQ((*table)[0].rating, 1620.5);
  EXPECT_DOUBLE_EQ((*table)[0].deviation, 101);
  EXPECT_DOUBLE_EQ((*table)[0].volatility, 0.05);
  EXPECT_EQ((*table)[0].games, 1);
  EXPECT_EQ((*table)[0].game, "kuhn_poker");
  EXPECT_FALSE((*table)[0].updated_at.empty());
  EXPECT_EQ((*table)[1].player_id, b);
  EXPECT_DOUBLE_EQ((*table)[1].rating, 1380.25);

  for (int64_t p : {a, b}) {
    Result<std::vector<RatingHistoryRow>> h = store_->rating_history(p, "kuhn_poker");
    ASSERT_TRUE(ok(h));
    ASSERT_EQ(h->size(), 1u);
    EXPECT_EQ((*h)[0].player_id, p);
    EXPECT_EQ((*h)[0].match_id, id);
    EXPECT_EQ((*h)[0].game, "kuhn_poker");
    EXPECT_DOUBLE_EQ((*h)[0].rating, p == a ? 1620.5 : 1380.25);
    EXPECT_DOUBLE_EQ((*h)[0].deviation, 101);
    EXPECT_FALSE((*h)[0].at.empty());
  }

  // A second match updates the live rating in place and adds to the history.
  const int64_t second = started("kuhn_poker", {b, a});
  end.match_id = second;
  end.ratings = {rating(a, "kuhn_poker", 1500, 2), rating(b, "kuhn_poker", 1700, 2)};
  ASSERT_TRUE(ok(finish(end)));
  table = store_->ratings("kuhn_poker");
  ASSERT_TRUE(ok(table));
  ASSERT_EQ(table->size(), 2u);
  EXPECT_EQ((*table)[0].player_id, b) << "highest rating first";
  EXPECT_DOUBLE_EQ((*table)[0].rating, 1700);
  EXPECT_EQ((*table)[0].games, 2);
  Result<std::vector<RatingHistoryRow>> h = store_->rating_history(a, "kuhn_poker");
  ASSERT_TRUE(ok(h));
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].match_id, id);
  EXPECT_EQ((*h)[1].match_id, second);
  EXPECT_DOUBLE_EQ((*h)[1].rating, 1500);
}

TEST_P(StoreTest, FinishingAMatchNotInProgressFailsAndLeavesRatingsUntouched) {
  const int64_t a = player("a"), b = player("b");
  const int64_t id = started("kuhn_poker", {a, b});
  MatchEnd end;
  end.match_id = id;
  end.result = {1, -1};
  end.termination = "normal";
  end.ratings = {rating(a, "kuhn_poker", 1600, 1), rating(b, "kuhn_poker", 1400, 1)};
  ASSERT_TRUE(ok(finish(end)));

  MatchEnd twice = end;
  twice.status = "aborted";
  twice.result = {0, 0};
  twice.termination = "abort";
  twice.ratings = {rating(a, "kuhn_poker", 9999, 9), rating(b, "kuhn_poker", 1, 9)};
  EXPECT_FALSE(finish(twice).ok());
  MatchEnd missing = twice;
  missing.match_id = id + 1000;
  EXPECT_FALSE(finish(missing).ok());

  std::optional<MatchRecord> r = record(id);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->match.status, "finished");
  EXPECT_EQ(r->match.termination, "normal");
  EXPECT_EQ(r->match.result, (std::vector<double>{1, -1}));
  Result<std::vector<RatingRow>> table = store_->ratings("kuhn_poker");
  ASSERT_TRUE(ok(table));
  ASSERT_EQ(table->size(), 2u);
  EXPECT_DOUBLE_EQ((*table)[0].rating, 1600);
  EXPECT_DOUBLE_EQ((*table)[1].rating, 1400);
  Result<std::vector<RatingHistoryRow>> h = store_->rating_history(a, "");
  ASSERT_TRUE(ok(h));
  EXPECT_EQ(h->size(), 1u);
}

TEST_P(StoreTest, AFinishWhoseRatingFailsIsUndoneWhole) {
  const int64_t a = player("a"), b = player("b");
  const int64_t id = started("kuhn_poker", {a, b});
  MatchEnd end;
  end.match_id = id;
  end.result = {1, -1};
  end.termination = "normal";
  end.ratings = {rating(a, "kuhn_poker", 1600, 1),
                 rating(b + 1000, "kuhn_poker", 1400, 1)};  // no such player
  EXPECT_FALSE(finish(end).ok());

  std::optional<MatchRecord> r = record(id);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->match.status, "active");
  EXPECT_TRUE(r->match.result.empty());
  Result<std::vector<RatingRow>> table = store_->ratings("kuhn_poker");
  ASSERT_TRUE(ok(table));
  EXPECT_TRUE(table->empty());
  Result<std::vector<RatingHistoryRow>> h = store_->rating_history(a, "");
  ASSERT_TRUE(ok(h));
  EXPECT_TRUE(h->empty());
  // The match can still be finished properly.
  end.ratings.pop_back();
  EXPECT_TRUE(ok(finish(end)));
}

TEST_P(StoreTest, MatchesFilterByGameStatusPlayerAndPage) {
  const int64_t a = player("a"), b = player("b"), c = player("c");
  const int64_t k1 = started("kuhn_poker", {a, b});
  const int64_t g1 = started("game24", {a});
  const int64_t k2 = started("kuhn_poker", {b, c});
  Result<int64_t> pending = create(match_row("kuhn_poker"), {c, a});
  ASSERT_TRUE(ok(pending));
  const int64_t k3 = *pending;
  MatchEnd end;
  end.match_id = k1;
  end.result = {1, -1};
  end.termination = "resign";
  ASSERT_TRUE(ok(finish(end)));

  using Ids = std::vector<int64_t>;
  EXPECT_EQ(ids({}), (Ids{k3, k2, g1, k1})) << "newest first";
  EXPECT_EQ(ids(filter("kuhn_poker", "")), (Ids{k3, k2, k1}));
  EXPECT_EQ(ids(filter("game24(v=1)", "")), (Ids{g1})) << "by spec as well as by group";
  EXPECT_EQ(ids(filter("chess", "")), Ids{});
  EXPECT_EQ(ids(filter("", "active")), (Ids{k2, g1}));
  EXPECT_EQ(ids(filter("", "finished")), (Ids{k1}));
  EXPECT_EQ(ids(filter("", "pending")), (Ids{k3}));
  EXPECT_EQ(ids(filter("", "", a)), (Ids{k3, g1, k1}));
  EXPECT_EQ(ids(filter("", "", b)), (Ids{k2, k1}));
  EXPECT_EQ(ids(filter("kuhn_poker", "active", c)), (Ids{k2}));
  EXPECT_EQ(ids(filter("", "", 0, 0, 2)), (Ids{k3, k2}));
  EXPECT_EQ(ids(filter("", "", 0, k2, 2)), (Ids{g1, k1})) << "the next page";
  EXPECT_EQ(ids(filter("", "", 0, k1)), Ids{});

  Result<std::vector<MatchRow>> rows = store_->matches(filter("", "finished"));
  ASSERT_TRUE(ok(rows));
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].termination, "resign");
  EXPECT_EQ((*rows)[0].result, (std::vector<double>{1, -1}));
}

TEST_P(StoreTest, UnfinishedMatchesArePendingAndActiveOldestFirst) {
  const int64_t a = player("a"), b = player("b");
  const int64_t done = started("kuhn_poker", {a, b});
  const int64_t active = started("kuhn_poker", {a, b});
  Result<int64_t> pending = create(match_row("game24"), {a});
  ASSERT_TRUE(ok(pending));
  const int64_t aborted = started("kuhn_poker", {b, a});
  ASSERT_TRUE(ok(append(active, 0, "deal")));
  ASSERT_TRUE(ok(append(active, 1, "bet")));
  MatchEnd end;
  end.match_id = done;
  end.result = {1, -1};
  end.termination = "normal";
  ASSERT_TRUE(ok(finish(end)));
  end.match_id = aborted;
  end.status = "aborted";
  end.result = {0, 0};
  end.termination = "abort";
  ASSERT_TRUE(ok(finish(end)));

  Result<std::vector<MatchRecord>> open = store_->unfinished_matches(0);
  ASSERT_TRUE(ok(open));
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].match.id, active);
  EXPECT_EQ((*open)[0].match.status, "active");
  ASSERT_EQ((*open)[0].seats.size(), 2u);
  ASSERT_EQ((*open)[0].moves.size(), 2u);
  EXPECT_EQ((*open)[0].moves[1].action, "bet");
  EXPECT_EQ((*open)[1].match.id, *pending);
  EXPECT_EQ((*open)[1].match.status, "pending");
  ASSERT_EQ((*open)[1].seats.size(), 1u);
}

TEST_P(StoreTest, EachNodeRecoversItsOwnMatchesAndClaimsADeadNodesUnfinishedOnes) {
  const int64_t a = player("a"), b = player("b");
  auto on_node = [&](int64_t node) {
    MatchRow m = match_row("kuhn_poker");
    m.node = node;
    Result<int64_t> id = create(m, {a, b});
    EXPECT_TRUE(ok(id));
    return id.ok() ? *id : 0;
  };
  auto unfinished = [&](int64_t node) {
    std::vector<int64_t> out;
    Result<std::vector<MatchRecord>> open = store_->unfinished_matches(node);
    EXPECT_TRUE(ok(open));
    if (open.ok()) {
      for (const MatchRecord& r : *open) out.push_back(r.match.id);
    }
    return out;
  };
  auto claim = [&](int64_t from, int64_t to) {
    return wait_ids([&](Store::DoneIds d) { store_->claim_matches(from, to, std::move(d)); });
  };
  const int64_t one_a = on_node(1), two_a = on_node(2), one_b = on_node(1), single = on_node(0);
  const int64_t one_done = on_node(1);
  MatchEnd end;
  end.match_id = one_done;
  end.result = {1, -1};
  end.termination = "normal";
  ASSERT_TRUE(ok(finish(end)));

  using Ids = std::vector<int64_t>;
  EXPECT_EQ(unfinished(1), (Ids{one_a, one_b}));
  EXPECT_EQ(unfinished(2), (Ids{two_a}));
  EXPECT_EQ(unfinished(0), (Ids{single}));
  Result<std::optional<MatchRecord>> record = store_->match(two_a);
  ASSERT_TRUE(ok(record));
  ASSERT_TRUE(record->has_value());
  EXPECT_EQ((*record)->match.node, 2);

  Result<Ids> claimed = claim(1, 2);  // node 1 died; node 2 takes its live matches, not the finished one
  ASSERT_TRUE(ok(claimed));
  EXPECT_EQ(*claimed, (Ids{one_a, one_b}));
  EXPECT_EQ(unfinished(1), Ids{});
  EXPECT_EQ(unfinished(2), (Ids{one_a, two_a, one_b}));
  record = store_->match(one_done);
  ASSERT_TRUE(ok(record));
  EXPECT_EQ((*record)->match.node, 1) << "a finished match keeps the node that played it";
  claimed = claim(1, 2);
  ASSERT_TRUE(ok(claimed));
  EXPECT_EQ(*claimed, Ids{}) << "claimed once";
}

TEST_P(StoreTest, RatedResultsAreTheFinishedRatedMatchesOfTheGroup) {
  const int64_t a = player("a"), b = player("b");
  auto finished = [&](const std::string& group, bool rated, const std::string& status) {
    const int64_t id = started(group, {a, b}, rated);
    EXPECT_TRUE(ok(append(id, 0, "bet")));
    MatchEnd end;
    end.match_id = id;
    end.status = status;
    end.result = {-1, 1};
    end.termination = "normal";
    EXPECT_TRUE(ok(finish(end)));
    return id;
  };
  const int64_t counted = finished("kuhn_poker", true, "finished");
  finished("kuhn_poker", false, "finished");
  finished("kuhn_poker", true, "aborted");
  finished("game24", true, "finished");
  started("kuhn_poker", {a, b}, true);
  const int64_t counted2 = finished("kuhn_poker", true, "finished");

  Result<std::vector<MatchRecord>> results = store_->rated_results("kuhn_poker");
  ASSERT_TRUE(ok(results));
  ASSERT_EQ(results->size(), 2u);
  EXPECT_EQ((*results)[0].match.id, counted);
  EXPECT_EQ((*results)[1].match.id, counted2);
  for (const MatchRecord& r : *results) {
    EXPECT_EQ(r.match.result, (std::vector<double>{-1, 1}));
    ASSERT_EQ(r.seats.size(), 2u);
    EXPECT_EQ(r.seats[0].player_id, a);
    EXPECT_EQ(r.seats[1].player_id, b);
  }
  Result<std::vector<MatchRecord>> none = store_->rated_results("chess");
  ASSERT_TRUE(ok(none));
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreTest, EqualRatingsAreListedByPlayerId) {
  // Created in an order that neither their ids nor their names follow when listed.
  const int64_t c = player("c"), a = player("a"), b = player("b");
  MatchEnd end;
  end.result = {0, 0, 0};
  end.termination = "normal";
  end.match_id = started("game24", {b, c, a});
  end.ratings = {rating(b, "game24", 1500, 1), rating(a, "game24", 1600, 1), rating(c, "game24", 1500, 1)};
  ASSERT_TRUE(ok(finish(end)));
  Result<std::vector<RatingRow>> rows = store_->ratings("game24");
  ASSERT_TRUE(ok(rows));
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].player_id, a);
  EXPECT_EQ((*rows)[1].player_id, c) << "1500 twice: the smaller id first";
  EXPECT_EQ((*rows)[2].player_id, b);
}

TEST_P(StoreTest, PlayerRatingsAndHistoryCoverEveryGroup) {
  const int64_t a = player("a"), b = player("b");
  MatchEnd end;
  end.result = {1, -1};
  end.termination = "normal";
  end.match_id = started("kuhn_poker", {a, b});
  end.ratings = {rating(a, "kuhn_poker", 1550, 1), rating(b, "kuhn_poker", 1450, 1)};
  ASSERT_TRUE(ok(finish(end)));
  end.match_id = started("game24", {a});
  end.ratings = {rating(a, "game24", 1510, 1)};
  ASSERT_TRUE(ok(finish(end)));

  Result<std::vector<RatingRow>> mine = store_->player_ratings(a);
  ASSERT_TRUE(ok(mine));
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].game, "game24") << "ordered by group";
  EXPECT_DOUBLE_EQ((*mine)[0].rating, 1510);
  EXPECT_EQ((*mine)[1].game, "kuhn_poker");
  EXPECT_DOUBLE_EQ((*mine)[1].rating, 1550);
  Result<std::vector<RatingRow>> theirs = store_->player_ratings(b);
  ASSERT_TRUE(ok(theirs));
  EXPECT_EQ(theirs->size(), 1u);

  Result<std::vector<RatingHistoryRow>> all = store_->rating_history(a, "");
  ASSERT_TRUE(ok(all));
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].game, "kuhn_poker");
  EXPECT_EQ((*all)[1].game, "game24");
  Result<std::vector<RatingHistoryRow>> one = store_->rating_history(a, "game24");
  ASSERT_TRUE(ok(one));
  ASSERT_EQ(one->size(), 1u);
  EXPECT_DOUBLE_EQ((*one)[0].rating, 1510);
  Result<std::vector<RatingRow>> empty = store_->ratings("chess");
  ASSERT_TRUE(ok(empty));
  EXPECT_TRUE(empty->empty());
}

TEST_P(StoreTest, TokensAreFoundByTheirHash) {
  const int64_t bot = player("bot");
  const std::string hash(64, 'a');
  Result<int64_t> id =
      wait([&](Store::DoneId d) { store_->add_token(bot, hash, "play read", std::move(d)); });
  ASSERT_TRUE(ok(id));
  Result<std::optional<TokenRow>> found = store_->find_token(hash);
  ASSERT_TRUE(ok(found));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, *id);
  EXPECT_EQ((*found)->player_id, bot);
  EXPECT_EQ((*found)->scopes, "play read");
  EXPECT_FALSE((*found)->created_at.empty());

  Result<std::optional<TokenRow>> unknown = store_->find_token(std::string(64, 'b'));
  ASSERT_TRUE(ok(unknown));
  EXPECT_FALSE(unknown->has_value());
  EXPECT_FALSE(wait([&](Store::DoneId d) { store_->add_token(bot, hash, "play", std::move(d)); }).ok())
      << "a hash is stored once";
  EXPECT_FALSE(
      wait([&](Store::DoneId d) { store_->add_token(bot + 1000, std::string(64, 'c'), "", d); }).ok())
      << "a token needs its player";
}

TEST_P(StoreTest, CreatePlayerRefusesATakenNameInAnyLetterCase) {
  Result<int64_t> ann =
      wait([&](Store::DoneId d) { store_->create_player("ann", PlayerKind::kHuman, "", std::move(d)); });
  ASSERT_TRUE(ok(ann));
  Result<std::optional<PlayerRow>> row = store_->player(*ann);
  ASSERT_TRUE(ok(row) && row->has_value());
  EXPECT_EQ((*row)->name, "ann");
  EXPECT_EQ((*row)->kind, PlayerKind::kHuman);
  for (const char* name : {"ann", "Ann", "ANN"}) {
    Result<int64_t> again =
        wait([&](Store::DoneId d) { store_->create_player(name, PlayerKind::kBot, "", std::move(d)); });
    ASSERT_FALSE(again.ok()) << name;
    EXPECT_EQ(again.error().code, "conflict") << name;
  }
  // A house agent's row, made by ensure_player, is taken the same way.
  ASSERT_TRUE(ok(ensure_player("random", PlayerKind::kAgent, "random")));
  Result<int64_t> pose =
      wait([&](Store::DoneId d) { store_->create_player("Random", PlayerKind::kBot, "", std::move(d)); });
  ASSERT_FALSE(pose.ok());
  EXPECT_EQ(pose.error().code, "conflict");
  Result<std::optional<PlayerRow>> agent = store_->find_player("random");
  ASSERT_TRUE(ok(agent) && agent->has_value());
  EXPECT_EQ((*agent)->kind, PlayerKind::kAgent) << "the agent's row is untouched";
}

TEST_P(StoreTest, OfManyCreatePlayersOfOneNameAtOnceExactlyOneSucceeds) {
  constexpr int kThreads = 16;
  std::atomic<int> ready{0};
  std::vector<std::future<Result<int64_t>>> results;
  for (int i = 0; i < kThreads; ++i) {
    results.push_back(std::async(std::launch::async, [&] {
      ++ready;
      while (ready < kThreads) std::this_thread::yield();
      return wait(
          [&](Store::DoneId d) { store_->create_player("race", PlayerKind::kBot, "", std::move(d)); });
    }));
  }
  int created = 0;
  for (auto& f : results) {
    Result<int64_t> r = f.get();
    if (r.ok()) {
      ++created;
    } else {
      EXPECT_EQ(r.error().code, "conflict") << r.error().message;
    }
  }
  EXPECT_EQ(created, 1);
}

TEST_P(StoreTest, TokensAreRevokedOnce) {
  const int64_t bot = player("bot");
  const std::string hash(64, 'd');
  ASSERT_TRUE(ok(wait([&](Store::DoneId d) { store_->add_token(bot, hash, "play", std::move(d)); })));
  ASSERT_TRUE(ok(wait_status([&](Store::Done d) { store_->revoke_token(hash, std::move(d)); })));
  Result<std::optional<TokenRow>> found = store_->find_token(hash);
  ASSERT_TRUE(ok(found));
  EXPECT_FALSE(found->has_value()) << "a revoked token is not found";
  Status again = wait_status([&](Store::Done d) { store_->revoke_token(hash, std::move(d)); });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "not_found");
}

TEST_P(StoreTest, SessionsAreFoundUntilTheyExpireOrAreDeleted) {
  const int64_t ann = player("ann");
  const std::string live(64, '1'), ended(64, '2'), expired(64, '3'), unknown(64, '5');
  for (const std::string* hash : {&live, &ended}) {
    ASSERT_TRUE(ok(wait([&](Store::DoneId d) {
      store_->add_session(ann, *hash, std::chrono::hours(24 * 30), std::move(d));
    })));
  }
  ASSERT_TRUE(ok(wait(
      [&](Store::DoneId d) { store_->add_session(ann, expired, std::chrono::seconds(-1), std::move(d)); })));

  Result<std::optional<SessionRow>> found = store_->find_session(live);
  ASSERT_TRUE(ok(found));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->player_id, ann);
  EXPECT_GT((*found)->expires_at, (*found)->created_at);

  ASSERT_TRUE(ok(wait_status([&](Store::Done d) { store_->delete_session(ended, std::move(d)); })));
  for (const std::string* gone : {&ended, &expired, &unknown}) {
    Result<std::optional<SessionRow>> r = store_->find_session(*gone);
    ASSERT_TRUE(ok(r));
    EXPECT_FALSE(r->has_value()) << *gone;
  }
  EXPECT_TRUE(ok(wait_status([&](Store::Done d) { store_->delete_session(ended, std::move(d)); })))
      << "deleting a session twice is no error";
  EXPECT_FALSE(wait([&](Store::DoneId d) {
                 store_->add_session(ann + 1000, std::string(64, '4'), std::chrono::seconds(60),
                                     std::move(d));
               }).ok())
      << "a session needs its player";
}

TEST_P(StoreTest, PuzzlesAreEnsuredOncePerSpec) {
  Result<int64_t> p =
      wait([&](Store::DoneId d) { store_->ensure_puzzle("game24", "game24(cards=1 2 3 4)", 0.25, d); });
  Result<int64_t> again =
      wait([&](Store::DoneId d) { store_->ensure_puzzle("game24", "game24(cards=1 2 3 4)", 0.9, d); });
  Result<int64_t> q =
      wait([&](Store::DoneId d) { store_->ensure_puzzle("game24", "game24(cards=6 6 6 6)", 0.5, d); });
  ASSERT_TRUE(ok(p) && ok(again) && ok(q));
  EXPECT_EQ(*p, *again);
  EXPECT_NE(*p, *q);

  Result<std::optional<PlayerRow>> row = store_->player(*p);
  ASSERT_TRUE(ok(row));
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->kind, PlayerKind::kPuzzle);
  EXPECT_EQ((*row)->name, "game24(cards=1 2 3 4)");
  EXPECT_EQ((*row)->spec, "game24(cards=1 2 3 4)");

  Result<std::vector<PuzzleRow>> list = store_->puzzles("game24");
  ASSERT_TRUE(ok(list));
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].spec, "game24(cards=1 2 3 4)");
  EXPECT_EQ((*list)[0].player_id, *p);
  EXPECT_DOUBLE_EQ((*list)[0].difficulty, 0.25) << "the first difficulty stays";
  EXPECT_EQ((*list)[0].game, "game24");
  EXPECT_EQ((*list)[1].player_id, *q);
  Result<std::vector<PuzzleRow>> other = store_->puzzles("kuhn_poker");
  ASSERT_TRUE(ok(other));
  EXPECT_TRUE(other->empty());
}

TEST_P(StoreTest, SetMatchPuzzleRecordsThePuzzle) {
  const int64_t solver = player("solver");
  Result<int64_t> puzzle =
      wait([&](Store::DoneId d) { store_->ensure_puzzle("game24", "game24(cards=1 1 1 1)", 1, d); });
  ASSERT_TRUE(ok(puzzle));
  const int64_t id = started("game24", {solver});
  ASSERT_TRUE(ok(wait_status([&](Store::Done d) { store_->set_match_puzzle(id, *puzzle, std::move(d)); })));
  std::optional<MatchRecord> r = record(id);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->match.puzzle_player_id, *puzzle);
  EXPECT_FALSE(ok(wait_status([&](Store::Done d) { store_->set_match_puzzle(id, *puzzle + 1000, d); })))
      << "the puzzle must exist";
  r = record(id);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->match.puzzle_player_id, *puzzle);
}

TEST_P(StoreTest, AgentVersionsAreUniquePerRunAndStep) {
  const int64_t agent = player("az");
  auto add = [&](int64_t who, int64_t step) {
    return wait([&](Store::DoneId d) {
      store_->add_agent_version(who, "run1", step, "/ckpt/" + std::to_string(step), d);
    });
  };
  Result<int64_t> first = add(agent, 100);
  Result<int64_t> second = add(agent, 200);
  ASSERT_TRUE(ok(first) && ok(second));
  EXPECT_NE(*first, *second);
  EXPECT_FALSE(add(agent, 100).ok());
  EXPECT_FALSE(add(agent + 1000, 300).ok()) << "a version needs its player";
}

TEST_P(StoreTest, AForeignKeyViolationIsAnErrorAndLeavesNothing) {
  const int64_t a = player("a");
  Result<int64_t> id = create(match_row("kuhn_poker"), {a, a + 1000});
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, "db_error");
  std::string message = id.error().message;
  for (char& c : message) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_NE(message.find("foreign key"), std::string::npos) << id.error().message;
  EXPECT_EQ(ids({}), std::vector<int64_t>{}) << "the match row went with its seat";
  EXPECT_FALSE(append(12345, 0, "bet").ok()) << "a move needs its match";
}

// ---------------------------------------------------------------------------------------
// Callbacks and concurrency

TEST_P(StoreTest, CallbacksRunAfterTheCommit) {
  const int64_t a = player("a"), b = player("b");
  // Another connection sees each write from inside its callback.
  std::atomic<bool> match_seen{false};
  int64_t id = 0;
  store_->create_match(match_row("kuhn_poker"), seats({a, b}), [&](Result<int64_t> r) {
    if (!r.ok()) return;
    id = *r;
    Result<std::optional<MatchRecord>> m = store_->match(*r);
    match_seen = m.ok() && m->has_value() && (*m)->seats.size() == 2;
  });
  store_->flush();
  ASSERT_NE(id, 0);
  EXPECT_TRUE(match_seen);

  constexpr int kMoves = 50;
  std::vector<int> seen(kMoves, -1);  // moves visible from the callback of each ply
  for (int ply = 0; ply < kMoves; ++ply) {
    store_->append_move(id, move_row(ply, "m" + std::to_string(ply)), [&, ply](Status s) {
      if (!s.ok()) return;
      Result<std::optional<MatchRecord>> m = store_->match(id);
      if (!m.ok() || !m->has_value()) return;
      const std::vector<MoveRow>& moves = (*m)->moves;
      seen[ply] = static_cast<int>(moves.size());
      if (moves.size() <= static_cast<size_t>(ply) || moves[ply].action != "m" + std::to_string(ply))
        seen[ply] = -2;
    });
  }
  store_->flush();
  for (int ply = 0; ply < kMoves; ++ply) EXPECT_GT(seen[ply], ply) << "ply " << ply;
}

TEST_P(StoreTest, ReadersSeeConsistentSnapshotsWhileMovesAreWritten) {
  constexpr int kMatches = 4, kMovesEach = 1000, kReaders = 3;
  std::vector<int64_t> match_ids;
  for (int i = 0; i < kMatches; ++i) match_ids.push_back(started("kuhn_poker", {player("a"), player("b")}));

  std::atomic<bool> done{false};
  std::atomic<int> write_errors{0};
  std::atomic<int64_t> reads{0};
  std::mutex problems_mutex;
  std::vector<std::string> problems;
  auto problem = [&](const std::string& what) {
    std::lock_guard lock(problems_mutex);
    if (problems.size() < 10) problems.push_back(what);
  };

  std::vector<std::thread> readers;
  for (int t = 0; t < kReaders; ++t) {
    readers.emplace_back([&, t] {
      Rng rng(100 + t);
      std::map<int64_t, size_t> last;  // moves seen per match: snapshots never go back
      while (!done) {
        const int64_t id = match_ids[rng.uniform(kMatches)];
        Result<std::optional<MatchRecord>> m = store_->match(id);
        if (!m.ok()) {
          problem("match: " + m.error().message);
          continue;
        }
        if (!m->has_value()) {
          problem("match " + std::to_string(id) + " missing");
          continue;
        }
        const std::vector<MoveRow>& moves = (*m)->moves;
        if (std::string gap = ply_gap(moves); !gap.empty())
          problem("match " + std::to_string(id) + ": " + gap);
        for (const MoveRow& mv : moves) {
          if (mv.action != "m" + std::to_string(mv.ply)) problem("wrong action " + mv.action);
        }
        if (moves.size() < last[id]) problem("went back from " + std::to_string(last[id]) + " moves");
        last[id] = moves.size();
        Result<std::vector<MatchRow>> list = store_->matches(filter("kuhn_poker", "active"));
        if (!list.ok()) {
          problem("matches: " + list.error().message);
        } else if (list->size() != static_cast<size_t>(kMatches)) {
          problem("matches gave " + std::to_string(list->size()));
        }
        reads += 2;
      }
    });
  }

  std::thread writer([&] {
    // Chunks, so the writes span many transactions while the readers read.
    for (int ply = 0; ply < kMovesEach; ++ply) {
      for (int64_t id : match_ids) {
        store_->append_move(id, move_row(ply, "m" + std::to_string(ply)), [&](Status s) {
          if (!s.ok()) ++write_errors;
        });
      }
      if (ply % 25 == 24) store_->flush();
    }
    store_->flush();
  });
  writer.join();
  done = true;
  for (std::thread& r : readers) r.join();

  EXPECT_EQ(write_errors, 0);
  EXPECT_GT(reads, 0);
  EXPECT_EQ(problems, std::vector<std::string>{});
  for (int64_t id : match_ids) {
    std::optional<MatchRecord> r = record(id);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->moves.size(), static_cast<size_t>(kMovesEach));
    EXPECT_EQ(ply_gap(r->moves), "");
  }
}

// ---------------------------------------------------------------------------------------
// A writer killed mid-write

// What a run of store_crash_writer acknowledged before it was killed.
struct CrashRun {
  bool ready = false;
  bool killed = false;  // by our SIGKILL, not by an exit of its own
  std::vector<std::pair<int64_t, int>> acks;
  std::vector<int64_t> finished;
};

void parse_line(const std::string& line, CrashRun& run) {
  std::istringstream in(line);
  std::string word;
  in >> word;
  if (word == "ready") {
    run.ready = true;
  } else if (word == "ack") {
    int64_t match = 0;
    int ply = 0;
    if (in >> match >> ply) run.acks.emplace_back(match, ply);
  } else if (word == "fin") {
    int64_t match = 0;
    if (in >> match) run.finished.push_back(match);
  }
}

// Starts the writer, lets it write for `delay` after its first acknowledged move (so that every
// round writes, however loaded the machine), kills it, and reads every line it printed (a pipe
// keeps what was written before the kill).
CrashRun run_and_kill(const std::string& path, uint64_t seed, std::chrono::milliseconds delay) {
  CrashRun run;
  const std::string seed_text = std::to_string(seed);
  int fds[2];
  if (pipe(fds) != 0) {
    ADD_FAILURE() << "pipe failed";
    return run;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execl(STORE_CRASH_WRITER, STORE_CRASH_WRITER, path.c_str(), seed_text.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    ADD_FAILURE() << "fork failed";
    return run;
  }

  std::string pending;
  auto read_some = [&](int timeout_ms) {  // false at end of file
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return true;
    char buf[4096];
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) return false;
    pending.append(buf, static_cast<size_t>(n));
    for (size_t end; (end = pending.find('\n')) != std::string::npos;) {
      parse_line(pending.substr(0, end), run);
      pending.erase(0, end + 1);
    }
    return true;
  };
  using Clock = std::chrono::steady_clock;
  bool open = true;
  const Clock::time_point give_up = Clock::now() + std::chrono::seconds(10);
  while (open && run.acks.empty() && Clock::now() < give_up) open = read_some(50);
  const Clock::time_point kill_at = Clock::now() + delay;
  while (open && Clock::now() < kill_at) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(kill_at - Clock::now());
    open = read_some(static_cast<int>(std::max<int64_t>(1, left.count())));
  }
  kill(pid, SIGKILL);
  while (open) open = read_some(-1);  // the rest, up to the end of the pipe
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  run.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  return run;
}

class StoreCrash : public ::testing::TestWithParam<Backend> {};
INSTANTIATE_TEST_SUITE_P(Backends, StoreCrash, ::testing::ValuesIn(backends()), BackendName());

TEST_P(StoreCrash, AKilledWriterLosesNoAcknowledgedMove) {
  TempDb db(GetParam());
  Rng rng(20261126);
  std::map<int64_t, int> acked;  // match -> highest acknowledged ply, over every round
  std::set<int64_t> finished;
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const auto delay = std::chrono::milliseconds(50 + rng.uniform(351));
    CrashRun run = run_and_kill(db.where(), rng.next_u64(), delay);
    ASSERT_TRUE(run.ready) << "the writer did not start";
    ASSERT_TRUE(run.killed) << "the writer stopped by itself (see its stderr)";
    EXPECT_FALSE(run.acks.empty());
    std::map<int64_t, int> this_round;  // acks come in commit order: consecutive plies
    for (const auto& [match, ply] : run.acks) {
      if (auto it = this_round.find(match); it != this_round.end()) {
        EXPECT_EQ(ply, it->second + 1) << "acks of match " << match << " out of order";
      } else if (auto before = acked.find(match); before != acked.end()) {
        EXPECT_GT(ply, before->second) << "match " << match << " resumed over an acknowledged ply";
      } else {
        EXPECT_TRUE(ply == 0 || round > 0) << "match " << match << " began at ply " << ply;
      }
      this_round[match] = ply;
      acked[match] = ply;
    }
    finished.insert(run.finished.begin(), run.finished.end());

    // A plain connection recovers the WAL and finds the file intact (PostgreSQL's server
    // was never killed: only its client).
    if (db.backend() == Backend::kSqlite) {
      Result<std::unique_ptr<Connection>> c = db.connect();
      ASSERT_TRUE(ok(c));
      Result<std::string> integrity = query_text(**c, "PRAGMA integrity_check");
      ASSERT_TRUE(ok(integrity));
      EXPECT_EQ(*integrity, "ok");
      Result<std::string> fk = query_text(**c, "SELECT COUNT(*) FROM pragma_foreign_key_check");
      ASSERT_TRUE(ok(fk));
      EXPECT_EQ(*fk, "0");
    }
    // The store finds every acknowledged move, and each match's moves are a prefix.
    Result<std::unique_ptr<SqlStore>> store = SqlStore::open(db.where());
    ASSERT_TRUE(ok(store));
    Result<std::vector<MatchRow>> all = (*store)->matches(filter("", "", 0, 0, 1 << 30));
    ASSERT_TRUE(ok(all));
    std::set<int64_t> stored;
    for (const MatchRow& row : *all) {
      stored.insert(row.id);
      Result<std::optional<MatchRecord>> m = (*store)->match(row.id);
      ASSERT_TRUE(ok(m));
      ASSERT_TRUE(m->has_value());
      const MatchRecord& r = **m;
      EXPECT_EQ(r.seats.size(), 2u);
      EXPECT_EQ(ply_gap(r.moves), "") << "match " << row.id;
      for (const MoveRow& mv : r.moves)
        EXPECT_EQ(mv.action, "m" + std::to_string(mv.ply)) << "match " << row.id;
      if (auto it = acked.find(row.id); it != acked.end()) {
        EXPECT_GT(static_cast<int>(r.moves.size()), it->second)
            << "match " << row.id << " lost acknowledged moves";
      }
      if (finished.count(row.id)) {
        EXPECT_EQ(r.match.status, "finished") << "match " << row.id;
      }
    }
    for (const auto& [match, ply] : acked)
      EXPECT_TRUE(stored.count(match)) << "match " << match << " is gone";
  }
  EXPECT_GT(acked.size(), 5u);
}

}  // namespace
}  // namespace arena::db
