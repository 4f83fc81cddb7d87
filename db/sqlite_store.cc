#include "db/sqlite_store.h"

#include <algorithm>
#include <future>
#include <limits>

#include "db/migrations.h"

namespace arena::db {
namespace {

constexpr size_t kMaxBatch = 1024;  // writes per transaction

const char* kMatchColumns =
    "id, game, rating_group, rated, status, seed, time_control, created_at, COALESCE(started_at, ''), "
    "COALESCE(ended_at, ''), COALESCE(result, '[]'), COALESCE(termination, ''), puzzle_player_id";

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

// Runs a statement without binds or rows (transaction control), prepared once.
Status run_cached(Connection& db, const std::string& sql) {
  Result<Statement*> stmt = db.cached(sql);
  if (!stmt.ok()) return stmt.error();
  ResetOnExit reset{*stmt};
  return (*stmt)->run();
}

// Runs one statement with the given binds; gives the last insert id.
template <typename... Args>
Result<int64_t> exec_insert(Connection& db, const std::string& sql, const Args&... args) {
  Result<Statement*> stmt = db.cached(sql);
  if (!stmt.ok()) return stmt.error();
  ResetOnExit reset{*stmt};
  int i = 0;
  ((*stmt)->bind(++i, args), ...);
  if (Status s = (*stmt)->run(); !s.ok()) return s.error();
  return db.last_insert_id();
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

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  Result<std::unique_ptr<Connection>> writer = Connection::open(path, /*create=*/true);
  if (!writer.ok()) return writer.error();
  if (Status s = migrate(**writer); !s.ok()) return s.error();
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, std::move(writer).value()));
}

