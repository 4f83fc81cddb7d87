// RecordedPlay: plays local matches through the real arena and store, for
// `arena play --db` and `arena train`'s evaluations (an arena of its own on the file) and
// for `arena serve --learn`'s promotion gate (the served arena): every move is stored as it
// is made and the match is rated.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "db/sql_store.h"
#include "server/arena/arena.h"

namespace arena::cli {

// Enters a training checkpoint in the database: its player (kind agent, named as its agent's
// spec) and its agent_versions row. Blocking.
Status register_checkpoint(db::Store& store, const std::string& player, const std::string& run, int64_t step,
                           const std::string& path);

class RecordedPlay {
 public:
  // An arena of its own (no house matches) on the SQLite file, run on a thread of its own.
  static Result<std::unique_ptr<RecordedPlay>> open(const std::string& db_path);
  // Through an arena already running on its io_context, whose store is `store`: its
  // matches are that arena's, live for spectators. Both must outlive this object.
  static std::unique_ptr<RecordedPlay> over(Arena& arena, db::Store& store);
  ~RecordedPlay();

  struct Outcome {
    int64_t match_id;
    std::vector<double> returns;
    size_t length;
    std::string termination;
  };
  // Plays one rated, untimed match between agents (by seat) and waits for its stored end.
  // Thread-safe: several threads may play at once (their agents' searches then overlap).
  Result<Outcome> play(const std::string& game, const std::vector<std::string>& seat_agents, uint64_t seed);
  // From now on play() stops waiting (its match goes on in the arena) and answers
  // "cancelled": for a server shutting down while a play waits.
  void cancel() { cancelled_ = true; }

  db::Store& store() { return *store_; }
  // The arena it plays through, and the io_context that runs it (open()'s kind: its own
  // thread runs it, so a server may share it).
  Arena& arena() { return *arena_; }
  asio::io_context& io() { return io_; }

 private:
  explicit RecordedPlay(std::unique_ptr<db::SqlStore> store);
  RecordedPlay(Arena& arena, db::Store& store);

  // Owned by open()'s kind only.
  std::unique_ptr<db::SqlStore> owned_store_;
  asio::io_context io_;
  std::unique_ptr<Arena> owned_arena_;
  std::thread thread_;

  db::Store* store_;
  Arena* arena_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace arena::cli
