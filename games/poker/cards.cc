#include "games/poker/cards.h"

#include <cctype>

namespace arena::poker {

std::string Card::to_string() const { return {kRankChars[rank()], kSuitChars[suit()]}; }

Result<Card> Card::parse(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return make_error("parse_error", "bad card \"" + std::string(text) + "\": " + why);
  };
  if (text.size() < 2 || text.size() > 3) return bad("a card is a rank and a suit, e.g. As, Td, 7h");
  std::string_view rank_text = text.substr(0, text.size() - 1);
  int rank = -1;
  if (rank_text == "10") {
    rank = 8;
  } else if (rank_text.size() == 1) {
    const char r = static_cast<char>(std::toupper(static_cast<unsigned char>(rank_text[0])));
    const size_t at = kRankChars.find(r);
    if (at != std::string_view::npos) rank = static_cast<int>(at);
  }
  if (rank < 0) return bad("the rank is one of 2 3 4 5 6 7 8 9 T J Q K A");
  const char s = static_cast<char>(std::tolower(static_cast<unsigned char>(text.back())));
  const size_t suit = kSuitChars.find(s);
  if (suit == std::string_view::npos) return bad("the suit is one of c d h s");
  return Card(rank, static_cast<int>(suit));
}

Result<std::vector<Card>> parse_cards(std::string_view text) {
  std::vector<Card> cards;
  uint64_t seen = 0;
  size_t i = 0;
  auto separator = [](char c) { return c == ' ' || c == '\t' || c == ',' || c == '\r'; };
  while (i < text.size()) {
    while (i < text.size() && separator(text[i])) ++i;
    size_t end = i;
    while (end < text.size() && !separator(text[end])) ++end;
    if (end == i) break;
    Result<Card> card = Card::parse(text.substr(i, end - i));
    if (!card.ok()) return card.error();
    const uint64_t bit = uint64_t{1} << card->index();
    if (seen & bit) return make_error("parse_error", "duplicate card " + card->to_string());
    seen |= bit;
    cards.push_back(*card);
    i = end;
  }
  return cards;
}

std::string cards_to_string(const std::vector<Card>& cards) {
  std::string out;
  for (const Card& c : cards) {
    if (!out.empty()) out += ' ';
    out += c.to_string();
  }
  return out;
}

}  // namespace arena::poker
