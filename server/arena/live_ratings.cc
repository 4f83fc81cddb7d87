#include "server/arena/live_ratings.h"

#include "server/arena/ratings/glicko2.h"

namespace arena {
namespace {

constexpr double kSolvedEpsilon = 1e-9;

// Pairwise Glicko-2 scores of seat i against seat j from final returns (higher is better).
double score(double a, double b) { return a > b ? 1.0 : a < b ? 0.0 : 0.5; }

}  // namespace

void LiveRatings::load(const std::vector<db::RatingRow>& rows) {
  std::lock_guard lock(mutex_);
  for (const db::RatingRow& r : rows) ratings_[{r.player_id, r.game}] = r;
}

void LiveRatings::settle(int64_t match_id, const std::vector<db::RatingRow>& rows, bool stored) {
  std::lock_guard lock(mutex_);
  for (const db::RatingRow& row : rows) {
    const Key key{row.player_id, row.game};
    if (stored) ratings_[key] = row;
    auto it = pending_.find(key);
    if (it != pending_.end() && it->second.match_id == match_id) pending_.erase(it);
  }
}

void LiveRatings::rate(const Match& match, const std::vector<double>& returns,
                       std::optional<int64_t> puzzle_player_id,
                       const std::function<void(std::vector<db::RatingRow>)>& store) {
  const std::string group = match.game().rating_group();
  // Participants: the seats, and for a puzzle the puzzle itself as the opponent.
  std::vector<int64_t> players;
  std::vector<double> results = returns;
  for (const SeatInfo& s : match.seats()) players.push_back(s.player_id);
  if (players.size() == 1) {
    if (!puzzle_player_id) return store({});
    const bool solved = !returns.empty() && returns[0] >= match.game().max_utility() - kSolvedEpsilon;
    players.push_back(*puzzle_player_id);
    results = {solved ? 1.0 : 0.0, solved ? 0.0 : 1.0};
  }
  std::lock_guard lock(mutex_);
  auto current = [&](int64_t player) {
    if (auto p = pending_.find({player, group}); p != pending_.end()) return p->second.row;
    auto it = ratings_.find({player, group});
    if (it != ratings_.end()) return it->second;
    db::RatingRow fresh;
    fresh.player_id = player;
    fresh.game = group;
    return fresh;
  };
  // Every participant is updated from the ratings before this match (one rating period).
  std::vector<db::RatingRow> before;
  for (int64_t p : players) before.push_back(current(p));
  std::vector<db::RatingRow> after;
  for (size_t i = 0; i < players.size(); ++i) {
    std::vector<Glicko2Result> period;
    for (size_t j = 0; j < players.size(); ++j) {
      if (i == j || players[i] == players[j]) continue;  // an agent against itself learns nothing
      period.push_back(
          {{before[j].rating, before[j].deviation, before[j].volatility}, score(results[i], results[j])});
    }
    if (period.empty()) continue;
    const Glicko2Rating updated =
        glicko2_update({before[i].rating, before[i].deviation, before[i].volatility}, period);
    db::RatingRow row = before[i];
    row.rating = updated.rating;
    row.deviation = updated.deviation;
    row.volatility = updated.volatility;
    row.games += 1;
    after.push_back(row);
  }
  for (const db::RatingRow& row : after) pending_[{row.player_id, row.game}] = Pending{match.id(), row};
  store(std::move(after));
}

}  // namespace arena
