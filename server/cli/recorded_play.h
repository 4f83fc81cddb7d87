// RecordedPlay: plays local matches through the real arena and store, for
// `arena play --db`: every move is stored as it is made and the match is rated.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "db/sqlite_store.h"
#include "server/arena/arena.h"

namespace arena::cli {

class RecordedPlay {
 public:
  static Result<std::unique_ptr<RecordedPlay>> open(const std::string& db_path);
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

  db::Store& store() { return *store_; }

 private:
  RecordedPlay(std::unique_ptr<db::SqliteStore> store);

  std::unique_ptr<db::SqliteStore> store_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::unique_ptr<Arena> arena_;
  std::thread thread_;
};

}  // namespace arena::cli
