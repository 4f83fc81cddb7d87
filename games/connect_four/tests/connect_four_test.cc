// Connect Four: gravity, the four directions of a win, draws, notation, the observation,
// node counts from the start, and the bitboard against a plain scan of the board.
#include "games/connect_four/connect_four.h"

#include <gtest/gtest.h>

#include "core/rng.h"
#include "games/registry.h"

namespace arena {
namespace {

std::unique_ptr<State> start() {
  Result<std::shared_ptr<const Game>> game = make_game("connect_four");
  EXPECT_TRUE(game.ok());
  return (*game)->new_initial_state();
}

const ConnectFourState& c4(const State& s) { return static_cast<const ConnectFourState&>(s); }

// Plays columns written as solvers write them ("4453"); fails the test on a refused move.
std::unique_ptr<State> play(const std::string& moves) {
  std::unique_ptr<State> s = start();
  for (char m : moves) {
    Result<Action> a = s->parse_action(s->current_player(), std::string(1, m));
    EXPECT_TRUE(a.ok()) << moves;
    Status status = s->apply(*a);
    EXPECT_TRUE(status.ok()) << moves << ": " << (status.ok() ? "" : status.error().message);
  }
  return s;
}

// Who has four in a row, by scanning every cell in every direction (the oracle).
Player scan_winner(const ConnectFourState& s) {
  for (int c = 0; c < ConnectFour::kColumns; ++c) {
    for (int r = 0; r < ConnectFour::kRows; ++r) {
      const int disc = s.at(c, r);
      if (disc < 0) continue;
      for (auto [dc, dr] : {std::pair{1, 0}, {0, 1}, {1, 1}, {1, -1}}) {
        int k = 1;
        while (k < 4 && c + k * dc < ConnectFour::kColumns && r + k * dr >= 0 &&
               r + k * dr < ConnectFour::kRows && s.at(c + k * dc, r + k * dr) == disc) {
          ++k;
        }
        if (k == 4) return disc;
      }
    }
  }
  return -1;
}

TEST(ConnectFour, DiscsFallToTheLowestEmptyCell) {
  std::unique_ptr<State> s = play("443");
  EXPECT_EQ(c4(*s).at(3, 0), 0);
  EXPECT_EQ(c4(*s).at(3, 1), 1);
  EXPECT_EQ(c4(*s).at(2, 0), 0);
  EXPECT_EQ(c4(*s).at(2, 1), -1);
  EXPECT_EQ(s->current_player(), 1);
}

TEST(ConnectFour, AFullColumnIsIllegal) {
  std::unique_ptr<State> s = play("444444");
  EXPECT_FALSE(s->is_legal(3));
  EXPECT_EQ(s->legal_actions(), (std::vector<Action>{0, 1, 2, 4, 5, 6}));
  Status status = s->apply(3);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "illegal_action");
  EXPECT_EQ(s->ply(), 6);
}

TEST(ConnectFour, FourInEachDirectionWins) {
  struct Case {
    const char* moves;
    Player winner;
  };
  for (const Case& c : {Case{"1122334", 0},      // across, the first player
                        Case{"1212121", 0},      // up
                        Case{"12234334474", 0},  // diagonal, rising to the right
                        Case{"76654554414", 0},  // diagonal, rising to the left
                        Case{"71122334", 1}}) {  // across, the second player
    std::unique_ptr<State> s = play(c.moves);
    EXPECT_TRUE(s->is_terminal()) << c.moves;
    EXPECT_EQ(c4(*s).winner(), c.winner) << c.moves;
    EXPECT_EQ(s->returns()[c.winner], 1.0) << c.moves;
    EXPECT_EQ(s->returns()[1 - c.winner], -1.0) << c.moves;
    EXPECT_EQ(s->view(kSpectator)["state"]["winning_cells"].size(), 4u) << c.moves;
  }
}

TEST(ConnectFour, ThreeAndAColumnBreakDoNotWin) {
  // The first player's top three of column 1 and the bottom of column 2 are neighbours in
  // the bitboard's bit order (but for the sentinel bit), not on the board.
  std::unique_ptr<State> s = play("211117171");
  ASSERT_EQ(c4(*s).at(0, 5), 0);
  ASSERT_EQ(c4(*s).at(1, 0), 0);
  EXPECT_FALSE(s->is_terminal());
  EXPECT_EQ(scan_winner(c4(*s)), -1);
}

TEST(ConnectFour, AFullBoardWithoutFourIsADraw) {
  // A full game without four in a row (found by random play, checked by the plain scan).
  const std::string moves = "442761225377252342545563474175371666631311";
  ASSERT_EQ(moves.size(), 42u);
  std::unique_ptr<State> s = play(moves);
  EXPECT_TRUE(s->is_terminal());
  EXPECT_EQ(c4(*s).winner(), -1);
  EXPECT_EQ(scan_winner(c4(*s)), -1);
  EXPECT_EQ(s->returns(), (std::vector<double>{0.0, 0.0}));
}

TEST(ConnectFour, NotationIsColumnsOneToSeven) {
  std::unique_ptr<State> s = start();
  EXPECT_EQ(s->action_to_string(0, 0), "1");
  EXPECT_EQ(s->action_to_string(0, 6), "7");
  EXPECT_EQ(*s->parse_action(0, "4"), 3);
  for (const char* bad : {"0", "8", "d", "", "4 ", "-1"}) {
    Result<Action> a = s->parse_action(0, bad);
    ASSERT_FALSE(a.ok()) << bad;
    EXPECT_EQ(a.error().code, "parse_error");
  }
}

TEST(ConnectFour, ObservationIsFromThePlayersSide) {
  std::unique_ptr<State> s = play("4");
  const int cells = ConnectFour::kRows * ConnectFour::kColumns;
  const int bottom_centre = (ConnectFour::kRows - 1) * ConnectFour::kColumns + 3;
  std::vector<float> first = s->observation_tensor(0);
  std::vector<float> second = s->observation_tensor(1);
  ASSERT_EQ(first.size(), static_cast<size_t>(3 * cells));
  EXPECT_EQ(first[bottom_centre], 1.0f);           // its own disc
  EXPECT_EQ(second[cells + bottom_centre], 1.0f);  // the opponent's disc
  EXPECT_EQ(second[2 * cells + bottom_centre], 0.0f);
  EXPECT_EQ(second[2 * cells + bottom_centre - ConnectFour::kColumns], 1.0f);  // empty above it
}

// Every line of play to `depth` plies that has not ended before (games that end stop).
int64_t count_lines(State& s, int depth) {
  if (depth == 0) return 1;
  if (s.is_terminal()) return 0;
  int64_t n = 0;
  for (Action a : s.legal_actions()) {
    std::unique_ptr<State> next = s.clone();
    EXPECT_TRUE(next->apply(a).ok());
    n += count_lines(*next, depth - 1);
  }
  return n;
}

TEST(ConnectFour, LinesOfPlayFromTheStart) {
  // 7^n until a column can overflow; at 7 plies the 7 games in one column are not legal.
  std::unique_ptr<State> s = start();
  const std::vector<int64_t> expected = {1, 7, 49, 343, 2401, 16807, 117649, 823536};
  for (int depth = 0; depth < static_cast<int>(expected.size()); ++depth) {
    EXPECT_EQ(count_lines(*s, depth), expected[depth]) << depth;
  }
}

TEST(ConnectFour, BitboardAgreesWithAPlainScan) {
  Rng rng(2026);
  int wins = 0, draws = 0;
  for (int game = 0; game < 2000; ++game) {
    std::unique_ptr<State> s = start();
    while (!s->is_terminal()) {
      EXPECT_EQ(scan_winner(c4(*s)), -1);
      const std::vector<Action> legal = s->legal_actions();
      ASSERT_TRUE(s->apply(legal[rng.uniform(legal.size())]).ok());
    }
    const Player winner = c4(*s).winner();
    EXPECT_EQ(scan_winner(c4(*s)), winner) << s->to_string();
    winner >= 0 ? ++wins : ++draws;
  }
  EXPECT_GT(wins, 1900);  // random games nearly always end in a four
}

}  // namespace
}  // namespace arena
