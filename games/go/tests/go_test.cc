// Go rules: captures, suicide, ko and superko, handicap placement, area scoring, notation
// and the playout policy.
#include "games/go/go.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/rng.h"
#include "games/registry.h"

namespace arena {
namespace {

// A position from a diagram (rows from the top; 'X' black, 'O' white, '.' empty), made
// through the game's `setup` parameter, with Black (or White) to move.
std::unique_ptr<GoState> position(const std::vector<std::string>& rows, double komi = 0,
                                  bool white_first = false) {
  const int size = static_cast<int>(rows.size());
  std::string black, white;
  for (int r = 0; r < size; ++r) {
    for (int c = 0; c < size; ++c) {
      const std::string point = {static_cast<char>('a' + c), static_cast<char>('a' + r)};
      if (rows[r][c] == 'X') black += "[" + point + "]";
      if (rows[r][c] == 'O') white += "[" + point + "]";
    }
  }
  std::string setup = (black.empty() ? "" : "AB" + black) + (white.empty() ? "" : "AW" + white);
  if (white_first) setup += "PL[W]";
  const std::string spec = "go(size=" + std::to_string(size) + ",komi=" + format_param(ParamValue(komi)) +
                           ",setup=" + format_param(ParamValue(setup)) + ")";
  auto game = make_game(spec);
  EXPECT_TRUE(game.ok()) << spec << ": " << (game.ok() ? "" : game.error().message);
  std::unique_ptr<State> s = (*game)->new_initial_state();
  return std::unique_ptr<GoState>(static_cast<GoState*>(s.release()));
}

std::unique_ptr<GoState> new_game(const std::string& spec) {
  auto game = make_game(spec);
  EXPECT_TRUE(game.ok()) << spec << ": " << (game.ok() ? "" : game.error().message);
  std::unique_ptr<State> s = (*game)->new_initial_state();
  return std::unique_ptr<GoState>(static_cast<GoState*>(s.release()));
}

Status play(State& s, const std::string& vertex) {
  Result<Action> a = s.parse_action(s.current_player(), vertex);
  if (!a.ok()) return a.error();
  return s.apply(*a);
}

void play_all(State& s, const std::vector<std::string>& moves) {
  for (const std::string& m : moves) {
    Status st = play(s, m);
    ASSERT_TRUE(st.ok()) << m << ": " << st.error().message;
  }
}

go::Color at(const GoState& s, const std::string& vertex) {
  const Action a = *parse_go_vertex(s.go_game().size(), vertex);
  return s.board().at(s.go_game().to_point(a));
}

TEST(Go, SingleStoneCapture) {
  auto s = position({".....", ".....", ".XOX.", "..X..", "....."});
  // White C3 has one liberty left, C4.
  play_all(*s, {"C4"});
  EXPECT_EQ(at(*s, "C3"), go::kEmpty);
  EXPECT_EQ(s->board().captures(go::kBlack), 1);
  EXPECT_EQ(s->board().captures(go::kWhite), 0);
}

TEST(Go, MultiStoneCapture) {
  auto s = position({".....", ".XO..", ".XOX.", "..X..", "....."});
  // White C4-C3 has one liberty left, C5; black takes both stones.
  play_all(*s, {"D4"});
  EXPECT_EQ(at(*s, "C4"), go::kWhite);
  play_all(*s, {"E2", "C5"});
  EXPECT_EQ(at(*s, "C4"), go::kEmpty);
  EXPECT_EQ(at(*s, "C3"), go::kEmpty);
  EXPECT_EQ(s->board().captures(go::kBlack), 2);
  EXPECT_EQ(s->board().liberties(s->go_game().to_point(*parse_go_vertex(5, "B4"))), 6);
}

TEST(Go, SuicideIsRefusedAndChangesNothing) {
  auto s = position({".....", ".....", ".....", "O....", ".O..."});
  const std::string before = s->serialize() + s->to_string();
  Status st = play(*s, "A1");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "illegal_action");
  EXPECT_EQ(s->serialize() + s->to_string(), before);
  EXPECT_EQ(s->board().check(s->go_game().to_point(0), go::kBlack), go::Illegal::kSuicide);
  // A multi-stone suicide: filling the last liberty of one's own group.
  auto u = position({".XO..", "XO...", "O....", ".....", "....."});
  EXPECT_FALSE(play(*u, "A5").ok()) << "A5 would leave black A5-B5-A4 without liberties";
  // Not suicide when it captures.
  auto v = position({".OX..", "OX...", "X....", ".....", "....."});
  EXPECT_TRUE(play(*v, "A5").ok());
  EXPECT_EQ(v->board().captures(go::kBlack), 2);
}

// The ko shape used below, at (col, row) offset (dc, dr), in state "a": a white stone at
// B2 in atari that Black takes at C2.
//   row 3: . X O .
//   row 2: X O . O
//   row 1: . X O .
void add_ko(std::vector<std::string>& rows, int dc, int dr, bool white_in_atari) {
  const int n = static_cast<int>(rows.size());
  auto put = [&](int col, int row, char c) { rows[n - 1 - (row + dr)][col + dc] = c; };
  put(1, 2, 'X'), put(2, 2, 'O');
  put(0, 1, 'X'), put(3, 1, 'O');
  put(1, 0, 'X'), put(2, 0, 'O');
  if (white_in_atari) {
    put(1, 1, 'O');
  } else {
    put(2, 1, 'X');
  }
}

TEST(Go, SimpleKoRetakeIsRefused) {
  std::vector<std::string> rows(7, std::string(7, '.'));
  add_ko(rows, 0, 0, true);
  auto s = position(rows);
  play_all(*s, {"C2"});  // black takes the ko
  EXPECT_EQ(at(*s, "B2"), go::kEmpty);
  EXPECT_EQ(s->view(kSpectator)["state"]["ko"], "B2");
  Status st = play(*s, "B2");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "illegal_action");
  EXPECT_EQ(s->board().check(s->go_game().to_point(*parse_go_vertex(7, "B2")), go::kWhite),
            go::Illegal::kSuperko);
  // After a move elsewhere by each side, White may retake.
  play_all(*s, {"G7", "G1", "B2"});
  EXPECT_EQ(at(*s, "C2"), go::kEmpty);
  EXPECT_EQ(at(*s, "B2"), go::kWhite);
}