SqliteStore::SqliteStore(std::string path, std::unique_ptr<Connection> writer)
    : path_(std::move(path)), writer_(std::move(writer)), thread_([this] { write_loop(); }) {}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SqliteStore::enqueue(Job job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void SqliteStore::enqueue_status(std::function<Status(Connection&)> run, Done done) {
  enqueue(Job{[run = std::move(run)](Connection& db) -> Result<int64_t> {
                Status s = run(db);
                if (!s.ok()) return s.error();
                return int64_t{0};
              },
              [done = std::move(done)](Result<int64_t> r) {
                if (done) done(r.ok() ? ok_status() : Status(r.error()));
              }});
}

void SqliteStore::write_loop() {
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
    // One transaction for the batch; a savepoint per write keeps a failing write's
    // changes out without undoing its neighbours'.
    std::vector<Result<int64_t>> results;
    results.reserve(batch.size());
    Status begin = run_cached(*writer_, "BEGIN IMMEDIATE");
    for (Job& job : batch) {
      if (!begin.ok()) {
        results.emplace_back(begin.error());
        continue;
      }
      (void)run_cached(*writer_, "SAVEPOINT write");
      // A write that throws (nlohmann's dump on a string that is not UTF-8) fails alone
      // instead of ending the process from the writer thread.
      Result<int64_t> r = [&]() -> Result<int64_t> {
        try {
          return job.run(*writer_);
        } catch (const std::exception& e) {
          return make_error("db_error", std::string("write failed: ") + e.what());
        }
      }();
      if (!r.ok()) (void)run_cached(*writer_, "ROLLBACK TO write");
      (void)run_cached(*writer_, "RELEASE write");
      results.push_back(std::move(r));
    }
    if (begin.ok()) {
      if (Status commit = run_cached(*writer_, "COMMIT"); !commit.ok()) {
        (void)writer_->exec("ROLLBACK");
        for (auto& r : results) r = commit.error();
      }
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) batch[i].done(std::move(results[i]));
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

void SqliteStore::flush() {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [this] { return queue_.empty() && in_flight_ == 0; });
}

size_t SqliteStore::queue_depth() {
  std::lock_guard lock(mutex_);
  return queue_.size() + in_flight_;
}

// ---------------------------------------------------------------------------------------
// Writes

void SqliteStore::ensure_player(const std::string& name, PlayerKind kind, const std::string& spec,
                                DoneId done) {
  enqueue({[=](Connection& db) -> Result<int64_t> {
             Result<std::optional<int64_t>> found =
                 query_id(db, "SELECT id FROM players WHERE name = ?", name);
             if (!found.ok()) return found.error();
             if (*found) return **found;
             return exec_insert(db, "INSERT INTO players (name, kind, spec) VALUES (?, ?, ?)", name,
                                to_string(kind), spec);
           },
           std::move(done)});
}

void SqliteStore::create_player(const std::string& name, PlayerKind kind, const std::string& spec,
                                DoneId done) {
  enqueue({[=](Connection& db) -> Result<int64_t> {
             // One statement: no other write can come between the check and the insert.
             Result<int64_t> id = exec_insert(db,
                                              "INSERT INTO players (name, kind, spec) SELECT ?1, ?2, ?3 "
                                              "WHERE NOT EXISTS (SELECT 1 FROM players WHERE name = ?1 "
                                              "COLLATE NOCASE) ON CONFLICT (name) DO NOTHING",
                                              name, to_string(kind), spec);
             if (!id.ok()) return id;
             if (db.changes() != 1) return make_error("conflict", "the name '" + name + "' is taken");
             return id;
           },
           std::move(done)});
}

void SqliteStore::ensure_puzzle(const std::string& game, const std::string& spec, double difficulty,
                                DoneId done) {
  enqueue({[=](Connection& db) -> Result<int64_t> {
             Result<std::optional<int64_t>> found =
                 query_id(db, "SELECT player_id FROM puzzles WHERE spec = ?", spec);
             if (!found.ok()) return found.error();
             if (*found) return **found;
             Result<int64_t> player = exec_insert(
                 db, "INSERT INTO players (name, kind, spec) VALUES (?, 'puzzle', ?)", spec, spec);
             if (!player.ok()) return player.error();
             Result<int64_t> puzzle = exec_insert(
                 db, "INSERT INTO puzzles (game, spec, difficulty, player_id) VALUES (?, ?, ?, ?)", game,
                 spec, difficulty, *player);
             if (!puzzle.ok()) return puzzle.error();
             return *player;
           },
           std::move(done)});
}

void SqliteStore::create_match(const MatchRow& match, const std::vector<SeatRow>& seats, DoneId done) {
  enqueue(
      {[=](Connection& db) -> Result<int64_t> {
         Result<int64_t> id = exec_insert(
             db,
             "INSERT INTO matches (game, rating_group, rated, status, seed, time_control, puzzle_player_id, "
             "started_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
             "CASE WHEN ?4 = 'active' THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') END)",
             match.game, match.rating_group, int64_t{match.rated}, match.status,
             static_cast<int64_t>(match.seed), match.time_control, match.puzzle_player_id);
         if (!id.ok()) return id;
         for (const SeatRow& seat : seats) {
           Result<int64_t> r =
               exec_insert(db, "INSERT INTO seats (match_id, seat, player_id) VALUES (?, ?, ?)", *id,
                           int64_t{seat.seat}, seat.player_id);
           if (!r.ok()) return r.error();
         }
         return id;
       },
       std::move(done)});
}

void SqliteStore::start_match(int64_t match_id, Done done) {
  enqueue_status(
      [=](Connection& db) -> Status {
        Result<int64_t> r = exec_insert(db,
                                        "UPDATE matches SET status = 'active', "
                                        "started_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                                        "WHERE id = ? AND status = 'pending'",
                                        match_id);
        if (!r.ok()) return r.error();
        if (db.changes() != 1)
          return make_error("db_error", "match " + std::to_string(match_id) + " is not pending");
        return ok_status();
      },
      std::move(done));
}

void SqliteStore::set_match_puzzle(int64_t match_id, int64_t puzzle_player_id, Done done) {
  enqueue_status(
      [=](Connection& db) -> Status {
        Result<int64_t> r = exec_insert(db, "UPDATE matches SET puzzle_player_id = ? WHERE id = ?",
                                        puzzle_player_id, match_id);
        return r.ok() ? ok_status() : Status(r.error());
      },
      std::move(done));
}

void SqliteStore::append_moves(int64_t match_id, std::vector<MoveRow> moves, Done done) {
  enqueue_status(
      [match_id, moves = std::move(moves)](Connection& db) -> Status {
        for (const MoveRow& move : moves) {
          Result<int64_t> r = exec_insert(
              db,
              "INSERT INTO moves (match_id, ply, seat, action, step, think_ms, clocks_ms, rewards) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              match_id, int64_t{move.ply}, int64_t{move.seat}, move.action, move.step.dump(), move.think_ms,
              Json(move.clocks_ms).dump(), Json(move.rewards).dump());
          if (!r.ok()) return r.error();
        }
        return ok_status();
      },
      std::move(done));
}

void SqliteStore::finish_match(const MatchEnd& end, Done done) {
  enqueue_status(
      [=](Connection& db) -> Status {
        Result<int64_t> r = exec_insert(db,
                                        "UPDATE matches SET status = ?, result = ?, termination = ?, "
                                        "ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                                        "WHERE id = ? AND status IN ('pending', 'active')",
                                        end.status, Json(end.result).dump(), end.termination, end.match_id);
        if (!r.ok()) return r.error();
        if (db.changes() != 1) {
          return make_error("db_error", "match " + std::to_string(end.match_id) + " is not in progress");
        }
        for (const RatingRow& rating : end.ratings) {
          Result<int64_t> up = exec_insert(db,
                                           "INSERT INTO ratings (player_id, game, rating, deviation, "
                                           "volatility, games) VALUES (?, ?, ?, ?, ?, ?) "
                                           "ON CONFLICT (player_id, game) DO UPDATE SET rating = "
                                           "excluded.rating, deviation = excluded.deviation, "
                                           "volatility = excluded.volatility, games = excluded.games, "
                                           "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                                           rating.player_id, rating.game, rating.rating, rating.deviation,
                                           rating.volatility, int64_t{rating.games});
          if (!up.ok()) return up.error();
          Result<int64_t> hist = exec_insert(db,
                                             "INSERT INTO rating_history (player_id, game, match_id, rating, "
                                             "deviation, volatility) VALUES (?, ?, ?, ?, ?, ?)",
                                             rating.player_id, rating.game, end.match_id, rating.rating,
                                             rating.deviation, rating.volatility);
          if (!hist.ok()) return hist.error();
        }
        return ok_status();
      },
      std::move(done));
}

void SqliteStore::add_token(int64_t player_id, const std::string& token_sha256_hex, const std::string& scopes,
                            DoneId done) {
  enqueue({[=](Connection& db) {
             return exec_insert(db,
                                "INSERT INTO api_tokens (player_id, token_sha256, scopes) VALUES (?, ?, ?)",
                                player_id, token_sha256_hex, scopes);
           },
           std::move(done)});
}

void SqliteStore::revoke_token(const std::string& token_sha256_hex, Done done) {
  enqueue_status(
      [=](Connection& db) -> Status {
        Result<int64_t> r = exec_insert(db,
                                        "UPDATE api_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', "
                                        "'now') WHERE token_sha256 = ? AND revoked_at IS NULL",
                                        token_sha256_hex);
        if (!r.ok()) return r.error();
        if (db.changes() != 1) return make_error("not_found", "no live token with that hash");
        return ok_status();
      },
      std::move(done));
}

void SqliteStore::add_session(int64_t player_id, const std::string& session_sha256_hex,
                              std::chrono::seconds lifetime, DoneId done) {
  enqueue(
      {[=](Connection& db) -> Result<int64_t> {
         Status swept =
             run_cached(db, "DELETE FROM sessions WHERE expires_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
         if (!swept.ok()) return swept.error();
         return exec_insert(db,
                            "INSERT INTO sessions (player_id, session_sha256, expires_at) VALUES (?1, ?2, "
                            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?3 || ' seconds'))",
                            player_id, session_sha256_hex, static_cast<int64_t>(lifetime.count()));
       },
       std::move(done)});
}

