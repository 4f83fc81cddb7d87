// Connect Four: a 7-column, 6-row upright board; each move drops a disc into a column and
// it falls to the lowest empty cell; four of one's discs in a row (across, up or
// diagonally) wins, a full board is a draw. Solved: the first player wins with perfect
// play, starting in the centre column, so a learner's strength can be checked against
// exact answers.
//
// Actions are columns 0-6, written "1" to "7" (left to right, as solvers write games:
// "4453" is four moves). The board is two bitboards of 7 columns x 7 bits (the seventh a
// sentinel), the usual layout that makes a four-in-a-row test four shifts and ands.
#pragma once

#include <cstdint>

#include "games/board_symmetry.h"
#include "games/family.h"
#include "games/game.h"

namespace arena {

class ConnectFour final : public Game {
 public:
  static constexpr int kColumns = 7;
  static constexpr int kRows = 6;

  using Game::Game;
  int num_players() const override { return 2; }
  int num_distinct_actions() const override { return kColumns; }
  // From the player's side: its discs, the opponent's discs, empty cells.
  std::vector<int> observation_shape() const override { return {3, kRows, kColumns}; }
  // The mirror image: column c is column 6 - c.
  int num_symmetries() const override { return 2; }
  void symmetric_observation(int k, std::span<const float> observation, std::span<float> out) const override {
    BoardSymmetry{kRows, kColumns}.map_planes(k, observation, out);
  }
  int symmetric_policy_slot(int k, int slot) const override { return k == 1 ? kColumns - 1 - slot : slot; }
  double min_utility() const override { return -1; }
  double max_utility() const override { return 1; }
  std::optional<double> utility_sum() const override { return 0.0; }
  int max_game_length() const override { return kColumns * kRows; }
  std::unique_ptr<State> new_initial_state() const override;
};

class ConnectFourState final : public State {
 public:
  using State::State;

  Player current_player() const override;
  std::vector<Action> legal_actions(Player player) const override;
  bool is_legal(Action action) const override;
  std::vector<double> returns() const override;
  void observation_tensor(Player player, std::span<float> out) const override;
  std::string information_key(Player viewer) const override;
  std::string action_to_string(Player player, Action action) const override;
  // The board, top row first ('X' the first player, 'O' the second), then the result or
  // who is to move.
  std::string to_string() const override;
  std::unique_ptr<State> clone() const override { return std::make_unique<ConnectFourState>(*this); }

  // The disc at (column, row), row 0 the bottom: 0 or 1 for a seat, -1 for empty.
  int at(int column, int row) const;
  // The seat that made four in a row, or -1.
  Player winner() const { return winner_; }

 protected:
  void do_apply(Action action) override;
  Json do_view(Player viewer) const override;
  Result<Action> do_parse_action(Player player, std::string_view text) const override;

 private:
  static constexpr int kHeight = ConnectFour::kRows + 1;  // bits per column, with the sentinel
  static uint64_t bottom_bit(int column) { return uint64_t{1} << (column * kHeight); }
  static uint64_t top_bit(int column) { return uint64_t{1} << (column * kHeight + ConnectFour::kRows - 1); }
  // The cells of four in a row through the last move, or 0.
  static uint64_t fours(uint64_t discs);

  uint64_t discs_[2] = {0, 0};  // each seat's discs
  uint64_t filled_ = 0;         // both seats' discs
  int moves_ = 0;
  Player winner_ = -1;
  uint64_t winning_cells_ = 0;
  Action last_column_ = kInvalidAction;
};

// The registration of connect_four (its type, factory and example specs).
GameRegistration connect_four_registration();

}  // namespace arena
