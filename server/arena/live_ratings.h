// LiveRatings: each (player, rating group)'s Glicko-2 rating, updated when a rated match
// ends (the match is one rating period for its participants). A puzzle is its solver's
// opponent: solving it is a win.
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

 private:
  std::mutex mutex_;
  std::map<std::pair<int64_t, std::string>, db::RatingRow> ratings_;  // (player, group) -> rating
};

}  // namespace arena
