// Bradley-Terry: the reported rating, a batch fit over all stored matches of one game, on
// the Elo scale (400 points = 10:1 odds), with one player (the anchor, e.g. the random
// agent) reported at 0 and percentile-bootstrap 95% intervals. The fit is the maximum a
// posteriori under a Gaussian prior on every player's strength (mean 0, standard deviation
// kBradleyTerryPriorElo): it keeps a player who won or lost every game finite, and it is
// the same for every player rather than a virtual game against one of them.
//
// Pure functions over values: safe to call from any thread.
#pragma once

#include <cstdint>
#include <vector>

namespace arena {

// The prior's standard deviation, in Elo: wide enough that a few hundred games decide every
// rating the arena sees (random to a strong engine is 1,000 to 2,000 points).
inline constexpr double kBradleyTerryPriorElo = 1000.0;

// One comparison between players a and b (indices 0..n-1): score_a is 1 if a finished
// ahead, 0.5 if level, 0 if behind. A draw counts as half a win for each.
struct PairwiseResult {
  int a;
  int b;
  double score_a;
};

// All comparisons from one match; the bootstrap resamples whole matches, since the pairs
// of a match with more than two players are not independent.
struct MatchResults {
  std::vector<PairwiseResult> pairs;
};

// One player's line in the report.
struct BradleyTerryPlayer {
  double rating = 0;  // maximum-likelihood Elo, anchor = 0; 0 for a player with no games
  double low = 0;     // 95% interval (bootstrap percentiles, at least the normal approximation's)
  double high = 0;
  int games = 0;     // matches the player took part in; 0 means "not rated"
  double score = 0;  // average pairwise score (1 win, 0.5 draw, 0 loss)
};

// The fitted ratings of every player, indexed like the input.
struct BradleyTerryTable {
  std::vector<BradleyTerryPlayer> players;
};

// Maximum a posteriori Elo ratings (the Gaussian prior above), relative to `anchor` (exactly
// 0). Players with no games get 0.
std::vector<double> fit_bradley_terry(int num_players, const std::vector<MatchResults>& matches, int anchor);

// The fit above plus games, average score and 95% intervals from `bootstrap_samples`
// resamples of whole matches with replacement, each widened where needed to span the
// likelihood's normal approximation (so that a player with one match, or with matches all
// won, does not get an interval of width 0); the same seed gives the same table.
BradleyTerryTable bradley_terry_with_intervals(int num_players, const std::vector<MatchResults>& matches,
                                               int anchor, int bootstrap_samples, uint64_t seed);

// The fit of `samples` resamples of whole matches with replacement, one row per resample
// (Elo, anchor at 0), NaN for a player with no match in that resample; `start` (a full fit)
// seeds each. For intervals on functions of the ratings: differences, means over seeds.
std::vector<std::vector<double>> bootstrap_bradley_terry(int num_players,
                                                         const std::vector<MatchResults>& matches, int anchor,
                                                         const std::vector<double>& start, int samples,
                                                         uint64_t seed);

// One match's final returns as pairwise results: every pair (i < j, in input order), a
// higher return winning and equal returns drawing. `players` and `returns` are parallel.
std::vector<PairwiseResult> pairs_from_returns(const std::vector<int>& players,
                                               const std::vector<double>& returns);

}  // namespace arena
