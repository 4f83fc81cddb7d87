// A success rate with its 95% interval (Wilson's score interval, which stays inside [0, 1]
// and is honest for small counts and rates near 0 or 1, unlike the normal approximation):
// puzzles' solved rates in `arena play`, the experiments' curves.
#pragma once

#include <algorithm>
#include <cmath>

namespace arena {

struct Proportion {
  double rate = 0, low = 0, high = 0;
};

inline Proportion wilson_interval(int successes, int trials, double z = 1.959964) {
  if (trials <= 0) return {0, 0, 1};
  const double n = trials, p = successes / n, z2 = z * z;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return {p, std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace arena
