#include "db/sql_store.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <future>
#include <limits>

#include "db/migrations.h"
#include "db/sqlite.h"
#if ARENA_WITH_POSTGRES
#include "db/postgres.h"
#endif

namespace arena::db {
namespace {

constexpr size_t kMaxBatch = 1024;  // writes per transaction

const char* kMatchColumns =
    "id, game, rating_group, rated, status, seed, time_control, created_at, COALESCE(started_at, ''), "
    "COALESCE(ended_at, ''), COALESCE(result, '[]'), COALESCE(termination, ''), puzzle_player_id, node";

// A stored JSON array of numbers. JSON writes NaN and infinities as null: they read back
// as NaN rather than throwing from get<double>.
std::vector<double> read_doubles(const std::string& text) {
  std::vector<double> out;
  std::optional<Json> j = parse_json(text);
  if (!j || !j->is_array()) return out;
  for (const Json& x : *j)
    out.push_back(x.is_number() ? x.get<double>() : std::numeric_limits<double>::quiet_NaN());
  return out;
}

MatchRow read_match(const Statement& s) {
  MatchRow m;
  m.id = s.column_int(0);
  m.game = s.column_text(1);
  m.rating_group = s.column_text(2);
  m.rated = s.column_int(3) != 0;
  m.status = s.column_text(4);
  m.seed = static_cast<uint64_t>(s.column_int(5));
  m.time_control = s.column_text(6);
  m.created_at = s.column_text(7);
  m.started_at = s.column_text(8);
  m.ended_at = s.column_text(9);
  m.result = read_doubles(s.column_text(10));
  m.termination = s.column_text(11);
  if (!s.column_is_null(12)) m.puzzle_player_id = s.column_int(12);
  m.node = s.column_int(13);
  return m;
}

PlayerRow read_player(const Statement& s) {
  PlayerRow p;
  p.id = s.column_int(0);
  p.name = s.column_text(1);
  p.kind = player_kind_from_string(s.column_text(2)).value_or(PlayerKind::kAgent);
  p.spec = s.column_text(3);
  p.created_at = s.column_text(4);
  return p;
}

RatingRow read_rating(const Statement& s) {
  RatingRow r;
  r.player_id = s.column_int(0);
  r.player_name = s.column_text(1);
  r.player_kind = player_kind_from_string(s.column_text(2)).value_or(PlayerKind::kAgent);
  r.game = s.column_text(3);
  r.rating = s.column_double(4);
  r.deviation = s.column_double(5);
  r.volatility = s.column_double(6);
  r.games = static_cast<int>(s.column_int(7));
  r.updated_at = s.column_text(8);
  return r;
}

// Runs one statement with the given binds (1, 2, ... in order); gives the rows it changed.
template <typename... Args>
Result<int> execute(Connection& db, const std::string& sql, const Args&... args) {
  Result<Statement*> stmt = db.cached(sql);
  if (!stmt.ok()) return stmt.error();
  ResetOnExit reset{*stmt};
  int i = 0;
  ((*stmt)->bind(++i, args), ...);
  if (Status s = (*stmt)->run(); !s.ok()) return s.error();
  return (*stmt)->changes();
}

// The id of the single row a query returns, if any.
template <typename... Args>
Result<std::optional<int64_t>> query_id(Connection& db, const std::string& sql, const Args&... args) {
  Result<Statement*> stmt = db.cached(sql);
  if (!stmt.ok()) return stmt.error();
  ResetOnExit reset{*stmt};
  int i = 0;
  ((*stmt)->bind(++i, args), ...);
  Result<bool> row = (*stmt)->step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<int64_t>();
  return std::optional<int64_t>((*stmt)->column_int(0));
}

// An INSERT ... RETURNING id that must insert: gives the new row's id.
template <typename... Args>
Result<int64_t> insert(Connection& db, const std::string& sql, const Args&... args) {
  Result<std::optional<int64_t>> id = query_id(db, sql, args...);
  if (!id.ok()) return id.error();
  if (!*id) return make_error("db_error", "no row inserted by " + sql.substr(0, 60));
  return **id;
}

}  // namespace

std::string to_string(PlayerKind kind) {
  switch (kind) {
    case PlayerKind::kHuman:
      return "human";
    case PlayerKind::kBot:
      return "bot";
    case PlayerKind::kAgent:
      return "agent";
    case PlayerKind::kEngine:
      return "engine";
    case PlayerKind::kPuzzle:
      return "puzzle";
  }
  return "agent";
}

std::optional<PlayerKind> player_kind_from_string(const std::string& text) {
  for (PlayerKind k :
       {PlayerKind::kHuman, PlayerKind::kBot, PlayerKind::kAgent, PlayerKind::kEngine, PlayerKind::kPuzzle}) {
    if (to_string(k) == text) return k;
  }
  return std::nullopt;
}

const std::vector<std::string>& training_run_kinds() {
  static const std::vector<std::string> kinds = {"shared", "specialist", "transfer", "scratch"};
  return kinds;
}

// ---------------------------------------------------------------------------------------
// Opening, the writer thread

bool is_postgres_url(const std::string& where) {
  return where.rfind("postgresql://", 0) == 0 || where.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Connection>> connect(const std::string& where, bool create) {
  if (is_postgres_url(where)) {
#if ARENA_WITH_POSTGRES
    Result<std::unique_ptr<PostgresConnection>> c = PostgresConnection::open(where);
    if (!c.ok()) return c.error();
    return std::unique_ptr<Connection>(std::move(c).value());
#else
    return make_error("db_error", "this arena was built without PostgreSQL (-DARENA_WITH_POSTGRES=OFF)");
#endif
  }
  Result<std::unique_ptr<SqliteConnection>> c = SqliteConnection::open(where, create);
  if (!c.ok()) return c.error();
  return std::unique_ptr<Connection>(std::move(c).value());
}

Result<std::unique_ptr<SqlStore>> SqlStore::open(const std::string& where) {
  // SQLite: only the writer may create the file.
  Connect connect_to = [where](bool writer) { return connect(where, /*create=*/writer); };
  Result<std::unique_ptr<Connection>> writer = connect_to(/*writer=*/true);
  if (!writer.ok()) return writer.error();
  if (Status s = migrate(**writer); !s.ok()) return s.error();
  return std::unique_ptr<SqlStore>(new SqlStore(std::move(connect_to), std::move(writer).value()));
}

SqlStore::SqlStore(Connect connect, std::unique_ptr<Connection> writer)
    : connect_(std::move(connect)), writer_(std::move(writer)), thread_([this] { write_loop(); }) {}

SqlStore::~SqlStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SqlStore::enqueue(Job job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void SqlStore::enqueue_status(std::function<Status(Connection&)> run, Done done) {
  enqueue(Job{[run = std::move(run)](Connection& db) -> Result<int64_t> {
                Status s = run(db);
                if (!s.ok()) return s.error();
                return int64_t{0};
              },
              [done = std::move(done)](Result<int64_t> r) {
                if (done) done(r.ok() ? ok_status() : Status(r.error()));
              }});
}

void SqlStore::write_loop() {
  for (;;) {
    std::vector<Job> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every write is done
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      in_flight_ = batch.size();
    }
    std::optional<std::vector<Result<int64_t>>> results = run_batch(batch, /*savepoints=*/false);
    if (!results) results = run_batch(batch, /*savepoints=*/true);
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) batch[i].done(std::move((*results)[i]));
    }
    // The jobs go before flush() may return: a callback can hold the last reference to an
    // object with I/O objects (a match and its timer), which must not outlive the
    // io_context its owner destroys once the store is flushed.
    batch.clear();
    {
      std::lock_guard lock(mutex_);
      in_flight_ = 0;
    }
    drained_.notify_all();
  }
}

