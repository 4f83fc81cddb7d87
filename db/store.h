// Store: where matches, moves, players and ratings live. The arena talks only to this
// interface; SqlStore (sql_store.h) implements it on SQLite (the embedded default) and on
// PostgreSQL (several servers sharing one database).
//
// Threading: every method may be called from any thread. Writes are queued and run in
// order on the store's own writer thread, so no caller waits on a disk write; each write's
// callback runs on the writer thread after its transaction has committed (call nothing
// slow from it: post to your own executor). Reads run on the calling thread with a
// connection of their own: call them from workers, never from a network thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/records.h"

namespace arena::db {

class Store {
 public:
  using Done = std::function<void(Status)>;
  using DoneId = std::function<void(Result<int64_t>)>;
  using DoneIds = std::function<void(Result<std::vector<int64_t>>)>;

  virtual ~Store() = default;

  // --- Writes (queued; the callback reports the commit) ---------------------------------
  // The player named `name`, created with `kind` and `spec` if new.
  virtual void ensure_player(const std::string& name, PlayerKind kind, const std::string& spec,
                             DoneId done) = 0;
  // A new player, named `name`: one insert, which fails with a "conflict" Error when a
  // player has the name already, compared case-insensitively (so two registrations of one
  // name at once cannot both succeed, and "Random" cannot pose as "random").
  virtual void create_player(const std::string& name, PlayerKind kind, const std::string& spec,
                             DoneId done) = 0;
  // A puzzle and its player (kind puzzle, named by the spec), created if new; gives the player id.
  virtual void ensure_puzzle(const std::string& game, const std::string& spec, double difficulty,
                             DoneId done) = 0;
  // A new match with its seats; gives the match id. The row's id is ignored. A match
  // created with status "active" is started at once (no start_match()).
  virtual void create_match(const MatchRow& match, const std::vector<SeatRow>& seats, DoneId done) = 0;
  virtual void start_match(int64_t match_id, Done done) = 0;
  // Moves the unfinished matches of node `from_node` (a dead one) to `to_node`; gives their ids.
  virtual void claim_matches(int64_t from_node, int64_t to_node, DoneIds done) = 0;
  // Sets the puzzle a match turned out to be (known after a chance deal).
  virtual void set_match_puzzle(int64_t match_id, int64_t puzzle_player_id, Done done) = 0;
  // Consecutive moves (a run of chance outcomes, or one move) as one write: all or none.
  // A (match, ply) already stored is an error, never an overwrite.
  virtual void append_moves(int64_t match_id, std::vector<MoveRow> moves, Done done) = 0;
  void append_move(int64_t match_id, const MoveRow& move, Done done) {
    append_moves(match_id, {move}, std::move(done));
  }
  // The end of a match and the rating updates it causes: one transaction.
  virtual void finish_match(const MatchEnd& end, Done done) = 0;
  // A bot's API token, stored as a SHA-256 hash; gives the token id.
  virtual void add_token(int64_t player_id, const std::string& token_sha256_hex, const std::string& scopes,
                         DoneId done) = 0;
  // Revokes the live token with this hash; a "not_found" Error when there is none.
  virtual void revoke_token(const std::string& token_sha256_hex, Done done) = 0;
  // A browser session of `player_id`, stored as the SHA-256 of its id, lasting `lifetime`;
  // gives the session's row id. Expired sessions are deleted on the way.
  virtual void add_session(int64_t player_id, const std::string& session_sha256_hex,
                           std::chrono::seconds lifetime, DoneId done) = 0;
  // Deletes the session with this hash (signing out); none is not an error.
  virtual void delete_session(const std::string& session_sha256_hex, Done done) = 0;
  virtual void add_agent_version(int64_t player_id, const std::string& run, int64_t step,
                                 const std::string& path, DoneId done) = 0;
  // Creates the training run `run.name`, or updates every field of the one with that name
  // (its created_at stays); gives the run's id. An unknown kind, no name, no game or a
  // negative step count is a "bad_request" Error.
  virtual void upsert_training_run(const TrainingRunRow& run, DoneId done) = 0;
  // Stores a player's exploitability in a rating group, replacing the one stored before.
  // No group or player, a negative value or low > high is a "bad_request" Error.
  virtual void upsert_exploitability(const ExploitabilityRow& row, Done done) = 0;
  // Blocks until every write queued before the call has committed (tests, shutdown).
  virtual void flush() = 0;

  // --- Reads (synchronous, own connection) --------------------------------------------
  virtual Result<std::optional<PlayerRow>> find_player(const std::string& name) = 0;
  virtual Result<std::optional<PlayerRow>> player(int64_t id) = 0;
  virtual Result<std::optional<MatchRecord>> match(int64_t id) = 0;
  virtual Result<std::vector<MatchRow>> matches(const MatchFilter& filter) = 0;
  // The matches of server node `node` (0: a single server) whose status is pending or active
  // (for recovery at start-up), oldest first.
  virtual Result<std::vector<MatchRecord>> unfinished_matches(int64_t node) = 0;
  // Every finished rated match of a rating group, with seats (for Bradley-Terry).
  virtual Result<std::vector<MatchRecord>> rated_results(const std::string& rating_group) = 0;
  // Live ratings of a rating group, best first (equal ones by player id, so that every backend
  // lists them alike); every group's when `rating_group` is empty.
  virtual Result<std::vector<RatingRow>> ratings(const std::string& rating_group) = 0;
  virtual Result<std::vector<RatingRow>> player_ratings(int64_t player_id) = 0;
  virtual Result<std::vector<RatingHistoryRow>> rating_history(int64_t player_id,
                                                               const std::string& rating_group) = 0;
  virtual Result<std::optional<TokenRow>> find_token(const std::string& token_sha256_hex) = 0;
  // The unexpired session with this hash, if any.
  virtual Result<std::optional<SessionRow>> find_session(const std::string& session_sha256_hex) = 0;
  virtual Result<std::vector<PuzzleRow>> puzzles(const std::string& game) = 0;
  // Every training run, oldest first.
  virtual Result<std::vector<TrainingRunRow>> training_runs() = 0;
  virtual Result<std::optional<TrainingRunRow>> find_training_run(const std::string& name) = 0;
  // The stored exploitability figures of a rating group, by player name.
  virtual Result<std::vector<ExploitabilityRow>> exploitability(const std::string& rating_group) = 0;
};

// Blocking helpers over the callback API, for command-line tools and tests.
Result<int64_t> wait(std::function<void(Store::DoneId)> write);
Result<std::vector<int64_t>> wait_ids(std::function<void(Store::DoneIds)> write);
Status wait_status(std::function<void(Store::Done)> write);

}  // namespace arena::db