TEST(Go, TripleKoCycleIsRefusedBySuperko) {
  // Three kos: K1 (A1-D3) and K2 (F1-J3) with a white stone in atari, K3 (A5-D7) with a
  // black one. Six ko captures, none an immediate retake, would return to the start.
  std::vector<std::string> rows(9, std::string(9, '.'));
  add_ko(rows, 0, 0, true);
  add_ko(rows, 5, 0, true);
  add_ko(rows, 0, 4, false);
  auto s = position(rows);
  const uint64_t start = s->board().hash();
  play_all(*s, {"C2", "B6", "H2", "B2", "C6"});
  const Action g2 = *parse_go_vertex(9, "G2");
  EXPECT_EQ(s->board().ko_point(), s->go_game().to_point(*parse_go_vertex(9, "B6")));
  EXPECT_FALSE(s->is_legal(g2)) << "W G2 would recreate the start position";
  EXPECT_EQ(s->board().check(s->go_game().to_point(g2), go::kWhite), go::Illegal::kSuperko);
  EXPECT_FALSE(s->apply(g2).ok());
  const std::vector<Action> legal = s->legal_actions();
  EXPECT_FALSE(std::binary_search(legal.begin(), legal.end(), g2));
  EXPECT_NE(s->board().hash(), start);
  const Json superko = s->view(kSpectator)["state"]["superko_forbidden"];
  EXPECT_NE(std::find(superko.begin(), superko.end(), Json("G2")), superko.end()) << superko.dump();
}

TEST(Go, SekiIsScoredByArea) {
  // Black has the eye A5, White the eye D5; C3 is their shared liberty and neither can
  // fill it. Area scoring: C3 touches both colours and counts for nobody.
  auto s = position({".XO.O", "XXOOO", "XX.XX", "XXXXX", "XXXXX"});
  // Filling the shared liberty is legal but self-atari; the other side then captures.
  EXPECT_TRUE(s->is_legal(*parse_go_vertex(5, "C3")));
  play_all(*s, {"pass", "pass"});
  ASSERT_TRUE(s->is_terminal());
  int black = 0, white = 0;
  s->board().area(black, white);
  EXPECT_EQ(black, 18);  // 17 stones + A5
  EXPECT_EQ(white, 6);   // 5 stones + D5
  EXPECT_DOUBLE_EQ(area_score(*s), 12.0);
  EXPECT_EQ(format_score(area_score(*s)), "B+12");
  EXPECT_EQ(s->returns(), (std::vector<double>{1.0, -1.0}));
}

