#include "games/connect_four/connect_four.h"

#include <charconv>

namespace arena {
namespace {

constexpr char kDisc[2] = {'X', 'O'};

}  // namespace

std::unique_ptr<State> ConnectFour::new_initial_state() const {
  return std::make_unique<ConnectFourState>(shared_from_this());
}

Player ConnectFourState::current_player() const {
  if (winner_ >= 0 || moves_ == ConnectFour::kColumns * ConnectFour::kRows) return kTerminalPlayer;
  return moves_ % 2;
}

bool ConnectFourState::is_legal(Action action) const {
  return !is_terminal() && action >= 0 && action < ConnectFour::kColumns && !(filled_ & top_bit(action));
}

std::vector<Action> ConnectFourState::legal_actions(Player player) const {
  std::vector<Action> out;
  if (player != current_player()) return out;
  for (Action c = 0; c < ConnectFour::kColumns; ++c) {
    if (is_legal(c)) out.push_back(c);
  }
  return out;
}

uint64_t ConnectFourState::fours(uint64_t discs) {
  uint64_t cells = 0;
  for (int d : {1, kHeight, kHeight - 1, kHeight + 1}) {  // up, across, the two diagonals
    const uint64_t pairs = discs & (discs >> d);
    const uint64_t starts = pairs & (pairs >> (2 * d));
    cells |= starts | (starts << d) | (starts << (2 * d)) | (starts << (3 * d));
  }
  return cells;
}

void ConnectFourState::do_apply(Action column) {
  const Player seat = moves_ % 2;
  // The lowest empty cell of the column: adding the column's bottom bit to its filled
  // cells carries into the first empty one.
  const uint64_t cell = (filled_ + bottom_bit(column)) & ~filled_;
  discs_[seat] |= cell;
  filled_ |= cell;
  ++moves_;
  last_column_ = column;
  if (const uint64_t four = fours(discs_[seat])) {
    winner_ = seat;
    winning_cells_ = four;
  }
}

std::vector<double> ConnectFourState::returns() const {
  if (winner_ < 0) return {0.0, 0.0};
  return winner_ == 0 ? std::vector<double>{1.0, -1.0} : std::vector<double>{-1.0, 1.0};
}

int ConnectFourState::at(int column, int row) const {
  const uint64_t bit = uint64_t{1} << (column * kHeight + row);
  return discs_[0] & bit ? 0 : discs_[1] & bit ? 1 : -1;
}

void ConnectFourState::observation_tensor(Player player, std::span<float> out) const {
  const int cells = ConnectFour::kRows * ConnectFour::kColumns;
  for (int row = 0; row < ConnectFour::kRows; ++row) {
    for (int column = 0; column < ConnectFour::kColumns; ++column) {
      const int disc = at(column, row);
      // Row 0 of the planes is the top row, as the board is drawn.
      const int i = (ConnectFour::kRows - 1 - row) * ConnectFour::kColumns + column;
      out[i] = disc == player ? 1.0f : 0.0f;
      out[cells + i] = disc == 1 - player ? 1.0f : 0.0f;
      out[2 * cells + i] = disc < 0 ? 1.0f : 0.0f;
    }
  }
}

std::string ConnectFourState::information_key(Player) const {
  std::string key;
  for (const Step& s : history()) key += static_cast<char>('1' + s.action);
  return key;
}

std::string ConnectFourState::action_to_string(Player, Action action) const {
  if (action >= 0 && action < ConnectFour::kColumns) return std::string(1, static_cast<char>('1' + action));
  return "action#" + std::to_string(action);
}

Result<Action> ConnectFourState::do_parse_action(Player, std::string_view text) const {
  int column = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), column);
  if (ec != std::errc() || end != text.data() + text.size() || column < 1 || column > ConnectFour::kColumns) {
    return make_error("parse_error", "'" + std::string(text) + "' is not a column: 1 to 7, left to right");
  }
  return column - 1;
}

Json ConnectFourState::do_view(Player) const {
  Json rows = Json::array();
  Json winning = Json::array();
  for (int row = ConnectFour::kRows - 1; row >= 0; --row) {
    std::string line;
    for (int column = 0; column < ConnectFour::kColumns; ++column) {
      const int disc = at(column, row);
      line += disc < 0 ? '.' : kDisc[disc];
      if (winning_cells_ & (uint64_t{1} << (column * kHeight + row)))
        winning.push_back({column + 1, row + 1});
    }
    rows.push_back(line);
  }
  const Player to_move = current_player();
  return {
      {"columns", ConnectFour::kColumns},
      {"rows", ConnectFour::kRows},
      {"board", rows},
      {"legend", {{"X", "first player"}, {"O", "second player"}, {".", "empty"}}},
      {"to_move", to_move >= 0 ? Json(to_move) : Json(nullptr)},
      {"last_move", last_column_ == kInvalidAction ? Json(nullptr) : Json(action_to_string(0, last_column_))},
      {"winner", winner_ >= 0 ? Json(winner_) : Json(nullptr)},
      {"winning_cells", winning},  // [column, row] from 1, row 1 the bottom
  };
}

std::string ConnectFourState::to_string() const {
  std::string out;
  for (int row = ConnectFour::kRows - 1; row >= 0; --row) {
    for (int column = 0; column < ConnectFour::kColumns; ++column) {
      const int disc = at(column, row);
      out += disc < 0 ? '.' : kDisc[disc];
    }
    out += '\n';
  }
  out += "1234567\n";
  if (winner_ >= 0) return out + kDisc[winner_] + " wins";
  if (is_terminal()) return out + "draw";
  return out + kDisc[current_player()] + " to move";
}

GameRegistration connect_four_registration() {
  GameType type;
  type.name = "connect_four";
  type.description =
      "Connect Four: drop discs into a 7x6 upright board; four in a row across, up or diagonally wins";
  type.perfect_information = true;
  GameFactory create = [type](const GameParams& params) -> Result<std::shared_ptr<const Game>> {
    return std::shared_ptr<const Game>(std::make_shared<ConnectFour>(type, params));
  };
  return {type, create, {"connect_four"}};
}

}  // namespace arena
