#include "server/arena/ratings/bradley_terry.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <utility>

#include "core/rng.h"

namespace arena {
namespace {

// Elo points per factor of 10 in the odds of winning.
constexpr double kEloPerDecade = 400.0;
// Weight of the prior: each player with games gets this many virtual games against the
// anchor, all drawn. One draw is enough to keep an all-wins or all-losses player finite
// (and to tie every player to the anchor) while thousands of real games outweigh it.
constexpr double kPriorDraws = 1.0;
// The MM iteration stops when no rating moved by more than this many Elo points in a sweep.
constexpr double kToleranceElo = 1e-9;
// A bound on sweeps, far above what well-posed data needs, so bad input cannot hang.
constexpr int kMaxSweeps = 100000;
// The bootstrap interval's tails: 2.5% on each side for 95%.
constexpr double kLowQuantile = 0.025;
constexpr double kHighQuantile = 0.975;
// The standard normal's 97.5th percentile, for the same 95% from the likelihood's curvature.
constexpr double kNormalQuantile975 = 1.959963984540054;

// What the likelihood needs from a set of matches: per-player total score and per-pair
// game counts (dense and symmetric; the arena has tens of players per game, not thousands).
struct Tally {
  explicit Tally(int n) : n(n), wins(n, 0.0), games_between(static_cast<size_t>(n) * n, 0.0) {}
  double& between(int i, int j) { return games_between[static_cast<size_t>(i) * n + j]; }
  double between(int i, int j) const { return games_between[static_cast<size_t>(i) * n + j]; }

  int n;
  std::vector<double> wins;
  std::vector<double> games_between;
};

void add_match(const MatchResults& match, Tally& tally) {
  for (const PairwiseResult& p : match.pairs) {
    assert(p.a >= 0 && p.a < tally.n && p.b >= 0 && p.b < tally.n && p.a != p.b);
    tally.wins[p.a] += p.score_a;
    tally.wins[p.b] += 1.0 - p.score_a;
    tally.between(p.a, p.b) += 1.0;
    tally.between(p.b, p.a) += 1.0;
  }
}

// Which players have at least one real game in the tally.
std::vector<bool> players_with_games(const Tally& tally) {
  std::vector<bool> has(tally.n, false);
  for (int i = 0; i < tally.n; ++i) {
    for (int j = 0; j < tally.n && !has[i]; ++j) has[i] = tally.between(i, j) > 0;
  }
  return has;
}

// The MM fit of a tally. `start` (Elo, one per player) seeds the iteration: the bootstrap
// passes the full-data fit, which is close to every resample's answer.
std::vector<double> fit_tally(Tally tally, int anchor, const std::vector<double>& start) {
  const int n = tally.n;
  const std::vector<bool> active = players_with_games(tally);

  // The prior: one virtual draw (kPriorDraws games, half won by each side) between the
  // anchor and every other player who has games.
  bool anyone_active = false;
  for (int i = 0; i < n; ++i) {
    if (!active[i] || i == anchor) continue;
    anyone_active = true;
    tally.wins[i] += kPriorDraws / 2;
    tally.wins[anchor] += kPriorDraws / 2;
    tally.between(i, anchor) += kPriorDraws;
    tally.between(anchor, i) += kPriorDraws;
  }
  std::vector<double> ratings(n, 0.0);
  if (!anyone_active) return ratings;

  // Strengths gamma = 10^(rating / 400); the model says P(i beats j) = gi / (gi + gj).
  std::vector<double> gamma(n, 1.0);
  for (int i = 0; i < n; ++i) {
    if (active[i]) gamma[i] = std::pow(10.0, start[i] / kEloPerDecade);
  }
  std::vector<bool> fitted = active;
  fitted[anchor] = true;  // the anchor always has its virtual draws here

  // Hunter's MM update, applied player by player (each step cannot lower the likelihood):
  // gi <- Wi / sum_j n_ij / (gi + gj).
  for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
    double largest_move = 0;
    for (int i = 0; i < n; ++i) {
      if (!fitted[i]) continue;
      double denominator = 0;
      for (int j = 0; j < n; ++j) {
        const double nij = tally.between(i, j);
        if (nij > 0) denominator += nij / (gamma[i] + gamma[j]);
      }
      const double updated = tally.wins[i] / denominator;
      largest_move = std::max(largest_move, std::abs(std::log10(updated / gamma[i])));
      gamma[i] = updated;
    }
    // The likelihood only sees ratios, so rescale to keep the anchor at 1 (and away from
    // overflow) before judging convergence.
    const double anchor_gamma = gamma[anchor];
    for (int i = 0; i < n; ++i) {
      if (fitted[i]) gamma[i] /= anchor_gamma;
    }
    if (largest_move * kEloPerDecade < kToleranceElo) break;
  }