std::optional<std::vector<Result<int64_t>>> SqlStore::run_batch(std::vector<Job>& batch, bool savepoints) {
  std::vector<Result<int64_t>> results;
  results.reserve(batch.size());
  Status begin = reconnect_writer_if_lost();
  if (begin.ok()) begin = writer_->begin(Transaction::kWrite);
  if (!begin.ok()) {
    for (size_t i = 0; i < batch.size(); ++i) results.emplace_back(begin.error());
    return results;
  }
  for (Job& job : batch) {
    if (savepoints) (void)writer_->control("SAVEPOINT write");
    // A write that throws (nlohmann's dump on a string that is not UTF-8) fails alone
    // instead of ending the process from the writer thread.
    Result<int64_t> r = [&]() -> Result<int64_t> {
      try {
        return job.run(*writer_);
      } catch (const std::exception& e) {
        return make_error("db_error", std::string("write failed: ") + e.what());
      }
    }();
    if (!r.ok() && !savepoints) {
      (void)writer_->control("ROLLBACK");
      return std::nullopt;
    }
    if (!r.ok()) (void)writer_->control("ROLLBACK TO write");
    if (savepoints) (void)writer_->control("RELEASE write");
    results.push_back(std::move(r));
  }
  if (Status commit = writer_->control("COMMIT"); !commit.ok()) {
    (void)writer_->exec("ROLLBACK");
    for (auto& r : results) r = commit.error();
  }
  return results;
}

