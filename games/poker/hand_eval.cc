#include "games/poker/hand_eval.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>

namespace arena::poker {
namespace {

using Counts = std::array<int, Card::kRanks>;  // cards held of each rank

// A number that orders five-card hands as poker does: the category, then the ranks that
// break ties (grouped ranks first, by group size then rank; a straight by its top card, the
// wheel 5-4-3-2-A by its five).
uint32_t score_five(const Counts& counts, bool flush) {
  std::array<std::pair<int, int>, 5> groups{};  // (count, rank), largest first
  int n = 0;
  uint32_t rank_bits = 0;
  for (int r = Card::kRanks - 1; r >= 0; --r) {
    if (counts[r]) groups[n++] = {counts[r], r};
    if (counts[r]) rank_bits |= 1u << r;
  }
  std::stable_sort(groups.begin(), groups.begin() + n,
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  int straight_top = -1;
  if (n == 5) {
    if (groups[0].second - groups[4].second == 4) straight_top = groups[0].second;
    if (rank_bits == 0x100F) straight_top = 3;  // A-2-3-4-5: the five is high
  }
  Category category;
  if (straight_top >= 0) {
    category = flush ? Category::kStraightFlush : Category::kStraight;
  } else if (flush) {
    category = Category::kFlush;
  } else if (groups[0].first == 4) {
    category = Category::kFourOfAKind;
  } else if (groups[0].first == 3) {
    category = groups[1].first == 2 ? Category::kFullHouse : Category::kThreeOfAKind;
  } else if (groups[0].first == 2) {
    category = groups[1].first == 2 ? Category::kTwoPair : Category::kPair;
  } else {
    category = Category::kHighCard;
  }
  uint32_t score = static_cast<uint32_t>(category) << 20;
  if (straight_top >= 0) return score | static_cast<uint32_t>(straight_top) << 16;
  for (int i = 0; i < 5; ++i) score |= static_cast<uint32_t>(i < n ? groups[i].second : 0) << (16 - 4 * i);
  return score;
}

// Every count vector over `ranks` ranks with counts <= 4 and a total <= 7, with its base-5
// key and total.
struct Multiset {
  Counts counts{};
  uint32_t key = 0;
  int total = 0;
};

std::vector<Multiset> multisets(int first_rank, int ranks) {
  std::vector<Multiset> out;
  Multiset m;
  std::function<void(int, uint32_t)> walk = [&](int i, uint32_t digit) {
    if (i == ranks) {
      out.push_back(m);
      return;
    }
    for (int c = 0; c <= 4 && m.total + c <= 7; ++c) {
      m.counts[first_rank + i] = c;
      m.key += c * digit;
      m.total += c;
      walk(i + 1, digit * 5);
      m.key -= c * digit;
      m.total -= c;
    }
    m.counts[first_rank + i] = 0;
  };
  walk(0, 1);
  std::stable_sort(out.begin(), out.end(),
                   [](const Multiset& a, const Multiset& b) { return a.total < b.total; });
  return out;
}

// Every hand of `Left` more cards above `from`, added to `hand`, counted by rank.
template <int Left>
void count_from(const HandEvaluator& ev, HandKey hand, int from, uint64_t* counts) {
  if constexpr (Left == 1) {
    for (int c = from; c < Card::kDeckSize; ++c) ++counts[ev.rank(hand.add(Card(c)))];
  } else {
    for (int c = from; c <= Card::kDeckSize - Left; ++c)
      count_from<Left - 1>(ev, hand.add(Card(c)), c + 1, counts);
  }
}

[[noreturn]] void table_bug(const char* what) {
  std::fprintf(stderr, "poker hand evaluator: %s\n", what);
  std::abort();
}

}  // namespace

std::string_view category_name(Category category) {
  switch (category) {
    case Category::kHighCard:
      return "high card";
    case Category::kPair:
      return "pair";
    case Category::kTwoPair:
      return "two pair";
    case Category::kThreeOfAKind:
      return "three of a kind";
    case Category::kStraight:
      return "straight";
    case Category::kFlush:
      return "flush";
    case Category::kFullHouse:
      return "full house";
    case Category::kFourOfAKind:
      return "four of a kind";
    case Category::kStraightFlush:
      return "straight flush";
  }
  return "?";
}

std::vector<uint64_t> count_hands_by_rank(int cards) {
  std::vector<uint64_t> counts(kHandClasses + 1, 0);
  const HandEvaluator& ev = HandEvaluator::instance();
  if (cards == 5) count_from<5>(ev, HandKey(), 0, counts.data());
  if (cards == 6) count_from<6>(ev, HandKey(), 0, counts.data());
  if (cards == 7) count_from<7>(ev, HandKey(), 0, counts.data());
  return counts;
}

const HandEvaluator& HandEvaluator::instance() {
  static const HandEvaluator evaluator;
  return evaluator;
}

HandEvaluator::HandEvaluator() {
  using detail::kLowRanks;
  const std::vector<Multiset> lows = multisets(0, kLowRanks);
  const std::vector<Multiset> highs = multisets(kLowRanks, Card::kRanks - kLowRanks);

  // Minimal index of a rank multiset: high_base[high half] + low_index[low half], the low
  // halves ordered by size, so that the lows that fit beside a high half form a prefix.
  low_index_.assign(size_t{1} << 17, 0);
  std::array<uint32_t, 8> lows_up_to{};  // lows with total <= t
  for (size_t i = 0; i < lows.size(); ++i) {
    low_index_[lows[i].key] = static_cast<uint16_t>(i);
    for (int t = lows[i].total; t <= 7; ++t) ++lows_up_to[t];
  }
  high_base_.assign(size_t{1} << 14, 0);
  uint32_t size = 0;
  for (const Multiset& h : highs) {
    high_base_[h.key] = size;
    size += lows_up_to[7 - h.total];
  }
  ranks_.assign(size, 0);

  // The 7,462 classes: every five-card rank multiset without a flush and every set of five
  // distinct ranks as a flush, ordered by score_five.
  std::vector<uint32_t> scores;
  // The lows of exactly `total` cards: lows[first_low(total)] .. lows[lows_up_to[total] - 1].
  auto first_low = [&](int total) { return total > 0 ? lows_up_to[total - 1] : 0u; };
  for (const Multiset& h : highs) {
    if (h.total > 5) continue;
    for (uint32_t i = first_low(5 - h.total); i < lows_up_to[5 - h.total]; ++i) {
      const Multiset& l = lows[i];
      Counts c{};
      for (int r = 0; r < Card::kRanks; ++r) c[r] = h.counts[r] + l.counts[r];
      scores.push_back(score_five(c, false));
      if (std::count(c.begin(), c.end(), 1) == 5) scores.push_back(score_five(c, true));
    }
  }
  std::sort(scores.begin(), scores.end());
  scores.erase(std::unique(scores.begin(), scores.end()), scores.end());
  if (scores.size() != kHandClasses) table_bug("the five-card classes are not 7,462");
  auto class_of = [&](uint32_t score) {
    return static_cast<HandRank>(std::lower_bound(scores.begin(), scores.end(), score) - scores.begin() + 1);
  };
  auto index_of = [&](const Counts& c) {
    uint32_t low = 0, high = 0, digit = 1;
    for (int r = 0; r < kLowRanks; ++r, digit *= 5) low += c[r] * digit;
    digit = 1;
    for (int r = kLowRanks; r < Card::kRanks; ++r, digit *= 5) high += c[r] * digit;
    return high_base_[high] + low_index_[low];
  };

  // Five ranks: their class; six or seven: the best after dropping any one card.
  for (int total = 5; total <= 7; ++total) {
    for (const Multiset& h : highs) {
      if (h.total > total) continue;
      for (uint32_t i = first_low(total - h.total); i < lows_up_to[total - h.total]; ++i) {
        const Multiset& l = lows[i];
        Counts c{};
        for (int r = 0; r < Card::kRanks; ++r) c[r] = h.counts[r] + l.counts[r];
        HandRank best = 0;
        if (total == 5) {
          best = class_of(score_five(c, false));
        } else {
          for (int r = 0; r < Card::kRanks; ++r) {
            if (!c[r]) continue;
            --c[r];
            best = std::max(best, ranks_[index_of(c)]);
            ++c[r];
          }
        }
        ranks_[high_base_[h.key] + low_index_[l.key]] = best;
      }
    }
  }

  // Flushes: the rank mask of the suit; more than five cards: the best five of them.
  flush_.assign(size_t{1} << 13, 0);
  for (uint32_t mask = 0; mask < flush_.size(); ++mask) {
    const int n = std::popcount(mask);
    if (n < 5) continue;
    if (n == 5) {
      Counts c{};
      for (int r = 0; r < Card::kRanks; ++r) c[r] = (mask >> r) & 1;
      flush_[mask] = class_of(score_five(c, true));
      continue;
    }
    for (uint32_t rest = mask; rest; rest &= rest - 1)
      flush_[mask] = std::max(flush_[mask], flush_[mask & ~(rest & -rest)]);
  }
}

}  // namespace arena::poker
