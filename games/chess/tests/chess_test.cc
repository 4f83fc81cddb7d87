// Chess behind the Game/State API: parameters and FEN starts, the action ids (a bijection
// with the legal moves, castling, en passant and every promotion included), notation, each
// draw rule and checkmate's precedence, the observation planes, the view, the PGN export,
// and `arena chess perft` run through the `arena` binary. The move generator's own
// correctness (perft against known counts) is tests/position_test.cc's.
#include "games/chess/chess.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/rng.h"
#include "games/registry.h"
#include "tests/cli/run_arena.h"

namespace arena {
namespace {

using chess::Move;
using chess::Position;

std::shared_ptr<const Game> game(const std::string& spec) {
  Result<std::shared_ptr<const Game>> g = make_game(spec);
  EXPECT_TRUE(g.ok()) << spec << ": " << (g.ok() ? "" : g.error().message);
  return g.ok() ? *g : nullptr;
}

std::unique_ptr<ChessState> start(const std::string& spec) {
  std::shared_ptr<const Game> g = game(spec);
  if (!g) return nullptr;
  return std::unique_ptr<ChessState>(static_cast<ChessState*>(g->new_initial_state().release()));
}

std::string fen_spec(const std::string& fen, const std::string& more = "") {
  return "chess(" + more + (more.empty() ? "" : ",") + "fen=\"" + fen + "\")";
}

// Plays moves in any notation parse_action reads; fails the test on a refused one.
void play(State& s, const std::vector<std::string>& moves) {
  for (const std::string& m : moves) {
    Result<Action> a = s.parse_action(s.current_player(), m);
    ASSERT_TRUE(a.ok()) << m << ": " << a.error().message;
    Status status = s.apply(*a);
    ASSERT_TRUE(status.ok()) << m << ": " << status.error().message;
  }
}

// Seeded random games from `spec`, calling visit on every state.
template <typename Visit>
void random_games(const std::string& spec, int games, uint64_t seed, Visit visit) {
  Rng rng(seed);
  for (int i = 0; i < games; ++i) {
    std::unique_ptr<ChessState> s = start(spec);
    ASSERT_NE(s, nullptr);
    while (true) {
      visit(*s);
      if (s->is_terminal()) break;
      const std::vector<Action> legal = s->legal_actions();
      ASSERT_TRUE(s->apply(legal[rng.uniform(legal.size())]).ok());
    }
  }
}

// ---------------------------------------------------------------------------------------
// Parameters and FEN

TEST(Chess, FactsOfTheGame) {
  std::shared_ptr<const Game> g = game("chess");
  EXPECT_EQ(g->num_distinct_actions(), 4672);
  EXPECT_EQ(g->observation_shape(), (std::vector<int>{21, 8, 8}));
  EXPECT_EQ(g->max_game_length(), 127 * 100 + 126);  // see ChessGame::max_game_length
  EXPECT_EQ(game("chess(claims=false)")->max_game_length(), 127 * 150 + 126);
  // Two kings and a pawn on e2: 6 pawn moves and 1 capture.
  EXPECT_EQ(game(fen_spec("4k3/8/8/8/8/8/4P3/4K3 w - - 0 1"))->max_game_length(), 8 * 100 + 7);
  EXPECT_TRUE(g->type().draw_offers);
}

TEST(Chess, RatingGroups) {
  EXPECT_EQ(game("chess")->rating_group(), "chess");
  EXPECT_EQ(game("chess(variant=chess960,start=360)")->rating_group(), "chess(variant=chess960)");
  EXPECT_EQ(game("chess(variant=chess960)")->rating_group(), "chess(variant=chess960)");
  EXPECT_EQ(game("chess(variant=chess960,start=0,claims=false)")->rating_group(),
            "chess(variant=chess960,claims=false)");
  const std::string fen = fen_spec("4k3/8/8/8/8/8/4P3/4K3 w - - 0 1");
  EXPECT_EQ(game(fen)->rating_group(), game(fen)->spec());
  // A FEN start's canonical spec makes the same game again.
  EXPECT_EQ(game(game(fen)->spec())->spec(), game(fen)->spec());
  EXPECT_EQ(game(fen_spec("1r2k2r/8/8/8/8/8/8/1R2K2R w HBhb - 0 1", "variant=chess960"))->spec(),
            "chess(variant=chess960,fen=\"1r2k2r/8/8/8/8/8/8/1R2K2R w HBhb - 0 1\")");
}

TEST(Chess, Chess960StartsByNumber) {
  EXPECT_EQ(start("chess(variant=chess960,start=518)")->position().fen(), Position::start().fen());
  // Scharnagl's numbering: 0 is BBQNNRKR, 360 NBRKBRQN, 959 RKRNNQBB.
  EXPECT_EQ(start("chess(variant=chess960,start=0)")->view(0)["state"]["board"][7], "BBQNNRKR");
  EXPECT_EQ(start("chess(variant=chess960,start=360)")->view(0)["state"]["board"][7], "NBRKBRQN");
  EXPECT_EQ(start("chess(variant=chess960,start=959)")->view(0)["state"]["board"][0], "rkrnnqbb");
}

TEST(Chess, BadParametersAreBadSpecErrorsThatSayWhy) {
  const std::pair<std::string, std::string> cases[] = {
      {"chess(variant=crazyhouse)", "variant"},
      {"chess(variant=chess960,start=960)", "start"},
      {"chess(variant=chess960,start=-1)", "start"},
      {"chess(start=3)", "variant=chess960"},
      {"chess(variant=chess960,start=3,fen=\"4k3/8/8/8/8/8/8/4K2R w K - 0 1\")", "not both"},
      {fen_spec("4k3/8/8/8/8/8/8/4KK2 w - - 0 1"), "one king"},
      {fen_spec("4k3/8/8/8/8/8/8/1P2K3 w - - 0 1"), "pawn"},
      {fen_spec("4k3/8/8/8/8/8/8/4R1K1 w - - 0 1"), "side not to move is in check"},
  };
  for (const auto& [spec, why] : cases) {
    Result<std::shared_ptr<const Game>> g = make_game(spec);
    ASSERT_FALSE(g.ok()) << spec;
    EXPECT_EQ(g.error().code, "bad_spec") << spec;
    EXPECT_NE(g.error().message.find(why), std::string::npos) << spec << ": " << g.error().message;
  }
}

// A malformed FEN is refused with an error that names the field that is wrong.
TEST(Chess, MalformedFenIsRefusedNamingTheField) {
  const std::pair<std::string, std::string> cases[] = {
      {"rnbqkbnr/pppppppp/9/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "placement"},
      {"rnbqkbnr/pppppppp/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "placement"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNX w KQkq - 0 1", "placement"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR x KQkq - 0 1", "active color"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkz - 0 1", "castling"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq e9 0 1", "en passant"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - x 1", "halfmove"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 y", "fullmove"},
  };
  for (const auto& [fen, field] : cases) {
    Result<std::shared_ptr<const Game>> g = make_game(fen_spec(fen));
    ASSERT_FALSE(g.ok()) << fen;
    EXPECT_EQ(g.error().code, "bad_spec") << fen;
    EXPECT_NE(g.error().message.find("FEN"), std::string::npos) << g.error().message;
    EXPECT_NE(g.error().message.find(field), std::string::npos) << fen << ": " << g.error().message;
  }
}

// Every position of seeded random games: its FEN read back is the same position (same FEN,
// key and moves), and a game started from it starts there.
TEST(Chess, FenRoundTripsOnRandomGames) {
  for (const std::string spec :
       {"chess", "chess(variant=chess960,start=360)", "chess(variant=chess960,start=0)"}) {
    int checked = 0;
    random_games(spec, 4, 11, [&](const ChessState& s) {
      const Position& p = s.position();
      Result<Position> back = Position::from_fen(p.fen(), p.chess960());
      ASSERT_TRUE(back.ok()) << p.fen() << ": " << back.error().message;
      EXPECT_EQ(back->fen(), p.fen());
      EXPECT_EQ(back->key(), p.key()) << p.fen();
      chess::MoveList a, b;
      p.legal_moves(a);
      back->legal_moves(b);
      EXPECT_EQ(a.size, b.size) << p.fen();
      if (s.ply() % 23 == 5 && !s.is_terminal()) {
        const std::string more = p.chess960() ? "variant=chess960" : "";
        std::unique_ptr<ChessState> from_fen = start(fen_spec(p.fen(), more));
        ASSERT_NE(from_fen, nullptr);
        EXPECT_EQ(from_fen->position().fen(), p.fen());
        EXPECT_EQ(from_fen->start_fen(), p.fen());
        EXPECT_EQ(from_fen->legal_actions(), s.legal_actions()) << p.fen();
      }
      ++checked;
    });
    EXPECT_GT(checked, 100) << spec;
  }
}

// ---------------------------------------------------------------------------------------
// Actions and notation

// Each legal move has its own id, the id leads back to the move, and its UCI text and SAN
// read back to the same id: in random games of both variants and in positions made to hold
// castling, en passant and every promotion for both colours.
TEST(Chess, ActionIdsAreABijectionWithTheLegalMoves) {
  std::map<std::string, int> seen;  // kinds of move met
  auto check = [&](const ChessState& s) {
    if (s.is_terminal()) return;
    const Position& p = s.position();
    chess::MoveList moves;
    p.legal_moves(moves);
    std::set<Action> ids;
    for (Move m : moves) {
      const Action id = s.action_of(m);
      ASSERT_GE(id, 0) << p.uci(m) << " at " << p.fen();
      ASSERT_LT(id, ChessGame::kNumActions);
      EXPECT_TRUE(ids.insert(id).second) << "two moves share id " << id << " at " << p.fen();
      EXPECT_EQ(s.move_of(id), m) << p.uci(m) << " at " << p.fen();
      EXPECT_EQ(s.action_to_string(s.current_player(), id), p.uci(m));
      Result<Action> by_uci = s.parse_action(s.current_player(), p.uci(m));
      ASSERT_TRUE(by_uci.ok()) << p.uci(m);
      EXPECT_EQ(*by_uci, id);
      Result<Action> by_san = s.parse_action(s.current_player(), p.san(m));
      ASSERT_TRUE(by_san.ok()) << p.san(m) << " at " << p.fen();
      EXPECT_EQ(*by_san, id) << p.san(m);
      const std::string side = p.side_to_move() == chess::kWhite ? "white " : "black ";
      if (m.kind() == Move::kCastling) ++seen[side + (p.chess960() ? "castling 960" : "castling")];
      if (m.kind() == Move::kEnPassant) ++seen[side + "en passant"];
      if (m.kind() == Move::kPromotion) ++seen[side + "promotion " + "nbrq"[m.promotion() - chess::kKnight]];
    }
    std::vector<Action> legal = s.legal_actions();
    EXPECT_EQ(std::vector<Action>(ids.begin(), ids.end()), legal);
    for (Action id = 0; id < ChessGame::kNumActions; id += 97) {
      EXPECT_EQ(s.is_legal(id), ids.count(id) == 1);
    }
  };
  for (const std::string spec : {"chess", "chess(variant=chess960,start=360)",
                                 "chess(variant=chess960,start=0)", "chess(variant=chess960,start=959)"}) {
    random_games(spec, 6, 3, check);
  }
  for (const std::string fen : {
           "r1r4k/1P6/8/8/8/8/8/4K3 w - - 0 1",                   // promotions: a push and two captures
           "4k3/8/8/8/8/8/1p6/R1R4K b - - 0 1",                   // the same for Black
           "4k3/8/8/3pP3/8/8/8/4K3 w - d6 0 1",                   // en passant
           "4k3/8/8/8/3Pp3/8/8/4K3 b - d3 0 1",                   // and Black's
           "r3k2r/pppppppp/8/8/8/8/PPPPPPPP/R3K2R w KQkq - 0 1",  // castling both ways
           "r3k2r/pppppppp/8/8/8/8/PPPPPPPP/R3K2R b KQkq - 0 1",
       }) {
    check(*start(fen_spec(fen)));
  }
  for (const std::string fen : {"1r2k2r/pppppppp/8/8/8/8/PPPPPPPP/1R2K2R w HBhb - 0 1",
                                "1r2k2r/pppppppp/8/8/8/8/PPPPPPPP/1R2K2R b HBhb - 0 1",
                                "4k3/8/8/8/8/8/8/RK5R w HA - 0 1"}) {  // the king next to its rook
    check(*start(fen_spec(fen, "variant=chess960")));
  }
  for (const char* kind : {"castling", "castling 960", "en passant", "promotion n", "promotion b",
                           "promotion r", "promotion q"}) {
    EXPECT_GT(seen[std::string("white ") + kind], 0) << kind;
    EXPECT_GT(seen[std::string("black ") + kind], 0) << kind;
  }
}

// The layout of chess.h: id = from * 73 + type, from the mover's side.
TEST(Chess, ActionIdsFollowTheDocumentedLayout) {
  std::unique_ptr<ChessState> s = start("chess");
  auto id = [&](const std::string& uci) {
    Result<Action> a = s->parse_action(s->current_player(), uci);
    EXPECT_TRUE(a.ok()) << uci;
    return a.ok() ? *a : -1;
  };
  EXPECT_EQ(id("e2e4"), 12 * 73 + 1);  // north, two squares
  EXPECT_EQ(id("g1f3"), 6 * 73 + 63);  // the knight's last type: one file left, two up
  EXPECT_EQ(id("b1c3"), 1 * 73 + 56);  // one file right, two up
  play(*s, {"e2e4"});
  EXPECT_EQ(id("e7e5"), 12 * 73 + 1);  // Black's board is flipped: the same id as e2e4
  EXPECT_EQ(id("g8f6"), 6 * 73 + 63);

  std::unique_ptr<ChessState> w = start(fen_spec("r1r4k/1P6/8/8/8/8/8/4K3 w - - 0 1"));
  std::unique_ptr<ChessState> b = start(fen_spec("4k3/8/8/8/8/8/1p6/R1R4K b - - 0 1"));
  const std::pair<std::string, std::string> mirrored[] = {
      {"b7a8n", "b2a1n"}, {"b7b8b", "b2b1b"}, {"b7c8r", "b2c1r"}, {"b7b8q", "b2b1q"}, {"b7a8q", "b2a1q"}};
  for (const auto& [white, black] : mirrored) {
    EXPECT_EQ(*w->parse_action(0, white), *b->parse_action(1, black)) << white << " vs " << black;
  }
  EXPECT_EQ(*w->parse_action(0, "b7a8n"), 49 * 73 + 64);  // knight, left capture
  EXPECT_EQ(*w->parse_action(0, "b7b8b"), 49 * 73 + 68);  // bishop, push
  EXPECT_EQ(*w->parse_action(0, "b7c8r"), 49 * 73 + 72);  // rook, right capture
  EXPECT_EQ(*w->parse_action(0, "b7b8q"), 49 * 73 + 0);   // the queen's is the queen-like move north
  // Castling: the king's two-square move in standard chess, king-takes-rook in Chess960.
  std::unique_ptr<ChessState> c = start(fen_spec("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1"));
  EXPECT_EQ(*c->parse_action(0, "e1g1"), 4 * 73 + 2 * 7 + 1);   // east, two squares
  EXPECT_EQ(*c->parse_action(0, "O-O-O"), 4 * 73 + 6 * 7 + 1);  // west, two squares
  std::unique_ptr<ChessState> c960 =
      start(fen_spec("1r2k2r/8/8/8/8/8/8/1R2K2R w HBhb - 0 1", "variant=chess960"));
  EXPECT_EQ(*c960->parse_action(0, "O-O"), 4 * 73 + 2 * 7 + 2);    // east, three squares: e1h1
  EXPECT_EQ(*c960->parse_action(0, "O-O-O"), 4 * 73 + 6 * 7 + 2);  // west, three squares: e1b1
  // An id that is not legal here is written as the move it names, without the board.
  EXPECT_EQ(s->action_to_string(0, 12 * 73 + 2), "e2e5");
  EXPECT_EQ(s->action_to_string(1, 12 * 73 + 2), "e7e4");
  EXPECT_EQ(s->action_to_string(0, 7 * 73 + 2 * 7),
            "action#" + std::to_string(7 * 73 + 14));  // off the board
}

std::string snapshot(const State& s) {
  std::string out = s.serialize() + "\n" + s.to_string() + "\n" + s.view(kSpectator).dump();
  for (Action a : s.legal_actions()) out += " " + std::to_string(a);
  return out;
}

TEST(Chess, IllegalAndMalformedMovesAreRefusedAndChangeNothing) {
  std::unique_ptr<ChessState> s = start("chess");
  play(*s, {"e2e4", "e7e5"});
  const std::string before = snapshot(*s);
  // Well-formed but illegal: an id that apply() refuses.
  for (const char* text : {"e2e5", "e1g1", "d1d8", "a1a3", "e4e5", "b1b3"}) {
    Result<Action> a = s->parse_action(0, text);
    ASSERT_TRUE(a.ok()) << text << ": " << a.error().message;
    Status status = s->apply(*a);
    ASSERT_FALSE(status.ok()) << text;
    EXPECT_EQ(status.error().code, "illegal_action");
    EXPECT_NE(status.error().message.find(text), std::string::npos) << status.error().message;
    EXPECT_EQ(snapshot(*s), before) << text;
  }
  // Malformed, or no move of any piece: a parse error.
  for (const char* text : {"", "e2", "e2e9", "i2i4", "e2e4x", "e2e4qq", "a1h2", "e1e1", "Nf6", "Ke3", "O-O",
                           "hello", "\x01\xff"}) {
    Result<Action> a = s->parse_action(0, text);
    EXPECT_FALSE(a.ok()) << "'" << text << "' parsed";
    if (!a.ok()) {
      EXPECT_EQ(a.error().code, "parse_error") << text;
    }
  }
  // Promotions name their piece.
  std::unique_ptr<ChessState> p = start(fen_spec("4k3/1P6/8/8/8/8/8/4K3 w - - 0 1"));
  EXPECT_TRUE(p->parse_action(0, "b7b8n").ok());
  EXPECT_TRUE(p->parse_action(0, "b8=Q").ok());
  EXPECT_EQ(snapshot(*s), before);
}

TEST(Chess, UciMovesAndStartFenAreWhatAnEngineNeeds) {
  std::unique_ptr<ChessState> s = start("chess");
  play(*s, {"e4", "e5", "Nf3", "Nc6", "Bc4", "Nf6", "O-O"});
  EXPECT_EQ(s->start_fen(), "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1");
  EXPECT_EQ(s->uci_moves(),
            (std::vector<std::string>{"e2e4", "e7e5", "g1f3", "b8c6", "f1c4", "g8f6", "e1g1"}));
  EXPECT_EQ(s->san_moves(), (std::vector<std::string>{"e4", "e5", "Nf3", "Nc6", "Bc4", "Nf6", "O-O"}));
}

// Chess960: castling is the king taking its own rook, on both sides, and lands the pieces
// on the files of standard castling.
TEST(Chess, Chess960CastlesBothWaysByKingTakesRook) {
  const std::string fen = "1r2k2r/pppppppp/8/8/8/8/PPPPPPPP/1R2K2R w HBhb - 0 1";
  std::unique_ptr<ChessState> s = start(fen_spec(fen, "variant=chess960"));
  play(*s, {"e1h1", "e8b8"});
  EXPECT_EQ(s->uci_moves(), (std::vector<std::string>{"e1h1", "e8b8"}));
  EXPECT_EQ(s->san_moves(), (std::vector<std::string>{"O-O", "O-O-O"}));
  const Json view = s->view(kSpectator)["state"];
  EXPECT_EQ(view["board"][0], "..kr...r");
  EXPECT_EQ(view["board"][7], ".R...RK.");
  EXPECT_EQ(view["last_move"]["uci"], "e8b8");
  EXPECT_EQ(view["variant"], "chess960");
  // The other two, written in SAN.
  std::unique_ptr<ChessState> t = start(fen_spec(fen, "variant=chess960"));
  play(*t, {"O-O-O", "O-O"});
  EXPECT_EQ(t->uci_moves(), (std::vector<std::string>{"e1b1", "e8h8"}));
  EXPECT_EQ(t->view(kSpectator)["state"]["board"][7], "..KR...R");
  // In Chess960 the king's two-square move is not castling (it may be an ordinary move in
  // another position); standard chess reads king-takes-rook as castling as well.
  std::unique_ptr<ChessState> u = start(fen_spec(fen, "variant=chess960"));
  Result<Action> two_squares = u->parse_action(0, "e1g1");
  ASSERT_TRUE(two_squares.ok());
  EXPECT_FALSE(u->is_legal(*two_squares));
  std::unique_ptr<ChessState> w = start(fen_spec("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1"));
  play(*w, {"e1h1", "e8a8"});
  EXPECT_EQ(w->uci_moves(), (std::vector<std::string>{"e1g1", "e8c8"}));
  // Start 360 (NBRKBRQN): the king on d1 castles queen side at once, trading places with
  // the rook on c1.
  std::unique_ptr<ChessState> v = start("chess(variant=chess960,start=360)");
  play(*v, {"d1c1"});
  EXPECT_EQ(v->san_moves().back(), "O-O-O");
  EXPECT_EQ(v->view(kSpectator)["state"]["board"][7], "NBKRBRQN");
}

// ---------------------------------------------------------------------------------------
// How games end

const char* const kKnightDance[] = {"Nf3", "Nf6", "Ng1", "Ng8"};

TEST(Chess, ThreefoldRepetitionWithClaims) {
  std::unique_ptr<ChessState> s = start("chess");
  for (int i = 0; i < 4; ++i) play(*s, {kKnightDance[i]});
  EXPECT_FALSE(s->is_terminal());
  EXPECT_EQ(s->repetitions(), 2);
  for (int i = 0; i < 3; ++i) play(*s, {kKnightDance[i]});
  EXPECT_FALSE(s->is_terminal());
  play(*s, {kKnightDance[3]});
  EXPECT_TRUE(s->is_terminal());
  EXPECT_EQ(s->repetitions(), 3);
  EXPECT_EQ(s->termination(), "threefold repetition");
  EXPECT_EQ(s->result(), "1/2-1/2");
  EXPECT_EQ(s->returns(), (std::vector<double>{0, 0}));
  EXPECT_TRUE(s->legal_actions().empty());
}

TEST(Chess, FivefoldRepetitionWithoutClaims) {
  std::unique_ptr<ChessState> s = start("chess(claims=false)");
  for (int round = 0; round < 4; ++round) {
    for (const char* m : kKnightDance) {
      EXPECT_FALSE(s->is_terminal()) << s->repetitions();
      play(*s, {m});
    }
  }
  EXPECT_TRUE(s->is_terminal());
  EXPECT_EQ(s->repetitions(), 5);
  EXPECT_EQ(s->termination(), "fivefold repetition");
  EXPECT_EQ(s->result(), "1/2-1/2");
}

TEST(Chess, FiftyMoveRuleWithClaims) {
  const std::string fen = "8/8/8/4k3/8/8/4K3/R7 w - - 98 80";
  std::unique_ptr<ChessState> s = start(fen_spec(fen));
  play(*s, {"Ra2"});
  EXPECT_FALSE(s->is_terminal());
  play(*s, {"Kd5"});
  EXPECT_TRUE(s->is_terminal());
  EXPECT_EQ(s->termination(), "fifty-move rule");
  EXPECT_EQ(s->returns(), (std::vector<double>{0, 0}));
  // A pawn move or a capture resets the count.
  std::unique_ptr<ChessState> p = start(fen_spec("8/8/8/4k3/8/8/P3K3/R7 w - - 99 80"));
  play(*p, {"a3"});
  EXPECT_FALSE(p->is_terminal());
  EXPECT_EQ(p->position().halfmove_clock(), 0);
  // From a start already past the count, the game is over before it starts.
  EXPECT_EQ(start(fen_spec("8/8/8/4k3/8/8/4K3/R7 w - - 100 80"))->termination(), "fifty-move rule");
}

TEST(Chess, SeventyFiveMoveRuleWithoutClaims) {
  std::unique_ptr<ChessState> s = start(fen_spec("8/8/8/4k3/8/8/4K3/R7 w - - 99 80", "claims=false"));
  play(*s, {"Ra2"});
  EXPECT_FALSE(s->is_terminal()) << "no claims: the fifty-move rule does not end the game";
  std::unique_ptr<ChessState> t = start(fen_spec("8/8/8/4k3/8/8/4K3/R7 w - - 149 120", "claims=false"));
  play(*t, {"Ra2"});
  EXPECT_TRUE(t->is_terminal());
  EXPECT_EQ(t->termination(), "seventy-five-move rule");
  // With claims as well: a start past 150 half-moves ends by the seventy-five-move rule.
  EXPECT_EQ(start(fen_spec("8/8/8/4k3/8/8/4K3/R7 w - - 150 120"))->termination(), "seventy-five-move rule");
}

TEST(Chess, CheckmateBeatsTheMoveCountRules) {
  // Ra8 mates on the move that brings the count to 100 (and to 150 without claims).
  for (const auto& [fen, more] : {std::pair<std::string, std::string>{"7k/8/6K1/8/8/8/8/R7 w - - 99 80", ""},
                                  {"7k/8/6K1/8/8/8/8/R7 w - - 149 80", "claims=false"}}) {
    std::unique_ptr<ChessState> s = start(fen_spec(fen, more));
    play(*s, {"Ra8"});
    EXPECT_EQ(s->termination(), "checkmate") << fen;
    EXPECT_EQ(s->result(), "1-0");
    EXPECT_EQ(s->returns(), (std::vector<double>{1, -1}));
    EXPECT_EQ(s->san_moves().back(), "Ra8#");
  }
}

TEST(Chess, CheckmateAndStalemate) {
  std::unique_ptr<ChessState> s = start("chess");
  play(*s, {"f3", "e5", "g4", "Qh4#"});
  EXPECT_EQ(s->termination(), "checkmate");
  EXPECT_EQ(s->result(), "0-1");
  EXPECT_EQ(s->returns(), (std::vector<double>{-1, 1}));
  EXPECT_EQ(s->current_player(), kTerminalPlayer);

  std::unique_ptr<ChessState> t = start(fen_spec("7k/8/6K1/8/8/8/8/5Q2 w - - 0 1"));
  play(*t, {"Qf7"});
  EXPECT_EQ(t->termination(), "stalemate");
  EXPECT_EQ(t->result(), "1/2-1/2");
  EXPECT_EQ(t->returns(), (std::vector<double>{0, 0}));
}

TEST(Chess, InsufficientMaterial) {
  // Reached by a capture: king against king.
  std::unique_ptr<ChessState> s = start(fen_spec("8/8/8/4k3/8/8/3pK3/8 w - - 0 1"));
  play(*s, {"Kxd2"});
  EXPECT_EQ(s->termination(), "insufficient material");
  EXPECT_EQ(s->returns(), (std::vector<double>{0, 0}));
  const std::pair<std::string, bool> cases[] = {
      {"4k3/8/8/8/8/8/8/4K3 w - - 0 1", true},      // kings alone
      {"4k3/8/8/8/8/8/8/2N1K3 w - - 0 1", true},    // a knight
      {"4k3/8/8/8/8/8/8/2B1K3 b - - 0 1", true},    // a bishop
      {"5b1k/8/8/8/8/8/8/2B1K3 w - - 0 1", true},   // bishops on dark squares only (c1, f8)
      {"2b4k/8/8/8/8/8/8/2B1K3 w - - 0 1", false},  // bishops on both colours
      {"4k3/8/8/8/8/8/8/1NN1K3 w - - 0 1", false},  // two knights: a mate exists
      {"4k3/8/8/8/8/8/8/3RK3 w - - 0 1", false},    // a rook
      {"4k3/8/8/8/8/8/4P3/4K3 w - - 0 1", false},   // a pawn
  };
  for (const auto& [fen, insufficient] : cases) {
    std::unique_ptr<ChessState> t = start(fen_spec(fen));
    EXPECT_EQ(t->termination(), insufficient ? "insufficient material" : "") << fen;
    EXPECT_EQ(t->is_terminal(), insufficient) << fen;
  }
}

// ---------------------------------------------------------------------------------------
// What players see

float at(const std::vector<float>& obs, int plane, const std::string& square) {
  return obs[plane * 64 + chess::parse_square(square)];
}
float at_flipped(const std::vector<float>& obs, int plane, const std::string& square) {
  return obs[plane * 64 + (chess::parse_square(square) ^ 56)];
}
float sum(const std::vector<float>& obs, int plane) {
  float total = 0;
  for (int i = 0; i < 64; ++i) total += obs[plane * 64 + i];
  return total;
}

TEST(Chess, ObservationPlanesFromEachSide) {
  std::unique_ptr<ChessState> s = start(fen_spec("r3k3/8/8/3pP3/8/8/8/4K2R w Kq d6 30 40"));
  const std::vector<float> white = s->observation_tensor(0);
  const std::vector<float> black = s->observation_tensor(1);
  ASSERT_EQ(white.size(), 21u * 64u);
  // White's side: its first rank is row 0.
  EXPECT_EQ(at(white, 0, "e5"), 1);  // its pawn
  EXPECT_EQ(sum(white, 0), 1);
  EXPECT_EQ(at(white, 3, "h1"), 1);  // its rook
  EXPECT_EQ(at(white, 5, "e1"), 1);  // its king
  EXPECT_EQ(at(white, 6, "d5"), 1);  // the opponent's pawn
  EXPECT_EQ(at(white, 9, "a8"), 1);  // the opponent's rook
  EXPECT_EQ(at(white, 11, "e8"), 1);
  EXPECT_EQ(sum(white, 12) + sum(white, 13), 0);  // not seen before
  EXPECT_EQ(sum(white, 14), 64);                  // its king side
  EXPECT_EQ(sum(white, 15), 0);
  EXPECT_EQ(sum(white, 16), 0);
  EXPECT_EQ(sum(white, 17), 64);  // the opponent's queen side
  EXPECT_EQ(at(white, 18, "d6"), 1);
  EXPECT_EQ(sum(white, 18), 1);
  EXPECT_FLOAT_EQ(white[19 * 64 + 17], 0.3f);
  EXPECT_EQ(sum(white, 20), 0);
  // Black's side: the board flipped top to bottom, its pieces first.
  EXPECT_EQ(at_flipped(black, 0, "d5"), 1);
  EXPECT_EQ(sum(black, 0), 1);
  EXPECT_EQ(at_flipped(black, 3, "a8"), 1);
  EXPECT_EQ(at_flipped(black, 5, "e8"), 1);
  EXPECT_EQ(at_flipped(black, 6, "e5"), 1);
  EXPECT_EQ(at_flipped(black, 9, "h1"), 1);
  EXPECT_EQ(at_flipped(black, 11, "e1"), 1);
  EXPECT_EQ(sum(black, 14), 0);
  EXPECT_EQ(sum(black, 15), 64);
  EXPECT_EQ(sum(black, 16), 64);
  EXPECT_EQ(sum(black, 17), 0);
  EXPECT_EQ(at_flipped(black, 18, "d6"), 1);
  EXPECT_EQ(sum(black, 20), 64);

  // Repetitions: the start position seen once, then twice, before.
  std::unique_ptr<ChessState> r = start("chess");
  play(*r, {"Nf3", "Nf6", "Ng1", "Ng8"});
  std::vector<float> obs = r->observation_tensor(0);
  EXPECT_EQ(sum(obs, 12), 64);
  EXPECT_EQ(sum(obs, 13), 0);
  EXPECT_EQ(sum(obs, 14) + sum(obs, 15) + sum(obs, 16) + sum(obs, 17), 4 * 64);
  play(*r, {"Nf3", "Nf6", "Ng1"});
  obs = r->observation_tensor(1);
  EXPECT_EQ(sum(obs, 12), 64);
  EXPECT_EQ(sum(obs, 13), 0);
  EXPECT_EQ(at_flipped(obs, 0, "e7"), 1);  // Black's pawns from its side
  EXPECT_EQ(at(obs, 0, "e2"), 1);
}

TEST(Chess, ViewFields) {
  std::unique_ptr<ChessState> s = start("chess");
  Json v = s->view(kSpectator)["state"];
  EXPECT_EQ(v["fen"], "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1");
  EXPECT_EQ(v["board"][0], "rnbqkbnr");
  EXPECT_EQ(v["board"][6], "PPPPPPPP");
  EXPECT_EQ(v["side"], "white");
  EXPECT_EQ(v["moves"], Json::array());
  EXPECT_TRUE(v["last_move"].is_null());
  EXPECT_TRUE(v["check"].is_null());
  EXPECT_EQ(v["variant"], "standard");
  EXPECT_EQ(v["result"], "*");
  EXPECT_TRUE(v["termination"].is_null());

  play(*s, {"e2e4"});
  v = s->view(0)["state"];
  EXPECT_EQ(v["side"], "black");
  EXPECT_EQ(v["board"][4], "....P...");
  EXPECT_EQ(v["last_move"], (Json{{"from", "e2"}, {"to", "e4"}, {"uci", "e2e4"}}));
  EXPECT_EQ(v["moves"], Json::array({"e4"}));
  EXPECT_EQ(s->view(0).dump(), s->view(1).dump());
  EXPECT_EQ(s->view(1).dump(), s->view(kSpectator).dump());

  play(*s, {"e5", "Qh5", "Nc6", "Bc4", "Nf6", "Qxf7#"});
  Json all = s->view(kSpectator);
  v = all["state"];
  EXPECT_EQ(v["moves"], Json::array({"e4", "e5", "Qh5", "Nc6", "Bc4", "Nf6", "Qxf7#"}));
  EXPECT_EQ(v["side"], "white") << "once over, the last mover";
  EXPECT_EQ(v["check"], "e8");
  EXPECT_EQ(v["result"], "1-0");
  EXPECT_EQ(v["termination"], "checkmate");
  EXPECT_EQ(v["last_move"]["uci"], "h5f7");
  EXPECT_EQ(all["returns"], Json::array({1.0, -1.0}));
  EXPECT_TRUE(all["terminal"].get<bool>());

  // Castling in standard chess is shown as the king's move.
  std::unique_ptr<ChessState> c = start(fen_spec("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1"));
  play(*c, {"O-O"});
  EXPECT_EQ(c->view(kSpectator)["state"]["last_move"], (Json{{"from", "e1"}, {"to", "g1"}, {"uci", "e1g1"}}));
}

// Different histories to one position have different keys (the view lists the moves);
// the key holds the position itself.
TEST(Chess, InformationKeyHoldsThePositionAndHowItCameAbout) {
  std::unique_ptr<ChessState> a = start("chess");
  std::unique_ptr<ChessState> b = start("chess");
  play(*a, {"Nf3", "Nf6", "Ng1", "Ng8"});
  EXPECT_NE(a->information_key(0), b->information_key(0));
  EXPECT_EQ(a->information_key(0).rfind(a->position().fen(), 0), 0u);
  EXPECT_EQ(a->information_key(0), a->information_key(kSpectator));
}

// ---------------------------------------------------------------------------------------
// PGN

std::map<std::string, std::string> tags_of(const std::string& pgn) {
  std::map<std::string, std::string> tags;
  std::istringstream in(pgn);
  for (std::string line; std::getline(in, line) && !line.empty();) {
    const size_t space = line.find(' ');
    tags[line.substr(1, space - 1)] = line.substr(space + 2, line.size() - space - 4);
  }
  return tags;
}

std::string movetext_of(const std::string& pgn) { return pgn.substr(pgn.find("\n\n") + 2); }

// The SAN moves of movetext, read back move by move with Position::parse_san.
std::vector<std::string> replay_movetext(const std::string& movetext, Position p) {
  std::vector<std::string> uci;
  std::istringstream in(movetext);
  std::string token;
  bool comment = false;
  while (in >> token) {
    if (token.front() == '{') comment = true;
    if (comment) {
      if (token.back() == '}') comment = false;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(token.front())) || token == "*")
      continue;  // numbers, results
    Result<Move> m = p.parse_san(token);
    EXPECT_TRUE(m.ok()) << token << " at " << p.fen();
    if (!m.ok()) break;
    uci.push_back(p.uci(*m));
    p = p.make(*m);
  }
  return uci;
}

ExportInfo info(std::string termination = "normal", std::vector<double> returns = {}) {
  return {{"player0", "player1"}, "2026-11-30", "Arena", "17", std::move(termination), std::move(returns)};
}

TEST(Chess, PgnHasTheSevenTagRosterAndReadsBack) {
  std::unique_ptr<ChessState> s = start("chess");
  play(*s, {"e4", "e5", "Qh5", "Nc6", "Bc4", "Nf6", "Qxf7#"});
  std::optional<ExportText> pgn = s->export_text(info("normal", {1, -1}));
  ASSERT_TRUE(pgn.has_value());
  EXPECT_EQ(pgn->format, "pgn");
  EXPECT_EQ(pgn->content_type, "application/x-chess-pgn");
  EXPECT_EQ(
      pgn->text.rfind("[Event \"Arena match\"]\n[Site \"Arena\"]\n[Date \"2026.11.30\"]\n[Round \"17\"]\n"
                      "[White \"player0\"]\n[Black \"player1\"]\n[Result \"1-0\"]\n",
                      0),
      0u)
      << pgn->text;
  const std::map<std::string, std::string> tags = tags_of(pgn->text);
  EXPECT_EQ(tags.at("Termination"), "normal");
  EXPECT_EQ(tags.at("TimeControl"), "-");
  EXPECT_EQ(tags.count("SetUp"), 0u);
  EXPECT_EQ(tags.count("Variant"), 0u);
  EXPECT_EQ(movetext_of(pgn->text),
            "1. e4 e5 2. Qh5 Nc6 3. Bc4 Nf6 4. Qxf7# {White wins by checkmate} 1-0\n");
}

TEST(Chess, PgnTimeControlFollowsTheMatchClock) {
  std::unique_ptr<ChessState> s = start("chess");
  ExportInfo fischer = info();
  fischer.clock_initial_ms = 300'000;
  fischer.clock_increment_ms = 2'500;
  EXPECT_EQ(tags_of(s->export_text(fischer)->text).at("TimeControl"), "300+2.5");
  ExportInfo per_move = info();
  per_move.clock_per_move_ms = 5'000;
  EXPECT_EQ(tags_of(s->export_text(per_move)->text).at("TimeControl"), "1/5");
}

TEST(Chess, PgnOfLongGamesWrapsAndRoundTrips) {
  for (const std::string spec : {"chess", "chess(variant=chess960,start=360)"}) {
    Rng rng(5);
    std::unique_ptr<ChessState> s = start(spec);
    while (!s->is_terminal() && s->ply() < 300) {
      const std::vector<Action> legal = s->legal_actions();
      ASSERT_TRUE(s->apply(legal[rng.uniform(legal.size())]).ok());
    }
    const std::string pgn = s->export_text(info())->text;
    std::istringstream in(pgn);
    for (std::string line; std::getline(in, line);) EXPECT_LT(line.size(), 80u) << line;
    const std::string movetext = movetext_of(pgn);
    EXPECT_EQ(replay_movetext(movetext, s->game().params().get_string("variant") == "chess960"
                                            ? static_cast<const ChessGame&>(s->game()).start_position()
                                            : Position::start()),
              s->uci_moves());
    const std::string result = s->result();
    EXPECT_EQ(movetext.substr(movetext.size() - result.size() - 1), result + "\n");
    EXPECT_EQ(tags_of(pgn).at("Result"), result);
  }
}

// pgn-extract (Debian's, from scripts/setup) as the common PGN tool: it must read every
// move of our export and reach the final position we did.
TEST(Chess, PgnIsReadByPgnExtract) {
  const std::string tool = "/usr/games/pgn-extract";
  ASSERT_EQ(::access(tool.c_str(), X_OK), 0) << tool << " is required by this test: run scripts/setup";
  int n = 0;
  for (const std::string& spec : {std::string("chess"), std::string("chess(variant=chess960,start=360)"),
                                  std::string("chess(variant=chess960,start=0)"),
                                  fen_spec("r3k2r/1P6/8/8/8/8/6p1/R3K2R w KQkq - 0 30")}) {
    for (uint64_t seed : {1, 2, 3}) {
      Rng rng(seed);
      std::unique_ptr<ChessState> s = start(spec);
      while (!s->is_terminal()) {
        const std::vector<Action> legal = s->legal_actions();
        ASSERT_TRUE(s->apply(legal[rng.uniform(legal.size())]).ok());
      }
      const std::filesystem::path file =
          std::filesystem::temp_directory_path() /
          ("arena-pgn-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
      std::ofstream(file) << s->export_text(info())->text;
      // -s silent, -F: the final position as a FEN comment, --nofauxep: en-passant squares only
      // where a capture is possible (as ours).
      FILE* out = ::popen((tool + " -s -F --nofauxep " + file.string() + " 2>&1").c_str(), "r");
      ASSERT_NE(out, nullptr);
      std::string text;
      char buffer[4096];
      for (size_t got; (got = std::fread(buffer, 1, sizeof buffer, out)) > 0;) text.append(buffer, got);
      EXPECT_EQ(::pclose(out), 0) << text;
      std::filesystem::remove(file);
      // The last comment is the final FEN; compare the fields that do not depend on how a
      // tool writes Chess960 castling rights (placement, side, en passant, clocks).
      const size_t open = text.rfind('{'), close = text.rfind('}');
      ASSERT_TRUE(open != std::string::npos && close > open) << spec << ": " << text;
      std::string final_fen = text.substr(open + 1, close - open - 1);
      std::erase(final_fen, '"');  // -F quotes it
      std::istringstream theirs(final_fen), ours(s->position().fen());
      std::vector<std::string> a, b;
      for (std::string f; theirs >> f;) a.push_back(f);
      for (std::string f; ours >> f;) b.push_back(f);
      ASSERT_EQ(a.size(), 6u) << spec << ": " << text;
      for (size_t i : {0, 1, 3, 4, 5}) EXPECT_EQ(a[i], b[i]) << spec << " seed " << seed << " field " << i;
      if (spec == "chess") {
        EXPECT_EQ(a[2], b[2]);
      }
    }
  }
}

TEST(Chess, PgnOfChess960AndSetUpPositionsCarriesTheStart) {
  std::unique_ptr<ChessState> s = start("chess(variant=chess960,start=360)");
  play(*s, {"O-O-O", "g7g6"});
  std::map<std::string, std::string> tags = tags_of(s->export_text(info("", {}))->text);
  EXPECT_EQ(tags.at("Variant"), "Chess960");
  EXPECT_EQ(tags.at("SetUp"), "1");
  EXPECT_EQ(tags.at("FEN"), s->start_fen());
  EXPECT_EQ(tags.at("Result"), "*");
  EXPECT_EQ(tags.at("Termination"), "unterminated");
  Result<Position> start960 = Position::from_fen(tags.at("FEN"), true);
  ASSERT_TRUE(start960.ok());
  EXPECT_EQ(replay_movetext(movetext_of(s->export_text(info())->text), *start960), s->uci_moves());

  // A set-up position with Black to move numbers its first move "40...".
  std::unique_ptr<ChessState> t = start(fen_spec("4k3/8/8/8/8/8/4P3/4K3 b - - 0 40"));
  play(*t, {"Kd7", "e4"});
  const std::string pgn = t->export_text(info())->text;
  tags = tags_of(pgn);
  EXPECT_EQ(tags.at("SetUp"), "1");
  EXPECT_EQ(tags.at("FEN"), "4k3/8/8/8/8/8/4P3/4K3 b - - 0 40");
  EXPECT_EQ(tags.count("Variant"), 0u);
  EXPECT_EQ(movetext_of(pgn), "40... Kd7 41. e4 *\n");
}

TEST(Chess, PgnResultComesFromTheArenaWhenItEndedTheGame) {
  std::unique_ptr<ChessState> s = start("chess");
  play(*s, {"e4", "e5"});
  struct Case {
    std::string how;
    std::vector<double> returns;
    std::string result, termination, comment;
  };
  const Case cases[] = {
      {"resign", {-1, 1}, "0-1", "normal", "{White resigns}"},
      {"flag", {1, -1}, "1-0", "time forfeit", "{Black lost on time}"},
      {"draw_agreed", {0, 0}, "1/2-1/2", "normal", "{Draw agreed}"},
      {"illegal_action", {-1, 1}, "0-1", "rules infraction", "{White forfeits by an illegal move}"},
      {"disconnect", {1, -1}, "1-0", "abandoned", "{Black left the game}"},
      {"abort", {}, "*", "unterminated", ""},
  };
  for (const Case& c : cases) {
    const std::string pgn = s->export_text(info(c.how, c.returns))->text;
    const std::map<std::string, std::string> tags = tags_of(pgn);
    EXPECT_EQ(tags.at("Result"), c.result) << c.how;
    EXPECT_EQ(tags.at("Termination"), c.termination) << c.how;
    EXPECT_EQ(movetext_of(pgn), "1. e4 e5 " + c.comment + (c.comment.empty() ? "" : " ") + c.result + "\n")
        << c.how;
  }
}

// ---------------------------------------------------------------------------------------
// `arena chess perft`

using testing::lines;
using testing::Output;

Output arena(const std::string& args) { return testing::run_arena(args); }

TEST(ChessCli, PerftPrintsTheCountLast) {
  Output r = arena("chess perft --depth 3");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(lines(r.out).back(), "8902");
  r = arena(
      "chess perft --fen 'r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1' --depth 2");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(lines(r.out).back(), "2039");
  r = arena("chess perft --depth 0");
  EXPECT_EQ(lines(r.out).back(), "1");
}

TEST(ChessCli, PerftDivideListsEachMoveSorted) {
  Output r = arena("chess perft --depth 2 --divide");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::vector<std::string> out = lines(r.out);
  ASSERT_EQ(out.size(), 22u) << r.out;
  EXPECT_EQ(out[0], "a2a3: 20");
  EXPECT_EQ(out[1], "a2a4: 20");
  EXPECT_EQ(out[2], "b1a3: 20");
  EXPECT_TRUE(std::is_sorted(out.begin(), out.begin() + 20));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(out[i].substr(4), ": 20") << out[i];
  EXPECT_EQ(out[20], "");
  EXPECT_EQ(out[21], "400");

  // Chess960 notation: castling as king-takes-rook.
  r = arena("chess perft --chess960 --divide --depth 1 --fen '1r2k2r/8/8/8/8/8/8/1R2K2R w HBhb - 0 1'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  out = lines(r.out);
  EXPECT_NE(std::find(out.begin(), out.end(), "e1h1: 1"), out.end()) << r.out;
  EXPECT_NE(std::find(out.begin(), out.end(), "e1b1: 1"), out.end()) << r.out;
}

TEST(ChessCli, PerftRefusesABadFen) {
  Output r = arena("chess perft --fen 'rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR x KQkq - 0 1' --depth 1");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("arena chess perft: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("active color"), std::string::npos) << r.out;
  r = arena("chess perft");
  EXPECT_EQ(r.exit_code, 2) << "--depth is required: " << r.out;
}

}  // namespace
}  // namespace arena
