// The reported ratings of one rating group: a Bradley-Terry fit over every stored rated
// match with bootstrap intervals, anchored so the random agent is 0, beside the live
// Glicko-2 ratings. What `arena ratings` prints and the REST leaderboard serves.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/store.h"
#include "server/arena/live_ratings.h"

namespace arena {

struct LeaderboardEntry {
  int64_t player_id = 0;
  std::string name;
  db::PlayerKind kind = db::PlayerKind::kAgent;
  double rating = 0;         // Bradley-Terry, Elo scale
  double low = 0, high = 0;  // 95% interval
  int games = 0;
  double score = 0;                   // average pairwise score
  std::optional<db::RatingRow> live;  // Glicko-2
  // The stored exploitability of an agent in this group (cached by `arena report
  // generalization` or `arena poker exploitability --db`), where one is known.
  std::optional<db::ExploitabilityRow> exploitability;
};

struct Leaderboard {
  std::string game;    // rating group
  std::string anchor;  // the player pinned at 0 ("random" when it has played)
  int matches = 0;     // rated matches read (self-play pairs carry no information and are left out)
  std::vector<LeaderboardEntry> entries;  // best first
};

// What a leaderboard request names: a game spec (its rating group: "game24(puzzle=3)" is
// rated in "game24"), a game's name, or a family's name. `group` is empty for a family
// name; `related` lists the rating groups with ratings of the same game (or of the
// family's games), so that a name whose own group is empty ("go", rated as "go(size=9)")
// answers with the groups that exist. Text that is none of these is a "bad_spec" Error.
struct RatingGroupQuery {
  std::string group;
  std::vector<std::string> related;  // sorted, `group` left out
};
Result<RatingGroupQuery> resolve_rating_group(db::Store& store, const std::string& text);

// Reads the group's rated matches and fits them; the live ratings are shown as of now
// under `periods` (rating_as_of: an idle person's or bot's deviation has grown). Blocking
// (reads the store): call from a worker.
Result<Leaderboard> compute_leaderboard(db::Store& store, const std::string& rating_group,
                                        int bootstrap_samples, uint64_t seed = 1,
                                        const RatingPeriods& periods = {});

}  // namespace arena
