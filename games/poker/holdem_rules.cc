#include "games/poker/holdem_rules.h"

#include <algorithm>

#include "games/poker/hand_eval.h"
#include "games/poker/holdem.h"

namespace arena {

int holdem_preflop_tier(int card1, int card2) {
  const poker::Card a(card1), b(card2);
  const int hi = std::max(a.rank(), b.rank()), lo = std::min(a.rank(), b.rank());
  const bool suited = a.suit() == b.suit();
  constexpr int kT = 8, kJ = 9, kQ = 10, kK = 11, kA = 12;
  if (hi == lo) return hi >= kT ? 3 : hi >= 4 ? 2 : 1;                         // TT+, 66+, other pairs
  if (hi == kA && lo >= kQ) return 3;                                          // AK, AQ
  if ((hi == kA && (lo >= kT || suited)) || (hi >= kQ && lo >= kJ)) return 2;  // AT+, Axs, KQ, KJ, QJ
  if (lo >= kT || hi == kA || (suited && hi - lo <= 2 && lo >= 3) || (hi == kK && suited)) return 1;
  return 0;
}

double holdem_equity(const std::array<int, 2>& hole, const std::vector<int>& board, int opponents,
                     int samples, Rng& rng) {
  std::array<bool, 52> used{};
  used[hole[0]] = used[hole[1]] = true;
  for (int c : board) used[c] = true;
  std::vector<int> deck;
  for (int c = 0; c < 52; ++c) {
    if (!used[c]) deck.push_back(c);
  }
  const poker::HandEvaluator& eval = poker::HandEvaluator::instance();
  poker::HandKey board_key;
  for (int c : board) board_key = board_key.add(poker::Card(c));
  const int missing = 5 - static_cast<int>(board.size());
  const int draw = missing + 2 * opponents;
  double won = 0;
  for (int s = 0; s < samples; ++s) {
    for (int i = 0; i < draw; ++i) {  // a partial shuffle: the first `draw` cards are the deal
      const size_t j = i + rng.uniform(deck.size() - i);
      std::swap(deck[i], deck[j]);
    }
    poker::HandKey full = board_key;
    for (int i = 0; i < missing; ++i) full = full.add(poker::Card(deck[i]));
    const poker::HandRank mine = eval.rank(full.add(poker::Card(hole[0])).add(poker::Card(hole[1])));
    int ties = 1;
    bool lost = false;
    for (int o = 0; o < opponents && !lost; ++o) {
      const int at = missing + 2 * o;
      const poker::HandRank theirs =
          eval.rank(full.add(poker::Card(deck[at])).add(poker::Card(deck[at + 1])));
      if (theirs > mine) lost = true;
      if (theirs == mine) ++ties;
    }
    if (!lost) won += 1.0 / ties;
  }
  return samples > 0 ? won / samples : 0.0;
}

Action holdem_rule_action(const State& state, Rng& rng) {
  const auto* s = dynamic_cast<const HoldemState*>(&state);
  if (s == nullptr) return kInvalidAction;
  const Player p = s->current_player();
  if (p < 0) return kInvalidAction;
  const int owe = s->to_call(p);
  const int pot = s->pot();
  const int big_blind = s->config().big_blind;
  auto passive = [&]() { return owe > 0 ? Holdem::kFold : Holdem::kCall; };
  // A raise to the current bet plus `pots` times the pot after calling, at a legal size.
  auto raise = [&](double pots) {
    if (!s->can_raise()) return Holdem::kCall;
    const int to = s->current_bet() + static_cast<int>(pots * (pot + owe));
    return s->raise_action(std::clamp(to, s->min_raise_to(), s->max_raise_to()));
  };
  int opponents = 0;
  for (Player q = 0; q < s->num_seats(); ++q) opponents += q != p && !s->folded(q);
  const double odds = owe > 0 ? static_cast<double>(owe) / (pot + owe) : 0.0;

  if (s->board().empty()) {
    const int tier = holdem_preflop_tier(s->hole(p)[0], s->hole(p)[1]);
    const bool unopened = s->current_bet() <= big_blind;
    if (tier == 3) return unopened || s->current_bet() < 10 * big_blind ? raise(1.0) : Holdem::kCall;
    if (tier == 2) return unopened ? raise(0.75) : Holdem::kCall;
    if (tier == 1) return owe <= 2 * big_blind || odds < 0.2 ? Holdem::kCall : passive();
    return passive();
  }
  const double equity = holdem_equity(s->hole(p), s->board(), std::max(1, opponents), 100, rng);
  if (equity > 0.75) return raise(equity > 0.9 ? 1.0 : 0.6);
  if (equity > 0.55 && owe == 0) return raise(0.5);
  if (equity > odds + 0.05) return Holdem::kCall;
  return passive();
}

}  // namespace arena
