// The bitboard core against published perft counts (the six standard positions of the
// Chess Programming Wiki's "Perft Results" page, and Chess960 positions from its list),
// and its notation: FEN, UCI and SAN. Deeper depths run only in the benchmark.
#include "games/chess/position.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace arena::chess {
namespace {

struct PerftCase {
  const char* name;
  const char* fen;
  bool chess960;
  std::vector<uint64_t> counts;  // depth 1, 2, ...
};

const PerftCase kPerftCases[] = {
    {"start",
     "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1",
     false,
     {20, 400, 8902, 197281, 4865609}},
    {"kiwipete",
     "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1",
     false,
     {48, 2039, 97862, 4085603}},
    {"position3", "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1", false, {14, 191, 2812, 43238, 674624}},
    {"position4",
     "r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1RK1 w kq - 0 1",
     false,
     {6, 264, 9467, 422333}},
    {"position4_mirrored",
     "r2q1rk1/pP1p2pp/Q4n2/bbp1p3/Np6/1B3NBn/pPPP1PPP/R3K2R b KQ - 0 1",
     false,
     {6, 264, 9467, 422333}},
    {"position5",
     "rnbq1k1r/pp1Pbppp/2p5/8/2B5/8/PPP1NnPP/RNBQK2R w KQ - 1 8",
     false,
     {44, 1486, 62379, 2103487}},
    {"position6",
     "r4rk1/1pp1qppp/p1np1n2/2b1p1B1/2B1P1b1/P1NP1N2/1PP1QPPP/R4RK1 w - - 0 10",
     false,
     {46, 2079, 89890, 3894594}},
    {"chess960_1",
     "bqnb1rkr/pp3ppp/3ppn2/2p5/5P2/P2P4/NPP1P1PP/BQ1BNRKR w HFhf - 2 9",
     true,
     {21, 528, 12189, 326672}},
    {"chess960_2",
     "2nnrbkr/p1qppppp/8/1ppb4/6PP/3PP3/PPP2P2/BQNNRBKR w HEhe - 1 9",
     true,
     {21, 807, 18002, 667366}},
};

class PerftTest : public testing::TestWithParam<PerftCase> {};

TEST_P(PerftTest, MatchesPublishedCounts) {
  const PerftCase& c = GetParam();
  Result<Position> position = Position::from_fen(c.fen, c.chess960);
  ASSERT_TRUE(position.ok()) << position.error().message;
  for (size_t depth = 1; depth <= c.counts.size(); ++depth) {
    EXPECT_EQ(position->perft(int(depth)), c.counts[depth - 1]) << c.name << " depth " << depth;
  }
}

INSTANTIATE_TEST_SUITE_P(Positions, PerftTest, testing::ValuesIn(kPerftCases),
                         [](const testing::TestParamInfo<PerftCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(Position, StartPositionFenRoundTrips) {
  const Position p = Position::start();
  EXPECT_EQ(p.fen(), "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1");
  EXPECT_EQ(Position::from_fen(p.fen())->key(), p.key());
}

TEST(Position, Chess960NumbersFollowScharnagl) {
  EXPECT_EQ(Position::chess960_start(518)->fen(), Position::start().fen());
  EXPECT_EQ(Position::chess960_start(0)->fen(), "bbqnnrkr/pppppppp/8/8/8/8/PPPPPPPP/BBQNNRKR w KQkq - 0 1");
  EXPECT_EQ(Position::chess960_start(959)->fen(), "rkrnnqbb/pppppppp/8/8/8/8/PPPPPPPP/RKRNNQBB w KQkq - 0 1");
  EXPECT_FALSE(Position::chess960_start(960).ok());
  EXPECT_FALSE(Position::chess960_start(-1).ok());
}

TEST(Position, BadFenNamesTheField) {
  struct Bad {
    const char* fen;
    const char* field;
  };
  for (const Bad& bad : {
           Bad{"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP w KQkq - 0 1", "piece placement"},
           Bad{"rnbqkbnr/pppppppp/9/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "piece placement"},
           Bad{"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNX w KQkq - 0 1", "piece placement"},
           Bad{"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQ1BNR w kq - 0 1", "piece placement"},
           Bad{"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR x KQkq - 0 1", "active color"},
           Bad{"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkz - 0 1", "castling availability"},
           Bad{"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBN1 w KQkq - 0 1", "castling availability"},
           Bad{"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq e4 0 1", "en passant target square"},
           Bad{"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq e6 0 1", "en passant target square"},
           Bad{"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - x 1", "halfmove clock"},
           Bad{"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 0", "fullmove number"},
           Bad{"4k2R/8/8/8/8/8/8/4K3 w - - 0 1", "active color"},  // the side not to move in check
       }) {
    Result<Position> p = Position::from_fen(bad.fen);
    ASSERT_FALSE(p.ok()) << bad.fen;
    EXPECT_EQ(p.error().code, "bad_fen");
    EXPECT_NE(p.error().message.find(bad.field), std::string::npos) << p.error().message;
  }
  EXPECT_FALSE(Position::from_fen("").ok());
  EXPECT_FALSE(Position::from_fen("8/8/8/8 w").ok());
}

TEST(Position, EnPassantSquareKeptOnlyWhenACaptureIsLegal) {
  // After 1. e4 no black pawn can take on e3: the square is dropped, the key equals the
  // same position reached without a double step.
  Position p = Position::start().make(*Position::start().parse_uci("e2e4"));
  EXPECT_EQ(p.en_passant(), kNoSquare);
  EXPECT_EQ(p.fen(), "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1");
  // A capture that would expose the king along the rank is not legal, so no square either.
  Result<Position> pinned = Position::from_fen("8/8/8/8/k2Pp2Q/8/8/4K3 b - d3 0 1");
  ASSERT_TRUE(pinned.ok());
  EXPECT_EQ(pinned->en_passant(), kNoSquare);
  Result<Position> open = Position::from_fen("4k3/8/8/8/3Pp3/8/8/4K3 b - d3 0 1");
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->en_passant(), parse_square("d3"));
  EXPECT_EQ(open->san(*open->parse_uci("e4d3")), "exd3");
}

TEST(Position, UciNotation) {
  const Position p = *Position::from_fen("r3k2r/1P6/8/8/8/8/8/R3K2R w KQkq - 0 1");
  EXPECT_EQ(p.uci(*p.parse_uci("e1g1")), "e1g1");
  EXPECT_EQ(p.uci(*p.parse_uci("e1h1")), "e1g1");  // standard chess reads king-takes-rook too
  EXPECT_EQ(p.uci(*p.parse_uci("b7a8q")), "b7a8q");
  EXPECT_EQ(p.uci(*p.parse_uci("b7b8n")), "b7b8n");
  EXPECT_EQ(p.parse_uci("b7b8").error().code, "illegal_action");  // a promotion needs its piece
  EXPECT_EQ(p.parse_uci("e2e4").error().code, "illegal_action");
  EXPECT_EQ(p.parse_uci("e2e9").error().code, "parse_error");
  EXPECT_EQ(p.parse_uci("hello").error().code, "parse_error");
  EXPECT_EQ(p.parse_uci("b7b8k").error().code, "parse_error");
  const Position c960 = *Position::from_fen("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", true);
  EXPECT_EQ(c960.uci(*c960.parse_uci("e1h1")), "e1h1");
  EXPECT_FALSE(c960.parse_uci("e1g1").ok());
}

TEST(Position, SanWritesAndReads) {
  const Position p = *Position::from_fen("r3k2r/1P6/8/3N1N2/8/8/8/R3K2R w KQkq - 0 1");
  EXPECT_EQ(p.san(*p.parse_uci("e1g1")), "O-O");
  EXPECT_EQ(p.san(*p.parse_uci("e1c1")), "O-O-O");
  EXPECT_EQ(p.san(*p.parse_uci("b7a8q")), "bxa8=Q+");
  EXPECT_EQ(p.san(*p.parse_uci("b7b8r")), "b8=R+");
  EXPECT_EQ(p.san(*p.parse_uci("d5e7")), "Nde7");
  EXPECT_EQ(p.san(*p.parse_uci("a1a7")), "Ra7");
  const Position mate = *Position::from_fen("6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1");
  EXPECT_EQ(mate.san(*mate.parse_uci("a1a8")), "Ra8#");
  // Rank and square disambiguation.
  const Position rooks = *Position::from_fen("4k3/8/R7/8/8/8/8/R3K3 w - - 0 1");
  EXPECT_EQ(rooks.san(*rooks.parse_uci("a1a3")), "R1a3");
  const Position queens = *Position::from_fen("7k/8/8/8/2Q1Q3/8/2Q5/4K3 w - - 0 1");
  EXPECT_EQ(queens.san(*queens.parse_uci("c4d3")), "Qc4d3");
  for (const char* text :
       {"O-O", "0-0", "O-O-O", "bxa8=Q+", "bxa8Q", "b7xa8=Q", "Nde7", "Nd5e7", "Ra7", "Kd2"}) {
    Result<Move> m = p.parse_san(text);
    ASSERT_TRUE(m.ok()) << text << ": " << m.error().message;
  }
  EXPECT_EQ(*p.parse_san("bxa8=Q+"), *p.parse_uci("b7a8q"));
  EXPECT_EQ(p.parse_san("Ne7").error().message.find("ambiguous") != std::string::npos, true);
  EXPECT_FALSE(p.parse_san("Qd4").ok());
  EXPECT_FALSE(p.parse_san("b8").ok());  // a promotion needs its piece
  EXPECT_FALSE(p.parse_san("zz").ok());
}

TEST(Position, Chess960CastlingWithTheRookBesideTheKing) {
  // King on f1 and rook on g1 (king side): castling is king takes rook, f1g1, and lands the
  // king on g1 and the rook on f1.
  const Position p = *Position::from_fen("3k4/8/8/8/8/8/8/4RKR1 w GE - 0 1", true);
  Result<Move> castle = p.parse_uci("f1g1");
  ASSERT_TRUE(castle.ok()) << castle.error().message;
  EXPECT_EQ(castle->kind(), Move::kCastling);
  EXPECT_EQ(p.make(*castle).fen(), "3k4/8/8/8/8/8/8/4RRK1 b - - 1 1");
  EXPECT_EQ(p.san(*castle), "O-O");
}

TEST(Position, Chess960CastlingRookMayNotShieldTheKing) {
  // The queen on a1 would attack c1 once the rook leaves b1: no castling, although no square
  // the king crosses is attacked now.
  const Position p = *Position::from_fen("7k/8/8/8/8/8/8/qRK5 w B - 0 1", true);
  MoveList moves;
  p.legal_moves(moves);
  EXPECT_TRUE(std::none_of(moves.begin(), moves.end(), [](Move m) { return m.kind() == Move::kCastling; }));
  const Position free = *Position::from_fen("7k/8/8/8/8/8/8/1RK5 w B - 0 1", true);
  EXPECT_TRUE(free.parse_uci("c1b1").ok());
}

TEST(Position, InsufficientMaterial) {
  EXPECT_TRUE(Position::from_fen("4k3/8/8/8/8/8/8/4K3 w - - 0 1")->insufficient_material());
  EXPECT_TRUE(Position::from_fen("4k3/8/8/8/8/8/8/4KN2 w - - 0 1")->insufficient_material());
  EXPECT_TRUE(Position::from_fen("4k3/8/8/8/8/8/8/4KB2 w - - 0 1")->insufficient_material());
  EXPECT_TRUE(
      Position::from_fen("4kb2/8/8/8/8/8/8/2B1K3 w - - 0 1")->insufficient_material());  // f8, c1: both dark
  EXPECT_FALSE(Position::from_fen("4k1b1/8/8/8/8/8/8/2B1K3 w - - 0 1")->insufficient_material());
  EXPECT_FALSE(Position::from_fen("4kn2/8/8/8/8/8/8/4KN2 w - - 0 1")->insufficient_material());
  EXPECT_FALSE(Position::from_fen("4k3/8/8/8/8/8/8/3NKN2 w - - 0 1")->insufficient_material());
  EXPECT_FALSE(Position::from_fen("4k3/8/8/8/8/8/P7/4K3 w - - 0 1")->insufficient_material());
}

}  // namespace
}  // namespace arena::chess