void SqliteStore::delete_session(const std::string& session_sha256_hex, Done done) {
  enqueue_status(
      [=](Connection& db) -> Status {
        Result<int64_t> r =
            exec_insert(db, "DELETE FROM sessions WHERE session_sha256 = ?", session_sha256_hex);
        return r.ok() ? ok_status() : Status(r.error());
      },
      std::move(done));
}

void SqliteStore::add_agent_version(int64_t player_id, const std::string& run, int64_t step,
                                    const std::string& path, DoneId done) {
  enqueue({[=](Connection& db) {
             return exec_insert(
                 db, "INSERT INTO agent_versions (player_id, run, step, checkpoint_path) VALUES (?, ?, ?, ?)",
                 player_id, run, step, path);
           },
           std::move(done)});
}

void SqliteStore::upsert_training_run(const TrainingRunRow& run, DoneId done) {
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
             Result<int64_t> r = exec_insert(
                 db,
                 "INSERT INTO training_runs (name, games, kind, init_from, frozen_trunk, budget_steps, "
                 "steps, device) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                 "ON CONFLICT (name) DO UPDATE SET games = excluded.games, kind = excluded.kind, "
                 "init_from = excluded.init_from, frozen_trunk = excluded.frozen_trunk, "
                 "budget_steps = excluded.budget_steps, steps = excluded.steps, device = excluded.device, "
                 "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                 run.name, Json(run.games).dump(), run.kind, run.init_from, int64_t{run.frozen_trunk},
                 run.budget_steps, run.steps, run.device);
             if (!r.ok()) return r.error();
             // After an update last_insert_id is not this row's: look it up by name.
             Result<std::optional<int64_t>> id =
                 query_id(db, "SELECT id FROM training_runs WHERE name = ?", run.name);
             if (!id.ok()) return id.error();
             if (!*id)
               return make_error("db_error", "training run '" + run.name + "' vanished after its write");
             return **id;
           },
           std::move(done)});
}

