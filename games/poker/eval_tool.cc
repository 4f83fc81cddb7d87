// `arena poker eval`. Each hand (a line of standard input, or a --hand) is 5 to 7 distinct
// cards, "As Kd 7h 7c 2s 3d 9h", and prints one line: its category and its rank, higher
// better (1..7,462), "pair 2594". Blank lines are skipped. A bad line prints nothing on
// standard output and "arena poker eval: line N: <why>" on standard error; the other lines
// are still evaluated, and the exit code is then 1. --enumerate N counts every N-card hand
// by category instead, strongest first, then the total.
#include "games/poker/eval_tool.h"

#include <array>
#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <string>

#include "core/args.h"
#include "games/poker/cards.h"
#include "games/poker/hand_eval.h"

namespace arena::poker {
namespace {

// The category and rank of one hand's text, or why it is not a hand.
Result<HandRank> eval_text(const std::string& text) {
  Result<std::vector<Card>> cards = parse_cards(text);
  if (!cards.ok()) return cards.error();
  if (cards->size() < 5 || cards->size() > 7)
    return make_error("parse_error", "a hand is 5 to 7 cards, not " + std::to_string(cards->size()));
  return evaluate_hand(*cards);
}

int enumerate(int cards) {
  const std::vector<uint64_t> by_rank = count_hands_by_rank(cards);
  std::array<uint64_t, kCategories> by_category{};
  uint64_t total = 0;
  for (int r = 1; r <= kHandClasses; ++r) {
    by_category[static_cast<int>(category_of(static_cast<HandRank>(r)))] += by_rank[r];
    total += by_rank[r];
  }
  for (int c = kCategories - 1; c >= 0; --c) {
    const std::string name(category_name(static_cast<Category>(c)));
    std::printf("%-16s %11" PRIu64 "\n", name.c_str(), by_category[c]);
  }
  std::printf("%-16s %11" PRIu64 "\n", "total", total);
  return 0;
}

}  // namespace

int run_eval_tool(const std::vector<std::string>& argv) {
  int cards = 0;
  std::vector<std::string> hands;
  cli::Options options(
      "poker eval",
      "Evaluates poker hands of 5 to 7 cards, one a line of standard input (\"As Kd 7h 7c 2s 3d "
      "9h\"), printing each one's category and rank (1..7462, higher is better, \"pair 2594\"); a "
      "bad line is reported on standard error with its number, the others still printed, and "
      "the exit code is 1.");
  options.texts("hand", &hands, "a hand to evaluate instead of standard input");
  options.integer("enumerate", &cards, "count every hand of this many cards (5, 6 or 7) by category instead",
                  5, 7);
  options.default_text("none: evaluate hands");
  if (std::optional<int> code = options.parse(argv)) return *code;
  if (options.given("enumerate")) {
    if (!hands.empty()) return options.usage_error("--enumerate takes no --hand");
    return enumerate(cards);
  }

  int failures = 0;
  auto one = [&](const std::string& text, const std::string& where) {
    if (text.find_first_not_of(" \t\r,") == std::string::npos) return;
    Result<HandRank> rank = eval_text(text);
    if (!rank.ok()) {
      std::fflush(stdout);
      std::fprintf(stderr, "arena poker eval: %s: %s\n", where.c_str(), rank.error().message.c_str());
      ++failures;
      return;
    }
    const std::string name(category_name(category_of(*rank)));
    std::printf("%s %d\n", name.c_str(), *rank);
  };
  if (!hands.empty()) {
    for (size_t i = 0; i < hands.size(); ++i) one(hands[i], "hand " + std::to_string(i + 1));
  } else {
    std::string line;
    for (int n = 1; std::getline(std::cin, line); ++n) one(line, "line " + std::to_string(n));
  }
  std::fflush(stdout);
  return failures ? 1 : 0;
}

}  // namespace arena::poker
