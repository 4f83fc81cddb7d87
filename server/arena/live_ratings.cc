#include "server/arena/live_ratings.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace arena {
namespace {

constexpr double kSolvedEpsilon = 1e-9;

// Pairwise Glicko-2 scores of seat i against seat j from final returns (higher is better).
double score(double a, double b) { return a > b ? 1.0 : a < b ? 0.0 : 0.5; }

Glicko2Rating glicko(const db::RatingRow& row) { return {row.rating, row.deviation, row.volatility}; }

void set(db::RatingRow& row, const Glicko2Rating& g) {
  row.rating = g.rating;
  row.deviation = g.deviation;
  row.volatility = g.volatility;
}

}  // namespace

int64_t RatingPeriods::index(std::chrono::system_clock::time_point t) const {
  if (length.count() <= 0) return 0;
  const int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  return seconds >= 0 ? seconds / length.count() : -((-seconds + length.count() - 1) / length.count());
}

std::optional<int64_t> RatingPeriods::index(const std::string& timestamp) const {
  std::tm tm{};
  char t = 0;
  if (std::sscanf(timestamp.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &t,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 7 ||
      (t != 'T' && t != ' ')) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t seconds = timegm(&tm);
  if (seconds == static_cast<std::time_t>(-1)) return std::nullopt;
  return index(std::chrono::system_clock::from_time_t(seconds));
}

bool has_fixed_strength(db::PlayerKind kind) {
  return kind == db::PlayerKind::kAgent || kind == db::PlayerKind::kEngine || kind == db::PlayerKind::kPuzzle;
}

db::RatingRow rating_as_of(const db::RatingRow& row, const RatingPeriods& periods,
                           std::chrono::system_clock::time_point now) {
  if (periods.length.count() <= 0 || has_fixed_strength(row.player_kind)) return row;
  const std::optional<int64_t> last = periods.index(row.updated_at);
  if (!last) return row;
  // The period of the last update closed with it; those after it, before now's, were idle.
  db::RatingRow out = row;
  out.deviation = glicko2_idle_deviation(glicko(row), periods.index(now) - *last - 1);
  return out;
}

LiveRatings::LiveRatings(RatingPeriods periods, Clock clock)
    : periods_(periods),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::system_clock::now(); })) {}

void LiveRatings::load(const std::vector<db::RatingRow>& rows) {
  std::lock_guard lock(mutex_);
  const int64_t now = periods_.index(clock_());
  for (const db::RatingRow& r : rows) {
    Entry e;
    e.row = r;
    e.start = glicko(r);
    e.period = std::min(periods_.index(r.updated_at).value_or(now), now);
    e.played = true;
    ratings_[{r.player_id, r.game}] = std::move(e);
  }
}

void LiveRatings::settle(int64_t match_id, const std::vector<db::RatingRow>& rows, bool stored) {
  std::lock_guard lock(mutex_);
  for (const db::RatingRow& row : rows) {
    const Key key{row.player_id, row.game};
    auto it = pending_.find(key);
    if (it == pending_.end()) continue;
    std::deque<Pending>& queue = it->second;
    auto p =
        std::find_if(queue.begin(), queue.end(), [&](const Pending& q) { return q.match_id == match_id; });
    if (p == queue.end()) continue;
    if (stored) ratings_[key] = p->entry;
    queue.erase(p);
    if (queue.empty()) pending_.erase(it);
  }
}

LiveRatings::Entry LiveRatings::current(const Key& key, db::PlayerKind kind, int64_t now) const {
  Entry e;
  if (auto p = pending_.find(key); p != pending_.end()) {
    e = p->second.back().entry;
  } else if (auto it = ratings_.find(key); it != ratings_.end()) {
    e = it->second;
  } else {
    e.row.player_id = key.first;
    e.row.game = key.second;
    e.start = glicko(e.row);
    e.period = now;
  }
  e.row.player_kind = kind;  // the seat's: what the match was played as
  if (now <= e.period) return e;
  // Close the entry's period (its games become the start), then let the idle ones pass.
  const bool fixed = has_fixed_strength(e.row.player_kind);
  if (!e.results.empty()) e.start = glicko2_update(e.start, e.results, 0.5, fixed);
  const int64_t idle = now - e.period - (e.played ? 1 : 0);
  if (!fixed && periods_.length.count() > 0 && idle > 0)
    e.start.deviation = glicko2_idle_deviation(e.start, idle);
  e.results.clear();
  e.played = false;
  e.period = now;
  set(e.row, e.start);
  return e;
}

void LiveRatings::rate(const Match& match, const std::vector<double>& returns,
                       std::optional<int64_t> puzzle_player_id,
                       const std::function<void(std::vector<db::RatingRow>)>& store) {
  const std::string group = match.game().rating_group();
  // Participants: the seats, and for a puzzle the puzzle itself as the opponent.
  std::vector<int64_t> players;
  std::vector<db::PlayerKind> kinds;
  std::vector<double> results = returns;
  for (const SeatInfo& s : match.seats()) {
    players.push_back(s.player_id);
    kinds.push_back(s.kind);
  }
  if (players.size() == 1) {
    if (!puzzle_player_id) return store({});
    const bool solved = !returns.empty() && returns[0] >= match.game().max_utility() - kSolvedEpsilon;
    players.push_back(*puzzle_player_id);
    kinds.push_back(db::PlayerKind::kPuzzle);
    results = {solved ? 1.0 : 0.0, solved ? 0.0 : 1.0};
  }
  std::lock_guard lock(mutex_);
  // With no periods, every match is one: each rate() closes the games before it.
  const int64_t now = periods_.length.count() > 0 ? periods_.index(clock_()) : ++match_periods_;
  std::vector<Entry> before;
  for (size_t i = 0; i < players.size(); ++i) before.push_back(current({players[i], group}, kinds[i], now));
  std::vector<db::RatingRow> after;
  for (size_t i = 0; i < players.size(); ++i) {
    Entry e = before[i];
    size_t added = 0;
    for (size_t j = 0; j < players.size(); ++j) {
      if (i == j || players[i] == players[j]) continue;  // an agent against itself learns nothing
      e.results.push_back({before[j].start, score(results[i], results[j])});
      ++added;
    }
    if (added == 0) continue;
    const bool fixed = has_fixed_strength(e.row.player_kind);
    set(e.row, glicko2_update(e.start, e.results, 0.5, fixed));
    e.row.games += 1;
    e.played = true;
    after.push_back(e.row);
    pending_[{players[i], group}].push_back(Pending{match.id(), std::move(e)});
  }
  store(std::move(after));
}

}  // namespace arena