void SqliteStore::upsert_exploitability(const ExploitabilityRow& row, Done done) {
  enqueue_status(
      [row](Connection& db) -> Status {
        if (row.rating_group.empty() || row.player.empty())
          return make_error("bad_request", "an exploitability figure needs a rating group and a player");
        if (!(row.value >= 0) || !(row.low <= row.high) || row.samples < 0) {
          return make_error("bad_request", "exploitability of '" + row.player + "' in " + row.rating_group +
                                               ": a value at least 0 and low <= high");
        }
        Result<int64_t> r = exec_insert(
            db,
            "INSERT INTO exploitability (rating_group, player, value, low, high, method, samples) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (rating_group, player) DO UPDATE SET value = excluded.value, low = excluded.low, "
            "high = excluded.high, method = excluded.method, samples = excluded.samples, "
            "computed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            row.rating_group, row.player, row.value, row.low, row.high,
            std::string(row.exact ? "exact" : "sampled"), int64_t{row.samples});
        if (!r.ok()) return r.error();
        return ok_status();
      },
      std::move(done));
}

// ---------------------------------------------------------------------------------------
// Reads

class SqliteStore::Lease {
 public:
  Lease(SqliteStore* store, std::unique_ptr<Connection> c) : store_(store), c_(std::move(c)) {}
  Lease(Lease&&) = default;
  ~Lease() {
    if (!c_) return;
    std::lock_guard lock(store_->readers_mutex_);
    store_->readers_.push_back(std::move(c_));
  }
  Connection& operator*() { return *c_; }
  Connection* operator->() { return c_.get(); }

 private:
  SqliteStore* store_;
  std::unique_ptr<Connection> c_;
};

Result<SqliteStore::Lease> SqliteStore::lease() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!readers_.empty()) {
      std::unique_ptr<Connection> c = std::move(readers_.back());
      readers_.pop_back();
      return Lease(this, std::move(c));
    }
  }
  Result<std::unique_ptr<Connection>> c = Connection::open(path_, /*create=*/false);
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

