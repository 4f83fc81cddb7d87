// Texas hold'em for 2 to 6 players, limit or no-limit, one hand per game: blinds, two hole
// cards each, four betting rounds (preflop, flop, turn, river), side pots and a showdown.
// Seats follow the ACPC convention: the button is the last seat; heads-up it posts the
// small blind and acts first preflop, last after; with 3+ players seat 0 posts the small
// blind, seat 1 the big blind and seat 2 acts first preflop. Rules, actions, observation,
// view and export are documented in games/poker/README.md.
#pragma once

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "games/family.h"
#include "games/game.h"

namespace arena {

// The parameters of one hold'em game, checked by the factory.
struct HoldemConfig {
  bool limit = false;
  int players = 2;
  std::vector<int> stacks;  // by seat, chips at the start of the hand
  int small_blind = 50;
  int big_blind = 100;
  // Limit only: the small bet (preflop, flop) and the big bet (turn, river).
  int small_bet = 10;
  int big_bet = 20;
};

class Holdem final : public Game {
 public:
  static constexpr int kMaxPlayers = 6;
  static constexpr int kRounds = 4;
  static constexpr int kMaxBetsPerRound = 4;  // limit: the big blind counts as the first preflop
  static constexpr Action kFold = 0;
  static constexpr Action kCall = 1;  // check, or call (all-in for less where the stack is short)
  // Limit: the one bet/raise id. No-limit: kRaiseBase + X is a bet or raise to X chips, the
  // total the player's bet becomes this round.
  static constexpr Action kRaise = 2;
  static constexpr Action kRaiseBase = 2;
  static constexpr int kObservationSize = 201;

  Holdem(GameType type, GameParams params, HoldemConfig config);
  const HoldemConfig& config() const { return config_; }

  int num_players() const override { return config_.players; }
  int num_distinct_actions() const override;
  // No-limit: seven slots for the network (fold, check/call, min raise, 1/2 pot, pot, 2x
  // pot, all-in; HoldemState::policy_slot). Limit: the three actions.
  int num_policy_slots() const override;
  int max_chance_outcomes() const override { return 52; }
  std::vector<int> observation_shape() const override { return {kObservationSize}; }
  double min_utility() const override;
  double max_utility() const override;
  std::optional<double> utility_sum() const override { return 0.0; }
  int max_game_length() const override;
  std::unique_ptr<State> new_initial_state() const override;
  // What the observation divides chips by: the largest stack, or in limit the most a hand
  // can cost one player (240 at the default sizes).
  double chip_scale() const;

 private:
  HoldemConfig config_;
};

// One betting action as it was taken, with its chips.
struct HoldemAction {
  enum Kind { kFold, kCheck, kCall, kBet, kRaise };
  Player seat = 0;
  int round = 0;
  Kind kind = kCheck;
  int to = 0;          // the seat's bet this round after the action
  int added = 0;       // chips it put in with the action
  int hand_total = 0;  // the seat's chips in the pot after the action (ACPC's r<size>)
  bool all_in = false;
};

// A pot: its chips and the seats that may win it (not folded, in for its whole level).
struct HoldemPot {
  int amount = 0;
  std::vector<Player> eligible;
};

// A pot's result at the end of the hand: who won it and the chips each won.
struct HoldemAward {
  int pot = 0;  // index into pots(): 0 the main pot, then the side pots
  int amount = 0;
  std::vector<std::pair<Player, int>> winners;
};

class HoldemState final : public State {
 public:
  explicit HoldemState(std::shared_ptr<const Game> game);

  Player current_player() const override;
  using State::legal_actions;
  std::vector<Action> legal_actions(Player player) const override;
  bool is_legal(Action action) const override;
  // Fold, check/call, then the abstract sizes (min raise, 1/2 pot, pot, 2x pot, all-in),
  // each at the nearest legal size, without duplicates. Limit: the legal actions.
  std::vector<Action> playout_actions() const override;
  // No-limit: fold and check/call are slots 0 and 1; a raise to X takes the slot of the
  // abstract size nearest X (min raise 2, 1/2 pot 3, pot 4, 2x pot 5, all-in 6; the minimum
  // and the all-in exactly are always theirs, ties to the smaller size). Limit: the action.
  int policy_slot(Action action) const override;
  std::vector<std::pair<Action, double>> chance_outcomes() const override;
  std::vector<double> returns() const override;
  // A forfeit is a fold: the loser loses what it has put in, shared by the others still in.
  std::vector<double> forfeit_returns(Player loser) const override;
  // The hand history as a spectator sees it (hole cards only where shown at a showdown).
  std::optional<ExportText> export_text(const ExportInfo& info) const override;
  void observation_tensor(Player player, std::span<float> out) const override;
  std::string information_key(Player viewer) const override;
  std::string action_to_string(Player player, Action action) const override;
  std::string to_string() const override;
  std::unique_ptr<State> clone() const override { return std::make_unique<HoldemState>(*this); }
  // Cards the viewer has seen (its own, the board, hands shown at a showdown) kept; the
  // others drawn uniformly from the unseen cards, rejected and drawn again (up to 1,000
  // times) where a draw would change what the showdown showed.
  std::unique_ptr<State> resample_from_infostate(Player viewer, Rng& rng) const override;

