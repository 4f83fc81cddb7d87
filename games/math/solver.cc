#include "games/math/solver.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>

namespace arena {
namespace {

std::string operand_text(Rational r) {
  return r.is_integer() && r.num() >= 0 ? r.to_string() : "(" + r.to_string() + ")";
}

// Calls f(x, op, y, result) for each way to combine a and b (a <= b not required):
// a+b, a*b, a-b, b-a, a/b, b/a; the divisions only by a non-zero number. Stops when f
// returns true and returns whether it did.
template <typename F>
bool for_each_rational_combination(Rational a, Rational b, F&& f) {
  const Rational zero(0);
  if (f(a, '+', b, a + b)) return true;
  if (f(a, '*', b, a * b)) return true;
  if (f(a, '-', b, a - b)) return true;
  if (!(a == b) && f(b, '-', a, b - a)) return true;
  if (!(b == zero) && f(a, '/', b, a / b)) return true;
  if (!(a == zero) && !(a == b) && f(b, '/', a, b / a)) return true;
  return false;
}

// `numbers` without positions i and j, with `r` inserted in order (numbers sorted).
std::vector<Rational> replace_pair(const std::vector<Rational>& numbers, size_t i, size_t j, Rational r) {
  std::vector<Rational> rest;
  rest.reserve(numbers.size() - 1);
  for (size_t k = 0; k < numbers.size(); ++k) {
    if (k != i && k != j) rest.push_back(numbers[k]);
  }
  rest.insert(std::upper_bound(rest.begin(), rest.end(), r), r);
  return rest;
}

}  // namespace

std::string RationalStep::text() const {
  return operand_text(a) + op + operand_text(b) + "=" + result.to_string();
}

size_t Solver24::KeyHash::operator()(const Key& k) const {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (int64_t x : k.v) h = (h ^ static_cast<uint64_t>(x)) * 0x100000001b3ULL;
  return static_cast<size_t>(h ^ (h >> 29));
}

bool Solver24::solvable(std::vector<Rational> numbers) {
  if (numbers.empty() || numbers.size() > 6) return false;
  std::sort(numbers.begin(), numbers.end());
  return search(numbers);
}

bool Solver24::search(const std::vector<Rational>& sorted) {
  const size_t n = sorted.size();
  if (n == 1) return sorted[0] == target_;
  Key key{};
  for (size_t k = 0; k < n; ++k) {
    key.v[2 * k] = sorted[k].num();
    key.v[2 * k + 1] = sorted[k].den();
  }
  if (auto it = memo_.find(key); it != memo_.end()) return it->second;
  bool found = false;
  // Each unordered pair of values once: equal neighbours stand for each other.
  for (size_t i = 0; i < n && !found; ++i) {
    if (i > 0 && sorted[i] == sorted[i - 1]) continue;
    for (size_t j = i + 1; j < n && !found; ++j) {
      if (j > i + 1 && sorted[j] == sorted[j - 1]) continue;
      found = for_each_rational_combination(sorted[i], sorted[j], [&](Rational, char, Rational, Rational r) {
        return search(replace_pair(sorted, i, j, r));
      });
    }
  }
  memo_.emplace(key, found);
  return found;
}

std::optional<RationalSolution> Solver24::solve(std::vector<Rational> numbers) {
  if (!solvable(numbers)) return std::nullopt;
  std::sort(numbers.begin(), numbers.end());
  // Walk down the memo: at each level, the first step that leaves a solvable multiset.
  std::vector<std::string> exprs;
  for (const Rational& r : numbers) exprs.push_back(operand_text(r));
  RationalSolution solution;
  while (numbers.size() > 1) {
    bool stepped = false;
    const size_t n = numbers.size();
    for (size_t i = 0; i < n && !stepped; ++i) {
      for (size_t j = i + 1; j < n && !stepped; ++j) {
        for_each_rational_combination(
            numbers[i], numbers[j], [&](Rational x, char op, Rational y, Rational r) {
              std::vector<Rational> rest;
              std::vector<std::string> rest_exprs;
              for (size_t k = 0; k < n; ++k) {
                if (k == i || k == j) continue;
                rest.push_back(numbers[k]);
                rest_exprs.push_back(exprs[k]);
              }
              const auto at = std::upper_bound(rest.begin(), rest.end(), r) - rest.begin();
              rest.insert(rest.begin() + at, r);
              if (!search(rest)) return false;
              const bool swapped = !(x == numbers[i]);
              rest_exprs.insert(rest_exprs.begin() + at,
                                "(" + exprs[swapped ? j : i] + op + exprs[swapped ? i : j] + ")");
              solution.steps.push_back(RationalStep{x, op, y, r});
              numbers = std::move(rest);
              exprs = std::move(rest_exprs);
              stepped = true;
              return true;
            });
      }
    }
    assert(stepped);
    if (!stepped) return std::nullopt;
  }
  solution.expression = exprs[0];
  return solution;
}

// ---------------------------------------------------------------------------------------
// Countdown

std::string IntStep::text() const {
  return std::to_string(a) + op + std::to_string(b) + "=" + std::to_string(result);
}

namespace {

constexpr int kMaxNumbers = 6;
using Values = std::array<int64_t, kMaxNumbers>;

// Calls f(x, op, y, result) for each useful step of x <= y (positive integers): x+y, x*y,
// y-x, y/x; steps whose result is one of their operands (x1, /1, 2x-x, x*x/x) are skipped,
// since dropping the other operand reaches the same. Stops when f returns true.
template <typename F>
inline bool for_each_int_combination(int64_t x, int64_t y, F&& f) {
  if (f(y, '+', x, y + x)) return true;
  if (x != 1 && f(y, '*', x, y * x)) return true;
  if (y > x && y - x != x && f(y, '-', x, y - x)) return true;
  if (x != 1 && y % x == 0 && y / x != x && f(y, '/', x, y / x)) return true;
  return false;
}

// `v` (n sorted values) without positions i < j, with r inserted in order; returns the size.
inline int replace_pair(const Values& v, int n, int i, int j, int64_t r, Values& out) {
  int m = 0;
  bool placed = false;
  for (int k = 0; k < n; ++k) {
    if (k == i || k == j) continue;
    if (!placed && r <= v[k]) {
      out[m++] = r;
      placed = true;
    }
    out[m++] = v[k];
  }
  if (!placed) out[m++] = r;
  for (int k = m; k < kMaxNumbers; ++k) out[k] = 0;
  return m;
}

inline uint64_t hash_values(const Values& v) {
  uint64_t h = 0x9E3779B97F4A7C15ULL;
  for (int64_t x : v) {
    h ^= static_cast<uint64_t>(x) + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  }
  return h * 0xff51afd7ed558ccdULL;
}

// A multiset met in the breadth-first search, with the step that first made it.
struct Node {
  Values v;
  int n;
  int depth;
  int parent;  // -1 for the start
  IntStep step;
};

// The search of solve_countdown: every multiset down to three numbers is stored once (an
// open-addressing set over the nodes); below that the few remaining steps are walked
// without storing.
class CountdownSearch {
 public:
  CountdownSearch(std::span<const int64_t> numbers, int64_t target) : target_(target) {
    Node start{};
    start.n = static_cast<int>(numbers.size());
    std::copy(numbers.begin(), numbers.end(), start.v.begin());
    std::sort(start.v.begin(), start.v.begin() + start.n);
    start.parent = -1;
    nodes_.push_back(start);
    for (int k = 0; k < start.n; ++k) consider(start.v[k], 0, 0, nullptr, 0);
    slots_.assign(1 << 12, -1);
    insert(0);
  }