Result<std::optional<PlayerRow>> SqliteStore::find_player(const std::string& name) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return first(query_rows(**db, std::string(kPlayerSelect) + "WHERE name = ?", read_player, name));
}

Result<std::optional<PlayerRow>> SqliteStore::player(int64_t id) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return first(query_rows(**db, std::string(kPlayerSelect) + "WHERE id = ?", read_player, id));
}

Result<std::optional<MatchRecord>> SqliteStore::match(int64_t id) {
  return first(records_where("id = ?", std::to_string(id), /*with_moves=*/true));
}

Result<std::vector<MatchRecord>> SqliteStore::records_where(const std::string& where, const std::string& arg,
                                                            bool with_moves) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  // One read transaction, so the match, its seats and its moves are one snapshot.
  if (Status s = (*db)->exec("BEGIN"); !s.ok()) return s.error();
  struct EndRead {
    Connection& c;
    ~EndRead() { (void)c.exec("COMMIT"); }
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

Result<std::vector<MatchRow>> SqliteStore::matches(const MatchFilter& f) {
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

Result<std::vector<MatchRecord>> SqliteStore::unfinished_matches() {
  return records_where("status IN ('pending', 'active')", "", /*with_moves=*/true);
}

Result<std::vector<MatchRecord>> SqliteStore::rated_results(const std::string& rating_group) {
  // The ratings need results and seats, not moves.
  return records_where("rated = 1 AND status = 'finished' AND rating_group = ?", rating_group,
                       /*with_moves=*/false);
}

Result<std::vector<RatingRow>> SqliteStore::ratings(const std::string& rating_group) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return query_rows(
      **db, std::string(kRatingSelect) + "WHERE (?1 = '' OR r.game = ?1) ORDER BY r.game, r.rating DESC",
      read_rating, rating_group);
}

Result<std::vector<RatingRow>> SqliteStore::player_ratings(int64_t player_id) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return query_rows(**db, std::string(kRatingSelect) + "WHERE r.player_id = ? ORDER BY r.game", read_rating,
                    player_id);
}

Result<std::vector<RatingHistoryRow>> SqliteStore::rating_history(int64_t player_id,
                                                                  const std::string& group) {
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

Result<std::optional<TokenRow>> SqliteStore::find_token(const std::string& token_sha256_hex) {
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

Result<std::optional<SessionRow>> SqliteStore::find_session(const std::string& session_sha256_hex) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return first(query_rows(
      **db,
      "SELECT id, player_id, created_at, expires_at FROM sessions WHERE session_sha256 = ? AND expires_at > "
      "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
      [](const Statement& s) {
        return SessionRow{s.column_int(0), s.column_int(1), s.column_text(2), s.column_text(3)};
      },
      session_sha256_hex));
}

Result<std::vector<PuzzleRow>> SqliteStore::puzzles(const std::string& game) {
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

Result<std::vector<TrainingRunRow>> SqliteStore::training_runs() {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return query_rows(**db, std::string(kTrainingRunSelect) + "ORDER BY id", read_training_run);
}

Result<std::optional<TrainingRunRow>> SqliteStore::find_training_run(const std::string& name) {
  Result<Lease> db = lease();
  if (!db.ok()) return db.error();
  return first(query_rows(**db, std::string(kTrainingRunSelect) + "WHERE name = ?", read_training_run, name));
}

Result<std::vector<ExploitabilityRow>> SqliteStore::exploitability(const std::string& rating_group) {
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

Result<int64_t> wait(std::function<void(Store::DoneId)> write) {
  std::promise<Result<int64_t>> promise;
  std::future<Result<int64_t>> future = promise.get_future();
  write([&promise](Result<int64_t> r) { promise.set_value(std::move(r)); });
  return future.get();
}

Status wait_status(std::function<void(Store::Done)> write) {
  std::promise<Status> promise;
  std::future<Status> future = promise.get_future();
  write([&promise](Status s) { promise.set_value(std::move(s)); });
  return future.get();
}

}  // namespace arena::db
