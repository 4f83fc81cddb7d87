// The hand evaluator (hand_eval.h) and cards (cards.h): every five-card hand by category and
// class, every seven-card hand by category, random 6- and 7-card hands against the best
// five-card subset and against the plain reference evaluator (bench/reference_eval.h), known
// orderings, card parsing, and `arena poker eval` through the `arena` binary.
#include "games/poker/hand_eval.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "games/poker/bench/reference_eval.h"
#include "games/poker/cards.h"
#include "tests/cli/run_arena.h"

namespace arena::poker {
namespace {

// The exhaustive checks are the suite HandEvalExhaustive: scripts/test runs them in the
// normal build only (0.4 s there), not again under the sanitizers (about 20 s there).

using testing::lines;
using testing::Output;

std::vector<Card> hand(const std::string& text) {
  Result<std::vector<Card>> cards = parse_cards(text);
  EXPECT_TRUE(cards.ok()) << text << ": " << cards.error().message;
  return cards.ok() ? *cards : std::vector<Card>{};
}

HandRank rank_of(const std::string& text) { return evaluate_hand(hand(text)); }

// Hands of each category, strongest first (the order the tool prints).
std::array<uint64_t, kCategories> by_category(const std::vector<uint64_t>& by_rank) {
  std::array<uint64_t, kCategories> counts{};
  for (int r = 1; r <= kHandClasses; ++r)
    counts[static_cast<int>(category_of(static_cast<HandRank>(r)))] += by_rank[r];
  std::reverse(counts.begin(), counts.end());
  return counts;
}

// The reference evaluator's score of each class 1..7,462, found from every five-card hand;
// element 0 unused.
const std::vector<uint32_t>& reference_score_of_rank() {
  static const std::vector<uint32_t> scores = [] {
    std::vector<uint32_t> out(kHandClasses + 1, 0);
    std::array<Card, 5> five;
    for (int a = 0; a < 52; ++a)
      for (int b = a + 1; b < 52; ++b)
        for (int c = b + 1; c < 52; ++c)
          for (int d = c + 1; d < 52; ++d)
            for (int e = d + 1; e < 52; ++e) {
              five = {Card(a), Card(b), Card(c), Card(d), Card(e)};
              const HandRank r = evaluate_hand(five);
              const uint32_t score = reference::score_five(five.data());
              if (out[r] == 0) out[r] = score;
              EXPECT_EQ(out[r], score) << "two hands of rank " << r << " differ for the reference";
            }
    return out;
  }();
  return scores;
}

TEST(HandEval, EveryFiveCardHandByCategoryIn7462Classes) {
  const std::vector<uint64_t> by_rank = count_hands_by_rank(5);
  const std::array<uint64_t, kCategories> expected = {40,    624,    3744,    5108,   10200,
                                                      54912, 123552, 1098240, 1302540};
  EXPECT_EQ(by_category(by_rank), expected);
  EXPECT_EQ(by_rank[0], 0u);
  EXPECT_EQ(std::count_if(by_rank.begin() + 1, by_rank.end(), [](uint64_t n) { return n > 0; }),
            kHandClasses);
}

TEST(HandEvalExhaustive, FiveCardRanksOrderHandsAsTheReferenceDoes) {
  // Each class holds hands the reference scores alike, and the classes' scores increase
  // strictly with the rank: the same order, the same ties.
  const std::vector<uint32_t>& scores = reference_score_of_rank();
  for (int r = 1; r <= kHandClasses; ++r) {
    ASSERT_NE(scores[r], 0u) << r;
    if (r > 1) {
      ASSERT_LT(scores[r - 1], scores[r]) << r;
    }
  }
}

TEST(HandEvalExhaustive, EverySevenCardHandByCategory) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<uint64_t> by_rank = count_hands_by_rank(7);
  const std::array<uint64_t, kCategories> expected = {41584,   224848,   3473184,  4047644, 6180020,
                                                      6461620, 31433400, 58627800, 23294460};
  EXPECT_EQ(by_category(by_rank), expected);
  EXPECT_EQ(by_rank[0], 0u);
  std::printf("133,784,560 seven-card hands in %.2f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

TEST(HandEval, EverySixCardHandOnce) {
  const std::vector<uint64_t> by_rank = count_hands_by_rank(6);
  uint64_t total = 0;
  for (uint64_t n : by_rank) total += n;
  EXPECT_EQ(total, 20358520u);
  EXPECT_EQ(by_rank[0], 0u);
  const std::array<uint64_t, kCategories> expected = {1844,   14664,   165984,  205792, 361620,
                                                      732160, 2532816, 9730740, 6612900};
  EXPECT_EQ(by_category(by_rank), expected);
}

TEST(HandEvalExhaustive, SixAndSevenCardsAreTheBestFiveOfThem) {
  const std::vector<uint32_t>& scores = reference_score_of_rank();
  std::mt19937_64 rng(17);
  std::array<Card, 52> deck = full_deck();
  for (int trial = 0; trial < 100000; ++trial) {
    // A partial shuffle: the first n cards are a uniform random hand.
    const int n = trial % 2 ? 7 : 6;
    for (int i = 0; i < n; ++i) std::swap(deck[i], deck[i + rng() % (52 - i)]);
    const std::span<const Card> cards(deck.data(), n);
    const HandRank fast = evaluate_hand(cards);
    HandRank best = 0;
    std::array<Card, 5> five;
    for (unsigned subset = 0; subset < (1u << n); ++subset) {
      if (std::popcount(subset) != 5) continue;
      int k = 0;
      for (int i = 0; i < n; ++i)
        if (subset >> i & 1) five[k++] = cards[i];
      best = std::max(best, evaluate_hand(five));
    }
    ASSERT_EQ(fast, best) << cards_to_string({cards.begin(), cards.end()});
    ASSERT_EQ(scores[fast], reference::score_best(cards)) << cards_to_string({cards.begin(), cards.end()});
  }
}

TEST(HandEval, KnownOrderings) {
  EXPECT_EQ(rank_of("7c 5d 4h 3s 2c"), 1);
  EXPECT_EQ(rank_of("As Ks Qs Js Ts"), kHandClasses);
  EXPECT_EQ(rank_of("As Ks Qs Js Ts 2d 3c"), kHandClasses);
  // The wheel is the lowest straight (and straight flush); the ace-high straight the highest.
  EXPECT_EQ(rank_of("5c 4d 3h 2s Ac"), kCategoryFirstRank[4]);
  EXPECT_LT(rank_of("5c 4d 3h 2s Ac"), rank_of("6c 5d 4h 3s 2c"));
  EXPECT_EQ(rank_of("Ac Kd Qh Js Tc"), kCategoryFirstRank[5] - 1);
  EXPECT_EQ(rank_of("5h 4h 3h 2h Ah"), kCategoryFirstRank[8]);
  EXPECT_LT(rank_of("5h 4h 3h 2h Ah"), rank_of("6h 5h 4h 3h 2h"));
  // A-2-3-4 with K and Q is no straight: ace high.
  EXPECT_EQ(category_of(rank_of("Ac 2d 3h 4s Kc")), Category::kHighCard);
  EXPECT_EQ(category_of(rank_of("Qc Kd Ah 2s 3c")), Category::kHighCard);  // no wrap-around
  // Kickers.
  EXPECT_GT(rank_of("As Ad Kc 7h 2s"), rank_of("Ac Ah Qc Jh Ts"));
  EXPECT_GT(rank_of("As Ad Kc 7h 3s"), rank_of("Ac Ah Kd 7c 2s"));
  EXPECT_EQ(rank_of("As Ad Kc 7h 3s"), rank_of("Ac Ah Kd 7c 3d"));
  EXPECT_GT(rank_of("Ks Kd 5c 5h 3s"), rank_of("Kc Kh 5d 5s 2c"));
  EXPECT_GT(rank_of("Ks Kd 6c 6h 2s"), rank_of("Kc Kh 5d 5s Ac"));
  EXPECT_GT(rank_of("3s 3d 3c 2h 2s"), rank_of("2c 2h 2d Ac As"));
  EXPECT_GT(rank_of("Ah Jh 9h 5h 3h"), rank_of("Ac Jc 9c 5c 2c"));
  EXPECT_GT(rank_of("2c 2d 2h 2s 4c"), rank_of("2c 2d 2h 2s 3c"));
  // Seven cards: the board plays (a tie), the best five only count.
  EXPECT_EQ(rank_of("As Ks Qd Jc 9h 2c 3d"), rank_of("As Ks Qd Jc 9h 4c 5d"));
  EXPECT_GT(rank_of("7s 7d 7c 2h 2s 3c 3d"), rank_of("7s 7d 7c 2h 2s 4c 5d") - 1);
  EXPECT_EQ(rank_of("7s 7d 7c 2h 2s 3c 3d"), rank_of("7s 7d 7c 3h 3s 9c Td"));
  EXPECT_EQ(category_of(rank_of("8h 9h Th Jh Qh Kh Ah")), Category::kStraightFlush);
  EXPECT_EQ(rank_of("8h 9h Th Jh Qh Kh Ah"), kHandClasses);
  // Category boundaries and names.
  for (int c = 0; c < kCategories; ++c)
    EXPECT_EQ(category_of(kCategoryFirstRank[c]), static_cast<Category>(c)) << c;
  EXPECT_EQ(category_name(Category::kStraightFlush), "straight flush");
  EXPECT_EQ(category_name(Category::kFourOfAKind), "four of a kind");
  EXPECT_EQ(category_name(Category::kHighCard), "high card");
  EXPECT_EQ(category_name(Category::kTwoPair), "two pair");
}

TEST(HandEval, OnlyFiveToSevenDistinctCardsAreAHand) {
  EXPECT_EQ(evaluate_hand(hand("As Ks Qs Js")), 0);
  EXPECT_EQ(evaluate_hand(hand("As Ks Qs Js Ts 9s 8s 7s")), 0);
  const std::vector<Card> repeated = {Card(0), Card(0), Card(4), Card(8), Card(12)};
  EXPECT_EQ(evaluate_hand(repeated), 0);
  const std::vector<Card> invalid = {Card(0), Card(4), Card(8), Card(12), Card(60)};
  EXPECT_EQ(evaluate_hand(invalid), 0);
}

TEST(Cards, ParseAndFormat) {
  const std::array<Card, 52> deck = full_deck();
  for (int i = 0; i < 52; ++i) {
    EXPECT_EQ(deck[i].index(), i);
    Result<Card> back = Card::parse(deck[i].to_string());
    ASSERT_TRUE(back.ok()) << deck[i].to_string();
    EXPECT_EQ(*back, deck[i]);
  }
  EXPECT_EQ(Card::parse("As")->to_string(), "As");
  EXPECT_EQ(Card::parse("As")->rank(), 12);
  EXPECT_EQ(Card::parse("As")->suit(), 3);
  EXPECT_EQ(Card::parse("2c")->index(), 0);
  EXPECT_EQ(Card::parse("Td")->to_string(), "Td");
  EXPECT_EQ(*Card::parse("10d"), *Card::parse("Td"));
  EXPECT_EQ(*Card::parse("tD"), *Card::parse("Td"));
  EXPECT_EQ(Card::parse("7h")->to_string(), "7h");
  EXPECT_EQ(cards_to_string(hand("As, kd  7H")), "As Kd 7h");
}

TEST(Cards, ParseErrors) {
  for (const char* bad : {"", "A", "Ax", "1s", "11s", "Asd", "Zs", "s", "AA"}) {
    Result<Card> card = Card::parse(bad);
    ASSERT_FALSE(card.ok()) << bad;
    EXPECT_EQ(card.error().code, "parse_error");
    EXPECT_NE(card.error().message.find("bad card"), std::string::npos) << card.error().message;
  }
  EXPECT_NE(Card::parse("Ax").error().message.find("suit"), std::string::npos);
  EXPECT_NE(Card::parse("Zs").error().message.find("rank"), std::string::npos);
  Result<std::vector<Card>> twice = parse_cards("As Kd As");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message, "duplicate card As");
  EXPECT_FALSE(parse_cards("As Kd Xx").ok());
  EXPECT_TRUE(parse_cards("")->empty());
}

Output eval(const std::string& input, const std::string& args = "") {
  return testing::run_command("printf '" + input + "' | " + ARENA_BINARY + " poker eval " + args);
}

TEST(PokerCli, EvalPrintsCategoryAndRankPerLine) {
  Output r = eval("As Kd 7h 7c 2s 3d 9h\\nAs Ks Qs Js Ts\\n\\n5c 4d 3h 2s Ac 9d\\n");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"pair " + std::to_string(rank_of("As Kd 7h 7c 2s 3d 9h")),
                                                    "straight flush 7462", "straight 5854"}));
  r = testing::run_arena("poker eval --hand '7c 5d 4h 3s 2c' --hand '2c 2d 2h 2s 3c'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"high card 1", "four of a kind 7297"}));
}

