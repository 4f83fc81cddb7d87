// Go SGF: export, the reader (main line, setup, handicap), round trips of seeded random
// games, and errors that say where.
#include "games/go/sgf.h"

#include <gtest/gtest.h>

#include "core/rng.h"
#include "games/registry.h"

namespace arena {
namespace {

std::unique_ptr<GoState> new_game(const std::string& spec) {
  auto game = make_game(spec);
  EXPECT_TRUE(game.ok()) << spec;
  std::unique_ptr<State> s = (*game)->new_initial_state();
  return std::unique_ptr<GoState>(static_cast<GoState*>(s.release()));
}

ExportInfo info_for(const State& s, const std::string& termination = "normal") {
  ExportInfo info;
  info.players = {"alice", "bob]"};
  info.date = "2026-11-26";
  info.site = "Arena";
  info.round = "42";
  info.termination = termination;
  info.returns = s.is_terminal() ? s.returns() : std::vector<double>{0.0, 0.0};
  return info;
}

// A seeded game played with the playout policy, stopped after `max_plies` (or at its end).
std::unique_ptr<GoState> random_game(const std::string& spec, uint64_t seed, int max_plies = 1 << 30) {
  auto s = new_game(spec);
  Rng rng(seed);
  while (!s->is_terminal() && s->ply() < max_plies) {
    const std::vector<Action> actions = s->playout_actions();
    EXPECT_TRUE(s->apply(actions[rng.uniform(actions.size())]).ok());
  }
  return s;
}

TEST(GoSgf, ExportHasTheHeaderMovesAndResult) {
  auto s = new_game("go(size=9)");
  for (const char* m : {"E5", "pass", "C3", "pass", "pass"})
    ASSERT_TRUE(s->apply(*s->parse_action(0, m)).ok());
  ASSERT_TRUE(s->is_terminal());
  std::optional<ExportText> text = s->export_text(info_for(*s));
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->format, "sgf");
  EXPECT_EQ(text->content_type, "application/x-go-sgf");
  const std::string& sgf = text->text;
  for (const char* part : {"(;GM[1]FF[4]", "SZ[9]", "KM[7.5]", "RU[", "PB[alice]", "PW[bob\\]]",
                           "DT[2026-11-26]", ";B[ee];W[];B[cg];W[];B[])"}) {
    EXPECT_NE(sgf.find(part), std::string::npos) << part << " in " << sgf;
  }
  // Black has E5 and C3 and, alone on the board, all 81 points: 81 - 7.5.
  EXPECT_NE(sgf.find("RE[B+73.5]"), std::string::npos) << sgf;
  EXPECT_EQ(sgf.find("HA["), std::string::npos);
}

TEST(GoSgf, ResultTextFollowsTheTermination) {
  auto s = new_game("go(size=9,handicap=2)");
  ASSERT_TRUE(s->apply(*s->parse_action(1, "E5")).ok());
  auto result = [&](const std::string& termination, std::vector<double> returns) {
    ExportInfo info = info_for(*s, termination);
    info.returns = std::move(returns);
    const std::string sgf = s->export_text(info)->text;
    const size_t at = sgf.find("RE[");
    return sgf.substr(at + 3, sgf.find(']', at) - at - 3);
  };
  EXPECT_EQ(result("resign", {-1, 1}), "W+R");
  EXPECT_EQ(result("resign", {1, -1}), "B+R");
  EXPECT_EQ(result("flag", {-1, 1}), "W+T");
  EXPECT_EQ(result("abandoned", {1, -1}), "B+F");
  EXPECT_EQ(result("normal", {0, 0}), "Void");
  EXPECT_EQ(result("draw", {0, 0}), "0");
  const std::string sgf = s->export_text(info_for(*s))->text;
  EXPECT_NE(sgf.find("HA[2]"), std::string::npos);
  EXPECT_NE(sgf.find("AB[cg][gc]"), std::string::npos) << sgf;
  EXPECT_NE(sgf.find(";W[ee]"), std::string::npos);
}

TEST(GoSgf, RandomGamesRoundTrip) {
  int games = 0;
  for (const char* spec :
       {"go(size=9)", "go(size=5,komi=0.5)", "go(size=13,handicap=4)", "go(size=19,komi=6.5)"}) {
    for (uint64_t seed = 1; seed <= 4; ++seed) {
      // Whole games, and unfinished ones.
      for (int max_plies : {1 << 30, 37}) {
        auto s = random_game(spec, seed, max_plies);
        const std::string sgf = s->export_text(info_for(*s))->text;
        Result<std::unique_ptr<GoState>> back = parse_go_sgf(sgf);
        ASSERT_TRUE(back.ok()) << back.error().message << "\n" << sgf;
        EXPECT_EQ((*back)->serialize(), s->serialize()) << sgf;
        EXPECT_EQ((*back)->board().hash(), s->board().hash());
        EXPECT_EQ((*back)->is_terminal(), s->is_terminal());
        if (s->is_terminal()) {
          EXPECT_NE(sgf.find("RE[" + format_score(area_score(*s)) + "]"), std::string::npos);
          EXPECT_EQ(format_score(area_score(**back)), format_score(area_score(*s)));
        } else {
          EXPECT_NE(sgf.find("RE[Void]"), std::string::npos);
        }
        ++games;
      }
    }
  }
  EXPECT_EQ(games, 32);
}

TEST(GoSgf, ReadsSetupVariationsAndHandicap) {
  // White moves first (no PL: the first move says so); only the main line is followed.
  auto s = parse_go_sgf("(;GM[1]FF[4]SZ[9]KM[6.5]AB[cc][dd]AW[ee:ef]\n;W[ff](;B[gg];W[hh])(;B[aa]))");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ((*s)->ply(), 3);
  EXPECT_EQ((*s)->go_game().komi(), 6.5);
  EXPECT_EQ((*s)->go_game().setup().white.size(), 2u);
  EXPECT_EQ((*s)->board().at((*s)->go_game().to_point(*parse_go_vertex(9, "H2"))), go::kWhite);
  EXPECT_EQ((*s)->board().at((*s)->go_game().to_point(*parse_go_vertex(9, "A9"))), go::kEmpty);
  // The state's spec rebuilds it: serialize() round-trips through the registry.
  auto again = deserialize_state((*s)->serialize());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ((*again)->to_string(), (*s)->to_string());

  // A fixed handicap becomes the spec's handicap.
  auto h = parse_go_sgf("(;GM[1]FF[4]SZ[19]HA[2]KM[0.5]AB[dp][pd];W[qp];B[])");
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ((*h)->game().spec(), "go(komi=0.5,handicap=2)");
  EXPECT_EQ((*h)->ply(), 2);

  // Passes as "tt" (FF[3]) and without SZ (19x19) and KM (0).
  auto p = parse_go_sgf("(;B[tt];W[tt])");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE((*p)->is_terminal());
  EXPECT_EQ(format_score(area_score(**p)), "0");
}

TEST(GoSgf, TheSameSetupInAnotherOrderIsTheSameGame) {
  // Found by sgf_fuzz: AW stones kept the SGF's order, so a game read, written and read
  // again came back with another spec (setup "AW[cc][ae]", then "AW[ae][cc]").
  Result<std::unique_ptr<GoState>> a = parse_go_sgf("(;SZ[5]AB[aa]AW[cc][ae])");
  Result<std::unique_ptr<GoState>> b = parse_go_sgf("(;SZ[5]AB[aa]AW[ae][cc])");
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ((*a)->game().spec(), (*b)->game().spec());
  Result<std::unique_ptr<GoState>> again = parse_go_sgf(export_go_sgf(**a, info_for(**a)));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ((*again)->serialize(), (*a)->serialize());
}

TEST(GoSgf, BadSgfIsRejectedWithWhereAndWhat) {
  struct Case {
    const char* text;
    const char* where;
    const char* what;
  };
  const Case cases[] = {
      {"", "line 1, column 1 (byte 0)", "expected '('"},
      {"  x", "line 1, column 3 (byte 2)", "expected '('"},
      {"(B[aa])", "line 1, column 2 (byte 1)", "expected ';'"},
      {"(;SZ[9];B[dd]", "line 1, column 14 (byte 13)", "expected a property"},
      {"(;SZ[9];B[dd", "byte 12", "expected ']' to close the value of B"},
      {"(;SZ[9]\n;B[dd]\n;B[ee])", "line 3, column 2 (byte 16)", "move 2 B[ee]: White is to move"},
      {"(;SZ[9];B[dd];W[dd])", "line 1, column 15 (byte 14)", "move 2 W[dd]"},
      {"(;SZ[9];B[zz])", "line 1, column 10 (byte 9)", "expected a point"},
      {"(;SZ[30])", "line 1, column 5 (byte 4)", "SZ[30]"},
      {"(;SZ[9:13])", "byte 4", "only square boards"},
      {"(;GM[3])", "byte 4", "not Go"},
      {"(;KM[seven])", "byte 4", "expected a number"},
      {"(;sz[9])", "line 1, column 3 (byte 2)", "capital letters"},
      {"(;SZ 9)", "byte 5", "expected '['"},
      {"(;SZ[9];B[aa];W[bb];AB[cc])", "byte 20", "setup is supported only in the root"},
      {"(;SZ[9]AB[jj])", "byte 9", "AB[jj]"},
      {"(;SZ[9];B[];W[];B[aa])", "byte 16", "already over"},
      {"(;SZ[9]\r\n;B[aa]W[bb])", "line 2, column 1", "both a B and a W"},
      // Found by sgf_fuzz: the second AB (with a point off the board) used to be ignored.
      {"(;GM[1]FF[4]SZ[5]AB[aa]Z[5]AB[aa][b`]AW[cc][ae])", "byte 27", "AB appears twice in one node"},
  };
  for (const Case& c : cases) {
    Result<std::unique_ptr<GoState>> s = parse_go_sgf(c.text);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.error().code, "parse_error") << c.text;
    EXPECT_NE(s.error().message.find(c.where), std::string::npos) << c.text << " -> " << s.error().message;
    EXPECT_NE(s.error().message.find(c.what), std::string::npos) << c.text << " -> " << s.error().message;
  }
}

}  // namespace
}  // namespace arena
