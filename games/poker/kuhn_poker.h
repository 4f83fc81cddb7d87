// Kuhn poker: three cards (J, Q, K), two players, one card each, an ante of 1 and one
// betting round in which a single bet of 1 is allowed. The smallest poker with hidden
// cards, used to check imperfect-information search (its equilibrium is known exactly).
#pragma once

#include <array>

#include "games/family.h"
#include "games/game.h"

namespace arena {

class KuhnPoker final : public Game {
 public:
  static constexpr int kCards = 3;
  static constexpr Action kPass = 0;  // check, or fold when facing a bet
  static constexpr Action kBet = 1;   // bet, or call when facing a bet

  using Game::Game;
  int num_players() const override { return 2; }
  int num_distinct_actions() const override { return 2; }
  int max_chance_outcomes() const override { return kCards; }
  // Seat one-hot (2), own card one-hot (3), the betting so far: 3 turns x {pass, bet}.
  std::vector<int> observation_shape() const override { return {11}; }
  double min_utility() const override { return -2; }
  double max_utility() const override { return 2; }
  std::optional<double> utility_sum() const override { return 0.0; }
  int max_game_length() const override { return 2 + 3; }
  std::unique_ptr<State> new_initial_state() const override;
};

class KuhnPokerState final : public State {
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
  std::unique_ptr<State> clone() const override { return std::make_unique<KuhnPokerState>(*this); }
  // The viewer's card (and any shown at a showdown) kept; each unseen card drawn uniformly
  // from the cards not yet accounted for; the betting replayed.
  std::unique_ptr<State> resample_from_infostate(Player viewer, Rng& rng) const override;

  // The card dealt to a seat (0 = J, 1 = Q, 2 = K), or -1 before the deal.
  int card(Player seat) const { return cards_[seat]; }

 protected:
  void do_apply(Action action) override;
  Json do_view(Player viewer) const override;
  Result<Action> do_parse_action(Player player, std::string_view text) const override;

 private:
  std::array<int, 2> committed() const;  // ante plus bets and calls, per seat
  bool facing_bet() const { return !bets_.empty() && bets_.back() == KuhnPoker::kBet; }
  bool showdown() const;  // terminal without a fold
  bool visible(Player owner, Player viewer) const;

  std::array<int, 2> cards_ = {-1, -1};
  int dealt_ = 0;
  std::vector<Action> bets_;  // betting actions in order
};

// The registration of kuhn_poker (its type, factory and example specs).
GameRegistration kuhn_poker_registration();

}  // namespace arena