Status SqlStore::reconnect_writer_if_lost() {
  if (writer_->usable()) return ok_status();
  Result<std::unique_ptr<Connection>> fresh = connect_(/*writer=*/true);
  if (!fresh.ok()) return fresh.error();
  writer_ = std::move(fresh).value();
  return ok_status();
}

void SqlStore::flush() {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [this] { return queue_.empty() && in_flight_ == 0; });
}

size_t SqlStore::queue_depth() {
  std::lock_guard lock(mutex_);
  return queue_.size() + in_flight_;
}

// ---------------------------------------------------------------------------------------
// Writes

namespace {

// The id of the row `select` finds, inserted by `insert` (INSERT ... ON CONFLICT DO NOTHING)
// when there is none. Safe with several writers on one database (the nodes of an arena):
// one that lost the race to insert finds the winner's row, committed before its conflict
// was reported.
template <typename... Args>
Result<int64_t> find_or_insert(Connection& db, const std::string& select, const std::string& insert,
                               const std::string& key, const Args&... args) {
  Result<std::optional<int64_t>> found = query_id(db, select, key);
  if (!found.ok()) return found.error();
  if (*found) return **found;
  Result<std::optional<int64_t>> inserted = query_id(db, insert, args...);
  if (!inserted.ok()) return inserted.error();
  if (*inserted) return **inserted;
  found = query_id(db, select, key);
  if (!found.ok()) return found.error();
  if (*found) return **found;
  return make_error("conflict", "'" + key + "' is taken in another letter case");
}

}  // namespace

void SqlStore::ensure_player(const std::string& name, PlayerKind kind, const std::string& spec, DoneId done) {
  enqueue(
      {[=](Connection& db) -> Result<int64_t> {
         return find_or_insert(
             db, "SELECT id FROM players WHERE name = ?",
             "INSERT INTO players (name, kind, spec) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
             name, name, to_string(kind), spec);
       },
       std::move(done)});
}

void SqlStore::create_player(const std::string& name, PlayerKind kind, const std::string& spec, DoneId done) {
  enqueue({[=](Connection& db) -> Result<int64_t> {
             // One statement: no other write can come between the check and the insert.
             Result<std::optional<int64_t>> id =
                 query_id(db,
                          "INSERT INTO players (name, kind, spec) SELECT ?1, ?2, ?3 "
                          "WHERE NOT EXISTS (SELECT 1 FROM players WHERE lower(name) = lower(?1)) "
                          "ON CONFLICT DO NOTHING RETURNING id",
                          name, to_string(kind), spec);
             if (!id.ok()) return id.error();
             if (!*id) return make_error("conflict", "the name '" + name + "' is taken");
             return **id;
           },
           std::move(done)});
}

void SqlStore::ensure_puzzle(const std::string& game, const std::string& spec, double difficulty,
                             DoneId done) {
  enqueue({[=](Connection& db) -> Result<int64_t> {
             Result<std::optional<int64_t>> found =
                 query_id(db, "SELECT player_id FROM puzzles WHERE spec = ?", spec);
             if (!found.ok()) return found.error();
             if (*found) return **found;
             Result<int64_t> player =
                 find_or_insert(db, "SELECT id FROM players WHERE name = ?",
                                "INSERT INTO players (name, kind, spec) VALUES (?, 'puzzle', "
                                "?) ON CONFLICT DO NOTHING RETURNING id",
                                spec, spec, spec);
             if (!player.ok()) return player.error();
             Result<int> puzzle =
                 execute(db,
                         "INSERT INTO puzzles (game, spec, difficulty, player_id) VALUES (?, ?, "
                         "?, ?) ON CONFLICT DO NOTHING",
                         game, spec, difficulty, *player);
             if (!puzzle.ok()) return puzzle.error();
             return *player;
           },
           std::move(done)});
}

