#include "server/arena/ratings/bradley_terry.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>

#include "core/rng.h"

namespace arena {
namespace {

// Elo points per factor of 10 in the odds of winning.
constexpr double kEloPerDecade = 400.0;
// The prior's standard deviation in natural-log units of strength (the header's Elo figure).
const double kPriorSigma = kBradleyTerryPriorElo * std::log(10.0) / kEloPerDecade;
// The iteration stops when no rating moved by more than this many Elo points in a sweep.
constexpr double kToleranceElo = 1e-7;
// The largest step of one coordinate Newton update, in natural-log units (about 170 Elo):
// far from the optimum the logistic's curvature is small and an undamped step overshoots.
constexpr double kMaxStep = 1.0;
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

// The maximum a posteriori fit of a tally: the Bradley-Terry likelihood times an independent
// Gaussian prior N(0, kPriorSigma^2) on every player's log-strength, maximised by
// coordinate-wise Newton steps (the log-posterior is strictly concave, so this converges to
// its one maximum), then shifted so that the anchor is 0. `start` (Elo, anchor at 0) seeds
// the iteration: the bootstrap passes the full-data fit, close to every resample's answer.
std::vector<double> fit_tally(const Tally& tally, int anchor, const std::vector<double>& start) {
  const int n = tally.n;
  const std::vector<bool> active = players_with_games(tally);
  std::vector<double> ratings(n, 0.0);
  if (std::none_of(active.begin(), active.end(), [](bool a) { return a; })) return ratings;

  const double precision = 1.0 / (kPriorSigma * kPriorSigma);
  const double to_nats = std::log(10.0) / kEloPerDecade;
  std::vector<double> theta(n, 0.0);  // log-strengths; P(i beats j) = 1 / (1 + exp(theta_j - theta_i))
  for (int i = 0; i < n; ++i) {
    if (active[i]) theta[i] = start[i] * to_nats;
  }
  for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
    double largest_move = 0;
    for (int i = 0; i < n; ++i) {
      if (!active[i]) continue;
      // d/d theta_i of the log-posterior, and its (negative) second derivative.
      double gradient = tally.wins[i] - precision * theta[i];
      double curvature = precision;
      for (int j = 0; j < n; ++j) {
        const double nij = tally.between(i, j);
        if (nij <= 0) continue;
        const double p = 1.0 / (1.0 + std::exp(theta[j] - theta[i]));
        gradient -= nij * p;
        curvature += nij * p * (1 - p);
      }
      const double step = std::clamp(gradient / curvature, -kMaxStep, kMaxStep);
      theta[i] += step;
      largest_move = std::max(largest_move, std::abs(step));
    }
    // The likelihood sees only differences, so a shift of everyone changes the prior alone,
    // whose best shift centres the players at 0. Taken exactly here, since coordinate steps
    // creep along that direction (its curvature is the prior's, far below the data's).
    double mean = 0;
    int active_players = 0;
    for (int i = 0; i < n; ++i) {
      if (active[i]) {
        mean += theta[i];
        ++active_players;
      }
    }
    mean /= active_players;
    for (int i = 0; i < n; ++i) {
      if (active[i]) theta[i] -= mean;
    }
    largest_move = std::max(largest_move, std::abs(mean));
    if (largest_move / to_nats < kToleranceElo) break;
  }
  for (int i = 0; i < n; ++i) {
    if (active[i] && i != anchor) ratings[i] = (theta[i] - theta[anchor]) / to_nats;
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
  return fit_tally(tally, anchor, std::vector<double>(num_players, 0.0));
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

  // Percentile bootstrap over whole matches.
  const std::vector<std::vector<double>> resamples =
      bootstrap_bradley_terry(num_players, matches, anchor, ratings, bootstrap_samples, seed);
  for (int i = 0; i < num_players; ++i) {
    std::vector<double> draws;
    for (const std::vector<double>& r : resamples) {
      if (!std::isnan(r[i])) draws.push_back(r[i]);
    }
    if (draws.empty() || i == anchor) continue;
    std::sort(draws.begin(), draws.end());
    table.players[i].low = quantile(draws, kLowQuantile);
    table.players[i].high = quantile(draws, kHighQuantile);
  }

  // The bootstrap cannot see the uncertainty of few matches: one match, or matches that all
  // ended alike, resample to themselves and give an interval of width 0. So each interval
  // also spans the player's likelihood-ratio interval: the ratings around the fit where its
  // log-posterior (the others' ratings held fixed) is within z^2 / 2 of the maximum. Unlike
  // a normal approximation it is lopsided where the evidence is (ten wins in ten are far
  // from a draw, not from a higher rating). With many matches the bootstrap is the wider.
  Tally full(num_players);
  for (const MatchResults& m : matches) add_match(m, full);
  const std::vector<bool> active = players_with_games(full);
  const double to_nats = std::log(10.0) / kEloPerDecade;
  for (int i = 0; i < num_players; ++i) {
    if (!active[i] || i == anchor) continue;
    // log-posterior(t) = -sum_j n_ij log(1 + e^(theta_j - t)) - t (N_i - W_i) - t^2 / 2 sigma^2
    // + constant, in natural-log units relative to the anchor.
    double losses = -full.wins[i];
    for (int j = 0; j < num_players; ++j) losses += full.between(i, j);
    auto log_posterior = [&](double t) {
      double f = -t * losses - t * t / (2 * kPriorSigma * kPriorSigma);
      for (int j = 0; j < num_players; ++j) {
        const double nij = full.between(i, j);
        if (nij > 0) f -= nij * std::log1p(std::exp(ratings[j] * to_nats - t));
      }
      return f;
    };
    const double best = ratings[i] * to_nats;
    const double drop = log_posterior(best) - kNormalQuantile975 * kNormalQuantile975 / 2;
    // The bound on one side: bisection between the fit and a point far enough out.
    auto bound = [&](double direction) {
      double inside = best, outside = best + direction;
      while (log_posterior(outside) > drop) outside = best + 2 * (outside - best);
      for (int k = 0; k < 60; ++k) {
        const double middle = (inside + outside) / 2;
        (log_posterior(middle) > drop ? inside : outside) = middle;
      }
      return (inside + outside) / 2 / to_nats;
    };
    BradleyTerryPlayer& row = table.players[i];
    row.low = std::min(row.low, bound(-1.0));
    row.high = std::max(row.high, bound(+1.0));
  }
  return table;
}

std::vector<std::vector<double>> bootstrap_bradley_terry(int num_players,
                                                         const std::vector<MatchResults>& matches, int anchor,
                                                         const std::vector<double>& start, int samples,
                                                         uint64_t seed) {
  assert(num_players > 0 && anchor >= 0 && anchor < num_players);
  std::vector<std::vector<double>> resamples;
  if (matches.empty()) return resamples;
  Rng rng(seed);
  for (int s = 0; s < samples; ++s) {
    Tally tally(num_players);
    for (size_t k = 0; k < matches.size(); ++k) add_match(matches[rng.uniform(matches.size())], tally);
    const std::vector<bool> present = players_with_games(tally);
    std::vector<double> fit = fit_tally(tally, anchor, start);
    for (int i = 0; i < num_players; ++i) {
      if (!present[i]) fit[i] = std::numeric_limits<double>::quiet_NaN();
    }
    resamples.push_back(std::move(fit));
  }
  return resamples;
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
