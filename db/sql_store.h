// SqlStore: the Store on a SQL database, SQLite (one file in WAL mode, the embedded default)
// or PostgreSQL (several servers may share one). One writer thread owns the write connection
// and commits queued writes in groups (one transaction per batch, a savepoint per write, so
// one failing write does not undo the others); readers take connections from a small pool.
// The SQL is the same for both (sql.h). See store.h for the threading contract.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "db/sql.h"
#include "db/store.h"

namespace arena::db {

// True for a libpq connection URI (postgresql://... or postgres://...): where a store lives
// when it is not an SQLite file.
bool is_postgres_url(const std::string& where);

// A plain connection to `where` (a URL or a file; SQLite: `create` makes a missing file), for
// tools that work below the store (arena db copy).
Result<std::unique_ptr<Connection>> connect(const std::string& where, bool create = false);

class SqlStore final : public Store {
 public:
  // Opens `where`, a libpq URI (postgresql://...) or else an SQLite file (created if
  // missing), and applies pending migrations.
  static Result<std::unique_ptr<SqlStore>> open(const std::string& where);
  // Finishes every queued write, then closes.
  ~SqlStore() override;

  void ensure_player(const std::string& name, PlayerKind kind, const std::string& spec, DoneId done) override;
  void create_player(const std::string& name, PlayerKind kind, const std::string& spec, DoneId done) override;
  void ensure_puzzle(const std::string& game, const std::string& spec, double difficulty,
                     DoneId done) override;
  void create_match(const MatchRow& match, const std::vector<SeatRow>& seats, DoneId done) override;
  void claim_matches(int64_t from_node, int64_t to_node, DoneIds done) override;
  void start_match(int64_t match_id, Done done) override;
  void set_match_puzzle(int64_t match_id, int64_t puzzle_player_id, Done done) override;
  void append_moves(int64_t match_id, std::vector<MoveRow> moves, Done done) override;
  void finish_match(const MatchEnd& end, Done done) override;
  void add_token(int64_t player_id, const std::string& token_sha256_hex, const std::string& scopes,
                 DoneId done) override;
  void revoke_token(const std::string& token_sha256_hex, Done done) override;
  void add_session(int64_t player_id, const std::string& session_sha256_hex, std::chrono::seconds lifetime,
                   DoneId done) override;
  void delete_session(const std::string& session_sha256_hex, Done done) override;
  void add_agent_version(int64_t player_id, const std::string& run, int64_t step, const std::string& path,
                         DoneId done) override;
  void upsert_training_run(const TrainingRunRow& run, DoneId done) override;
  void upsert_exploitability(const ExploitabilityRow& row, Done done) override;
  void flush() override;

  Result<std::optional<PlayerRow>> find_player(const std::string& name) override;
  Result<std::optional<PlayerRow>> player(int64_t id) override;
  Result<std::optional<MatchRecord>> match(int64_t id) override;
  Result<std::vector<MatchRow>> matches(const MatchFilter& filter) override;
  Result<std::vector<MatchRecord>> unfinished_matches(int64_t node) override;
  Result<std::vector<MatchRecord>> rated_results(const std::string& rating_group) override;
  Result<std::vector<RatingRow>> ratings(const std::string& rating_group) override;
  Result<std::vector<RatingRow>> player_ratings(int64_t player_id) override;
  Result<std::vector<RatingHistoryRow>> rating_history(int64_t player_id,
                                                       const std::string& rating_group) override;
  Result<std::optional<TokenRow>> find_token(const std::string& token_sha256_hex) override;
  Result<std::optional<SessionRow>> find_session(const std::string& session_sha256_hex) override;
  Result<std::vector<PuzzleRow>> puzzles(const std::string& game) override;
  Result<std::vector<TrainingRunRow>> training_runs() override;
  Result<std::optional<TrainingRunRow>> find_training_run(const std::string& name) override;
  Result<std::vector<ExploitabilityRow>> exploitability(const std::string& rating_group) override;

  // Writes queued and not yet committed (for metrics).
  size_t queue_depth();

 private:
  // A write: runs inside the batch's transaction; `id` is what DoneId callbacks receive.
  struct Job {
    std::function<Result<int64_t>(Connection&)> run;
    std::function<void(Result<int64_t>)> done;
  };

  // A new connection: the writer's (SQLite: may create the file) or a reader's.
  using Connect = std::function<Result<std::unique_ptr<Connection>>(bool writer)>;

  SqlStore(Connect connect, std::unique_ptr<Connection> writer);
  void enqueue(Job job);
  // Runs a batch's writes in one transaction and gives each write's result. Without
  // savepoints (the common case, where every write succeeds: a round trip less per write on
  // PostgreSQL) the first failing write rolls the whole transaction back and nothing is
  // given; the batch then runs again with a savepoint per write, so that a failing write's
  // changes alone are undone and its neighbours still commit.
  std::optional<std::vector<Result<int64_t>>> run_batch(std::vector<Job>& batch, bool savepoints);
  // The writer's connection, opened again when the server dropped it.
  Status reconnect_writer_if_lost();
  void enqueue_status(std::function<Status(Connection&)> run, Done done);
  void write_loop();

  // A read connection from the pool, returned when the lease ends.
  class Lease;
  Result<Lease> lease();
  // Matches matching `where` (one optional text bind), with seats and, if asked, moves.
  Result<std::vector<MatchRecord>> records_where(const std::string& where, const std::string& arg,
                                                 bool with_moves);

  const Connect connect_;
  std::unique_ptr<Connection> writer_;

  std::mutex mutex_;
  std::condition_variable wake_, drained_;
  std::deque<Job> queue_;
  size_t in_flight_ = 0;
  bool stopping_ = false;

  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> readers_;

  std::thread thread_;  // last: started once everything above exists
};

}  // namespace arena::db
