#include "games/math/solver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "games/math/game24.h"

namespace arena {
namespace {

// Reads an infix expression of integers, + - * / and parentheses with exact rationals, and
// collects its integer literals.
class ExpressionReader {
 public:
  explicit ExpressionReader(const std::string& s) : s_(s) {}
  std::optional<Rational> read() {
    auto v = sum();
    if (!v || pos_ != s_.size()) return std::nullopt;
    return v;
  }
  std::vector<int64_t> literals;

 private:
  std::optional<Rational> sum() {
    auto v = product();
    while (v && pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) {
      const char op = s_[pos_++];
      auto r = product();
      if (!r) return std::nullopt;
      v = op == '+' ? *v + *r : *v - *r;
    }
    return v;
  }
  std::optional<Rational> product() {
    auto v = atom();
    while (v && pos_ < s_.size() && (s_[pos_] == '*' || s_[pos_] == '/')) {
      const char op = s_[pos_++];
      auto r = atom();
      if (!r || (op == '/' && *r == Rational(0))) return std::nullopt;
      v = op == '*' ? *v * *r : *v / *r;
    }
    return v;
  }
  std::optional<Rational> atom() {
    if (pos_ < s_.size() && s_[pos_] == '(') {
      ++pos_;
      auto v = sum();
      if (!v || pos_ >= s_.size() || s_[pos_] != ')') return std::nullopt;
      ++pos_;
      return v;
    }
    int64_t n = 0;
    const size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_])))
      n = n * 10 + (s_[pos_++] - '0');
    if (pos_ == start) return std::nullopt;
    literals.push_back(n);
    return Rational(n);
  }
  std::string s_;
  size_t pos_ = 0;
};

TEST(Solver24, ExactlyTheKnownNumberOfDealsIsSolvable) {
  Solver24 solver;
  int solvable = 0;
  for (int a = 1; a <= 13; ++a)
    for (int b = a; b <= 13; ++b)
      for (int c = b; c <= 13; ++c)
        for (int d = c; d <= 13; ++d) solvable += solver.solvable({a, b, c, d});
  EXPECT_EQ(solvable, 1362);
  EXPECT_EQ(all_deals24().size(), 1820u);
}

TEST(Solver24, EveryRankedPuzzleIsSolvedByAnExactExpression) {
  Solver24 solver;
  for (const Puzzle24& p : puzzles24()) {
    std::optional<RationalSolution> s =
        solver.solve({p.numbers[0], p.numbers[1], p.numbers[2], p.numbers[3]});
    ASSERT_TRUE(s.has_value()) << p.rank;
    ExpressionReader reader(s->expression);
    std::optional<Rational> value = reader.read();
    ASSERT_TRUE(value.has_value()) << s->expression;
    EXPECT_EQ(*value, Rational(24)) << s->expression;
    std::sort(reader.literals.begin(), reader.literals.end());
    EXPECT_EQ(reader.literals, (std::vector<int64_t>{p.numbers.begin(), p.numbers.end()})) << s->expression;
    // The steps replay over the multiset and end at 24.
    std::multiset<Rational, bool (*)(Rational, Rational)> table([](Rational x, Rational y) { return x < y; });
    for (int n : p.numbers) table.insert(Rational(n));
    ASSERT_EQ(s->steps.size(), 3u);
    for (const RationalStep& step : s->steps) {
      for (Rational operand : {step.a, step.b}) {
        auto it = table.find(operand);
        ASSERT_NE(it, table.end()) << step.text();
        table.erase(it);
      }
      const Rational r = step.op == '+'   ? step.a + step.b
                         : step.op == '-' ? step.a - step.b
                         : step.op == '*' ? step.a * step.b
                                          : step.a / step.b;
      EXPECT_EQ(r, step.result) << step.text();
      table.insert(step.result);
    }
    ASSERT_EQ(table.size(), 1u);
    EXPECT_EQ(*table.begin(), Rational(24));
  }
}

TEST(Solver24, KnownHardOnesAndNone) {
  Solver24 solver;
  auto s = solver.solve({3, 3, 8, 8});
  ASSERT_TRUE(s);
  EXPECT_EQ(*ExpressionReader(s->expression).read(), Rational(24));
  EXPECT_FALSE(solver.solve({1, 1, 1, 1}));
  EXPECT_FALSE(solver.solvable({1, 1, 1, 1}));
  EXPECT_TRUE(solver.solvable({1, 5, 5, 5}));
}