void SqlStore::create_match(const MatchRow& match, const std::vector<SeatRow>& seats, DoneId done) {
  enqueue({[=](Connection& db) -> Result<int64_t> {
             const std::optional<std::string> started =
                 match.status == "active" ? std::optional<std::string>(now_utc()) : std::nullopt;
             Result<int64_t> id = insert(db,
                                         "INSERT INTO matches (game, rating_group, rated, status, seed, "
                                         "time_control, puzzle_player_id, started_at, node) "
                                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                         match.game, match.rating_group, int64_t{match.rated}, match.status,
                                         static_cast<int64_t>(match.seed), match.time_control,
                                         match.puzzle_player_id, started, match.node);
             if (!id.ok()) return id;
             for (const SeatRow& seat : seats) {
               Result<int> r = execute(db, "INSERT INTO seats (match_id, seat, player_id) VALUES (?, ?, ?)",
                                       *id, int64_t{seat.seat}, seat.player_id);
               if (!r.ok()) return r.error();
             }
             return id;
           },
           std::move(done)});
}

void SqlStore::start_match(int64_t match_id, Done done) {
  enqueue_status(
      [=](Connection& db) -> Status {
        Result<int> changed = execute(
            db, "UPDATE matches SET status = 'active', started_at = ? WHERE id = ? AND status = 'pending'",
            now_utc(), match_id);
        if (!changed.ok()) return changed.error();
        if (*changed != 1)
          return make_error("db_error", "match " + std::to_string(match_id) + " is not pending");
        return ok_status();
      },
      std::move(done));
}

void SqlStore::set_match_puzzle(int64_t match_id, int64_t puzzle_player_id, Done done) {
  enqueue_status(
      [=](Connection& db) -> Status {
        Result<int> r =
            execute(db, "UPDATE matches SET puzzle_player_id = ? WHERE id = ?", puzzle_player_id, match_id);
        return r.ok() ? ok_status() : Status(r.error());
      },
      std::move(done));
}

void SqlStore::append_moves(int64_t match_id, std::vector<MoveRow> moves, Done done) {
  enqueue_status(
      [match_id, moves = std::move(moves)](Connection& db) -> Status {
        for (const MoveRow& move : moves) {
          Result<int> r =
              execute(db,
                      "INSERT INTO moves (match_id, ply, seat, action, step, think_ms, clocks_ms, "
                      "rewards, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      match_id, int64_t{move.ply}, int64_t{move.seat}, move.action, move.step.dump(),
                      move.think_ms, Json(move.clocks_ms).dump(), Json(move.rewards).dump(), now_utc());
          if (!r.ok()) return r.error();
        }
        return ok_status();
      },
      std::move(done));
}

void SqlStore::finish_match(const MatchEnd& end, Done done) {
  enqueue_status(
      [=](Connection& db) -> Status {
        const std::string now = now_utc();
        Result<int> changed =
            execute(db,
                    "UPDATE matches SET status = ?, result = ?, termination = ?, ended_at = ? "
                    "WHERE id = ? AND status IN ('pending', 'active')",
                    end.status, Json(end.result).dump(), end.termination, now, end.match_id);
        if (!changed.ok()) return changed.error();
        if (*changed != 1) {
          return make_error("db_error", "match " + std::to_string(end.match_id) + " is not in progress");
        }
        for (const RatingRow& rating : end.ratings) {
          Result<int> up =
              execute(db,
                      "INSERT INTO ratings (player_id, game, rating, deviation, volatility, games, "
                      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                      "ON CONFLICT (player_id, game) DO UPDATE SET rating = excluded.rating, "
                      "deviation = excluded.deviation, volatility = excluded.volatility, "
                      "games = excluded.games, updated_at = excluded.updated_at",
                      rating.player_id, rating.game, rating.rating, rating.deviation, rating.volatility,
                      int64_t{rating.games}, now);
          if (!up.ok()) return up.error();
          Result<int> hist =
              execute(db,
                      "INSERT INTO rating_history (player_id, game, match_id, rating, deviation, "
                      "volatility, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      rating.player_id, rating.game, end.match_id, rating.rating, rating.deviation,
                      rating.volatility, now);
          if (!hist.ok()) return hist.error();
        }
        return ok_status();
      },
      std::move(done));
}

void SqlStore::add_token(int64_t player_id, const std::string& token_sha256_hex, const std::string& scopes,
                         DoneId done) {
  enqueue({[=](Connection& db) {
             return insert(
                 db, "INSERT INTO api_tokens (player_id, token_sha256, scopes) VALUES (?, ?, ?) RETURNING id",
                 player_id, token_sha256_hex, scopes);
           },
           std::move(done)});
}