  // --- Reading the hand (for tests, the rule policy and the exports) ------------------
  const HoldemConfig& config() const { return config_; }
  int num_seats() const { return config_.players; }
  // A seat's hole cards (card indices, -1 where not dealt yet).
  std::array<int, 2> hole(Player seat) const { return hole_[seat]; }
  const std::vector<int>& board() const { return board_; }
  // 0 preflop .. 3 river; 4 once the betting is over.
  int round() const { return round_; }
  int stack(Player seat) const { return stack_[seat]; }      // chips behind
  int bet(Player seat) const { return bet_[seat]; }          // this round
  int committed(Player seat) const { return total_[seat]; }  // this hand
  bool folded(Player seat) const { return folded_[seat]; }
  bool all_in(Player seat) const { return !folded_[seat] && stack_[seat] == 0; }
  int pot() const;
  int current_bet() const { return current_bet_; }
  int to_call(Player seat) const { return std::max(0, std::min(current_bet_ - bet_[seat], stack_[seat])); }
  // Whether the player to move may bet or raise, and to what totals (this round).
  bool can_raise() const;
  int min_raise_to() const;
  int max_raise_to() const;
  // No-limit, where the player to move may raise: the abstract raise totals, in the order of
  // their policy slots 2..6 (min raise, 1/2 pot, pot, 2x pot, all-in), each clamped to the
  // legal range (so some may coincide).
  std::array<int, 5> abstract_raises() const;
  // The action id of a bet or raise to `to` (no-limit), or kRaise (limit).
  Action raise_action(int to) const;
  const std::vector<HoldemAction>& actions() const { return actions_; }
  // Pots by the chips in now: the main pot, then side pots; an uncalled bet is not in any.
  std::vector<HoldemPot> pots() const;
  // At the end: what each pot paid, and whether a seat's hand was shown at the showdown.
  const std::vector<HoldemAward>& awards() const { return awards_; }
  bool shown(Player seat) const { return shown_[seat]; }
  bool showdown() const { return showdown_; }
  // The chips returned to the last bettor that nobody called (0 if none), and to whom.
  int uncalled() const { return uncalled_; }
  Player uncalled_to() const { return uncalled_to_; }
  // Whether `viewer` (a seat or kSpectator) sees `owner`'s hole cards.
  bool visible(Player owner, Player viewer) const;
  // "bet" or "raise": how the bet/raise of the player to move is named.
  const char* raise_word() const { return current_bet_ == 0 ? "bet" : "raise"; }

 protected:
  void do_apply(Action action) override;
  Json do_view(Player viewer) const override;
  Result<Action> do_parse_action(Player player, std::string_view text) const override;

 private:
  bool round_complete() const;
  Player next_to_act(Player after) const;
  void start_round();
  void advance();            // after an action: the next seat, the next round or the end
  void settle();             // the end: uncalled bet, pots, showdown, awards
  int active_count() const;  // not folded
  int cards_to_deal() const;

  HoldemConfig config_;
  std::vector<std::array<int, 2>> hole_;
  int hole_dealt_ = 0;
  std::vector<int> board_;
  int round_ = 0;
  std::vector<int> stack_, bet_, total_;
  std::vector<bool> folded_, acted_, may_raise_, shown_;
  int current_bet_ = 0;
  int last_raise_ = 0;  // the last full bet or raise increment: the minimum raise
  int bets_ = 0;        // bets and raises this round (limit cap), the blind counting preflop
  Player to_act_ = kChancePlayer;
  Player last_aggressor_ = -1;  // the last to bet or raise in the current round
  bool terminal_ = false;
  bool showdown_ = false;
  std::vector<HoldemAction> actions_;
  std::vector<HoldemAward> awards_;
  std::vector<HoldemPot> final_pots_;
  std::vector<int> won_;
  int uncalled_ = 0;
  Player uncalled_to_ = -1;
};

// The ACPC match state (protocol version 2) of `state` for the seat `viewer`:
// "MATCHSTATE:<position>:<hand number>:<betting>:<cards>". Position is the seat (ACPC
// positions: the button is the last). Betting: rounds separated by '/', 'f', 'c', and
// 'r<total chips the seat has in the pot>' in no-limit or 'r' in limit; blinds are not
// written. Cards: each seat's hole cards where the viewer sees them, separated by '|', then
// '/' and each round's board cards. A spectator (kSpectator) gets an empty position and no
// hole cards until they are shown.
std::string acpc_match_state(const HoldemState& state, Player viewer, int hand_number = 0);

// The hand history (format in README.md) with hole cards as `viewer` sees them; export_text
// writes it for a spectator.
std::string holdem_hand_history(const HoldemState& state, const ExportInfo& info, Player viewer);

// The registration of holdem (its type, factory, example specs and showcase).
GameRegistration holdem_registration();

}  // namespace arena
