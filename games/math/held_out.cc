#include "games/math/held_out.h"

#include <set>

#include "games/math/arithmetic_chain.h"
#include "games/math/game24.h"

namespace arena {
namespace {

// Draws `count` distinct integers from [lo, hi] (count <= hi - lo + 1), in draw order.
std::vector<int64_t> distinct_draws(Rng& rng, int64_t lo, int64_t hi, int count) {
  std::set<int64_t> seen;
  std::vector<int64_t> out;
  const uint64_t span = static_cast<uint64_t>(hi - lo + 1);
  while (static_cast<int>(out.size()) < count && seen.size() < span) {
    const int64_t v = lo + static_cast<int64_t>(rng.uniform(span));
    if (seen.insert(v).second) out.push_back(v);
  }
  return out;
}

// The spec `name(params..., key=value)` with `key` set (replaced where given).
std::string with_param(const RawSpec& raw, const std::string& key, int64_t value) {
  std::string out = raw.name + "(";
  bool first = true;
  for (const auto& [k, v] : raw.params) {
    if (k == key) continue;
    out += (first ? "" : ",") + k + "=" + v;
    first = false;
  }
  return out + (first ? "" : ",") + key + "=" + std::to_string(value) + ")";
}

// The value of `key` in the spec, when it gives one that reads as an integer (a bad value is
// the factory's to report when the problems are made).
std::optional<int64_t> given(const RawSpec& raw, const std::string& key) {
  for (const auto& [k, v] : raw.params) {
    if (k != key) continue;
    try {
      return std::stoll(v);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// One set per value of the difficulty parameter `key` (only the spec's own value when it
// fixes one), each with `problems` seeded problems whose seeds are drawn from [lo, lo + 1e9).
std::vector<ProblemSet> seeded_sweep(const RawSpec& raw, const std::string& key, std::vector<int64_t> values,
                                     int64_t lo, int problems, Rng& rng) {
  if (std::optional<int64_t> v = given(raw, key)) values = {*v};
  std::vector<ProblemSet> out;
  for (int64_t v : values) {
    ProblemSet set{raw.name, key + "=" + std::to_string(v), {}};
    RawSpec fixed = raw;
    std::erase_if(fixed.params, [&](const auto& kv) { return kv.first == "seed" || kv.first == key; });
    fixed.params.emplace_back(key, std::to_string(v));
    for (int64_t s : distinct_draws(rng, lo, lo + 999'999'999, problems)) {
      set.specs.push_back(with_param(fixed, "seed", s));
    }
    out.push_back(std::move(set));
  }
  return out;
}

}  // namespace

Result<std::vector<ProblemSet>> game24_held_out(const RawSpec& raw, int problems, Rng& rng) {
  if (std::optional<int64_t> r = given(raw, "puzzle")) {
    return std::vector<ProblemSet>{{raw.name, "rank " + std::to_string(*r), {with_param(raw, "puzzle", *r)}}};
  }
  // By quartile of the human-ranked set (rank 1 the fastest solved).
  const int64_t ranked = static_cast<int64_t>(puzzles24().size());
  std::vector<ProblemSet> out;
  for (int q = 0; q < 4; ++q) {
    const int64_t lo = q * ranked / 4 + 1, hi = (q + 1) * ranked / 4;
    ProblemSet set{raw.name, "rank " + std::to_string(lo) + "-" + std::to_string(hi), {}};
    for (int64_t r : distinct_draws(rng, lo, hi, problems)) set.specs.push_back(with_param(raw, "puzzle", r));
    out.push_back(std::move(set));
  }
  return out;
}

Result<std::vector<ProblemSet>> countdown_held_out(const RawSpec& raw, int problems, Rng& rng) {
  return seeded_sweep(raw, "large", {0, 1, 2, 3, 4}, 1, problems, rng);
}

Result<std::vector<ProblemSet>> arithmetic_chain_held_out(const RawSpec& raw, int problems, Rng& rng) {
  // Seeds above the chance node's range: a run trained on the dealt game never saw them.
  return seeded_sweep(raw, "steps", {2, 3, 4, 5, 6, 7, 8}, ArithmeticChain::kSeedRange + 1, problems, rng);
}

}  // namespace arena
