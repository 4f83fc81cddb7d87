// Exact poker hand evaluation: the best five-card poker hand among 5, 6 or 7 cards, as one
// of the 7,462 equivalence classes of five-card hands, by table lookup.
//
// Rank order: HIGHER IS BETTER. A HandRank is 1 (7-5-4-3-2 of mixed suits, the worst high
// card) .. 7,462 (a royal flush); two hands tie exactly when their ranks are equal; 0 is no
// hand (fewer than 5 or more than 7 cards, a duplicate or an invalid card).
//
// How (all tables built once, on first use of HandEvaluator::instance(); no allocation and
// no loop over subsets per evaluation):
//  - Each card adds one 64-bit word to a running key (HandKey): a base-5 digit for its rank
//    (the count of cards of that rank; ranks 2..8 in bits 0..16, 9..A in bits 17..30) and a
//    4-bit counter for its suit (bits 32..47, each started at 3, so that bit 3 of a counter is
//    set exactly when five or more cards share the suit). A second word ORs in the card's bit
//    (suit * 16 + rank), which gives the ranks held in each suit.
//  - A flush (5+ cards of one suit) among at most 7 cards is always the best hand it can be:
//    quads or a full house would need 8 cards. Its rank is a lookup of the suit's 13-bit rank
//    mask in an 8,192-entry table (straight flushes included).
//  - Otherwise the rank depends on the multiset of ranks alone: the two base-5 halves map to
//    a minimal index (high_base[high] + low_index[low], multisets ordered by size) into one
//    table holding the best rank of every multiset of up to 7 ranks.
// Tables: about 490 KB (half of it the 2^17-entry low_index, of which 3,180 entries are used;
// the rank-multiset table has 76,155 entries). Built in 6-15 ms.
//
// Thread-safety: the evaluator is immutable after construction; use it from any thread.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "games/poker/cards.h"

namespace arena::poker {

// 1 .. 7,462, higher is better; 0: not a hand.
using HandRank = uint16_t;
inline constexpr int kHandClasses = 7462;

// The category of a hand, in increasing order of strength.
enum class Category : uint8_t {
  kHighCard,
  kPair,
  kTwoPair,
  kThreeOfAKind,
  kStraight,
  kFlush,
  kFullHouse,
  kFourOfAKind,
  kStraightFlush,
};
inline constexpr int kCategories = 9;

// The lowest rank of each category (the number of classes: 1,277 high card, 2,860 pair,
// 858 two pair, 858 three of a kind, 10 straight, 1,277 flush, 156 full house, 156 four of a
// kind, 10 straight flush).
inline constexpr std::array<HandRank, kCategories> kCategoryFirstRank = {1,    1278, 4138, 4996, 5854,
                                                                         5864, 7141, 7297, 7453};

// The category of a rank 1..7,462 (high card for 0).
constexpr Category category_of(HandRank rank) {
  int c = 0;
  for (int i = 1; i < kCategories; ++i) c += rank >= kCategoryFirstRank[i];
  return static_cast<Category>(c);
}

// "straight flush", "four of a kind", "full house", "flush", "straight", "three of a kind",
// "two pair", "pair", "high card".
std::string_view category_name(Category category);

namespace detail {

inline constexpr int kLowRanks = 7;                    // 2..8: base-5 digits in bits 0..16
inline constexpr int kHighShift = 17;                  // 9..A: base-5 digits in bits 17..30
inline constexpr uint64_t kLowMask = (1u << 17) - 1;   // the low half's field
inline constexpr uint64_t kHighMask = (1u << 14) - 1;  // the high half's field (after the shift)
inline constexpr int kSuitShift = 32;                  // 4-bit suit counters in bits 32..47
inline constexpr uint64_t kSuitBias = uint64_t{0x3333} << kSuitShift;
inline constexpr uint64_t kFlushBits = uint64_t{0x8888} << kSuitShift;
inline constexpr int kFirstFlushBit = kSuitShift + 3;

constexpr uint64_t card_key(int index) {
  const int rank = index / Card::kSuits, suit = index % Card::kSuits;
  uint64_t digit = 1;
  for (int r = 0; r < rank % kLowRanks; ++r) digit *= 5;  // 5^rank, or 5^(rank - 7) above 8
  const uint64_t rank_part = rank < kLowRanks ? digit : digit << kHighShift;
  return rank_part + (uint64_t{1} << (kSuitShift + 4 * suit));
}

inline constexpr std::array<uint64_t, Card::kDeckSize> kCardKey = [] {
  std::array<uint64_t, Card::kDeckSize> keys{};
  for (int i = 0; i < Card::kDeckSize; ++i) keys[i] = card_key(i);
  return keys;
}();

inline constexpr std::array<uint64_t, Card::kDeckSize> kCardBit = [] {
  std::array<uint64_t, Card::kDeckSize> bits{};
  for (int i = 0; i < Card::kDeckSize; ++i)
    bits[i] = uint64_t{1} << (16 * (i % Card::kSuits) + i / Card::kSuits);
  return bits;
}();

}  // namespace detail

// The running key of a set of cards: start empty, add() each card (distinct, at most 7),
// then HandEvaluator::rank(). Cheap to copy, so that an enumeration can keep one per depth.
struct HandKey {
  uint64_t key = detail::kSuitBias;
  uint64_t mask = 0;