TEST(Go, ScoringFixtures) {
  // Empty board: no territory; komi decides.
  auto empty = new_game("go(size=9)");
  play_all(*empty, {"pass", "pass"});
  ASSERT_TRUE(empty->is_terminal());
  EXPECT_DOUBLE_EQ(area_score(*empty), -7.5);
  EXPECT_EQ(format_score(area_score(*empty)), "W+7.5");
  EXPECT_EQ(empty->returns(), (std::vector<double>{-1.0, 1.0}));
  EXPECT_EQ(empty->view(kSpectator)["state"]["result"], "W+7.5");

  // Two walls: black 5 stones + column A, white 5 stones + column E; column C is neutral.
  const std::vector<std::string> walls = {".X.O.", ".X.O.", ".X.O.", ".X.O.", ".X.O."};
  auto even = position(walls, 0);
  play_all(*even, {"pass", "pass"});
  EXPECT_DOUBLE_EQ(area_score(*even), 0.0);
  EXPECT_EQ(format_score(area_score(*even)), "0");
  EXPECT_EQ(even->returns(), (std::vector<double>{0.0, 0.0}));
  auto half = position(walls, 0.5);
  play_all(*half, {"pass", "pass"});
  EXPECT_EQ(format_score(area_score(*half)), "W+0.5");
  EXPECT_EQ(half->returns(), (std::vector<double>{-1.0, 1.0}));

  // Black wall on column C with a white stone inside black's side: the region A-B then
  // touches both colours; D-E is black's.
  auto mixed = position({"..X..", "..X..", "O.X..", "..X..", "..X.."}, 2.5);
  int black = 0, white = 0;
  mixed->board().area(black, white);
  EXPECT_EQ(black, 5 + 10);
  EXPECT_EQ(white, 1);
  EXPECT_DOUBLE_EQ(area_score(*mixed), 15 - 1 - 2.5);
  EXPECT_EQ(format_score(area_score(*mixed)), "B+11.5");

  EXPECT_EQ(format_score(3.5), "B+3.5");
  EXPECT_EQ(format_score(-0.5), "W+0.5");
  EXPECT_EQ(format_score(0.0), "0");
}

TEST(Go, GameEndsAtTheMoveCap) {
  auto s = new_game("go(size=5,komi=0.5)");
  Rng rng(3);
  while (!s->is_terminal()) {
    // Alternate a random legal move and a pass so that two passes never follow each other.
    const std::vector<Action> legal = s->legal_actions();
    Action a = legal[rng.uniform(legal.size())];
    if (s->last_move() == s->go_game().pass_action() && a == s->go_game().pass_action()) a = legal.front();
    ASSERT_TRUE(s->apply(a).ok());
  }
  EXPECT_LE(s->ply(), 50);
  if (s->consecutive_passes() < 2) {
    EXPECT_EQ(s->ply(), 50);
  }
}

TEST(Go, HandicapStonesAreGtpFixedPoints) {
  // As GNU Go 3.8 answers fixed_handicap.
  const std::map<std::pair<int, int>, std::string> expected = {
      {{9, 2}, "C3 G7"},
      {{9, 3}, "C3 C7 G7"},
      {{9, 4}, "C3 C7 G3 G7"},
      {{9, 5}, "C3 C7 E5 G3 G7"},
      {{9, 6}, "C3 C5 C7 G3 G5 G7"},
      {{9, 7}, "C3 C5 C7 E5 G3 G5 G7"},
      {{9, 8}, "C3 C5 C7 E3 E7 G3 G5 G7"},
      {{9, 9}, "C3 C5 C7 E3 E5 E7 G3 G5 G7"},
      {{13, 2}, "D4 K10"},
      {{13, 3}, "D10 D4 K10"},
      {{13, 4}, "D10 D4 K10 K4"},
      {{13, 5}, "D10 D4 G7 K10 K4"},
      {{13, 6}, "D10 D4 D7 K10 K4 K7"},
      {{13, 7}, "D10 D4 D7 G7 K10 K4 K7"},
      {{13, 8}, "D10 D4 D7 G10 G4 K10 K4 K7"},
      {{13, 9}, "D10 D4 D7 G10 G4 G7 K10 K4 K7"},
      {{19, 2}, "D4 Q16"},
      {{19, 3}, "D16 D4 Q16"},
      {{19, 4}, "D16 D4 Q16 Q4"},
      {{19, 5}, "D16 D4 K10 Q16 Q4"},
      {{19, 6}, "D10 D16 D4 Q10 Q16 Q4"},
      {{19, 7}, "D10 D16 D4 K10 Q10 Q16 Q4"},
      {{19, 8}, "D10 D16 D4 K16 K4 Q10 Q16 Q4"},
      {{19, 9}, "D10 D16 D4 K10 K16 K4 Q10 Q16 Q4"},
  };
  for (const auto& [key, stones] : expected) {
    const auto [size, handicap] = key;
    auto s = new_game("go(size=" + std::to_string(size) + ",handicap=" + std::to_string(handicap) + ")");
    std::vector<std::string> found;
    for (Action a = 0; a < size * size; ++a) {
      const go::Color c = s->board().at(s->go_game().to_point(a));
      EXPECT_NE(c, go::kWhite);
      if (c == go::kBlack) found.push_back(go_vertex(size, a));
    }
    std::sort(found.begin(), found.end());
    std::string text;
    for (const std::string& v : found) text += (text.empty() ? "" : " ") + v;
    EXPECT_EQ(text, stones) << size << "x" << size << " handicap " << handicap;
    EXPECT_EQ(s->current_player(), 1) << "White moves first after handicap";
  }
  EXPECT_EQ(new_game("go(size=9)")->current_player(), 0);
}