  void run() {
    for (size_t idx = 0; idx < nodes_.size() && !done_; ++idx) {
      const Node node = nodes_[idx];
      if (best_dist_ == 0 && best_depth_ <= node.depth + 1) break;
      for (int i = 0; i < node.n && !done_; ++i) {
        if (i > 0 && node.v[i] == node.v[i - 1]) continue;
        for (int j = i + 1; j < node.n && !done_; ++j) {
          if (j > i + 1 && node.v[j] == node.v[j - 1]) continue;
          for_each_int_combination(node.v[i], node.v[j], [&](int64_t a, char op, int64_t b, int64_t r) {
            const IntStep step{a, op, b, r};
            consider(r, node.depth + 1, static_cast<int>(idx), &step, 1);
            if (best_dist_ == 0 && best_depth_ == node.depth + 1) return done_ = true;
            Node child;
            child.n = replace_pair(node.v, node.n, i, j, r, child.v);
            child.depth = node.depth + 1;
            child.parent = static_cast<int>(idx);
            child.step = step;
            if (child.n >= 3) {
              add(child);
            } else if (child.n == 2) {
              tail(child, static_cast<int>(idx), step);
            }
            return false;
          });
        }
      }
    }
  }

  CountdownSolution solution() const {
    CountdownSolution s;
    s.value = best_value_;
    for (int idx = best_node_; idx > 0; idx = nodes_[idx].parent) s.steps.push_back(nodes_[idx].step);
    std::reverse(s.steps.begin(), s.steps.end());
    for (int k = best_tail_len_; k-- > 0;) s.steps.push_back(best_tail_[k]);
    return s;
  }

