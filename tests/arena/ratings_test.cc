#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/rng.h"
#include "server/arena/ratings/bradley_terry.h"
#include "server/arena/ratings/glicko2.h"

namespace arena {
namespace {

// ---- Glicko-2 ----

TEST(Glicko2, ReproducesGlickmansWorkedExample) {
  // "Example of the Glicko-2 system" (Glickman, 2013), tau = 0.5.
  const Glicko2Rating player{1500, 200, 0.06};
  const std::vector<Glicko2Result> results = {
      {{1400, 30, 0.06}, 1.0},
      {{1550, 100, 0.06}, 0.0},
      {{1700, 300, 0.06}, 0.0},
  };
  const Glicko2Rating after = glicko2_update(player, results, 0.5);
  // The paper rounds its intermediate values; unrounded arithmetic gives 1464.051.
  EXPECT_NEAR(after.rating, 1464.06, 0.01);
  EXPECT_NEAR(after.deviation, 151.52, 0.01);
  EXPECT_NEAR(after.volatility, 0.05999, 0.00001);
}

TEST(Glicko2, EmptyPeriodOnlyInflatesDeviation) {
  const Glicko2Rating player{1620, 80, 0.07};
  const Glicko2Rating after = glicko2_update(player, {});
  EXPECT_EQ(after.rating, player.rating);
  EXPECT_EQ(after.volatility, player.volatility);
  // phi* = sqrt(phi^2 + sigma^2) on the internal scale (173.7178 display points per unit).
  const double sigma_display = 0.07 * 173.7178;
  EXPECT_NEAR(after.deviation, std::sqrt(80.0 * 80.0 + sigma_display * sigma_display), 1e-9);
  EXPECT_GT(after.deviation, player.deviation);
}

TEST(Glicko2, WinsRaiseLossesLowerAndGamesShrinkDeviation) {
  const Glicko2Rating player{1500, 200, 0.06};
  const Glicko2Rating equal{1500, 200, 0.06};
  const Glicko2Rating won = glicko2_update(player, {{equal, 1.0}});
  const Glicko2Rating lost = glicko2_update(player, {{equal, 0.0}});
  const Glicko2Rating drew = glicko2_update(player, {{equal, 0.5}});
  EXPECT_GT(won.rating, player.rating);
  EXPECT_LT(lost.rating, player.rating);
  EXPECT_NEAR(drew.rating, player.rating, 1e-9);
  // Symmetric around the start against an equal opponent.
  EXPECT_NEAR(won.rating - player.rating, player.rating - lost.rating, 1e-6);
  EXPECT_LT(won.deviation, player.deviation);
}

TEST(Glicko2, SurprisingResultsRaiseVolatilityMoreWithLargerTau) {
  // A settled player who suddenly beats much stronger opponents: delta^2 > phi^2 + v, the
  // other branch of the volatility bracket than the worked example takes.
  const Glicko2Rating player{1500, 50, 0.06};
  std::vector<Glicko2Result> upsets;
  for (int i = 0; i < 10; ++i) upsets.push_back({{2000, 50, 0.06}, 1.0});
  const Glicko2Rating calm = glicko2_update(player, upsets, 0.3);
  const Glicko2Rating loose = glicko2_update(player, upsets, 1.2);
  EXPECT_GT(calm.volatility, player.volatility);
  EXPECT_GT(loose.volatility, calm.volatility);
  EXPECT_GT(loose.rating, calm.rating);
}

// A checkpoint of true strength 1700 plays 15 games a period against opponents from 1500
// to 1900, results drawn from the true strengths. Rated as a fixed strength, period by
// period, its deviation only falls and its rating settles near the truth; the same games
// rated one per period as a player who may change keep a wide deviation and wander.
TEST(Glicko2, AFixedStrengthSettlesWhereAPerGameRatingWanders) {
  constexpr double kTruth = 1700;
  Rng rng(7);
  Glicko2Rating fixed, per_game;
  double fixed_low = 1e9, fixed_high = -1e9, game_low = 1e9, game_high = -1e9;
  constexpr int kPeriods = 60;
  for (int period = 0; period < kPeriods; ++period) {
    std::vector<Glicko2Result> games;
    for (int g = 0; g < 15; ++g) {
      const Glicko2Rating opponent{1500 + 100.0 * static_cast<double>(rng.uniform(5)), 50, 0.06};
      const double expected = 1 / (1 + std::pow(10, (opponent.rating - kTruth) / 400));
      games.push_back({opponent, rng.uniform_double() < expected ? 1.0 : 0.0});
      per_game = glicko2_update(per_game, {games.back()});
      if (period >= kPeriods / 2) {
        game_low = std::min(game_low, per_game.rating);
        game_high = std::max(game_high, per_game.rating);
      }
    }
    const Glicko2Rating next = glicko2_update(fixed, games, 0.5, true);
    EXPECT_LT(next.deviation, fixed.deviation) << "period " << period;
    EXPECT_EQ(next.volatility, fixed.volatility);
    fixed = next;
    if (period >= kPeriods / 2) {
      fixed_low = std::min(fixed_low, fixed.rating);
      fixed_high = std::max(fixed_high, fixed.rating);
    }
  }
  EXPECT_LT(fixed.deviation, 25);
  EXPECT_NEAR(fixed.rating, kTruth, 3 * fixed.deviation);
  EXPECT_LT(fixed_high - fixed_low, 40) << "a fixed strength's rating over the last 30 periods";
  EXPECT_GT(per_game.deviation, 2 * fixed.deviation);
  EXPECT_GT(game_high - game_low, 2 * (fixed_high - fixed_low)) << "per-game ratings wander more";
  // Idle periods: a changing player grows less certain (up to 350), a fixed one does not.
  EXPECT_GT(glicko2_idle_deviation(per_game, 10), per_game.deviation);
  EXPECT_DOUBLE_EQ(glicko2_idle_deviation(per_game, 0), per_game.deviation);
  EXPECT_DOUBLE_EQ(glicko2_idle_deviation({1500, 300, 0.06}, 1'000'000), 350);
  EXPECT_EQ(glicko2_update(fixed, {}, 0.5, true).deviation, fixed.deviation);
}

TEST(Glicko2, ProvisionalUntilDeviationFallsTo110) {
  EXPECT_TRUE(is_provisional(Glicko2Rating{}));
  EXPECT_TRUE(is_provisional(Glicko2Rating{1500, 110.5, 0.06}));
  EXPECT_FALSE(is_provisional(Glicko2Rating{1500, 110, 0.06}));

  // Enough games against established opponents make a new player established.
  Glicko2Rating player;
  const Glicko2Rating opponent{1500, 60, 0.06};
  int periods = 0;
  while (is_provisional(player) && periods < 100) {
    player = glicko2_update(player, {{opponent, 1.0}, {opponent, 0.0}, {opponent, 0.5}});
    ++periods;
  }
  EXPECT_FALSE(is_provisional(player));
  EXPECT_GT(periods, 1);
}

// ---- Bradley-Terry ----

// Two-player games between players with the given true Elo, each pair picked at random,
// won with probability 1 / (1 + 10^(-d/400)).
std::vector<MatchResults> simulate(const std::vector<double>& truth, int games, uint64_t seed) {
  Rng rng(seed);
  const int n = static_cast<int>(truth.size());
  std::vector<MatchResults> matches;
  for (int g = 0; g < games; ++g) {
    const int a = static_cast<int>(rng.uniform(n));
    int b = static_cast<int>(rng.uniform(n - 1));
    if (b >= a) ++b;
    const double p_a = 1.0 / (1.0 + std::pow(10.0, -(truth[a] - truth[b]) / 400.0));
    const double score = rng.uniform_double() < p_a ? 1.0 : 0.0;
    matches.push_back(MatchResults{{PairwiseResult{a, b, score}}});
  }
  return matches;
}

MatchResults one_game(int a, int b, double score_a) { return MatchResults{{PairwiseResult{a, b, score_a}}}; }

// The log-posterior's derivative for player `i` of a two-player tally (i won `wins` of
// `games`), at the fitted difference `d` (Elo, i minus the other): zero at the maximum. With two
// players and one prior each, the fit puts them at +-d/2 around the prior's mean.
double two_player_gradient(double wins, double games, double d) {
  const double to_nats = std::log(10.0) / 400.0;
  const double sigma = kBradleyTerryPriorElo * to_nats;
  const double p = 1.0 / (1.0 + std::pow(10.0, -d / 400.0));
  return wins - games * p - (d / 2 * to_nats) / (sigma * sigma);
}

TEST(BradleyTerry, TwoPlayersSolveThePosteriorsEquation) {
  // 3 wins and 1 loss: the likelihood alone gives 3:1 odds (191 Elo); the Gaussian prior
  // pulls the difference a little toward 0, where the log-posterior's derivative vanishes.
  const std::vector<MatchResults> matches = {one_game(1, 0, 1), one_game(0, 1, 0), one_game(1, 0, 1),
                                             one_game(1, 0, 0)};
  const std::vector<double> ratings = fit_bradley_terry(2, matches, 0);
  ASSERT_EQ(ratings.size(), 2u);
  EXPECT_EQ(ratings[0], 0.0);
  EXPECT_NEAR(two_player_gradient(3, 4, ratings[1]), 0.0, 1e-6);
  EXPECT_LT(ratings[1], 400.0 * std::log10(3.0));
  EXPECT_GT(ratings[1], 0.95 * 400.0 * std::log10(3.0));
}

TEST(BradleyTerry, AnchorIsExactlyZero) {
  const std::vector<MatchResults> matches = simulate({-150, 50, 300, 120}, 600, 11);
  const std::vector<double> ratings = fit_bradley_terry(4, matches, 2);
  EXPECT_EQ(ratings[2], 0.0);
  // Relative to the anchor, the order of true strengths comes back.
  EXPECT_LT(ratings[0], ratings[1]);
  EXPECT_LT(ratings[1], ratings[3]);
  EXPECT_LT(ratings[3], ratings[2]);
}

TEST(BradleyTerry, AllWinsOrAllLossesStaysFinite) {
  std::vector<MatchResults> matches;
  for (int i = 0; i < 20; ++i) {
    matches.push_back(one_game(1, 0, 1.0));  // player 1 always beats the anchor
    matches.push_back(one_game(2, 0, 0.0));  // player 2 always loses to it
  }
  const std::vector<double> ratings = fit_bradley_terry(3, matches, 0);
  ASSERT_TRUE(std::isfinite(ratings[1]));
  ASSERT_TRUE(std::isfinite(ratings[2]));
  // The anchor sits between two opposite problems: by symmetry it stays at the prior's
  // mean, and each of the others is a two-player problem against it with one prior.
  EXPECT_NEAR(ratings[2], -ratings[1], 1e-6);
  const double to_nats = std::log(10.0) / 400.0;
  const double sigma = kBradleyTerryPriorElo * to_nats;
  const double p = 1.0 / (1.0 + std::pow(10.0, -ratings[1] / 400.0));
  EXPECT_NEAR(20 - 20 * p - ratings[1] * to_nats / (sigma * sigma), 0.0, 1e-6);
  EXPECT_GT(ratings[1], 600.0);
}

TEST(BradleyTerry, PlayersWithoutGamesAreReportedAsUnrated) {
  const std::vector<MatchResults> matches = simulate({0, 200, 100}, 300, 5);
  const BradleyTerryTable table = bradley_terry_with_intervals(4, matches, 0, 50, 1);
  ASSERT_EQ(table.players.size(), 4u);
  const BradleyTerryPlayer& idle = table.players[3];
  EXPECT_EQ(idle.games, 0);
  EXPECT_EQ(idle.rating, 0.0);
  EXPECT_EQ(idle.low, 0.0);
  EXPECT_EQ(idle.high, 0.0);
  EXPECT_GT(table.players[1].games, 0);
}

TEST(BradleyTerry, RecoversKnownStrengthsWithinTheirIntervals) {
  const std::vector<double> truth = {0, 100, 200, 400};
  const std::vector<MatchResults> matches = simulate(truth, 4000, 2024);
  const BradleyTerryTable table = bradley_terry_with_intervals(4, matches, 0, 400, 7);
  EXPECT_EQ(table.players[0].rating, 0.0);
  for (int i = 1; i < 4; ++i) {
    const BradleyTerryPlayer& p = table.players[i];
    SCOPED_TRACE(i);
    EXPECT_LE(p.low, p.rating);
    EXPECT_GE(p.high, p.rating);
    // ~2000 games each should pin a rating to within tens of points, not hundreds.
    EXPECT_GT(p.high - p.low, 0.0);
    EXPECT_LT(p.high - p.low, 80.0);
    // The error is within the interval's full width (about 4 standard errors): one data
    // set misses its own 95% interval by chance one time in twenty per player, which the
    // calibration test below measures over many data sets instead.
    EXPECT_LT(std::abs(p.rating - truth[i]), p.high - p.low);
    int games = 0;
    for (const MatchResults& m : matches) games += m.pairs[0].a == i || m.pairs[0].b == i;
    EXPECT_EQ(p.games, games);
  }
  // Stronger players score more on average.
  EXPECT_LT(table.players[0].score, table.players[1].score);
  EXPECT_LT(table.players[2].score, table.players[3].score);
}

TEST(BradleyTerry, IntervalsCoverTheTruthAboutNinetyFivePercentOfTheTime) {
  const std::vector<double> truth = {0, 100, 200, 400};
  const int data_sets = 50;
  int covered = 0;
  int cases = 0;
  for (int s = 0; s < data_sets; ++s) {
    const BradleyTerryTable table =
        bradley_terry_with_intervals(4, simulate(truth, 1000, 500 + s), 0, 200, s);
    for (int i = 1; i < 4; ++i) {
      covered += table.players[i].low <= truth[i] && truth[i] <= table.players[i].high;
      ++cases;
    }
  }
  // 150 cases at a true 95% give about 142 covered; a biased fit or too-narrow intervals
  // fall well below 85%.
  EXPECT_GE(covered, 0.85 * cases);
}

TEST(BradleyTerry, IntervalsShrinkWithMoreGames) {
  const std::vector<double> truth = {0, 100, 200, 400};
  const BradleyTerryTable few = bradley_terry_with_intervals(4, simulate(truth, 500, 3), 0, 300, 9);
  const BradleyTerryTable many = bradley_terry_with_intervals(4, simulate(truth, 4000, 3), 0, 300, 9);
  for (int i = 1; i < 4; ++i) {
    SCOPED_TRACE(i);
    const double few_width = few.players[i].high - few.players[i].low;
    const double many_width = many.players[i].high - many.players[i].low;
    EXPECT_GT(many_width, 0.0);
    // Eight times the games should give roughly sqrt(8) ~ 2.8 times narrower intervals.
    EXPECT_LT(many_width, 0.6 * few_width);
  }
}

TEST(BradleyTerry, FewMatchesGiveWideIntervalsNotPoints) {
  // Player 1 lost its only match to the anchor: every resample is that match again, yet one
  // game cannot tell it from the anchor.
  const BradleyTerryTable one = bradley_terry_with_intervals(2, {MatchResults{{{0, 1, 1.0}}}}, 0, 200, 1);
  const BradleyTerryPlayer& loser = one.players[1];
  EXPECT_LT(loser.rating, 0.0);
  EXPECT_LT(loser.low, loser.rating);
  EXPECT_LT(0.0, loser.high) << "one loss is no evidence of being weaker than the anchor";
  EXPECT_EQ(one.players[0].low, 0.0);
  EXPECT_EQ(one.players[0].high, 0.0);
  // Ten wins in ten: a clear result, but not an exact one.
  std::vector<MatchResults> ten(10, MatchResults{{{0, 1, 0.0}}});
  const BradleyTerryTable all_won = bradley_terry_with_intervals(2, ten, 0, 200, 1);
  const BradleyTerryPlayer& winner = all_won.players[1];
  EXPECT_LT(winner.low, winner.rating);
  EXPECT_LT(winner.rating, winner.high);
  EXPECT_GT(winner.low, 0.0) << "ten wins in ten are evidence of being stronger";
}

TEST(BradleyTerry, BootstrapIsDeterministicForASeed) {
  const std::vector<MatchResults> matches = simulate({0, 150, 80}, 400, 17);
  const BradleyTerryTable a = bradley_terry_with_intervals(3, matches, 0, 100, 42);
  const BradleyTerryTable b = bradley_terry_with_intervals(3, matches, 0, 100, 42);
  const BradleyTerryTable c = bradley_terry_with_intervals(3, matches, 0, 100, 43);
  bool differs = false;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(a.players[i].low, b.players[i].low);
    EXPECT_EQ(a.players[i].high, b.players[i].high);
    EXPECT_EQ(a.players[i].rating, c.players[i].rating);  // the fit itself uses no randomness
    differs |= a.players[i].low != c.players[i].low || a.players[i].high != c.players[i].high;
  }
  EXPECT_TRUE(differs);
}

TEST(BradleyTerry, MultiplayerMatchesCountOnceAsGames) {
  // Three-player matches where player 2 always wins and 0 and 1 tie behind it.
  std::vector<MatchResults> matches;
  for (int i = 0; i < 30; ++i) {
    matches.push_back(MatchResults{pairs_from_returns({0, 1, 2}, {0.0, 0.0, 1.0})});
  }
  const BradleyTerryTable table = bradley_terry_with_intervals(3, matches, 0, 50, 1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(table.players[i].games, 30);
  // Player 1 only drew with the anchor and lost to player 2 as often: the two are alike.
  EXPECT_NEAR(table.players[1].rating, 0.0, 1e-6);
  EXPECT_GT(table.players[2].rating, 400.0);
  EXPECT_TRUE(std::isfinite(table.players[2].rating));
  EXPECT_DOUBLE_EQ(table.players[2].score, 1.0);
  EXPECT_DOUBLE_EQ(table.players[0].score, 0.25);  // a draw and a loss per match
}

// ---- pairs_from_returns ----

TEST(PairsFromReturns, TwoPlayers) {
  const std::vector<PairwiseResult> win = pairs_from_returns({5, 7}, {1.0, -1.0});
  ASSERT_EQ(win.size(), 1u);
  EXPECT_EQ(win[0].a, 5);
  EXPECT_EQ(win[0].b, 7);
  EXPECT_EQ(win[0].score_a, 1.0);

  EXPECT_EQ(pairs_from_returns({5, 7}, {-1.0, 1.0})[0].score_a, 0.0);
  EXPECT_EQ(pairs_from_returns({5, 7}, {0.0, 0.0})[0].score_a, 0.5);
}

TEST(PairsFromReturns, ThreePlayersWithATie) {
  const std::vector<PairwiseResult> pairs = pairs_from_returns({4, 1, 9}, {2.0, 5.0, 2.0});
  ASSERT_EQ(pairs.size(), 3u);
  EXPECT_EQ(pairs[0].a, 4);
  EXPECT_EQ(pairs[0].b, 1);
  EXPECT_EQ(pairs[0].score_a, 0.0);
  EXPECT_EQ(pairs[1].a, 4);
  EXPECT_EQ(pairs[1].b, 9);
  EXPECT_EQ(pairs[1].score_a, 0.5);
  EXPECT_EQ(pairs[2].a, 1);
  EXPECT_EQ(pairs[2].b, 9);
  EXPECT_EQ(pairs[2].score_a, 1.0);
}

}  // namespace
}  // namespace arena
