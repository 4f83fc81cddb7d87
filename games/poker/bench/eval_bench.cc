// Seven-card evaluations per second (scripts/bench-poker), one thread, beside the plain
// reference evaluator (reference_eval.h: the best of 21 five-card subsets) in the same run:
//  - sequential: every 7-card hand in order (count_hands_by_rank(7), each category's count
//    checked); the reference enumerates the first --reference-hands of the same order;
//  - random: --random uniformly drawn hands, generated into an array before the clock
//    starts (seeded); the reference evaluates the first --reference-hands of them.
// Prints one line per measurement and the ratios (ours / reference).
//   poker_eval_bench [--random N] [--reference-hands N]
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "games/poker/bench/reference_eval.h"
#include "games/poker/cards.h"
#include "games/poker/hand_eval.h"

namespace {

using arena::poker::Card;
using arena::poker::HandEvaluator;
using arena::poker::HandKey;
using Hand = std::array<Card, 7>;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void print(const char* name, uint64_t hands, double seconds) {
  std::printf("%-22s %11llu hands  %8.3f s  %8.2f M evals/s\n", name, static_cast<unsigned long long>(hands),
              seconds, hands / seconds / 1e6);
}

// The first `limit` 7-card hands in the enumeration order of count_hands_by_rank, scored
// by the reference; returns a checksum.
uint64_t reference_sequential(uint64_t limit) {
  uint64_t n = 0, sum = 0;
  Hand h;
  for (int a = 0; a < 52; ++a)
    for (int b = a + 1; b < 52; ++b)
      for (int c = b + 1; c < 52; ++c)
        for (int d = c + 1; d < 52; ++d)
          for (int e = d + 1; e < 52; ++e)
            for (int f = e + 1; f < 52; ++f)
              for (int g = f + 1; g < 52; ++g) {
                h = {Card(a), Card(b), Card(c), Card(d), Card(e), Card(f), Card(g)};
                sum += arena::poker::reference::score_best(h);
                if (++n == limit) return sum;
              }
  return sum;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t random_hands = 20'000'000;
  uint64_t reference_hands = 1'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--random")) {
      random_hands = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--reference-hands")) {
      reference_hands = std::strtoull(argv[i + 1], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: poker_eval_bench [--random N] [--reference-hands N]\n");
      return 2;
    }
  }
  if (argc % 2 == 0 || random_hands == 0 || reference_hands == 0 || reference_hands > random_hands) {
    std::fprintf(stderr, "usage: poker_eval_bench [--random N] [--reference-hands N <= N]\n");
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  const HandEvaluator& ev = HandEvaluator::instance();  // tables built outside the clocks
  std::printf("tables built in %.1f ms (%zu rank-multiset entries)\n", seconds_since(start) * 1e3,
              ev.multiset_entries());

  // Sequential: all 133,784,560 hands, checked by category.
  start = std::chrono::steady_clock::now();
  const std::vector<uint64_t> by_rank = arena::poker::count_hands_by_rank(7);
  const double seq_seconds = seconds_since(start);
  std::array<uint64_t, arena::poker::kCategories> by_category{};
  uint64_t total = 0;
  for (int r = 1; r <= arena::poker::kHandClasses; ++r) {
    by_category[static_cast<int>(arena::poker::category_of(static_cast<arena::poker::HandRank>(r)))] +=
        by_rank[r];
    total += by_rank[r];
  }
  const std::array<uint64_t, arena::poker::kCategories> expected = {
      23294460, 58627800, 31433400, 6461620, 6180020, 4047644, 3473184, 224848, 41584};
  const bool counts_ok = by_category == expected && total == 133784560;
  print("ours sequential", total, seq_seconds);

  start = std::chrono::steady_clock::now();
  const uint64_t ref_sum = reference_sequential(reference_hands);
  const double ref_seq_seconds = seconds_since(start);
  print("reference sequential", reference_hands, ref_seq_seconds);

  // Random: hands drawn beforehand, evaluated in one pass (best of three passes).
  std::vector<Hand> hands(random_hands);
  std::mt19937_64 rng(2026);
  std::array<Card, 52> deck = arena::poker::full_deck();
  for (Hand& h : hands) {
    for (int i = 0; i < 7; ++i) std::swap(deck[i], deck[i + rng() % (52 - i)]);
    std::copy(deck.begin(), deck.begin() + 7, h.begin());
  }
  double rand_seconds = 1e300;
  uint64_t rank_sum = 0;
  for (int pass = 0; pass < 3; ++pass) {
    start = std::chrono::steady_clock::now();
    uint64_t sum = 0;
    for (const Hand& h : hands)
      sum += ev.rank(HandKey().add(h[0]).add(h[1]).add(h[2]).add(h[3]).add(h[4]).add(h[5]).add(h[6]));
    rand_seconds = std::min(rand_seconds, seconds_since(start));
    rank_sum = sum;
  }
  print("ours random", random_hands, rand_seconds);

  // The same hands through the checked entry point (count, validity and duplicates checked).
  double checked_seconds = 1e300;
  uint64_t checked_sum = 0;
  for (int pass = 0; pass < 3; ++pass) {
    start = std::chrono::steady_clock::now();
    uint64_t sum = 0;
    for (const Hand& h : hands) sum += ev.evaluate(h);
    checked_seconds = std::min(checked_seconds, seconds_since(start));
    checked_sum = sum;
  }
  print("ours random, checked", random_hands, checked_seconds);
  if (checked_sum != rank_sum) {
    std::fprintf(stderr, "poker_eval_bench: the checked and unchecked sums differ\n");
    return 1;
  }

  start = std::chrono::steady_clock::now();
  uint64_t ref_rand_sum = 0;
  for (uint64_t i = 0; i < reference_hands; ++i)
    ref_rand_sum += arena::poker::reference::score_best(hands[i]);
  const double ref_rand_seconds = seconds_since(start);
  print("reference random", reference_hands, ref_rand_seconds);

  const double seq_ratio = (total / seq_seconds) / (reference_hands / ref_seq_seconds);
  const double rand_ratio = (random_hands / rand_seconds) / (reference_hands / ref_rand_seconds);
  std::printf("ratio sequential (ours / reference): %.0f\n", seq_ratio);
  std::printf("ratio random     (ours / reference): %.0f\n", rand_ratio);
  std::printf("checksums %llu %llu %llu; category counts %s\n", static_cast<unsigned long long>(rank_sum),
              static_cast<unsigned long long>(ref_sum), static_cast<unsigned long long>(ref_rand_sum),
              counts_ok ? "ok" : "MISMATCH");
  return counts_ok ? 0 : 1;
}