TEST(Go, BadSpecsAreRefused) {
  // The limit and the value given, not a clamped one.
  auto twelve = make_game("go(size=9,handicap=12)");
  ASSERT_FALSE(twelve.ok());
  EXPECT_NE(twelve.error().message.find("handicap must be 0 or 2..9, got 12"), std::string::npos)
      << twelve.error().message;
  auto one = make_game("go(handicap=1)");
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error().code, "bad_spec");
  EXPECT_NE(one.error().message.find("handicap 1 is not a valid handicap"), std::string::npos)
      << one.error().message;
  for (const char* spec : {"go(size=4)", "go(size=20)", "go(handicap=10)", "go(handicap=-1)",
                           "go(size=8,handicap=5)", "go(size=7,handicap=5)", "go(size=6,handicap=2)",
                           "go(size=5,setup=AB[zz])", "go(size=5,setup=AB[aa]AW[ab][ba])",
                           "go(size=5,setup=XX[aa])", "go(size=9,handicap=2,setup=AB[cg])"}) {
    auto g = make_game(spec);
    EXPECT_FALSE(g.ok()) << spec;
    if (!g.ok()) {
      EXPECT_EQ(g.error().code, "bad_spec") << spec;
    }
  }
  EXPECT_EQ((*make_game("go(size=9,komi=7.5,handicap=0)"))->spec(), "go(size=9)");
}

TEST(Go, NotationRoundTripsAndRejectsOtherText) {
  for (int size : {5, 9, 13, 19}) {
    auto s = new_game("go(size=" + std::to_string(size) + ")");
    for (Action a = 0; a <= size * size; ++a) {
      const std::string text = s->action_to_string(0, a);
      Result<Action> back = s->parse_action(0, text);
      ASSERT_TRUE(back.ok()) << text;
      EXPECT_EQ(*back, a) << text;
    }
  }
  auto s = new_game("go(size=9)");
  EXPECT_EQ(*s->parse_action(0, "A1"), 0);
  EXPECT_EQ(*s->parse_action(0, "J1"), 8);
  EXPECT_EQ(*s->parse_action(0, "a2"), 9);
  EXPECT_EQ(*s->parse_action(0, "j9"), 80);
  EXPECT_EQ(*s->parse_action(0, "PASS"), 81);
  EXPECT_EQ(*s->parse_action(0, " d4 "), 3 * 9 + 3);
  EXPECT_EQ(s->action_to_string(0, 81), "pass");
  EXPECT_EQ(s->action_to_string(0, 3 * 9 + 3), "D4");
  EXPECT_EQ(new_game("go")->action_to_string(0, 360), "T19");
  for (const char* bad : {"I5", "K1", "A10", "A0", "A01", "Z9", "", "D", "4D", "pas", "D4x", "passs"}) {
    Result<Action> a = s->parse_action(0, bad);
    EXPECT_FALSE(a.ok()) << bad;
    if (!a.ok()) {
      EXPECT_EQ(a.error().code, "parse_error");
      EXPECT_NE(a.error().message.find("'" + std::string(bad) + "'"), std::string::npos) << a.error().message;
    }
  }
}

