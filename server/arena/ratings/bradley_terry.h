// Bradley-Terry: the reported rating, a batch maximum-likelihood fit over all stored
// matches of one game, on the Elo scale (400 points = 10:1 odds), with one player (the
// anchor, e.g. the random agent) pinned at 0 and percentile-bootstrap 95% intervals.
//
// Pure functions over values: safe to call from any thread.
#pragma once

#include <cstdint>
#include <vector>

namespace arena {

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

// Maximum-likelihood Elo ratings (MM algorithm, Hunter 2004), with `anchor` exactly 0.
// A weak prior keeps every rating finite: each player with games gets one virtual draw
// against the anchor. Players with no games get 0.
std::vector<double> fit_bradley_terry(int num_players, const std::vector<MatchResults>& matches, int anchor);

// The fit above plus games, average score and 95% intervals from `bootstrap_samples`
// resamples of whole matches with replacement, each widened where needed to span the
// likelihood's normal approximation (so that a player with one match, or with matches all
// won, does not get an interval of width 0); the same seed gives the same table.
BradleyTerryTable bradley_terry_with_intervals(int num_players, const std::vector<MatchResults>& matches,
                                               int anchor, int bootstrap_samples, uint64_t seed);

// One match's final returns as pairwise results: every pair (i < j, in input order), a
// higher return winning and equal returns drawing. `players` and `returns` are parallel.
std::vector<PairwiseResult> pairs_from_returns(const std::vector<int>& players,
                                               const std::vector<double>& returns);

}  // namespace arena
