// Playing cards of a standard 52-card deck, as poker hand evaluation uses them: a card is
// its index 0..51 (rank * 4 + suit), written as a rank and a suit letter, "As", "Td", "7h".
// Ranks: 2 3 4 5 6 7 8 9 T J Q K A (0 = deuce .. 12 = ace); suits: c d h s (0..3).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace arena::poker {

// One card; a plain value. Valid cards have index() < 52 (the default card is the deuce of
// clubs).
class Card {
 public:
  static constexpr int kRanks = 13;
  static constexpr int kSuits = 4;
  static constexpr int kDeckSize = kRanks * kSuits;

  constexpr Card() = default;
  constexpr explicit Card(int index) : index_(static_cast<uint8_t>(index)) {}
  constexpr Card(int rank, int suit) : index_(static_cast<uint8_t>(rank * kSuits + suit)) {}

  constexpr int index() const { return index_; }
  constexpr int rank() const { return index_ / kSuits; }  // 0 = deuce .. 12 = ace
  constexpr int suit() const { return index_ % kSuits; }  // 0 = clubs, 1 diamonds, 2 hearts, 3 spades
  constexpr bool operator==(const Card&) const = default;
  constexpr auto operator<=>(const Card&) const = default;

  // "As", "Td", "7h".
  std::string to_string() const;
  // A rank ("A", "a", "T", "t" or "10", "2".."9", "J", "Q", "K", any case) then a suit
  // ("c", "d", "h", "s", any case): "As", "10h", "qD". Anything else is a parse_error.
  static Result<Card> parse(std::string_view text);

 private:
  uint8_t index_ = 0;
};

// The rank and suit characters ("23456789TJQKA", "cdhs").
inline constexpr std::string_view kRankChars = "23456789TJQKA";
inline constexpr std::string_view kSuitChars = "cdhs";

// The 52 cards in index order (2c 2d 2h 2s 3c ... As).
constexpr std::array<Card, Card::kDeckSize> full_deck() {
  std::array<Card, Card::kDeckSize> deck{};
  for (int i = 0; i < Card::kDeckSize; ++i) deck[i] = Card(i);
  return deck;
}

// Cards separated by spaces (or commas), "As Kd 7h": each parsed, duplicates refused (a
// parse_error naming the card). Any number of cards; callers check the count they need.
Result<std::vector<Card>> parse_cards(std::string_view text);

// "As Kd 7h".
std::string cards_to_string(const std::vector<Card>& cards);

}  // namespace arena::poker