void SqlStore::revoke_token(const std::string& token_sha256_hex, Done done) {
  enqueue_status(
      [=](Connection& db) -> Status {
        Result<int> changed =
            execute(db, "UPDATE api_tokens SET revoked_at = ? WHERE token_sha256 = ? AND revoked_at IS NULL",
                    now_utc(), token_sha256_hex);
        if (!changed.ok()) return changed.error();
        if (*changed != 1) return make_error("not_found", "no live token with that hash");
        return ok_status();
      },
      std::move(done));
}

void SqlStore::add_session(int64_t player_id, const std::string& session_sha256_hex,
                           std::chrono::seconds lifetime, DoneId done) {
  enqueue({[=](Connection& db) -> Result<int64_t> {
             Result<int> swept = execute(db, "DELETE FROM sessions WHERE expires_at <= ?", now_utc());
             if (!swept.ok()) return swept.error();
             return insert(db,
                           "INSERT INTO sessions (player_id, session_sha256, expires_at) VALUES (?, ?, ?) "
                           "RETURNING id",
                           player_id, session_sha256_hex, utc_in(lifetime.count()));
           },
           std::move(done)});
}

void SqlStore::delete_session(const std::string& session_sha256_hex, Done done) {
  enqueue_status(
      [=](Connection& db) -> Status {
        Result<int> r = execute(db, "DELETE FROM sessions WHERE session_sha256 = ?", session_sha256_hex);
        return r.ok() ? ok_status() : Status(r.error());
      },
      std::move(done));
}

void SqlStore::add_agent_version(int64_t player_id, const std::string& run, int64_t step,
                                 const std::string& path, DoneId done) {
  enqueue({[=](Connection& db) {
             return insert(
                 db,
                 "INSERT INTO agent_versions (player_id, run, step, checkpoint_path) VALUES (?, ?, ?, ?) "
                 "RETURNING id",
                 player_id, run, step, path);
           },
           std::move(done)});
}

void SqlStore::upsert_training_run(const TrainingRunRow& run, DoneId done) {
  enqueue({[run](Connection& db) -> Result<int64_t> {
             const std::vector<std::string>& kinds = training_run_kinds();
             if (std::find(kinds.begin(), kinds.end(), run.kind) == kinds.end()) {
               return make_error("bad_request", "training run '" + run.name + "': kind '" + run.kind +
                                                    "' is not one of shared, specialist, transfer, scratch");
             }
             if (run.name.empty()) return make_error("bad_request", "a training run needs a name");
             if (run.games.empty())
               return make_error("bad_request", "training run '" + run.name + "' has no game");
             if (run.steps < 0 || run.budget_steps < 0) {
               return make_error("bad_request",
                                 "training run '" + run.name + "': step counts are not negative");
             }
             // RETURNING gives the row's id whether it was inserted or updated.
             return insert(
                 db,
                 "INSERT INTO training_runs (name, games, kind, init_from, frozen_trunk, budget_steps, "
                 "steps, device, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                 "ON CONFLICT (name) DO UPDATE SET games = excluded.games, kind = excluded.kind, "
                 "init_from = excluded.init_from, frozen_trunk = excluded.frozen_trunk, "
                 "budget_steps = excluded.budget_steps, steps = excluded.steps, device = excluded.device, "
                 "updated_at = excluded.updated_at RETURNING id",
                 run.name, Json(run.games).dump(), run.kind, run.init_from, int64_t{run.frozen_trunk},
                 run.budget_steps, run.steps, run.device, now_utc());
           },
           std::move(done)});
}

void SqlStore::upsert_exploitability(const ExploitabilityRow& row, Done done) {
  enqueue_status(
      [row](Connection& db) -> Status {
        if (row.rating_group.empty() || row.player.empty())
          return make_error("bad_request", "an exploitability figure needs a rating group and a player");
        if (!(row.value >= 0) || !(row.low <= row.high) || row.samples < 0) {
          return make_error("bad_request", "exploitability of '" + row.player + "' in " + row.rating_group +
                                               ": a value at least 0 and low <= high");
        }
        Result<int> r = execute(
            db,
            "INSERT INTO exploitability (rating_group, player, value, low, high, method, samples, "
            "computed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (rating_group, player) DO UPDATE SET value = excluded.value, low = excluded.low, "
            "high = excluded.high, method = excluded.method, samples = excluded.samples, "
            "computed_at = excluded.computed_at",
            row.rating_group, row.player, row.value, row.low, row.high,
            std::string(row.exact ? "exact" : "sampled"), int64_t{row.samples}, now_utc());
        if (!r.ok()) return r.error();
        return ok_status();
      },
      std::move(done));
}

