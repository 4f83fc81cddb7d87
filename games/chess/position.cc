#include "games/chess/position.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <vector>

namespace arena::chess {
namespace {

// --- Tables ------------------------------------------------------------------------------

constexpr Bitboard kFileA = 0x0101010101010101ULL;
constexpr Bitboard kRank1 = 0xFFULL;

constexpr Bitboard rank_bb(int rank) { return kRank1 << (8 * rank); }
constexpr Bitboard file_bb(int file) { return kFileA << file; }

// splitmix64: the seeded generator of the Zobrist keys.
struct SplitMix {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
};

struct Magic {
  Bitboard mask;
  uint64_t multiplier;
  const Bitboard* attacks;
  int shift;
  Bitboard lookup(Bitboard occupied) const { return attacks[((occupied & mask) * multiplier) >> shift]; }
};

// Attacks of a slider on `s` moving in `directions` (file, rank steps), stopping at the
// first occupied square (included).
Bitboard slide(Square s, const int (*directions)[2], Bitboard occupied) {
  Bitboard attacks = 0;
  for (int d = 0; d < 4; ++d) {
    int f = file_of(s) + directions[d][0];
    int r = rank_of(s) + directions[d][1];
    while (f >= 0 && f < 8 && r >= 0 && r < 8) {
      const Square t = make_square(f, r);
      attacks |= bit(t);
      if (occupied & bit(t)) break;
      f += directions[d][0];
      r += directions[d][1];
    }
  }
  return attacks;
}

constexpr int kRookDirections[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
constexpr int kBishopDirections[4][2] = {{1, 1}, {1, -1}, {-1, 1}, {-1, -1}};

struct Tables {
  Bitboard knight[64];
  Bitboard king[64];
  Bitboard pawn[2][64];
  Magic rook[64];
  Magic bishop[64];
  std::vector<Bitboard> rook_table;
  std::vector<Bitboard> bishop_table;
  Bitboard between[64][64];  // strictly between two aligned squares
  Bitboard line[64][64];     // the whole line through two aligned squares
  uint64_t piece_keys[2][6][64];
  uint64_t castling_keys[16];
  uint64_t ep_keys[8];
  uint64_t side_key;
};

// Magic multipliers, one per square (a1 = 0 ... h8 = 63). They were found once by a
// seeded search (splitmix64 from 0x5EEDC4E550000001, candidates the AND of three draws,
// kept when no two occupancies with different attacks share an index), which this file
// ran at every start-up until it was seen to cost seconds in the sanitizer build.
// init_magics checks each again as it fills the tables.
constexpr uint64_t kRookMultipliers[64] = {
    0x0080008020184002ULL, 0x00C0100020004000ULL, 0xA100282001C10050ULL, 0x0600100842002C20ULL,
    0x0480080004000280ULL, 0x0200010200088410ULL, 0x4400008801100244ULL, 0x03800D0000204080ULL,
    0x4000802080004000ULL, 0x0008804000200484ULL, 0x0049001048200500ULL, 0x8082000820401200ULL,
    0x0080800400800800ULL, 0x0222800200140080ULL, 0x4206000200080401ULL, 0x0002000C00904502ULL,
    0x2000828000400060ULL, 0x0100848020004000ULL, 0x0021010010200440ULL, 0x0806808010060800ULL,
    0x4084008080040800ULL, 0x0844008004800200ULL, 0x0000440008904201ULL, 0x0188020001004084ULL,
    0x0018400080208000ULL, 0x401002444002200AULL, 0x00A0200480100480ULL, 0x0400080480100081ULL,
    0x2210080080040080ULL, 0x1800020080040080ULL, 0x4088020400414850ULL, 0x0201140200008051ULL,
    0x0200400020800080ULL, 0x10A0100040400022ULL, 0x300020018C801000ULL, 0x0160800800801002ULL,
    0x0000080185001100ULL, 0x081020C008010410ULL, 0x00B04108C4000210ULL, 0x420404004E002281ULL,
    0x8810932140048000ULL, 0x0000200050004004ULL, 0x0400200100410010ULL, 0x0100100008008080ULL,
    0x2818050008010010ULL, 0x8000020004008080ULL, 0x4000010002008080ULL, 0x0030005089020004ULL,
    0x8200400480002280ULL, 0x0000200040100140ULL, 0x0400224481120200ULL, 0x0007811000080080ULL,
    0x5003802400080180ULL, 0x0020020004008080ULL, 0x2020485051020400ULL, 0x0000010040940200ULL,
    0x04610440820210A2ULL, 0x0008108020400105ULL, 0x00A24100100A2001ULL, 0x2400042110010009ULL,
    0x800200142008102AULL, 0xA00A00040130085AULL, 0x0008028810021544ULL, 0x408231040040802AULL,
};
constexpr uint64_t kBishopMultipliers[64] = {
    0x14D4200C84010040ULL, 0x0289080100420044ULL, 0x0090608204400101ULL, 0x0108204048000002ULL,
    0x0084104442888002ULL, 0x0001012091088000ULL, 0x8150440420081200ULL, 0x0020240200A4200CULL,
    0x5805080288084102ULL, 0x0846105001644080ULL, 0x0020100400484017ULL, 0x00040804A3020025ULL,
    0x002004042140D040ULL, 0x0480111008440000ULL, 0x0080020090049000ULL, 0x04287606060A0200ULL,
    0x1020834024140084ULL, 0x2804024810040048ULL, 0x2402000408001303ULL, 0x8004100804200808ULL,
    0x2009000820080100ULL, 0x0141000080414008ULL, 0x0002000842501462ULL, 0x1830240201040208ULL,
    0x0050408210440100ULL, 0x0884241820180098ULL, 0x030034001A080200ULL, 0x4104010000200880ULL,
    0x0410840000802000ULL, 0x0090208001480400ULL, 0x4040808449041000ULL, 0x000A820022805412ULL,
    0x0402090400202001ULL, 0x1004010804049080ULL, 0x8804220800010808ULL, 0x8001400808108200ULL,
    0x1020090400110408ULL, 0x4150100080010882ULL, 0x2044880200008080ULL, 0x140204214100AA04ULL,
    0x104E480440121400ULL, 0x8104040104402890ULL, 0x0021109290008800ULL, 0x0200004010444201ULL,
    0x0228102012000040ULL, 0x0C20022040400602ULL, 0x0021080A10400280ULL, 0x8001122405000840ULL,
    0x0014820882400222ULL, 0x0009010801054020ULL, 0x0100008400C82184ULL, 0x0000301042020023ULL,
    0x0000401030504001ULL, 0x0000400801044200ULL, 0x0820440400841142ULL, 0x8030140808A22800ULL,
    0x2103140101101080ULL, 0x0010020200A24890ULL, 0x0680322A10420800ULL, 0x0940000004840400ULL,
    0x0001100240482201ULL, 0x00040C40B2A40106ULL, 0x0080402404040444ULL, 0x0820041000A90212ULL,
};

void init_magics(Magic* magics, std::vector<Bitboard>& table, const int (*directions)[2],
                 const uint64_t* multipliers) {
  // Offsets first, so that the table never moves after the pointers are taken.
  size_t total = 0;
  Bitboard masks[64];
  for (Square s = 0; s < 64; ++s) {
    const Bitboard edges = ((rank_bb(0) | rank_bb(7)) & ~rank_bb(rank_of(s))) |
                           ((file_bb(0) | file_bb(7)) & ~file_bb(file_of(s)));
    masks[s] = slide(s, directions, 0) & ~edges;
    total += size_t{1} << std::popcount(masks[s]);
  }
  table.assign(total, 0);
  std::vector<bool> filled(total, false);
  size_t offset = 0;
  for (Square s = 0; s < 64; ++s) {
    Magic& m = magics[s];
    m.mask = masks[s];
    m.multiplier = multipliers[s];
    const int bits = std::popcount(m.mask);
    m.shift = 64 - bits;
    m.attacks = table.data() + offset;
    // Every subset of the mask (Carry-Rippler) and its attacks.
    Bitboard subset = 0;
    do {
      const size_t index = offset + ((subset * m.multiplier) >> m.shift);
      const Bitboard attacks = slide(s, directions, subset);
      if (filled[index] && table[index] != attacks) {
        std::fprintf(stderr, "chess: the magic multiplier of square %d collides\n", s);
        std::abort();
      }
      filled[index] = true;
      table[index] = attacks;
      subset = (subset - m.mask) & m.mask;
    } while (subset);
    offset += size_t{1} << bits;
  }
}

Tables build_tables() {
  Tables t{};
  SplitMix rng{0x5EED'C4E5'5000'0001ULL};  // the Zobrist keys
  for (Square s = 0; s < 64; ++s) {
    const int f = file_of(s), r = rank_of(s);
    auto add = [&](Bitboard& bb, int df, int dr) {
      if (f + df >= 0 && f + df < 8 && r + dr >= 0 && r + dr < 8) bb |= bit(make_square(f + df, r + dr));
    };
    for (auto [df, dr] : {std::pair{1, 2}, {2, 1}, {2, -1}, {1, -2}, {-1, -2}, {-2, -1}, {-2, 1}, {-1, 2}}) {
      add(t.knight[s], df, dr);
    }
    for (int df = -1; df <= 1; ++df) {
      for (int dr = -1; dr <= 1; ++dr) {
        if (df || dr) add(t.king[s], df, dr);
      }
    }
    add(t.pawn[kWhite][s], -1, 1);
    add(t.pawn[kWhite][s], 1, 1);
    add(t.pawn[kBlack][s], -1, -1);
    add(t.pawn[kBlack][s], 1, -1);
  }
  init_magics(t.rook, t.rook_table, kRookDirections, kRookMultipliers);
  init_magics(t.bishop, t.bishop_table, kBishopDirections, kBishopMultipliers);
  for (Square a = 0; a < 64; ++a) {
    for (Square b = 0; b < 64; ++b) {
      if (a == b) continue;
      for (const auto* directions : {kRookDirections, kBishopDirections}) {
        if (slide(a, directions, 0) & bit(b)) {
          t.between[a][b] = slide(a, directions, bit(b)) & slide(b, directions, bit(a));
          t.line[a][b] = (slide(a, directions, 0) & slide(b, directions, 0)) | bit(a) | bit(b);
        }
      }
    }
  }
  for (auto& by_color : t.piece_keys) {
    for (auto& by_type : by_color) {
      for (uint64_t& key : by_type) key = rng.next();
    }
  }
  for (uint64_t& key : t.castling_keys) key = rng.next();
  for (uint64_t& key : t.ep_keys) key = rng.next();
  t.side_key = rng.next();
  return t;
}

// Built before main(); nothing in another translation unit's static initialisers may use
// a Position (the game registry is built in main, never statically).
const Tables kTables = build_tables();

inline Bitboard rook_attacks(Square s, Bitboard occupied) { return kTables.rook[s].lookup(occupied); }
inline Bitboard bishop_attacks(Square s, Bitboard occupied) { return kTables.bishop[s].lookup(occupied); }
inline Bitboard pop_lsb(Bitboard& b, Square& s) {
  s = std::countr_zero(b);
  b &= b - 1;
  return b;
}

constexpr char kPieceLetters[] = "pnbrqk";
constexpr int kPromotionRank[2] = {7, 0};

uint8_t right_color_mask(Color c) { return c == kWhite ? (kWhiteOO | kWhiteOOO) : (kBlackOO | kBlackOOO); }
int right_index(CastlingRight right) { return std::countr_zero(unsigned(right)); }

Error bad_fen(int field, std::string_view name, const std::string& why) {
  return make_error("bad_fen",
                    "bad FEN: field " + std::to_string(field) + " (" + std::string(name) + "): " + why);
}

}  // namespace

std::string square_name(Square s) { return std::string{char('a' + file_of(s)), char('1' + rank_of(s))}; }

Square parse_square(std::string_view text) {
  if (text.size() != 2 || text[0] < 'a' || text[0] > 'h' || text[1] < '1' || text[1] > '8') return kNoSquare;
  return make_square(text[0] - 'a', text[1] - '1');
}

bool MoveList::contains(Move m) const { return std::find(begin(), end(), m) != end(); }

// --- Setting up ----------------------------------------------------------------------------

void Position::put(Color c, PieceType t, Square s) {
  key_ ^= kTables.piece_keys[c][t][s];
  colors_[c] |= bit(s);
  types_[t] |= bit(s);
  board_[s] = t;
}

void Position::remove(Square s) {
  key_ ^= kTables.piece_keys[color_on(s)][board_[s]][s];
  const Bitboard b = ~bit(s);
  colors_[kWhite] &= b;
  colors_[kBlack] &= b;
  types_[board_[s]] &= b;
  board_[s] = kNoPieceType;
}

Square Position::king_square(Color c) const { return std::countr_zero(pieces(c, kKing)); }

int Position::castling_rook_file(CastlingRight right) const {
  return file_of(castling_rook_[right_index(right)]);
}

void Position::finish() {
  const Square k = king_square(side_);
  checkers_ = attackers_to(k, occupied()) & colors_[~side_];
  pinned_ = slider_blockers(side_) & colors_[side_];
}

Bitboard Position::attackers_to(Square s, Bitboard occupied) const {
  return (kTables.pawn[kWhite][s] & pieces(kBlack, kPawn)) |
         (kTables.pawn[kBlack][s] & pieces(kWhite, kPawn)) | (kTables.knight[s] & types_[kKnight]) |
         (kTables.king[s] & types_[kKing]) | (rook_attacks(s, occupied) & (types_[kRook] | types_[kQueen])) |
         (bishop_attacks(s, occupied) & (types_[kBishop] | types_[kQueen]));
}

bool Position::attacked(Square s, Color by) const { return attackers_to(s, occupied()) & colors_[by]; }

// Pieces of either colour that alone stand between `king_color`'s king and an enemy slider.
Bitboard Position::slider_blockers(Color king_color) const {
  const Square k = king_square(king_color);
  const Bitboard them = colors_[~king_color];
  Bitboard snipers = ((rook_attacks(k, 0) & (types_[kRook] | types_[kQueen])) |
                      (bishop_attacks(k, 0) & (types_[kBishop] | types_[kQueen]))) &
                     them;
  const Bitboard occ = occupied();
  Bitboard blockers = 0;
  Square s;
  while (snipers) {
    pop_lsb(snipers, s);
    const Bitboard between = kTables.between[k][s] & occ;
    if (between && !(between & (between - 1))) blockers |= between;
  }
  return blockers;
}

Position Position::start() { return *from_fen("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1"); }

Result<Position> Position::chess960_start(int number) {
  if (number < 0 || number > 959) {
    return make_error("bad_spec",
                      "Chess960 start positions are numbered 0-959, not " + std::to_string(number));
  }
  char rank[8];
  std::fill(std::begin(rank), std::end(rank), ' ');
  int n = number;
  rank[2 * (n % 4) + 1] = 'b';  // the light-squared bishop: b, d, f or h
  n /= 4;
  rank[2 * (n % 4)] = 'b';  // the dark-squared bishop: a, c, e or g
  n /= 4;
  auto place_in_empty = [&](int index, char piece) {
    for (char& c : rank) {
      if (c == ' ' && index-- == 0) {
        c = piece;
        return;
      }
    }
  };
  place_in_empty(n % 6, 'q');
  n /= 6;
  static constexpr int kKnights[10][2] = {{0, 1}, {0, 2}, {0, 3}, {0, 4}, {1, 2},
                                          {1, 3}, {1, 4}, {2, 3}, {2, 4}, {3, 4}};
  place_in_empty(kKnights[n][1], 'n');  // the later one first, so the earlier index stands
  place_in_empty(kKnights[n][0], 'n');
  place_in_empty(0, 'r');
  place_in_empty(0, 'k');
  place_in_empty(0, 'r');
  std::string black(rank, 8);
  std::string white = black;
  for (char& c : white) c = char(std::toupper(static_cast<unsigned char>(c)));
  return from_fen(black + "/pppppppp/8/8/8/8/PPPPPPPP/" + white + " w KQkq - 0 1", /*chess960=*/true);
}

Result<Position> Position::from_fen(std::string_view fen, bool chess960) {
  std::vector<std::string> fields;
  {
    std::istringstream in{std::string(fen)};
    for (std::string field; in >> field;) fields.push_back(field);
  }
  if (fields.size() < 4 || fields.size() > 6) {
    return make_error("bad_fen",
                      "bad FEN: expected 6 fields (4 at least), found " + std::to_string(fields.size()));
  }
  Position p;
  p.board_.fill(kNoPieceType);
  p.chess960_ = chess960;

  // 1. Piece placement.
  {
    int rank = 7, file = 0;
    for (char c : fields[0]) {
      if (c == '/') {
        if (file != 8)
          return bad_fen(1, "piece placement",
                         "rank " + std::to_string(rank + 1) + " does not have 8 squares");
        if (--rank < 0) return bad_fen(1, "piece placement", "more than 8 ranks");
        file = 0;
      } else if (c >= '1' && c <= '8') {
        file += c - '0';
        if (file > 8)
          return bad_fen(1, "piece placement",
                         "rank " + std::to_string(rank + 1) + " has more than 8 squares");
      } else {
        const char* found = std::strchr(kPieceLetters, std::tolower(static_cast<unsigned char>(c)));
        if (!found || c == 0) return bad_fen(1, "piece placement", std::string("unknown piece '") + c + "'");
        if (file > 7)
          return bad_fen(1, "piece placement",
                         "rank " + std::to_string(rank + 1) + " has more than 8 squares");
        p.put(std::isupper(static_cast<unsigned char>(c)) ? kWhite : kBlack, PieceType(found - kPieceLetters),
              make_square(file, rank));
        ++file;
      }
    }
    if (rank != 0 || file != 8) return bad_fen(1, "piece placement", "expected 8 ranks of 8 squares");
    for (Color c : {kWhite, kBlack}) {
      if (std::popcount(p.pieces(c, kKing)) != 1) {
        return bad_fen(1, "piece placement",
                       std::string(c == kWhite ? "White" : "Black") + " must have exactly one king");
      }
    }
    if (p.types_[kPawn] & (rank_bb(0) | rank_bb(7)))
      return bad_fen(1, "piece placement", "a pawn on the first or last rank");
  }

  // 2. Active colour.
  if (fields[1] == "w") {
    p.side_ = kWhite;
  } else if (fields[1] == "b") {
    p.side_ = kBlack;
  } else {
    return bad_fen(2, "active color", "'" + fields[1] + "' is neither w nor b");
  }

  // 3. Castling: KQkq (the outermost rook on that side), or file letters (Shredder, X-FEN).
  if (fields[2] != "-") {
    for (char c : fields[2]) {
      const Color color = std::isupper(static_cast<unsigned char>(c)) ? kWhite : kBlack;
      const int back = color == kWhite ? 0 : 7;
      const Square king = p.king_square(color);
      const char lower = char(std::tolower(static_cast<unsigned char>(c)));
      if (rank_of(king) != back) {
        return bad_fen(3, "castling availability",
                       std::string("'") + c + "': the king is not on its first rank");
      }
      Square rook = kNoSquare;
      const Bitboard rooks = p.pieces(color, kRook) & rank_bb(back);
      if (lower == 'k') {
        for (int f = 7; f > file_of(king) && rook == kNoSquare; --f) {
          if (rooks & bit(make_square(f, back))) rook = make_square(f, back);
        }
      } else if (lower == 'q') {
        for (int f = 0; f < file_of(king) && rook == kNoSquare; ++f) {
          if (rooks & bit(make_square(f, back))) rook = make_square(f, back);
        }
      } else if (lower >= 'a' && lower <= 'h') {
        if (rooks & bit(make_square(lower - 'a', back))) rook = make_square(lower - 'a', back);
      } else {
        return bad_fen(3, "castling availability", std::string("unknown letter '") + c + "'");
      }
      if (rook == kNoSquare) {
        return bad_fen(3, "castling availability", std::string("'") + c + "': no rook to castle with");
      }
      const bool king_side = file_of(rook) > file_of(king);
      const CastlingRight right =
          color == kWhite ? (king_side ? kWhiteOO : kWhiteOOO) : (king_side ? kBlackOO : kBlackOOO);
      if (p.castling_ & right) {
        return bad_fen(3, "castling availability", std::string("'") + c + "' repeats a right");
      }
      p.castling_ |= right;
      p.castling_rook_[right_index(right)] = int8_t(rook);
      // Standard chess castles only with the king on e and the rooks in the corners.
      if (!chess960 && (file_of(king) != 4 || (file_of(rook) != 0 && file_of(rook) != 7))) {
        return bad_fen(
            3, "castling availability",
            std::string("'") + c + "' needs the king on e and the rook in its corner (or variant chess960)");
      }
    }
  }

  // 4. En passant (kept only when a capture there is legal: keep_en_passant_if_legal).
  if (fields[3] != "-") {
    const Square ep = parse_square(fields[3]);
    const int expected_rank = p.side_ == kWhite ? 5 : 2;
    if (ep == kNoSquare) return bad_fen(4, "en passant target square", "'" + fields[3] + "' is not a square");
    if (rank_of(ep) != expected_rank) {
      return bad_fen(4, "en passant target square",
                     "'" + fields[3] + "' is not on rank " + std::to_string(expected_rank + 1));
    }
    const Square pushed = p.side_ == kWhite ? ep - 8 : ep + 8;
    if (!(p.pieces(~p.side_, kPawn) & bit(pushed)) || (p.occupied() & bit(ep))) {
      return bad_fen(4, "en passant target square",
                     "'" + fields[3] + "' has no pawn that just advanced two squares");
    }
    p.ep_ = ep;
  }

  // 5 and 6. The clocks.
  auto read_number = [](const std::string& text, int& out) {
    if (text.empty() || text.size() > 6 || !std::all_of(text.begin(), text.end(), ::isdigit)) return false;
    out = std::stoi(text);
    return true;
  };
  if (fields.size() > 4 && !read_number(fields[4], p.halfmove_)) {
    return bad_fen(5, "halfmove clock", "'" + fields[4] + "' is not a number");
  }
  if (fields.size() > 5 && (!read_number(fields[5], p.fullmove_) || p.fullmove_ < 1)) {
    return bad_fen(6, "fullmove number", "'" + fields[5] + "' is not a positive number");
  }

  if (p.attacked(p.king_square(~p.side_), p.side_)) {
    return bad_fen(2, "active color", "the side not to move is in check");
  }
  // The key so far holds the pieces (put() keeps it); the rest joins here.
  if (p.side_ == kBlack) p.key_ ^= kTables.side_key;
  p.key_ ^= kTables.castling_keys[p.castling_];
  p.finish();
  p.keep_en_passant_if_legal();
  return p;
}

std::string Position::fen() const {
  std::string out;
  for (int rank = 7; rank >= 0; --rank) {
    int empty = 0;
    for (int file = 0; file < 8; ++file) {
      const Square s = make_square(file, rank);
      if (board_[s] == kNoPieceType) {
        ++empty;
        continue;
      }
      if (empty) out += char('0' + empty);
      empty = 0;
      const char letter = kPieceLetters[board_[s]];
      out += color_on(s) == kWhite ? char(std::toupper(letter)) : letter;
    }
    if (empty) out += char('0' + empty);
    if (rank) out += '/';
  }
  out += side_ == kWhite ? " w " : " b ";
  if (!castling_) out += '-';
  for (CastlingRight right : {kWhiteOO, kWhiteOOO, kBlackOO, kBlackOOO}) {
    if (!(castling_ & right)) continue;
    const Color color = (right & (kWhiteOO | kWhiteOOO)) ? kWhite : kBlack;
    const Square rook = castling_rook_[right_index(right)];
    const bool king_side = right == kWhiteOO || right == kBlackOO;
    // KQkq when the rook is the outermost on its side; its file letter otherwise.
    const Bitboard beyond = king_side ? (rank_bb(rank_of(rook)) & ~((bit(rook) << 1) - 1))
                                      : (rank_bb(rank_of(rook)) & (bit(rook) - 1));
    char letter = (pieces(color, kRook) & beyond) ? char('a' + file_of(rook)) : (king_side ? 'k' : 'q');
    out += color == kWhite ? char(std::toupper(letter)) : letter;
  }
  out += ' ';
  out += ep_ == kNoSquare ? "-" : square_name(ep_);
  out += ' ' + std::to_string(halfmove_) + ' ' + std::to_string(fullmove_);
  return out;
}

// --- Move generation ---------------------------------------------------------------------

bool Position::castling_legal(CastlingRight right) const {
  const Color us = side_;
  const Square king = king_square(us);
  const Square rook = castling_rook_[right_index(right)];
  const bool king_side = right == kWhiteOO || right == kBlackOO;
  const int back = us == kWhite ? 0 : 7;
  const Square king_to = make_square(king_side ? 6 : 2, back);
  const Square rook_to = make_square(king_side ? 5 : 3, back);
  const Bitboard path =
      (kTables.between[king][king_to] | kTables.between[rook][rook_to] | bit(king_to) | bit(rook_to)) &
      ~(bit(king) | bit(rook));
  if (path & occupied()) return false;
  // The king may not pass through or land on an attacked square (the castling rook still in
  // place), and in Chess960 the rook may not be the piece that shields the king.
  const Bitboard travelled = kTables.between[king][king_to] | bit(king_to);
  for (Bitboard b = travelled; b;) {
    Square s;
    pop_lsb(b, s);
    if (attackers_to(s, occupied()) & colors_[~us]) return false;
  }
  return !(slider_blockers(us) & bit(rook));
}

template <bool kCountOnly>
int Position::generate(MoveList* out) const {
  const Color us = side_, them = ~side_;
  const Bitboard own = colors_[us], enemy = colors_[them], occ = own | enemy;
  const Square king = king_square(us);
  int count = 0;
  auto add_targets = [&](Square from, Bitboard targets) {
    if constexpr (kCountOnly) {
      count += std::popcount(targets);
    } else {
      Square to;
      while (targets) {
        pop_lsb(targets, to);
        out->push(Move(from, to));
      }
    }
  };

  // King moves: to squares no enemy attacks once the king has left its square.
  {
    Bitboard targets = kTables.king[king] & ~own;
    const Bitboard without_king = occ ^ bit(king);
    Bitboard legal = 0;
    Square to;
    while (targets) {
      pop_lsb(targets, to);
      if (!(attackers_to(to, without_king) & enemy)) legal |= bit(to);
    }
    add_targets(king, legal);
  }
  if (checkers_ & (checkers_ - 1)) return count;  // double check: only the king moves

  // Where the other pieces may go: anywhere but our own pieces, or, in check, onto the
  // checker or between it and the king.
  Bitboard target = ~own;
  if (checkers_) {
    const Square checker = std::countr_zero(checkers_);
    target = kTables.between[king][checker] | checkers_;
  }

  // Knights (a pinned knight never moves), bishops, rooks and queens.
  Bitboard knights = pieces(us, kKnight) & ~pinned_;
  Square from;
  while (knights) {
    pop_lsb(knights, from);
    add_targets(from, kTables.knight[from] & target);
  }
  Bitboard diagonal = (types_[kBishop] | types_[kQueen]) & own;
  while (diagonal) {
    pop_lsb(diagonal, from);
    Bitboard t = bishop_attacks(from, occ) & target;
    if (pinned_ & bit(from)) t &= kTables.line[king][from];
    add_targets(from, t);
  }
  Bitboard straight = (types_[kRook] | types_[kQueen]) & own;
  while (straight) {
    pop_lsb(straight, from);
    Bitboard t = rook_attacks(from, occ) & target;
    if (pinned_ & bit(from)) t &= kTables.line[king][from];
    add_targets(from, t);
  }

  // Pawns: the unpinned ones set-wise, the pinned ones one by one along their pin line.
  const Bitboard pawns = pieces(us, kPawn);
  const Bitboard last_rank = rank_bb(kPromotionRank[us]);
  const int up = us == kWhite ? 8 : -8;
  auto shift_up = [us](Bitboard b) { return us == kWhite ? b << 8 : b >> 8; };
  const Bitboard third_rank = rank_bb(us == kWhite ? 2 : 5);
  auto add_pawn_moves = [&](Bitboard targets, int delta) {
    const Bitboard promotions = targets & last_rank;
    const Bitboard quiet = targets & ~last_rank;
    if constexpr (kCountOnly) {
      count += std::popcount(quiet) + 4 * std::popcount(promotions);
    } else {
      Square to;
      for (Bitboard b = quiet; b;) {
        pop_lsb(b, to);
        out->push(Move(to - delta, to));
      }
      for (Bitboard b = promotions; b;) {
        pop_lsb(b, to);
        for (PieceType t : {kQueen, kRook, kBishop, kKnight})
          out->push(Move(to - delta, to, Move::kPromotion, t));
      }
    }
  };
  auto pawn_targets = [&](Bitboard movers) {
    const Bitboard single = shift_up(movers) & ~occ;
    const Bitboard dbl = shift_up(single & third_rank) & ~occ;
    const Bitboard west = shift_up(movers & ~file_bb(0)) >> 1 & enemy;  // toward file a
    const Bitboard east = shift_up(movers & ~file_bb(7)) << 1 & enemy;
    return std::array<Bitboard, 4>{single & target, dbl & target, west & target, east & target};
  };
  {
    const auto [single, dbl, west, east] = pawn_targets(pawns & ~pinned_);
    add_pawn_moves(single, up);
    add_pawn_moves(dbl, 2 * up);
    add_pawn_moves(west, up - 1);
    add_pawn_moves(east, up + 1);
  }
  for (Bitboard pinned = pawns & pinned_; pinned;) {
    pop_lsb(pinned, from);
    const Bitboard line = kTables.line[king][from];
    const auto [single, dbl, west, east] = pawn_targets(bit(from));
    add_pawn_moves(single & line, up);
    add_pawn_moves(dbl & line, 2 * up);
    add_pawn_moves(west & line, up - 1);
    add_pawn_moves(east & line, up + 1);
  }
  // En passant: checked by playing it out (both pawns leave their squares at once, which
  // pins and checks along the rank cannot see).
  if (ep_ != kNoSquare) {
    const Square captured = ep_ - up;
    for (Bitboard attackers = kTables.pawn[them][ep_] & pawns; attackers;) {
      pop_lsb(attackers, from);
      const Bitboard after = (occ ^ bit(from) ^ bit(captured)) | bit(ep_);
      const Bitboard sliders = enemy & ~bit(captured);
      if ((rook_attacks(king, after) & (types_[kRook] | types_[kQueen]) & sliders) ||
          (bishop_attacks(king, after) & (types_[kBishop] | types_[kQueen]) & sliders) ||
          (kTables.knight[king] & pieces(them, kKnight)) ||
          (kTables.pawn[us][king] & pieces(them, kPawn) & ~bit(captured))) {
        continue;
      }
      if constexpr (kCountOnly) {
        ++count;
      } else {
        out->push(Move(from, ep_, Move::kEnPassant));
      }
    }
  }

  // Castling, never out of check.
  if (!checkers_ && (castling_ & right_color_mask(us))) {
    for (CastlingRight right :
         us == kWhite ? std::array{kWhiteOO, kWhiteOOO} : std::array{kBlackOO, kBlackOOO}) {
      if ((castling_ & right) && castling_legal(right)) {
        if constexpr (kCountOnly) {
          ++count;
        } else {
          out->push(Move(king, castling_rook_[right_index(right)], Move::kCastling));
        }
      }
    }
  }
  return count;
}

void Position::legal_moves(MoveList& out) const {
  out.size = 0;
  generate<false>(&out);
}

Position Position::make(Move move) const {
  Position p = *this;
  const Color us = side_, them = ~side_;
  const Square from = move.from();
  Square to = move.to();
  const PieceType piece = board_[from];
  ++p.halfmove_;
  if (us == kBlack) ++p.fullmove_;
  if (ep_ != kNoSquare) p.key_ ^= kTables.ep_keys[file_of(ep_)];
  p.ep_ = kNoSquare;

  if (move.kind() == Move::kCastling) {
    const Square rook = to;
    const bool king_side = rook > from;
    const int back = us == kWhite ? 0 : 7;
    p.remove(from);
    p.remove(rook);
    p.put(us, kKing, make_square(king_side ? 6 : 2, back));
    p.put(us, kRook, make_square(king_side ? 5 : 3, back));
  } else {
    if (move.kind() == Move::kEnPassant) {
      p.remove(us == kWhite ? to - 8 : to + 8);
      p.halfmove_ = 0;
    } else if (board_[to] != kNoPieceType) {
      p.remove(to);
      p.halfmove_ = 0;
    }
    p.remove(from);
    p.put(us, move.kind() == Move::kPromotion ? move.promotion() : piece, to);
    if (piece == kPawn) {
      p.halfmove_ = 0;
      if ((from ^ to) == 16 && (kTables.pawn[us][(from + to) / 2] & pieces(them, kPawn))) {
        p.ep_ = (from + to) / 2;
      }
    }
  }
  // Rights end when the king moves or a castling rook moves or is captured.
  if (p.castling_) {
    if (piece == kKing) p.castling_ &= ~right_color_mask(us);
    for (int i = 0; i < 4; ++i) {
      if ((p.castling_ & (1 << i)) && (castling_rook_[i] == from || castling_rook_[i] == to)) {
        p.castling_ &= ~(1 << i);
      }
    }
  }
  p.key_ ^= kTables.castling_keys[castling_] ^ kTables.castling_keys[p.castling_] ^ kTables.side_key;
  p.side_ = them;
  p.finish();
  p.keep_en_passant_if_legal();
  return p;
}

// The en-passant square stays only when a capture there is legal, so that equal positions
// have equal keys (the repetition rule compares the moves available); its key joins then.
void Position::keep_en_passant_if_legal() {
  if (ep_ == kNoSquare) return;
  MoveList moves;
  legal_moves(moves);
  if (std::none_of(moves.begin(), moves.end(), [](Move m) { return m.kind() == Move::kEnPassant; })) {
    ep_ = kNoSquare;
  } else {
    key_ ^= kTables.ep_keys[file_of(ep_)];
  }
}

uint64_t Position::perft(int depth) const {
  if (depth <= 0) return 1;
  if (depth == 1) return uint64_t(generate<true>(nullptr));
  MoveList moves;
  legal_moves(moves);
  uint64_t nodes = 0;
  for (Move m : moves) nodes += make(m).perft(depth - 1);
  return nodes;
}

bool Position::insufficient_material() const {
  if (types_[kPawn] | types_[kRook] | types_[kQueen]) return false;
  const Bitboard knights = types_[kKnight], bishops = types_[kBishop];
  if (!bishops) return std::popcount(knights) <= 1;
  if (knights) return false;
  constexpr Bitboard kDark = 0xAA55AA55AA55AA55ULL;
  return !(bishops & kDark) || !(bishops & ~kDark);
}

// --- Notation ----------------------------------------------------------------------------

std::string uci_move(Move move, bool chess960) {
  Square to = move.to();
  if (move.kind() == Move::kCastling && !chess960)
    to = make_square(to > move.from() ? 6 : 2, rank_of(move.from()));
  std::string text = square_name(move.from()) + square_name(to);
  if (move.kind() == Move::kPromotion) text += kPieceLetters[move.promotion()];
  return text;
}

Result<Move> Position::parse_uci(std::string_view text) const {
  const bool shaped =
      (text.size() == 4 || text.size() == 5) && parse_square(text.substr(0, 2)) != kNoSquare &&
      parse_square(text.substr(2, 2)) != kNoSquare && (text.size() == 4 || std::strchr("nbrq", text[4]));
  if (!shaped) {
    return make_error("parse_error", "'" + std::string(text) + "' is not a UCI move (such as e2e4 or e7e8q)");
  }
  MoveList moves;
  legal_moves(moves);
  for (Move m : moves) {
    if (uci(m) == text) return m;
    // Standard chess also reads castling as king takes rook ("e1h1"); Chess960 reads only
    // that form, since the king's own move may be an ordinary one there.
    if (m.kind() == Move::kCastling && !chess960_ && text == square_name(m.from()) + square_name(m.to()))
      return m;
  }
  return make_error("illegal_action", "'" + std::string(text) + "' is not a legal move in " + fen());
}

std::string Position::san(Move move) const {
  std::string text;
  const Square from = move.from(), to = move.to();
  const PieceType piece = board_[from];
  if (move.kind() == Move::kCastling) {
    text = to > from ? "O-O" : "O-O-O";
  } else {
    const bool capture = board_[to] != kNoPieceType || move.kind() == Move::kEnPassant;
    if (piece == kPawn) {
      if (capture) text += char('a' + file_of(from));
    } else {
      text += char(std::toupper(kPieceLetters[piece]));
      // Disambiguation: the file if it tells the movers apart, else the rank, else both.
      MoveList moves;
      legal_moves(moves);
      bool others = false, same_file = false, same_rank = false;
      for (Move m : moves) {
        if (m.to() != to || m.from() == from || board_[m.from()] != piece || m.kind() == Move::kCastling)
          continue;
        others = true;
        same_file |= file_of(m.from()) == file_of(from);
        same_rank |= rank_of(m.from()) == rank_of(from);
      }
      if (others) {
        if (!same_file) {
          text += char('a' + file_of(from));
        } else if (!same_rank) {
          text += char('1' + rank_of(from));
        } else {
          text += square_name(from);
        }
      }
    }
    if (capture) text += 'x';
    text += square_name(to);
    if (move.kind() == Move::kPromotion) {
      text += '=';
      text += char(std::toupper(kPieceLetters[move.promotion()]));
    }
  }
  const Position after = make(move);
  if (after.in_check()) {
    MoveList replies;
    after.legal_moves(replies);
    text += replies.size == 0 ? '#' : '+';
  }
  return text;
}

Result<Move> Position::parse_san(std::string_view input) const {
  std::string text(input);
  while (!text.empty() && std::strchr("+#!?", text.back())) text.pop_back();
  auto fail = [&](const std::string& why) {
    return make_error("parse_error", "'" + std::string(input) + "': " + why);
  };
  MoveList moves;
  legal_moves(moves);
  if (text == "O-O" || text == "0-0" || text == "O-O-O" || text == "0-0-0") {
    const bool king_side = text.size() == 3;
    for (Move m : moves) {
      if (m.kind() == Move::kCastling && (m.to() > m.from()) == king_side) return m;
    }
    return make_error("illegal_action", "'" + std::string(input) + "': castling is not legal in " + fen());
  }
  PieceType piece = kPawn;
  if (!text.empty() && std::strchr("NBRQK", text[0])) {
    piece = PieceType(std::strchr(kPieceLetters, std::tolower(text[0])) - kPieceLetters);
    text.erase(0, 1);
  }
  PieceType promotion = kNoPieceType;
  if (piece == kPawn && !text.empty() && std::strchr("NBRQnbrq", text.back()) && text.size() >= 3) {
    promotion = PieceType(std::strchr(kPieceLetters, std::tolower(text.back())) - kPieceLetters);
    text.pop_back();
    if (!text.empty() && text.back() == '=') text.pop_back();
  }
  std::erase_if(text, [](char c) { return c == 'x' || c == '-' || c == ':'; });
  if (text.size() < 2 || text.size() > 4) return fail("not SAN");
  const Square to = parse_square(text.substr(text.size() - 2));
  if (to == kNoSquare) return fail("no destination square");
  int from_file = -1, from_rank = -1;
  for (char c : text.substr(0, text.size() - 2)) {
    if (c >= 'a' && c <= 'h') {
      from_file = c - 'a';
    } else if (c >= '1' && c <= '8') {
      from_rank = c - '1';
    } else {
      return fail("not SAN");
    }
  }
  Move found = kNoMove;
  for (Move m : moves) {
    if (m.kind() == Move::kCastling || m.to() != to || board_[m.from()] != piece) continue;
    if (from_file >= 0 && file_of(m.from()) != from_file) continue;
    if (from_rank >= 0 && rank_of(m.from()) != from_rank) continue;
    const PieceType promoted = m.kind() == Move::kPromotion ? m.promotion() : kNoPieceType;
    if (promoted != promotion) continue;
    if (found) return fail("ambiguous");
    found = m;
  }
  if (!found)
    return make_error("illegal_action", "'" + std::string(input) + "' is not a legal move in " + fen());
  return found;
}

std::string Position::to_string() const {
  std::string out;
  for (int rank = 7; rank >= 0; --rank) {
    out += char('1' + rank);
    out += ' ';
    for (int file = 0; file < 8; ++file) {
      const Square s = make_square(file, rank);
      const char letter = board_[s] == kNoPieceType ? '.' : kPieceLetters[board_[s]];
      out += color_on(s) == kWhite ? char(std::toupper(letter)) : letter;
      out += file < 7 ? " " : "\n";
    }
  }
  out += "  a b c d e f g h\n" + fen() + "\n";
  return out;
}

}  // namespace arena::chess