  for (int i = 0; i < n; ++i) {
    if (active[i] && i != anchor) ratings[i] = kEloPerDecade * std::log10(gamma[i]);
  }
  return ratings;
}

// The q-quantile of sorted values, interpolating linearly between neighbours.
double quantile(const std::vector<double>& sorted, double q) {
  assert(!sorted.empty());
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

}  // namespace

std::vector<double> fit_bradley_terry(int num_players, const std::vector<MatchResults>& matches, int anchor) {
  assert(num_players > 0 && anchor >= 0 && anchor < num_players);
  Tally tally(num_players);
  for (const MatchResults& m : matches) add_match(m, tally);
  return fit_tally(std::move(tally), anchor, std::vector<double>(num_players, 0.0));
}

BradleyTerryTable bradley_terry_with_intervals(int num_players, const std::vector<MatchResults>& matches,
                                               int anchor, int bootstrap_samples, uint64_t seed) {
  assert(num_players > 0 && anchor >= 0 && anchor < num_players);
  BradleyTerryTable table;
  table.players.resize(num_players);

  // Games and average score come from the real results only (no prior).
  std::vector<double> score_sum(num_players, 0.0);
  std::vector<int> pair_count(num_players, 0);
  for (const MatchResults& m : matches) {
    std::vector<bool> seen(num_players, false);
    for (const PairwiseResult& p : m.pairs) {
      score_sum[p.a] += p.score_a;
      score_sum[p.b] += 1.0 - p.score_a;
      ++pair_count[p.a];
      ++pair_count[p.b];
      seen[p.a] = seen[p.b] = true;
    }
    for (int i = 0; i < num_players; ++i) table.players[i].games += seen[i] ? 1 : 0;
  }

  const std::vector<double> ratings = fit_bradley_terry(num_players, matches, anchor);
  for (int i = 0; i < num_players; ++i) {
    BradleyTerryPlayer& row = table.players[i];
    row.rating = row.low = row.high = ratings[i];
    row.score = pair_count[i] > 0 ? score_sum[i] / pair_count[i] : 0.0;
  }
  if (bootstrap_samples <= 0 || matches.empty()) return table;

  // Percentile bootstrap over whole matches. A player absent from a resample has no
  // rating there (not 0), so that resample says nothing about it and is skipped for it.
  Rng rng(seed);
  std::vector<std::vector<double>> draws(num_players);
  for (int s = 0; s < bootstrap_samples; ++s) {
    Tally tally(num_players);
    for (size_t k = 0; k < matches.size(); ++k) add_match(matches[rng.uniform(matches.size())], tally);
    const std::vector<bool> present = players_with_games(tally);
    const std::vector<double> resampled = fit_tally(std::move(tally), anchor, ratings);
    for (int i = 0; i < num_players; ++i) {
      if (present[i] && i != anchor) draws[i].push_back(resampled[i]);
    }
  }
  for (int i = 0; i < num_players; ++i) {
    if (draws[i].empty()) continue;
    std::sort(draws[i].begin(), draws[i].end());
    table.players[i].low = quantile(draws[i], kLowQuantile);
    table.players[i].high = quantile(draws[i], kHighQuantile);
  }

  // The bootstrap cannot see the uncertainty of few matches: one match, or matches that all
  // ended alike, resample to themselves and give an interval of width 0. So each interval
  // also spans the normal approximation of the likelihood (with the prior) around the fit:
  // rating +- z / sqrt(I), I = sum_j n_ij p_ij (1 - p_ij) in natural-log units, the others'
  // ratings held fixed. With many matches the bootstrap is the wider of the two.
  Tally full(num_players);
  for (const MatchResults& m : matches) add_match(m, full);
  const std::vector<bool> active = players_with_games(full);
  for (int i = 0; i < num_players; ++i) {
    if (!active[i] || i == anchor) continue;
    double information = 0;
    for (int j = 0; j < num_players; ++j) {
      const double games = full.between(i, j) + (j == anchor ? kPriorDraws : 0.0);
      const double p = 1.0 / (1.0 + std::pow(10.0, (ratings[j] - ratings[i]) / kEloPerDecade));
      information += games * p * (1 - p);
    }
    const double half_width = kNormalQuantile975 * kEloPerDecade / std::log(10.0) / std::sqrt(information);
    BradleyTerryPlayer& row = table.players[i];
    row.low = std::min(row.low, row.rating - half_width);
    row.high = std::max(row.high, row.rating + half_width);
  }
  return table;
}

std::vector<PairwiseResult> pairs_from_returns(const std::vector<int>& players,
                                               const std::vector<double>& returns) {
  assert(players.size() == returns.size());
  std::vector<PairwiseResult> pairs;
  for (size_t i = 0; i < players.size(); ++i) {
    for (size_t j = i + 1; j < players.size(); ++j) {
      const double score = returns[i] > returns[j] ? 1.0 : returns[i] < returns[j] ? 0.0 : 0.5;
      pairs.push_back(PairwiseResult{players[i], players[j], score});
    }
  }
  return pairs;
}

}  // namespace arena