// Every value reachable from `v` (Countdown's rules, no pruning at all) with the fewest
// steps it takes: the oracle the solver is checked against.
void brute(std::vector<int64_t> v, int depth, std::map<std::vector<int64_t>, int>& seen,
           std::map<int64_t, int>& values) {
  std::sort(v.begin(), v.end());
  auto [it, inserted] = seen.emplace(v, depth);
  if (!inserted && it->second <= depth) return;
  it->second = depth;
  for (int64_t x : v) {
    auto [vit, added] = values.emplace(x, depth);
    if (!added) vit->second = std::min(vit->second, depth);
  }
  for (size_t i = 0; i < v.size(); ++i) {
    for (size_t j = 0; j < v.size(); ++j) {
      if (i == j) continue;
      std::vector<int64_t> rest;
      for (size_t k = 0; k < v.size(); ++k) {
        if (k != i && k != j) rest.push_back(v[k]);
      }
      const int64_t a = v[i], b = v[j];
      std::vector<int64_t> results = {a + b, a * b};
      if (a > b) results.push_back(a - b);
      if (a % b == 0) results.push_back(a / b);
      for (int64_t r : results) {
        rest.push_back(r);
        brute(rest, depth + 1, seen, values);
        rest.pop_back();
      }
    }
  }
}

void expect_steps_check(const std::vector<int64_t>& numbers, const CountdownSolution& s) {
  std::multiset<int64_t> table(numbers.begin(), numbers.end());
  for (const IntStep& step : s.steps) {
    for (int64_t operand : {step.a, step.b}) {
      auto it = table.find(operand);
      ASSERT_NE(it, table.end()) << step.text();
      table.erase(it);
    }
    int64_t r = 0;
    switch (step.op) {
      case '+':
        r = step.a + step.b;
        break;
      case '-':
        ASSERT_GT(step.a, step.b) << step.text();
        r = step.a - step.b;
        break;
      case '*':
        r = step.a * step.b;
        break;
      case '/':
        ASSERT_EQ(step.a % step.b, 0) << step.text();
        r = step.a / step.b;
        break;
      default:
        FAIL() << step.text();
    }
    EXPECT_EQ(r, step.result) << step.text();
    EXPECT_GT(r, 0);
    table.insert(r);
  }
  EXPECT_GE(table.count(s.value), 1u) << "the value is on the table";
  ExpressionReader reader(s.expression);
  std::optional<Rational> value = reader.read();
  ASSERT_TRUE(value) << s.expression;
  EXPECT_EQ(*value, Rational(s.value)) << s.expression;
}

TEST(CountdownSolver, MatchesABruteForceOracle) {
  const std::vector<std::pair<std::vector<int64_t>, int64_t>> puzzles = {
      {{25, 50, 75, 100, 3, 6}, 952},  // the famous one: exact
      {{1, 1, 2, 2, 3, 3}, 999},       // far out of reach: the largest value
      {{100, 5, 5, 2, 6, 8}, 813},    {{50, 25, 1, 4, 7, 9}, 431},
      {{75, 10, 9, 8, 1, 2}, 617},    {{7, 7, 8, 8, 9, 10}, 998},
  };
  for (const auto& [numbers, target] : puzzles) {
    std::map<std::vector<int64_t>, int> seen;
    std::map<int64_t, int> values;
    brute(numbers, 0, seen, values);
    int64_t best_dist = INT64_MAX;
    int best_steps = 0;
    for (const auto& [v, steps] : values) {
      const int64_t d = std::llabs(v - target);
      if (d < best_dist || (d == best_dist && steps < best_steps)) {
        best_dist = d;
        best_steps = steps;
      }
    }
    const CountdownSolution s = solve_countdown(numbers, target);
    EXPECT_EQ(s.distance(target), best_dist) << target;
    EXPECT_EQ(static_cast<int>(s.steps.size()), best_steps) << target;
    expect_steps_check(numbers, s);
    EXPECT_TRUE(countdown_reachable(numbers, s.value));
    // Reachability agrees with the oracle on values around the target.
    for (int64_t v = target - 20; v <= target + 20; ++v) {
      EXPECT_EQ(countdown_reachable(numbers, v), values.count(v) == 1) << v;
    }
  }
}

TEST(CountdownSolver, KnownFacts) {
  const std::vector<int64_t> famous = {25, 50, 75, 100, 3, 6};
  const CountdownSolution s = solve_countdown(famous, 952);
  EXPECT_EQ(s.value, 952);
  EXPECT_EQ(s.steps.size(), 5u);  // all six numbers are needed
  const std::vector<int64_t> small = {1, 1, 2, 2, 3, 3};
  const CountdownSolution far = solve_countdown(small, 999);
  EXPECT_LT(far.value, 999);
  EXPECT_FALSE(countdown_reachable(small, 999));
  EXPECT_FALSE(countdown_reachable(small, far.value + 1));
  // A given number is its own solution in no steps.
  const std::vector<int64_t> one = {100};
  const CountdownSolution given = solve_countdown(one, 101);
  EXPECT_EQ(given.value, 100);
  EXPECT_TRUE(given.steps.empty());
  EXPECT_EQ(given.expression, "100");
}

}  // namespace
}  // namespace arena