 private:
  // The last step from a two-number multiset (its values are all new at depth+1).
  void tail(const Node& two, int parent, const IntStep& first) {
    for_each_int_combination(two.v[0], two.v[1], [&](int64_t a, char op, int64_t b, int64_t r) {
      const IntStep steps[2] = {IntStep{a, op, b, r}, first};  // reversed: last step first
      consider(r, two.depth + 1, parent, steps, 2);
      return false;
    });
  }

  // A value on the table at `depth` steps: node `node`'s table after `count` more steps
  // (`steps`, the last first).
  void consider(int64_t value, int depth, int node, const IntStep* steps, int count) {
    const int64_t dist = value > target_ ? value - target_ : target_ - value;
    if (dist < best_dist_ || (dist == best_dist_ && depth < best_depth_)) {
      best_dist_ = dist;
      best_depth_ = depth;
      best_value_ = value;
      best_node_ = node;
      best_tail_len_ = count;
      for (int k = 0; k < count; ++k) best_tail_[k] = steps[k];
    }
  }

  void add(const Node& child) {
    nodes_.push_back(child);
    if (!insert(static_cast<int>(nodes_.size() - 1))) nodes_.pop_back();
  }
  // Adds node idx to the set; false when an equal multiset is there already.
  bool insert(int idx) {
    if (2 * (count_ + 1) > slots_.size()) grow();
    const Values& v = nodes_[idx].v;
    const size_t mask = slots_.size() - 1;
    for (size_t s = hash_values(v) & mask;; s = (s + 1) & mask) {
      if (slots_[s] < 0) {
        slots_[s] = idx;
        ++count_;
        return true;
      }
      if (nodes_[slots_[s]].v == v) return false;
    }
  }
  void grow() {
    std::vector<int> old = std::move(slots_);
    slots_.assign(old.size() * 2, -1);
    const size_t mask = slots_.size() - 1;
    for (int idx : old) {
      if (idx < 0) continue;
      size_t s = hash_values(nodes_[idx].v) & mask;
      while (slots_[s] >= 0) s = (s + 1) & mask;
      slots_[s] = idx;
    }
  }

  int64_t target_;
  std::vector<Node> nodes_;
  std::vector<int> slots_;
  size_t count_ = 0;
  bool done_ = false;
  int64_t best_dist_ = INT64_MAX;
  int best_depth_ = 1 << 20;
  int64_t best_value_ = 0;
  int best_node_ = 0;
  IntStep best_tail_[2]{};
  int best_tail_len_ = 0;
};

bool reachable(const Values& v, int n, int64_t value) {
  for (int k = 0; k < n; ++k) {
    if (v[k] == value) return true;
  }
  for (int i = 0; i < n; ++i) {
    if (i > 0 && v[i] == v[i - 1]) continue;
    for (int j = i + 1; j < n; ++j) {
      if (j > i + 1 && v[j] == v[j - 1]) continue;
      const bool found = for_each_int_combination(v[i], v[j], [&](int64_t, char, int64_t, int64_t r) {
        if (r == value) return true;
        if (n <= 2) return false;
        Values rest;
        const int m = replace_pair(v, n, i, j, r, rest);
        return reachable(rest, m, value);
      });
      if (found) return true;
    }
  }
  return false;
}

}  // namespace

CountdownSolution solve_countdown(std::span<const int64_t> numbers, int64_t target) {
  assert(!numbers.empty() && numbers.size() <= kMaxNumbers);
  CountdownSearch search(numbers, target);
  search.run();
  CountdownSolution s = search.solution();
  // The expression: replay the steps over the numbers' texts.
  std::vector<std::pair<int64_t, std::string>> table;
  for (int64_t x : numbers) table.emplace_back(x, std::to_string(x));
  auto take = [&](int64_t x) {
    auto it = std::find_if(table.begin(), table.end(), [&](const auto& e) { return e.first == x; });
    assert(it != table.end());
    std::string text = std::move(it->second);
    table.erase(it);
    return text;
  };
  std::string last = std::to_string(s.value);
  for (const IntStep& step : s.steps) {
    const std::string a = take(step.a);
    const std::string b = take(step.b);
    last = "(" + a + step.op + b + ")";
    table.emplace_back(step.result, last);
  }
  if (!s.steps.empty()) last = last.substr(1, last.size() - 2);
  s.expression = last;
  return s;
}

bool countdown_reachable(std::span<const int64_t> numbers, int64_t value) {
  if (numbers.empty() || numbers.size() > kMaxNumbers) return false;
  Values v{};
  std::copy(numbers.begin(), numbers.end(), v.begin());
  std::sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(numbers.size()));
  return reachable(v, static_cast<int>(numbers.size()), value);
}

}  // namespace arena