TEST(PokerCli, EvalReportsABadLineAndGoesOn) {
  Output r = eval(
      "As Kd 7h 7c 2s\\nAs Kd 7h\\nAs Kd Xh 7c 2s\\nAs Ad Ks Kd Qc Qd Jh Th\\nAs As Kd Qc Jh\\n2c 3c 4c 5c "
      "6c\\n");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const std::vector<std::string> out = lines(r.out);
  EXPECT_NE(r.out.find("arena poker eval: line 2: a hand is 5 to 7 cards, not 3"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("arena poker eval: line 3: bad card \"Xh\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("arena poker eval: line 4: a hand is 5 to 7 cards, not 8"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("arena poker eval: line 5: duplicate card As"), std::string::npos) << r.out;
  EXPECT_EQ(out.front(), "pair " + std::to_string(rank_of("As Kd 7h 7c 2s")));
  EXPECT_EQ(out.back(), "straight flush 7454");
  EXPECT_EQ(out.size(), 6u) << r.out;
}

TEST(PokerCli, EnumerateCountsEveryHandByCategory) {
  Output r = testing::run_arena("poker eval --enumerate 5");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::vector<std::string> out = lines(r.out);
  ASSERT_EQ(out.size(), 10u) << r.out;
  EXPECT_EQ(out[0], "straight flush            40");
  EXPECT_EQ(out[7], "pair                 1098240");
  EXPECT_EQ(out[8], "high card            1302540");
  EXPECT_EQ(out[9], "total                2598960");
  EXPECT_EQ(testing::run_arena("poker eval --enumerate 4").exit_code, 2);
  EXPECT_EQ(testing::run_arena("poker eval --enumerate 5 --hand 'As Ks Qs Js Ts'").exit_code, 2);
}

}  // namespace
}  // namespace arena::poker