  constexpr HandKey add(Card c) const {
    return {key + detail::kCardKey[c.index()], mask | detail::kCardBit[c.index()]};
  }
};

// The tables and the lookups. One instance per process (instance()).
class HandEvaluator {
 public:
  // Built on the first call (6-15 ms), then shared.
  static const HandEvaluator& instance();

  // The rank of the cards added to `hand`: 5 to 7 distinct valid cards (not checked here;
  // fewer than 5 give 0).
  HandRank rank(const HandKey& hand) const {
    const uint64_t flush = hand.key & detail::kFlushBits;
    if (flush) [[unlikely]] {
      const int shift = (std::countr_zero(flush) - detail::kFirstFlushBit) * 4;  // 16 * suit
      return flush_[(hand.mask >> shift) & 0x1FFF];
    }
    return ranks_[high_base_[(hand.key >> detail::kHighShift) & detail::kHighMask] +
                  low_index_[hand.key & detail::kLowMask]];
  }

  // Checked: 0 unless `cards` holds 5 to 7 distinct valid cards.
  HandRank evaluate(std::span<const Card> cards) const {
    if (cards.size() < 5 || cards.size() > 7) return 0;
    HandKey hand;
    for (Card c : cards) {
      if (c.index() >= Card::kDeckSize) return 0;
      hand = hand.add(c);
    }
    if (std::popcount(hand.mask) != static_cast<int>(cards.size())) return 0;
    return rank(hand);
  }

  // The number of entries of the rank-multiset table (for the README and tests).
  size_t multiset_entries() const { return ranks_.size(); }

 private:
  HandEvaluator();

  std::vector<uint16_t> low_index_;  // base-5 key of ranks 2..8 -> index among those multisets
  std::vector<uint32_t> high_base_;  // base-5 key of ranks 9..A -> start of its block in ranks_
  std::vector<HandRank> ranks_;      // best rank of each rank multiset (no flush), 0 below 5 cards
  std::vector<HandRank> flush_;      // 13-bit rank mask of the flush suit -> rank
};

// How many of all the `cards`-card hands (5, 6 or 7; anything else gives all zeros) have
// each rank: element r counts rank r (0..7,462), by enumerating every hand in order.
std::vector<uint64_t> count_hands_by_rank(int cards);

// HandEvaluator::instance().evaluate(cards).
inline HandRank evaluate_hand(std::span<const Card> cards) {
  return HandEvaluator::instance().evaluate(cards);
}

}  // namespace arena::poker