// ---------------------------------------------------------------------------------------
// Reads

class SqlStore::Lease {
 public:
  Lease(SqlStore* store, std::unique_ptr<Connection> c) : store_(store), c_(std::move(c)) {}
  Lease(Lease&&) = default;
  ~Lease() {
    if (!c_ || !c_->usable()) return;  // a lost connection is dropped, not pooled
    std::lock_guard lock(store_->readers_mutex_);
    store_->readers_.push_back(std::move(c_));
  }
  Connection& operator*() { return *c_; }
  Connection* operator->() { return c_.get(); }

 private:
  SqlStore* store_;
  std::unique_ptr<Connection> c_;
};

Result<SqlStore::Lease> SqlStore::lease() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!readers_.empty()) {
      std::unique_ptr<Connection> c = std::move(readers_.back());
      readers_.pop_back();
      return Lease(this, std::move(c));
    }
  }
  Result<std::unique_ptr<Connection>> c = connect_(/*writer=*/false);
  if (!c.ok()) return c.error();
  return Lease(this, std::move(c).value());
}

namespace {

const char* kPlayerSelect = "SELECT id, name, kind, spec, created_at FROM players ";
const char* kRatingSelect =
    "SELECT r.player_id, p.name, p.kind, r.game, r.rating, r.deviation, r.volatility, r.games, r.updated_at "
    "FROM ratings r JOIN players p ON p.id = r.player_id ";

// Runs a query with its binds (1, 2, ... in order) and reads every row with `read`.
template <typename Read, typename... Args>
auto query_rows(Connection& db, const std::string& sql, Read read, const Args&... args)
    -> Result<std::vector<decltype(read(std::declval<const Statement&>()))>> {
  using Row = decltype(read(std::declval<const Statement&>()));
  Result<Statement*> s = db.cached(sql);
  if (!s.ok()) return s.error();
  ResetOnExit reset{*s};
  int i = 0;
  ((*s)->bind(++i, args), ...);
  std::vector<Row> out;
  for (;;) {
    Result<bool> row = (*s)->step();
    if (!row.ok()) return row.error();
    if (!*row) return out;
    out.push_back(read(**s));
  }
}

// The first row, if any.
template <typename T>
Result<std::optional<T>> first(Result<std::vector<T>> rows) {
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows->front()));
}

SeatRow read_seat(const Statement& s) {
  return {static_cast<int>(s.column_int(0)), s.column_int(1), s.column_text(2),
          player_kind_from_string(s.column_text(3)).value_or(PlayerKind::kAgent)};
}

MoveRow read_move(const Statement& s) {
  MoveRow m;
  m.ply = static_cast<int>(s.column_int(0));
  m.seat = static_cast<int>(s.column_int(1));
  m.action = s.column_text(2);
  m.step = parse_json(s.column_text(3)).value_or(Json());
  m.think_ms = s.column_int(4);
  if (auto j = parse_json(s.column_text(5)); j && j->is_array()) {
    for (const Json& v : *j) m.clocks_ms.push_back(v.is_number_integer() ? v.get<int64_t>() : -1);
  }
  m.rewards = read_doubles(s.column_text(6));
  m.created_at = s.column_text(7);
  return m;
}

const char* kTrainingRunSelect =
    "SELECT id, name, games, kind, init_from, frozen_trunk, budget_steps, steps, device, created_at, "
    "updated_at "
    "FROM training_runs ";

TrainingRunRow read_training_run(const Statement& s) {
  TrainingRunRow r;
  r.id = s.column_int(0);
  r.name = s.column_text(1);
  if (std::optional<Json> games = parse_json(s.column_text(2)); games && games->is_array()) {
    for (const Json& g : *games) {
      if (g.is_string()) r.games.push_back(g.get<std::string>());
    }
  }
  r.kind = s.column_text(3);
  r.init_from = s.column_text(4);
  r.frozen_trunk = s.column_int(5) != 0;
  r.budget_steps = s.column_int(6);
  r.steps = s.column_int(7);
  r.device = s.column_text(8);
  r.created_at = s.column_text(9);
  r.updated_at = s.column_text(10);
  return r;
}

}  // namespace

Result<std::optional<PlayerRow>> SqlStore::find_player(const std::string& name) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return first(query_rows(**db, std::string(kPlayerSelect) + "WHERE name = ?", read_player, name));
}

Result<std::optional<PlayerRow>> SqlStore::player(int64_t id) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return first(query_rows(**db, std::string(kPlayerSelect) + "WHERE id = ?", read_player, id));
}

