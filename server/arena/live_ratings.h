// LiveRatings: each (player, rating group)'s Glicko-2 rating, updated when a rated match
// ends (the match is one rating period for its participants). A puzzle is its solver's
// opponent: solving it is a win. A match's new ratings are pending until the store has
// committed the result they come from (settle): only then are they the live ratings, so
// what is live never runs ahead of what a restart would load. A match ending meanwhile
// is rated from the pending ratings, as if the commit had happened.
//
// Thread-safety: thread-safe (one mutex); matches end on their own strands.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/records.h"
#include "server/arena/match.h"

namespace arena {

class LiveRatings {
 public:
  // Replaces what is known with stored ratings (at recovery).
  void load(const std::vector<db::RatingRow>& rows);
  // The participants' new ratings after `match` ended with `returns` (empty when nobody's
  // rating moves: an agent against itself, a puzzle without its player), handed to `store`
  // under this object's lock. The caller queues the write of the match's end there (queue
  // only, never wait), so that the store commits ends in the order they were rated: queued
  // after the lock, a match rated later could be stored first, and the other's write would
  // then put back ratings from before it (a lost update).
  void rate(const Match& match, const std::vector<double>& returns, std::optional<int64_t> puzzle_player_id,
            const std::function<void(std::vector<db::RatingRow>)>& store);
  // The store committed (`stored`) or failed to commit match `match_id`'s result and the
  // ratings rate() gave it: they become live, or are dropped.
  void settle(int64_t match_id, const std::vector<db::RatingRow>& rows, bool stored);

 private:
  using Key = std::pair<int64_t, std::string>;  // (player, group)
  struct Pending {
    int64_t match_id;
    db::RatingRow row;
  };
  std::mutex mutex_;
  std::map<Key, db::RatingRow> ratings_;  // committed
  std::map<Key, Pending> pending_;        // the latest uncommitted rating, by the match that made it
};

}  // namespace arena
