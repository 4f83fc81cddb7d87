// Leduc hold'em: six cards (two suits of J, Q, K), two players, one private card each and
// one public card, antes of 1, two betting rounds with raises of 2 (round 1) and 4
// (round 2), at most two raises a round. The standard benchmark between Kuhn poker and
// real hold'em (Southey et al. 2005; OpenSpiel's leduc_poker): small enough to solve exactly.
#pragma once

#include <array>
#include <vector>

#include "games/family.h"
#include "games/game.h"

namespace arena {

class LeducPoker final : public Game {
 public:
  static constexpr int kCards = 6;  // card id = rank * 2 + suit; rank 0 = J, 1 = Q, 2 = K
  static constexpr int kMaxRaises = 2;
  static constexpr int kMaxActionsPerRound = 4;  // check, bet, raise, call
  static constexpr Action kFold = 0;
  static constexpr Action kCall = 1;   // check, or call when facing a bet
  static constexpr Action kRaise = 2;  // bet, or raise when facing a bet
  // Chips a raise adds in each round.
  static constexpr std::array<int, 2> kRaiseSize = {2, 4};

  using Game::Game;
  int num_players() const override { return 2; }
  int num_distinct_actions() const override { return 3; }
  int max_chance_outcomes() const override { return kCards; }
  // Seat one-hot (2), private card (6), public card (6), then per round 4 action slots of
  // {fold, call, raise} one-hot (2 x 4 x 3).
  std::vector<int> observation_shape() const override { return {2 + 6 + 6 + 2 * kMaxActionsPerRound * 3}; }
  // The most a hand can cost: the ante, two raises of 2 and two of 4.
  double min_utility() const override { return -13; }
  double max_utility() const override { return 13; }
  std::optional<double> utility_sum() const override { return 0.0; }
  int max_game_length() const override { return 3 + 2 * kMaxActionsPerRound; }
  std::unique_ptr<State> new_initial_state() const override;
};

class LeducPokerState final : public State {
 public:
  using State::State;

  Player current_player() const override;
  std::vector<Action> legal_actions(Player player) const override;
  std::vector<std::pair<Action, double>> chance_outcomes() const override;
  std::vector<double> returns() const override;
  // A forfeit is a fold: the loser loses what it has put in.
  std::vector<double> forfeit_returns(Player loser) const override;
  // A hand history in the usual poker-site style, every card shown.
  std::optional<ExportText> export_text(const ExportInfo& info) const override;
  void observation_tensor(Player player, std::span<float> out) const override;
  std::string information_key(Player viewer) const override;
  std::string action_to_string(Player player, Action action) const override;
  std::string to_string() const override;
  std::unique_ptr<State> clone() const override { return std::make_unique<LeducPokerState>(*this); }
  // The cards the viewer has seen (its own, the public card, both at a showdown) kept; each
  // unseen card drawn uniformly from the cards not yet accounted for; the betting replayed.
  // Not the Bayesian posterior: the opponent's betting does not weigh the draw.
  std::unique_ptr<State> resample_from_infostate(Player viewer, Rng& rng) const override;

  // A seat's private card, or -1 before the deal; the public card, or -1 before it is dealt.
  int card(Player seat) const { return cards_[seat]; }
  int public_card() const { return public_; }

 protected:
  void do_apply(Action action) override;
  Json do_view(Player viewer) const override;
  Result<Action> do_parse_action(Player player, std::string_view text) const override;

 private:
  int round() const { return public_ >= 0 ? 1 : 0; }
  bool round_over(int r) const;  // check-check, or a bet or raise called
  int raises(int r) const;
  // Whether the player to act has less in the pot than the other (a bet to call or fold to).
  bool facing_bet() const;
  bool showdown() const;  // terminal without a fold
  bool visible(Player owner, Player viewer) const;

  std::array<int, 2> cards_ = {-1, -1};
  int public_ = -1;
  std::array<int, 2> committed_ = {1, 1};  // ante plus bets and calls, per seat
  Player folded_ = -1;
  std::array<std::vector<Action>, 2> bets_;  // betting actions of each round, in order
};

// The registration of leduc_poker (its type, factory and example specs).
GameRegistration leduc_poker_registration();

}  // namespace arena