Result<std::optional<MatchRecord>> SqlStore::match(int64_t id) {
  return first(records_where("id = ?", std::to_string(id), /*with_moves=*/true));
}

Result<std::vector<MatchRecord>> SqlStore::records_where(const std::string& where, const std::string& arg,
                                                         bool with_moves) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  // One read transaction, so the match, its seats and its moves are one snapshot.
  if (Status s = (*db)->begin(Transaction::kRead); !s.ok()) return s.error();
  struct EndRead {
    Connection& c;
    ~EndRead() { (void)c.control("COMMIT"); }
  } end_read{**db};
  const std::string sql =
      std::string("SELECT ") + kMatchColumns + " FROM matches WHERE " + where + " ORDER BY id";
  auto to_record = [](const Statement& s) { return MatchRecord{read_match(s), {}, {}}; };
  Result<std::vector<MatchRecord>> out =
      arg.empty() ? query_rows(**db, sql, to_record) : query_rows(**db, sql, to_record, arg);
  if (!out.ok()) return out;
  for (MatchRecord& r : *out) {
    Result<std::vector<SeatRow>> seats = query_rows(
        **db,
        "SELECT s.seat, s.player_id, p.name, p.kind FROM seats s JOIN players p ON p.id = s.player_id "
        "WHERE s.match_id = ? ORDER BY s.seat",
        read_seat, r.match.id);
    if (!seats.ok()) return seats.error();
    r.seats = std::move(seats).value();
    if (!with_moves) continue;
    Result<std::vector<MoveRow>> moves = query_rows(**db,
                                                    "SELECT ply, seat, action, step, think_ms, clocks_ms, "
                                                    "rewards, created_at FROM moves WHERE match_id = ? "
                                                    "ORDER BY ply",
                                                    read_move, r.match.id);
    if (!moves.ok()) return moves.error();
    r.moves = std::move(moves).value();
  }
  return out;
}

Result<std::vector<MatchRow>> SqlStore::matches(const MatchFilter& f) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return query_rows(
      **db,
      std::string("SELECT ") + kMatchColumns +
          " FROM matches WHERE (?1 = '' OR game = ?1 OR rating_group = ?1) AND (?2 = '' OR status = ?2) "
          "AND (?3 = 0 OR id < ?3) AND (?4 = 0 OR id IN (SELECT match_id FROM seats WHERE player_id = ?4)) "
          "ORDER BY id DESC LIMIT ?5",
      read_match, f.game, f.status, f.before_id, f.player_id, int64_t{f.limit});
}

void SqlStore::claim_matches(int64_t from_node, int64_t to_node, DoneIds done) {
  // The job may run twice (see run_batch): each run starts the list again.
  auto ids = std::make_shared<std::vector<int64_t>>();
  enqueue(
      {[=](Connection& db) -> Result<int64_t> {
         Result<std::vector<int64_t>> claimed = query_rows(
             db,
             "UPDATE matches SET node = ? WHERE node = ? AND status IN ('pending', 'active') RETURNING id",
             [](const Statement& s) { return s.column_int(0); }, to_node, from_node);
         if (!claimed.ok()) return claimed.error();
         *ids = std::move(claimed).value();
         std::sort(ids->begin(), ids->end());
         return static_cast<int64_t>(ids->size());
       },
       [ids, done = std::move(done)](Result<int64_t> r) {
         if (!r.ok()) return done(r.error());
         done(*ids);
       }});
}

Result<std::vector<MatchRecord>> SqlStore::unfinished_matches(int64_t node) {
  return records_where("status IN ('pending', 'active') AND node = " + std::to_string(node), "",
                       /*with_moves=*/true);
}

Result<std::vector<MatchRecord>> SqlStore::rated_results(const std::string& rating_group) {
  // The ratings need results and seats, not moves.
  return records_where("rated = 1 AND status = 'finished' AND rating_group = ?", rating_group,
                       /*with_moves=*/false);
}

Result<std::vector<RatingRow>> SqlStore::ratings(const std::string& rating_group) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return query_rows(**db,
                    std::string(kRatingSelect) +
                        "WHERE (?1 = '' OR r.game = ?1) ORDER BY r.game, r.rating DESC, r.player_id",
                    read_rating, rating_group);
}

Result<std::vector<RatingRow>> SqlStore::player_ratings(int64_t player_id) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return query_rows(**db, std::string(kRatingSelect) + "WHERE r.player_id = ? ORDER BY r.game", read_rating,
                    player_id);
}

