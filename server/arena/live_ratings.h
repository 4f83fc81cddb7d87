// LiveRatings: each (player, rating group)'s Glicko-2 rating, rated by periods of many
// games. Within a period every game is rated against the opponents' ratings at its start
// and a player's shown rating is its start-of-period rating updated by all of the period's
// games so far (one Glicko-2 update, so the volatility follows real change, not the noise
// of single results). A period without games lets a person's or bot's deviation grow;
// players of fixed strength (agents, each checkpoint its own player; engines at a level;
// puzzles) have no volatility (glicko2_update's fixed_strength): their deviation only
// shrinks and their rating settles instead of drifting. A puzzle is its solver's opponent:
// solving it is a win.
//
// A match's new ratings are pending until the store has committed the result they come
// from (settle): only then are they the live ratings, so what is live never runs ahead of
// what a restart would load. A match ending meanwhile is rated from the pending ratings, as
// if the commit had happened. A restart closes the current period early: the stored
// ratings, which hold its games so far, are where the next games start from.
//
// Thread-safety: thread-safe (one mutex); matches end on their own strands.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/records.h"
#include "server/arena/match.h"
#include "server/arena/ratings/glicko2.h"

namespace arena {

// Rating periods: consecutive windows of `length` from the Unix epoch (UTC). A length of
// zero makes every match a period of its own, with no growth for idle time.
struct RatingPeriods {
  std::chrono::seconds length{std::chrono::hours(24)};
  // The period holding `t` (0 when length is zero).
  int64_t index(std::chrono::system_clock::time_point t) const;
  // The period of a stored UTC timestamp ("2026-12-02T02:40:00.123Z"); nullopt when it
  // does not read as one.
  std::optional<int64_t> index(const std::string& timestamp) const;
};

// Whether a kind of player has a fixed strength: agents, engines and puzzles do; people
// and bots may change.
bool has_fixed_strength(db::PlayerKind kind);

// `row` as of `now`: its deviation grown by the periods that passed without a game since
// its last update (for players of fixed strength, or with no periods: unchanged). What a
// leaderboard shows.
db::RatingRow rating_as_of(const db::RatingRow& row, const RatingPeriods& periods,
                           std::chrono::system_clock::time_point now);

class LiveRatings {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  explicit LiveRatings(RatingPeriods periods = {}, Clock clock = nullptr);

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
  // One player's standing in its current period.
  struct Entry {
    db::RatingRow row;    // as stored: `start` updated by the period's games so far
    Glicko2Rating start;  // at the start of `period`
    int64_t period = 0;   // the period `start` begins
    bool played = false;  // `row` holds games of `period` (in `results`, or from before a restart)
    std::vector<Glicko2Result> results;  // the period's games, against the opponents' starts
  };
  struct Pending {
    int64_t match_id;
    Entry entry;
  };
  // The player's entry as of period `now`: its latest pending one, else the committed one,
  // else a new player's; earlier periods closed.
  Entry current(const Key& key, db::PlayerKind kind, int64_t now) const;

  RatingPeriods periods_;
  Clock clock_;
  std::mutex mutex_;
  std::map<Key, Entry> ratings_;                // committed
  std::map<Key, std::deque<Pending>> pending_;  // uncommitted, in the order they were rated
  int64_t match_periods_ = 0;                   // with no periods: the matches rated so far
};

}  // namespace arena
