// Glicko-2: the live per-(player, game) rating, updated once per rating period, exactly as
// in Glickman, "Example of the Glicko-2 system" (2013). Values are on the Elo-like display
// scale (1500 / 350); the algorithm converts to its internal scale and back.
//
// Pure functions over values: safe to call from any thread.
#pragma once

#include <cstdint>
#include <vector>

namespace arena {

// Above this deviation a rating is still too uncertain to show without a "provisional" mark.
inline constexpr double kProvisionalDeviation = 110.0;

// A player's rating, its uncertainty (one standard deviation) and its expected fluctuation.
struct Glicko2Rating {
  double rating = 1500;
  double deviation = 350;
  double volatility = 0.06;
};

// One game of a rating period: the opponent's pre-period rating and our score
// (1 win, 0.5 draw, 0 loss).
struct Glicko2Result {
  Glicko2Rating opponent;
  double score;
};

// The player's rating after one rating period whose games are `results` (treated as
// simultaneous). An empty list only lets the deviation grow. `tau` (> 0) limits how fast
// the volatility may change; Glickman suggests 0.3 to 1.2.
//
// A player of fixed strength (an agent's checkpoint, an engine at a level, a puzzle) has no
// volatility: `fixed_strength` adds no uncertainty for the time between periods (step 6)
// and leaves the volatility as it was, so its deviation only shrinks as games accrue and
// its rating settles on its strength instead of wandering with each surprising result.
Glicko2Rating glicko2_update(const Glicko2Rating& player, const std::vector<Glicko2Result>& results,
                             double tau = 0.5, bool fixed_strength = false);

// The deviation after `periods` rating periods without a game (each adds the volatility in
// quadrature, step 6), at most the initial 350.
double glicko2_idle_deviation(const Glicko2Rating& player, int64_t periods);

// Whether the rating is still provisional (deviation above kProvisionalDeviation).
bool is_provisional(const Glicko2Rating& rating);

}  // namespace arena
