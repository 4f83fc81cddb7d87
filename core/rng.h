// Rng: a small, fast, seeded generator (xoshiro256**) whose sequence is the same on every
// platform and standard library, so a seed replays a match or a self-play run exactly.
// Not thread-safe: give each thread or match its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace arena {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0) { reseed(seed); }

  void reseed(uint64_t seed);
  uint64_t next_u64();
  // Uniform integer in [0, n); n must be positive. Unbiased (rejection sampling).
  uint64_t uniform(uint64_t n);
  // Uniform double in [0, 1).
  double uniform_double();
  // Index drawn with probability proportional to weights (non-negative, positive sum).
  size_t sample_index(const std::vector<double>& weights);
  // A seed for a child generator, so that sub-streams do not overlap in practice.
  uint64_t split() { return next_u64() ^ 0x9E3779B97F4A7C15ULL; }

 private:
  uint64_t s_[4];
};

}  // namespace arena