Result<std::vector<RatingHistoryRow>> SqlStore::rating_history(int64_t player_id, const std::string& group) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return query_rows(
      **db,
      "SELECT player_id, game, match_id, rating, deviation, at FROM rating_history "
      "WHERE player_id = ?1 AND (?2 = '' OR game = ?2) ORDER BY id",
      [](const Statement& s) {
        return RatingHistoryRow{s.column_int(0),    s.column_text(1),   s.column_int(2),
                                s.column_double(3), s.column_double(4), s.column_text(5)};
      },
      player_id, group);
}

Result<std::optional<TokenRow>> SqlStore::find_token(const std::string& token_sha256_hex) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return first(query_rows(
      **db,
      "SELECT id, player_id, scopes, created_at FROM api_tokens WHERE token_sha256 = ? AND revoked_at IS "
      "NULL",
      [](const Statement& s) {
        return TokenRow{s.column_int(0), s.column_int(1), s.column_text(2), s.column_text(3)};
      },
      token_sha256_hex));
}

Result<std::optional<SessionRow>> SqlStore::find_session(const std::string& session_sha256_hex) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return first(query_rows(
      **db,
      "SELECT id, player_id, created_at, expires_at FROM sessions WHERE session_sha256 = ? AND expires_at > "
      "?",
      [](const Statement& s) {
        return SessionRow{s.column_int(0), s.column_int(1), s.column_text(2), s.column_text(3)};
      },
      session_sha256_hex, now_utc()));
}

Result<std::vector<PuzzleRow>> SqlStore::puzzles(const std::string& game) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return query_rows(
      **db, "SELECT id, game, spec, difficulty, player_id FROM puzzles WHERE game = ? ORDER BY id",
      [](const Statement& s) {
        return PuzzleRow{s.column_int(0), s.column_text(1), s.column_text(2), s.column_double(3),
                         s.column_int(4)};
      },
      game);
}

Result<std::vector<TrainingRunRow>> SqlStore::training_runs() {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return query_rows(**db, std::string(kTrainingRunSelect) + "ORDER BY id", read_training_run);
}

Result<std::optional<TrainingRunRow>> SqlStore::find_training_run(const std::string& name) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return first(query_rows(**db, std::string(kTrainingRunSelect) + "WHERE name = ?", read_training_run, name));
}

Result<std::vector<ExploitabilityRow>> SqlStore::exploitability(const std::string& rating_group) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return query_rows(
      **db,
      "SELECT rating_group, player, value, low, high, method, samples, computed_at FROM exploitability "
      "WHERE rating_group = ? ORDER BY player",
      [](const Statement& s) {
        ExploitabilityRow r;
        r.rating_group = s.column_text(0);
        r.player = s.column_text(1);
        r.value = s.column_double(2);
        r.low = s.column_double(3);
        r.high = s.column_double(4);
        r.exact = s.column_text(5) == "exact";
        r.samples = static_cast<int>(s.column_int(6));
        r.computed_at = s.column_text(7);
        return r;
      },
      rating_group);
}

// ---------------------------------------------------------------------------------------

std::string now_utc() { return utc_in(0); }

std::string utc_in(int64_t seconds) {
  using namespace std::chrono;
  const auto at = time_point_cast<milliseconds>(system_clock::now()) + std::chrono::seconds(seconds);
  const std::time_t t = system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[40];
  const size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(at.time_since_epoch().count() % 1000));
  return text;
}

Error db_error(const std::string& what, const std::string& message) {
  return make_error("db_error", what + ": " + message);
}

Result<int64_t> wait(std::function<void(Store::DoneId)> write) {
  std::promise<Result<int64_t>> promise;
  std::future<Result<int64_t>> future = promise.get_future();
  write([&promise](Result<int64_t> r) { promise.set_value(std::move(r)); });
  return future.get();
}

Result<std::vector<int64_t>> wait_ids(std::function<void(Store::DoneIds)> write) {
  std::promise<Result<std::vector<int64_t>>> promise;
  std::future<Result<std::vector<int64_t>>> future = promise.get_future();
  write([&promise](Result<std::vector<int64_t>> r) { promise.set_value(std::move(r)); });
  return future.get();
}

Status wait_status(std::function<void(Store::Done)> write) {
  std::promise<Status> promise;
  std::future<Status> future = promise.get_future();
  write([&promise](Status s) { promise.set_value(std::move(s)); });
  return future.get();
}

}  // namespace arena::db
