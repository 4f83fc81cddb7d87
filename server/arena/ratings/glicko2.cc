#include "server/arena/ratings/glicko2.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

namespace arena {
namespace {

// Converts display-scale points to the algorithm's internal scale (400 / ln 10).
constexpr double kScale = 173.7178;
// The display rating that maps to 0 on the internal scale.
constexpr double kCenter = 1500.0;
// A new player's deviation: no idle time makes anyone less known than that.
constexpr double kInitialDeviation = 350.0;
// Stops the volatility search once its bracket on ln(sigma^2) is this narrow.
constexpr double kVolatilityEpsilon = 1e-6;

// Shrinks a rating difference by the opponent's uncertainty (step 3's g(phi)).
double g(double phi) {
  return 1.0 / std::sqrt(1.0 + 3.0 * phi * phi / (std::numbers::pi * std::numbers::pi));
}

// Expected score against an opponent (step 3's E(mu, mu_j, phi_j)).
double expected_score(double mu, double mu_j, double phi_j) {
  return 1.0 / (1.0 + std::exp(-g(phi_j) * (mu - mu_j)));
}

// The new volatility (step 5): the root of f(x), x = ln(sigma'^2), by the Illinois
// algorithm (regula falsi that halves the stale end so the bracket keeps shrinking).
double new_volatility(double sigma, double phi, double v, double delta, double tau) {
  const double a = std::log(sigma * sigma);
  const double phi2 = phi * phi;
  const double delta2 = delta * delta;
  auto f = [&](double x) {
    const double ex = std::exp(x);
    const double d = phi2 + v + ex;
    return ex * (delta2 - phi2 - v - ex) / (2.0 * d * d) - (x - a) / (tau * tau);
  };

  // Bracket the root: f(A) > 0 and f(B) < 0.
  double A = a;
  double B;
  if (delta2 > phi2 + v) {
    B = std::log(delta2 - phi2 - v);
  } else {
    // f tends to +infinity as x falls, so stepping down by tau finds a positive value.
    int k = 1;
    while (f(a - k * tau) < 0) ++k;
    B = a - k * tau;
  }

  double fA = f(A);
  double fB = f(B);
  while (std::abs(B - A) > kVolatilityEpsilon) {
    const double C = A + (A - B) * fA / (fB - fA);
    const double fC = f(C);
    // "<= 0" (not "< 0") so an exact root at C still closes the bracket.
    if (fC * fB <= 0) {
      A = B;
      fA = fB;
    } else {
      fA /= 2.0;
    }
    B = C;
    fB = fC;
  }
  return std::exp(A / 2.0);
}

}  // namespace

Glicko2Rating glicko2_update(const Glicko2Rating& player, const std::vector<Glicko2Result>& results,
                             double tau, bool fixed_strength) {
  assert(tau > 0);
  // Step 2: to the internal scale.
  const double mu = (player.rating - kCenter) / kScale;
  const double phi = player.deviation / kScale;
  const double sigma = player.volatility;

  // A player who did not compete keeps rating and volatility; only the deviation grows.
  if (results.empty()) {
    Glicko2Rating out = player;
    if (!fixed_strength) out.deviation = std::sqrt(phi * phi + sigma * sigma) * kScale;
    return out;
  }

  // Steps 3 and 4: the estimated variance v of the rating from the games alone, and the
  // estimated improvement delta (v times the sum of g-weighted surprises).
  double inv_v = 0;
  double surprise = 0;
  for (const Glicko2Result& r : results) {
    const double mu_j = (r.opponent.rating - kCenter) / kScale;
    const double phi_j = r.opponent.deviation / kScale;
    const double g_j = g(phi_j);
    const double e = expected_score(mu, mu_j, phi_j);
    inv_v += g_j * g_j * e * (1.0 - e);
    surprise += g_j * (r.score - e);
  }
  const double v = 1.0 / inv_v;
  const double delta = v * surprise;

  // Steps 5 to 7: new volatility, pre-period deviation, then the new deviation and rating.
  const double sigma_new = fixed_strength ? sigma : new_volatility(sigma, phi, v, delta, tau);
  const double phi_star = fixed_strength ? phi : std::sqrt(phi * phi + sigma_new * sigma_new);
  const double phi_new = 1.0 / std::sqrt(1.0 / (phi_star * phi_star) + 1.0 / v);
  const double mu_new = mu + phi_new * phi_new * surprise;

  // Step 8: back to the display scale.
  return Glicko2Rating{mu_new * kScale + kCenter, phi_new * kScale, sigma_new};
}

double glicko2_idle_deviation(const Glicko2Rating& player, int64_t periods) {
  const double phi = player.deviation / kScale;
  const double grown = std::sqrt(phi * phi + static_cast<double>(std::max<int64_t>(periods, 0)) *
                                                 player.volatility * player.volatility) *
                       kScale;
  return std::min(grown, std::max(player.deviation, kInitialDeviation));
}

bool is_provisional(const Glicko2Rating& rating) { return rating.deviation > kProvisionalDeviation; }

}  // namespace arena
