// A slow, plain poker hand evaluator, the reference the fast one (hand_eval.h) is checked
// and timed against: a five-card hand scored by sorting and counting its ranks, and 6 or 7
// cards by the best of every five-card subset (21 for seven cards). Written apart from
// hand_eval.cc on purpose. Its scores order hands as poker does (higher is better) but are
// not HandRanks: compare orders, or map scores to ranks through the 7,462 classes.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>

#include "games/poker/cards.h"

namespace arena::poker::reference {

// The score of five distinct cards: category (0 high card .. 8 straight flush) * 16^5 plus
// the ranks (2 = 0 .. A = 12) in the order that breaks ties, a hex digit each.
inline uint32_t score_five(const Card* five) {
  std::array<int, 5> ranks;
  bool flush = true;
  for (int i = 0; i < 5; ++i) {
    ranks[i] = five[i].rank();
    flush = flush && five[i].suit() == five[0].suit();
  }
  std::sort(ranks.begin(), ranks.end(), [](int a, int b) { return a > b; });
  bool straight = ranks[0] - ranks[4] == 4 && ranks[0] != ranks[1] && ranks[1] != ranks[2] &&
                  ranks[2] != ranks[3] && ranks[3] != ranks[4];
  if (ranks == std::array<int, 5>{12, 3, 2, 1, 0}) {  // the wheel: the ace plays low
    straight = true;
    ranks = {3, 2, 1, 0, -1};
  }
  // Ranks ordered by how often they occur, then by rank: 7 7 A K 2 for a pair of sevens.
  std::array<int, 14> count{};  // by rank + 1 (the wheel's low ace is -1)
  for (int r : ranks) ++count[r + 1];
  std::stable_sort(ranks.begin(), ranks.end(), [&](int a, int b) { return count[a + 1] > count[b + 1]; });
  const int most = count[ranks[0] + 1];
  const int second = most < 5 ? count[ranks[most] + 1] : 0;
  int category = 0;
  if (straight && flush) {
    category = 8;
  } else if (most == 4) {
    category = 7;
  } else if (most == 3 && second == 2) {
    category = 6;
  } else if (flush) {
    category = 5;
  } else if (straight) {
    category = 4;
  } else if (most == 3) {
    category = 3;
  } else if (most == 2 && second == 2) {
    category = 2;
  } else if (most == 2) {
    category = 1;
  }
  uint32_t score = static_cast<uint32_t>(category);
  for (int r : ranks) score = score * 16 + static_cast<uint32_t>(r + 1);
  return score;
}

// The best score of any five of 5 to 7 cards.
inline uint32_t score_best(std::span<const Card> cards) {
  const int n = static_cast<int>(cards.size());
  uint32_t best = 0;
  std::array<Card, 5> five;
  for (int a = 0; a < n; ++a)
    for (int b = a + 1; b < n; ++b)
      for (int c = b + 1; c < n; ++c)
        for (int d = c + 1; d < n; ++d)
          for (int e = d + 1; e < n; ++e) {
            five = {cards[a], cards[b], cards[c], cards[d], cards[e]};
            best = std::max(best, score_five(five.data()));
          }
  return best;
}

}  // namespace arena::poker::reference
