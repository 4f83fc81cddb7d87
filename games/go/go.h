// Go on a square board of 5x5 to 19x19: area scoring (Tromp-Taylor style: stones plus
// empty regions that reach one colour only, no dead-stone removal) plus komi, suicide
// illegal, positional superko. The game ends after two consecutive passes or at the move
// cap of 2 * size^2 moves (passes included), and is then scored as it stands. There is no
// resign action: the arena handles resignation. Black is seat 0 and moves first, except
// after handicap stones (or a setup that says PL[W]), where White does.
//
// Actions: the intersection at column `col` (0 = A, left) and row `row` (0 = the bottom
// row, GTP row 1) is action row * size + col; pass is size * size. So on 9x9 "A1" is 0,
// "J1" is 8, "A2" is 9, "J9" is 80 and pass is 81. Notation is GTP vertices: columns
// A.. skipping I, rows from 1 at the bottom ("D4", "pass"); parsing ignores case.
//
// Parameters: size (5..19, default 19), komi (default 7.5), handicap (0 or 2..9, default
// 0; stones at GTP fixed_handicap points, as GNU Go places them), and setup (default
// empty): extra stones placed before the first move, written as SGF root properties
// AB[..]AW[..] with SGF points, optionally PL[W] for White to move first. The SGF reader
// uses setup for positions that a handicap cannot express; players never need it.
//
// Observation tensor {13, size, size}; within a plane, cell row * size + col (the action
// id). From the observing seat's side:
//    0: own stones    1: opponent stones    2: empty points
//    3, 4: own / opponent stones one ply ago;  5, 6: two plies ago;  7, 8: three plies
//          ago (all zero before the start)
//    9: ones if the observer is to move     10: ones if the observer is Black
//   11: komi / 15 from the observer's side (+ for White, who receives it; - for Black)
//   12: ones (the board's extent, for stems that pad boards to a common canvas)
#pragma once

#include <array>
#include <string>
#include <vector>

#include "games/board_symmetry.h"
#include "games/family.h"
#include "games/game.h"
#include "games/go/board.h"

namespace arena {

// Stones placed before the first move (handicap and setup), and who moves first.
struct GoSetup {
  std::vector<Action> black;  // action ids
  std::vector<Action> white;
  bool white_first = false;
};

class GoGame final : public Game {
 public:
  static constexpr int kMinSize = 5;
  static constexpr int kMaxSize = go::Board::kMaxSize;
  static constexpr int kHistoryPlies = 3;
  static constexpr int kPlanes = 3 + 2 * kHistoryPlies + 4;

  GoGame(GameType type, GameParams params, GoSetup setup);

  int size() const { return size_; }
  double komi() const { return komi_; }
  int handicap() const { return handicap_; }
  Action pass_action() const { return size_ * size_; }
  const GoSetup& setup() const { return setup_; }
  // The board with the setup stones on it and its superko history started.
  const go::Board& initial_board() const { return initial_board_; }

  int num_players() const override { return 2; }
  int num_distinct_actions() const override { return size_ * size_ + 1; }
  std::vector<int> observation_shape() const override { return {kPlanes, size_, size_}; }
  // The board's rotations and reflections (every plane is board-shaped; a pass stays one).
  int num_symmetries() const override { return 8; }
  void symmetric_observation(int k, std::span<const float> observation, std::span<float> out) const override {
    BoardSymmetry{size_, size_}.map_planes(k, observation, out);
  }
  int symmetric_policy_slot(int k, int slot) const override {
    return slot == pass_action() ? slot : BoardSymmetry{size_, size_}.map_cell(k, slot);
  }
  double min_utility() const override { return -1; }
  double max_utility() const override { return 1; }
  std::optional<double> utility_sum() const override { return 0.0; }
  int max_game_length() const override { return 2 * size_ * size_; }
  std::unique_ptr<State> new_initial_state() const override;

  // Action id <-> board point of this game's board.
  int to_point(Action a) const { return initial_board_.point(a % size_, a / size_); }
  Action to_action(int point) const {
    return initial_board_.row_of(point) * size_ + initial_board_.col_of(point);
  }

 private:
  int size_;
  double komi_;
  int handicap_;
  GoSetup setup_;
  go::Board initial_board_;
};

class GoState final : public State {
 public:
  explicit GoState(std::shared_ptr<const Game> game);

  const GoGame& go_game() const { return static_cast<const GoGame&>(game()); }
  const go::Board& board() const { return board_; }
  go::Color to_play() const { return to_play_; }
  int consecutive_passes() const { return passes_; }
  int moves_played() const { return moves_; }
  Action last_move() const { return last_move_; }

  using State::legal_actions;
  using State::observation_tensor;
  Player current_player() const override;
  std::vector<Action> legal_actions(Player player) const override;
  bool is_legal(Action action) const override;
  // Legal moves that do not fill the mover's own single-point eye (go::Board::is_own_eye);
  // pass only when there is no such move.
  std::vector<Action> playout_actions() const override;
  bool pass_guarded(Action action) const override;
  std::vector<double> returns() const override;
  std::optional<ExportText> export_text(const ExportInfo& info) const override;
  void observation_tensor(Player player, std::span<float> out) const override;
  std::string information_key(Player viewer) const override;
  std::string action_to_string(Player player, Action action) const override;
  std::string to_string() const override;
  std::unique_ptr<State> clone() const override { return std::make_unique<GoState>(*this); }

 protected:
  void do_apply(Action action) override;
  Json do_view(Player viewer) const override;
  Result<Action> do_parse_action(Player player, std::string_view text) const override;

 private:
  using Snapshot = std::array<go::Color, GoGame::kMaxSize * GoGame::kMaxSize>;
  Snapshot snapshot() const;  // colours by action id

  go::Board board_;
  go::Color to_play_ = go::kBlack;
  int passes_ = 0;
  int moves_ = 0;
  Action last_move_ = kInvalidAction;
  std::array<Snapshot, GoGame::kHistoryPlies> previous_{};  // [0] = one ply ago
  int num_previous_ = 0;
};

// GTP vertex of an action on a size x size board: "D4", "pass".
std::string go_vertex(int size, Action action);
// Reads a GTP vertex or "pass" (any case, surrounding blanks ignored); a "parse_error"
// naming the text otherwise.
Result<Action> parse_go_vertex(int size, std::string_view text);
// GTP fixed_handicap points (action ids) for 2..9 stones: "bad_spec" where the board
// does not allow that many (under 7x7: none; 7x7 and even sizes: at most 4).
Result<std::vector<Action>> fixed_handicap_points(int size, int handicap);

// Black's area minus White's area minus komi, of the position as it stands (Tromp-Taylor:
// no dead stones are removed). Positive: Black leads.
double area_score(const GoState& state);
// A score as a result: "B+3.5", "W+0.5", or "0" for exactly 0.
std::string format_score(double score);

// Go's registration: its type and factory (the family adds its showcase and seats).
GameRegistration go_registration();
// A Go game from parameter texts, checked as a spec's would be ({"size", "9"}, ...).
Result<std::shared_ptr<const Game>> make_go_game(
    const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace arena
