// Exact solvers of the math puzzles: searches over multisets of numbers, memoised, that
// never miss a solution.
//
//   - the 24 game (rationals): whether a multiset can make a target with + - * / (each
//     number used once, fractions and negatives allowed on the way), and one solution;
//   - Countdown's numbers round (positive integers only): the reachable value closest to a
//     target with the fewest steps, its expression and its steps, and whether a value can
//     still be reached from a multiset (the verdict of a step).
//
// Threading: a Solver24 keeps its memo and is not thread-safe (one per thread); the free
// functions keep no state and may be called from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "games/math/rational.h"

namespace arena {

// One step of a rational solution: a op b = result, op one of + - * /.
struct RationalStep {
  Rational a;
  char op;
  Rational b;
  Rational result;
  // "8/3=8/3", "3-(8/3)=1/3": the game's notation (operands that are not non-negative
  // integers in parentheses).
  std::string text() const;
};

struct RationalSolution {
  std::string expression;  // fully parenthesised infix: "(8/(3-(8/3)))"
  std::vector<RationalStep> steps;
};

// Makes a rational target from up to six numbers. The memo (whether a sorted multiset can
// make the target) is kept across calls, so solving many puzzles shares their sub-multisets.
class Solver24 {
 public:
  explicit Solver24(Rational target = Rational(24)) : target_(target) {}

  // Whether `numbers` (at most six) can make the target, each used exactly once.
  bool solvable(std::vector<Rational> numbers);
  // One solution, or nullopt when there is none.
  std::optional<RationalSolution> solve(std::vector<Rational> numbers);
  size_t memo_size() const { return memo_.size(); }

 private:
  struct Key {
    int64_t v[12];  // num, den pairs of the sorted numbers, zero-padded
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  bool search(const std::vector<Rational>& sorted);

  Rational target_;
  std::unordered_map<Key, bool, KeyHash> memo_;
};

// One step of a Countdown solution: a op b = result with a > b for - and /.
struct IntStep {
  int64_t a;
  char op;  // + - * /
  int64_t b;
  int64_t result;
  std::string text() const;  // "75*3=225"
};

struct CountdownSolution {
  int64_t value = 0;           // the reachable value closest to the target
  std::vector<IntStep> steps;  // the fewest steps that put it on the table (none: a given number)
  std::string expression;      // "(100+6)*(75*3-50/25)..." (or the number itself)
  int64_t distance(int64_t target) const { return value > target ? value - target : target - value; }
};

// Countdown's rules: numbers combine two at a time with + - * / into positive integers
// (a-b only when a>b, a/b only when exact); any number on the table counts. The best value
// is the closest to `target`; among equally close ones, the one made in the fewest steps.
// Exact: every reachable multiset is searched (steps that give back one of their operands,
// such as x1 or /1, are skipped: dropping a number reaches the same). `numbers`: one to six
// positive integers whose product fits in 63 bits.
CountdownSolution solve_countdown(std::span<const int64_t> numbers, int64_t target);

// Whether `value` is on the table or can be put there from `numbers` (same rules); stops at
// the first way found.
bool countdown_reachable(std::span<const int64_t> numbers, int64_t value);

}  // namespace arena
