// The math solvers' speed: every deal of the 24 game (the 1,820 multisets of four numbers
// 1-13, solution included) per iteration, and Countdown puzzles (random deals of 0-4 large
// numbers and random targets 101-999) solved per second on one core.
#include <benchmark/benchmark.h>

#include <vector>

#include "core/rng.h"
#include "games/math/solver.h"

namespace arena {
namespace {

void BM_Solve24AllDeals(benchmark::State& state) {
  int solvable = 0;
  for (auto _ : state) {
    Solver24 solver;  // a fresh memo each time: the sweep's own sharing only
    solvable = 0;
    for (int a = 1; a <= 13; ++a)
      for (int b = a; b <= 13; ++b)
        for (int c = b; c <= 13; ++c)
          for (int d = c; d <= 13; ++d) solvable += solver.solve({a, b, c, d}).has_value();
    benchmark::DoNotOptimize(solvable);
  }
  state.counters["solvable"] = solvable;
  state.counters["deals/s"] =
      benchmark::Counter(1820.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Solve24AllDeals)->Unit(benchmark::kMillisecond);

struct Deal {
  std::vector<int64_t> numbers;
  int64_t target;
};

std::vector<Deal> random_countdown_deals(int count) {
  Rng rng(2026);
  std::vector<Deal> deals;
  for (int k = 0; k < count; ++k) {
    std::vector<int64_t> large = {25, 50, 75, 100};
    std::vector<int64_t> small;
    for (int n = 1; n <= 10; ++n) small.insert(small.end(), {n, n});
    const int big = static_cast<int>(rng.uniform(5));
    Deal d;
    for (int i = 0; i < 6; ++i) {
      std::vector<int64_t>& pool = i < big ? large : small;
      const size_t at = rng.uniform(pool.size());
      d.numbers.push_back(pool[at]);
      pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(at));
    }
    d.target = 101 + static_cast<int64_t>(rng.uniform(899));
    deals.push_back(d);
  }
  return deals;
}

void BM_CountdownSolve(benchmark::State& state) {
  const std::vector<Deal> deals = random_countdown_deals(1000);
  size_t next = 0;
  int64_t exact = 0;
  for (auto _ : state) {
    const Deal& d = deals[next++ % deals.size()];
    const CountdownSolution s = solve_countdown(d.numbers, d.target);
    exact += s.value == d.target;
    benchmark::DoNotOptimize(s.value);
  }
  state.counters["puzzles/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["exact_share"] = static_cast<double>(exact) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_CountdownSolve)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

// A step verdict: whether a puzzle's best value is still reachable after one step (five
// numbers left), reachable or not.
void BM_CountdownVerdict(benchmark::State& state) {
  const std::vector<Deal> deals = random_countdown_deals(200);
  std::vector<std::pair<std::vector<int64_t>, int64_t>> checks;
  for (const Deal& d : deals) {
    const CountdownSolution s = solve_countdown(d.numbers, d.target);
    std::vector<int64_t> after(d.numbers.begin() + 2, d.numbers.end());
    after.push_back(d.numbers[0] + d.numbers[1]);
    checks.emplace_back(after, s.value);
  }
  size_t next = 0;
  for (auto _ : state) {
    const auto& [table, value] = checks[next++ % checks.size()];
    benchmark::DoNotOptimize(countdown_reachable(table, value));
  }
  state.counters["verdicts/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CountdownVerdict)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace arena

BENCHMARK_MAIN();