TEST(Go, ObservationPlanesFollowTheDocumentedLayout) {
  auto s = new_game("go(size=5,komi=0.5)");
  play_all(*s, {"C3", "D4"});
  const std::vector<float> obs = s->observation_tensor(0);  // Black, to move
  const int cells = 25;
  ASSERT_EQ(obs.size(), static_cast<size_t>(GoGame::kPlanes * cells));
  const int c3 = *parse_go_vertex(5, "C3"), d4 = *parse_go_vertex(5, "D4");
  EXPECT_EQ(obs[0 * cells + c3], 1.0f);
  EXPECT_EQ(obs[1 * cells + d4], 1.0f);
  EXPECT_EQ(obs[2 * cells + c3], 0.0f);
  EXPECT_EQ(obs[3 * cells + c3], 1.0f);  // one ply ago: C3 only
  EXPECT_EQ(obs[4 * cells + d4], 0.0f);
  EXPECT_EQ(obs[5 * cells + c3], 0.0f);  // two plies ago: empty
  EXPECT_EQ(obs[9 * cells], 1.0f);
  EXPECT_EQ(obs[10 * cells], 1.0f);
  EXPECT_FLOAT_EQ(obs[11 * cells], -0.5f / 15);
  EXPECT_EQ(obs[12 * cells + 24], 1.0f);
  const std::vector<float> white = s->observation_tensor(1);
  EXPECT_EQ(white[0 * cells + d4], 1.0f);
  EXPECT_EQ(white[9 * cells], 0.0f);
  EXPECT_FLOAT_EQ(white[11 * cells], 0.5f / 15);
}

TEST(Go, PlayoutPolicyNeverFillsOwnEyesAndPassesOnlyWhenNothingElse) {
  // Black's only empty points are its own eyes: the playout passes.
  auto s = position({"X.XXX", "XXXXX", "XX.XX", "XXXXX", "XXXX."});
  EXPECT_EQ(s->playout_actions(), std::vector<Action>{25});
  EXPECT_EQ(s->legal_actions().size(), 4u) << "filling an eye is legal, just not a playout move";
  // A false eye (two opponent diagonals) may be filled; a real one may not.
  auto t = position({".X...", "X.X..", "OXO..", "O....", "....."});
  const std::vector<Action> playout = t->playout_actions();
  const Action a5 = *parse_go_vertex(5, "A5"), b4 = *parse_go_vertex(5, "B4");
  EXPECT_FALSE(std::count(playout.begin(), playout.end(), a5)) << "A5 is black's eye in the corner";
  EXPECT_TRUE(std::count(playout.begin(), playout.end(), b4)) << "B4 is a false eye (two white diagonals)";
  EXPECT_FALSE(std::count(playout.begin(), playout.end(), 25)) << "no pass while moves remain";

  // Playouts through the board: every move is legal, never an own eye, and a pass comes
  // only when no such move exists.
  for (const char* spec : {"go(size=9)", "go(size=13,handicap=4)"}) {
    auto game = make_game(spec);
    const auto& g = static_cast<const GoGame&>(**game);
    Rng rng(11);
    for (int i = 0; i < 20; ++i) {
      go::Board board = g.initial_board();
      go::Color c = g.setup().white_first ? go::kWhite : go::kBlack;
      int passes = 0, moves = 0;
      while (passes < 2 && moves < g.max_game_length()) {
        go::Board before = board;
        const int p = board.random_playout_move(c, rng);
        if (p == go::Board::kPass) {
          for (int row = 0; row < g.size(); ++row) {
            for (int col = 0; col < g.size(); ++col) {
              const int q = before.point(col, row);
              ASSERT_FALSE(before.is_legal(q, c) && !before.is_own_eye(q, c)) << "passed with a move left";
            }
          }
          ++passes;
        } else {
          ASSERT_TRUE(before.is_legal(p, c));
          ASSERT_FALSE(before.is_own_eye(p, c));
          board.play(p, c);
          passes = 0;
        }
        c = go::opponent(c);
        ++moves;
      }
      EXPECT_EQ(passes, 2) << "random playouts with the eye rule end by passing";
    }
  }
}

TEST(Go, ViewHasTheBoardForABrowser) {
  auto s = new_game("go(size=5,komi=0.5)");
  play_all(*s, {"C3"});
  const Json v = s->view(kSpectator)["state"];
  EXPECT_EQ(v["size"], 5);
  EXPECT_EQ(v["komi"], 0.5);
  EXPECT_EQ(v["board"][2], "..X..");
  EXPECT_EQ(v["to_move"], "white");
  EXPECT_EQ(v["last_move"], "C3");
  EXPECT_EQ(v["captures"]["black"], 0);
  EXPECT_EQ(v["columns"], "ABCDE");
  EXPECT_EQ(s->information_key(0), s->serialize());
}

}  // namespace
}  // namespace arena
