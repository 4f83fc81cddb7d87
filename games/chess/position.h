// The chess position on bitboards: FEN in and out, legal move generation, copy-make,
// Zobrist keys, UCI and SAN notation, perft. Standard chess and Chess960 (castling
// rights remember the rooks' files). Knows nothing of the Game/State API (chess.h wraps it).
//
// Squares are 0-63, a1 = 0, b1 = 1, ..., h8 = 63. Sliding attacks use magic bitboards
// (fixed multipliers; the tables are filled and checked before main()).
//
// Copy-make: make() returns the position after a move and leaves this one as it was;
// a Position is a small value (about 90 bytes), so a search keeps one per ply.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace arena::chess {

using Bitboard = uint64_t;
using Square = int;

enum Color : uint8_t { kWhite = 0, kBlack = 1 };
enum PieceType : uint8_t { kPawn, kKnight, kBishop, kRook, kQueen, kKing, kNoPieceType };

inline constexpr Square kNoSquare = -1;
inline constexpr Color operator~(Color c) { return Color(c ^ 1); }
inline constexpr Square make_square(int file, int rank) { return rank * 8 + file; }
inline constexpr int file_of(Square s) { return s & 7; }
inline constexpr int rank_of(Square s) { return s >> 3; }
inline constexpr Bitboard bit(Square s) { return Bitboard{1} << s; }
// "e4" for 28.
std::string square_name(Square s);
// 28 for "e4"; kNoSquare for anything else.
Square parse_square(std::string_view text);

// A move: from, to, and its kind. Castling is stored as the king's square to its rook's
// square (the Chess960 convention); en passant and promotion are marked.
class Move {
 public:
  enum Kind : uint16_t { kNormal = 0, kPromotion = 1, kEnPassant = 2, kCastling = 3 };
  constexpr Move() = default;
  constexpr Move(Square from, Square to, Kind kind = kNormal, PieceType promotion = kKnight)
      : bits_(uint16_t(from | (to << 6) | (kind << 12) | ((promotion - kKnight) << 14))) {}
  constexpr Square from() const { return bits_ & 63; }
  constexpr Square to() const { return (bits_ >> 6) & 63; }
  constexpr Kind kind() const { return Kind((bits_ >> 12) & 3); }
  constexpr PieceType promotion() const { return PieceType(((bits_ >> 14) & 3) + kKnight); }
  constexpr bool operator==(const Move&) const = default;
  constexpr explicit operator bool() const { return bits_ != 0; }
  constexpr uint16_t bits() const { return bits_; }

 private:
  uint16_t bits_ = 0;
};
inline constexpr Move kNoMove{};

// A move in UCI's long algebraic notation: "e2e4", "e7e8q"; castling as the king's
// two-square move ("e1g1"), or king takes rook ("e1h1") in Chess960.
std::string uci_move(Move move, bool chess960);

struct MoveList {
  std::array<Move, 256> moves;  // 218 is the most any position has
  int size = 0;
  const Move* begin() const { return moves.data(); }
  const Move* end() const { return moves.data() + size; }
  void push(Move m) { moves[size++] = m; }
  bool contains(Move m) const;
};

// Castling rights: bit 0 White king side, 1 White queen side, 2 Black king side, 3 Black
// queen side.
enum CastlingRight : uint8_t { kWhiteOO = 1, kWhiteOOO = 2, kBlackOO = 4, kBlackOOO = 8 };

class Position {
 public:
  // The standard start position.
  static Position start();
  // Chess960 start position `number` (0-959, Scharnagl's numbering; 518 is the standard
  // arrangement); nullopt-like Error for a number out of range.
  static Result<Position> chess960_start(int number);
  // Reads FEN (six fields; the last two may be missing and default to "0 1"). Castling may
  // be KQkq, Shredder-FEN file letters (HAha) or X-FEN; `chess960` makes castling moves
  // king-takes-rook in UCI. A bad FEN is a "bad_fen" Error naming the field.
  static Result<Position> from_fen(std::string_view fen, bool chess960 = false);
  // FEN; in Chess960, castling rights as KQkq where unambiguous, file letters otherwise.
  std::string fen() const;

  Color side_to_move() const { return side_; }
  // The piece type on `s` (kNoPieceType when empty) and its colour.
  PieceType piece_on(Square s) const { return board_[s]; }
  Color color_on(Square s) const { return (colors_[kBlack] & bit(s)) ? kBlack : kWhite; }
  Bitboard pieces(Color c) const { return colors_[c]; }
  Bitboard pieces(Color c, PieceType t) const { return colors_[c] & types_[t]; }
  Bitboard occupied() const { return colors_[kWhite] | colors_[kBlack]; }
  Square king_square(Color c) const;
  Square en_passant() const { return ep_; }  // the target square, or kNoSquare
  uint8_t castling_rights() const { return castling_; }
  // The file of the rook a right refers to (0-7).
  int castling_rook_file(CastlingRight right) const;
  int halfmove_clock() const { return halfmove_; }
  int fullmove_number() const { return fullmove_; }
  bool chess960() const { return chess960_; }
  uint64_t key() const { return key_; }

  bool in_check() const { return checkers_ != 0; }
  // Every legal move.
  void legal_moves(MoveList& out) const;
  // The position after `move` (which must be legal here).
  Position make(Move move) const;
  // Whether `color` attacks `s` with the current occupancy.
  bool attacked(Square s, Color by) const;
  // Neither side can mate by any series of legal moves, in the usual cases: kings alone,
  // one minor piece, or bishops all on squares of one colour.
  bool insufficient_material() const;

  // uci_move() in this position's variant.
  std::string uci(Move move) const { return uci_move(move, chess960_); }
  // A legal move from UCI text (either castling form is read); an Error otherwise.
  Result<Move> parse_uci(std::string_view text) const;
  // SAN with check and mate marks: "Nbd7", "exd6", "O-O-O", "e8=Q+", "Qh4#".
  std::string san(Move move) const;
  // A legal move from SAN (check marks, "x", "=" optional; "0-0" read as "O-O").
  Result<Move> parse_san(std::string_view text) const;

  // Leaf nodes at `depth` (bulk-counted at the last ply).
  uint64_t perft(int depth) const;

  // A board diagram, rank 8 first, with the FEN below.
  std::string to_string() const;

 private:
  void put(Color c, PieceType t, Square s);
  void remove(Square s);
  void finish();  // computes the checkers and pins
  void keep_en_passant_if_legal();
  Bitboard attackers_to(Square s, Bitboard occupied) const;
  Bitboard slider_blockers(Color king_color) const;
  bool castling_legal(CastlingRight right) const;
  template <bool kCountOnly>
  int generate(MoveList* out) const;

  std::array<Bitboard, 2> colors_{};
  std::array<Bitboard, 6> types_{};
  std::array<PieceType, 64> board_{};
  Color side_ = kWhite;
  Square ep_ = kNoSquare;
  uint8_t castling_ = 0;
  std::array<int8_t, 4> castling_rook_{-1, -1, -1, -1};  // rook square per right
  bool chess960_ = false;
  int halfmove_ = 0;
  int fullmove_ = 1;
  uint64_t key_ = 0;
  Bitboard checkers_ = 0;
  Bitboard pinned_ = 0;  // the mover's pieces pinned to its king
};

}  // namespace arena::chess
