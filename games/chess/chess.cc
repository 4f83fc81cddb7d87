#include "games/chess/chess.h"

#include <algorithm>
#include <bit>
#include <cstdlib>

namespace arena {
namespace {

using chess::Color;
using chess::kBlack;
using chess::kNoMove;
using chess::kNoPieceType;
using chess::kNoSquare;
using chess::kWhite;
using chess::Move;
using chess::PieceType;
using chess::Position;
using chess::Square;

constexpr int kDefaultStart = 518;  // Chess960's number of the standard arrangement

// The queen-like directions in the order of their move types (type = direction * 7 +
// distance - 1): north, then clockwise. "North" is towards the mover's last rank.
constexpr int kQueenDx[8] = {0, 1, 1, 1, 0, -1, -1, -1};
constexpr int kQueenDy[8] = {1, 1, 0, -1, -1, -1, 0, 1};
// The knight moves (types 56-63), clockwise from one file right, two ranks up.
constexpr int kKnightDx[8] = {1, 2, 2, 1, -1, -2, -2, -1};
constexpr int kKnightDy[8] = {2, 1, -1, -2, -2, -1, 1, 2};
constexpr int kQueenTypes = 56;
constexpr int kUnderPromotionTypes = 64;  // + piece * 3 + (dx + 1); piece 0 knight, 1 bishop, 2 rook

// A square seen from `mover`'s side: Black's board is flipped top to bottom.
Square relative(Square s, Color mover) { return mover == kWhite ? s : s ^ 56; }

// The action id of a move from `from` to `to` (real squares) by `mover`, promoting to
// `promotion` (kNoPieceType or the queen: none of the under-promotion types); -1 when the
// geometry fits no move type.
Action encode(Square from, Square to, PieceType promotion, Color mover) {
  from = relative(from, mover);
  to = relative(to, mover);
  const int dx = chess::file_of(to) - chess::file_of(from);
  const int dy = chess::rank_of(to) - chess::rank_of(from);
  int type = -1;
  if (promotion == chess::kKnight || promotion == chess::kBishop || promotion == chess::kRook) {
    if (dy != 1 || std::abs(dx) > 1) return -1;
    type = kUnderPromotionTypes + (promotion - chess::kKnight) * 3 + (dx + 1);
  } else if (dx == 0 && dy == 0) {
    return -1;
  } else if (dx == 0 || dy == 0 || std::abs(dx) == std::abs(dy)) {
    const int distance = std::max(std::abs(dx), std::abs(dy));
    for (int d = 0; d < 8; ++d) {
      if (kQueenDx[d] * distance == dx && kQueenDy[d] * distance == dy) type = d * 7 + distance - 1;
    }
  } else {
    for (int k = 0; k < 8; ++k) {
      if (kKnightDx[k] == dx && kKnightDy[k] == dy) type = kQueenTypes + k;
    }
  }
  if (type < 0) return -1;
  return from * ChessGame::kMoveTypes + type;
}

// What an action id names without a board: the real from and to squares and an
// under-promotion piece (kNoPieceType for the rest); nullopt when it leaves the board.
struct Geometry {
  Square from, to;
  PieceType promotion;
};
std::optional<Geometry> decode(Action action, Color mover) {
  if (action < 0 || action >= ChessGame::kNumActions) return std::nullopt;
  const Square from = action / ChessGame::kMoveTypes;
  const int type = action % ChessGame::kMoveTypes;
  int dx, dy;
  PieceType promotion = kNoPieceType;
  if (type < kQueenTypes) {
    const int distance = type % 7 + 1;
    dx = kQueenDx[type / 7] * distance;
    dy = kQueenDy[type / 7] * distance;
  } else if (type < kUnderPromotionTypes) {
    dx = kKnightDx[type - kQueenTypes];
    dy = kKnightDy[type - kQueenTypes];
  } else {
    promotion = PieceType(chess::kKnight + (type - kUnderPromotionTypes) / 3);
    dx = (type - kUnderPromotionTypes) % 3 - 1;
    dy = 1;
  }
  const int file = chess::file_of(from) + dx, rank = chess::rank_of(from) + dy;
  if (file < 0 || file > 7 || rank < 0 || rank > 7) return std::nullopt;
  return Geometry{relative(from, mover), relative(chess::make_square(file, rank), mover), promotion};
}

char promotion_letter(PieceType t) { return "pnbrqk"[t]; }

std::string color_name(Color c) { return c == kWhite ? "white" : "black"; }

std::string trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string pgn_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// PGN's Termination values for the arena's ways a match ends.
std::string pgn_termination(const std::string& how, bool over_by_rules) {
  if (how.empty() || how == "normal") return over_by_rules ? "normal" : "unterminated";
  if (how == "resign" || how == "draw_agreed") return "normal";
  if (how == "flag") return "time forfeit";
  if (how == "illegal_action") return "rules infraction";
  if (how == "disconnect" || how == "agent_error") return "abandoned";
  return "unterminated";
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The game

ChessGame::ChessGame(GameType type, GameParams params, chess::Position start, bool chess960, bool claims)
    : Game(std::move(type), std::move(params)), start_(start), chess960_(chess960), claims_(claims) {}

Result<std::shared_ptr<const Game>> ChessGame::create(GameType type, const GameParams& params) {
  const std::string& variant = params.get_string("variant");
  if (variant != "standard" && variant != "chess960") {
    return make_error("bad_spec", "chess: variant must be standard or chess960, got '" + variant + "'");
  }
  const bool chess960 = variant == "chess960";
  const int64_t start = params.get_int("start");
  if (start < 0 || start > 959) {
    return make_error("bad_spec", "chess: start must be from 0 to 959 (Chess960's numbering), got " +
                                      std::to_string(start));
  }
  if (!chess960 && start != kDefaultStart) {
    return make_error("bad_spec", "chess: start picks a Chess960 position: give variant=chess960 with it");
  }
  const std::string& fen = params.get_string("fen");
  if (!fen.empty() && start != kDefaultStart) {
    return make_error("bad_spec", "chess: give start or fen, not both");
  }
  Result<Position> position = !fen.empty() ? Position::from_fen(fen, chess960)
                              : chess960   ? Position::chess960_start(static_cast<int>(start))
                                           : Result<Position>(Position::start());
  if (!position.ok()) return make_error("bad_spec", "chess: " + position.error().message);
  return std::shared_ptr<const Game>(
      std::make_shared<ChessGame>(std::move(type), params, *position, chess960, params.get_bool("claims")));
}

// Every ply is either irreversible (a pawn move or a capture) or reversible. Each pawn can
// move at most (ranks to its last rank) times and each capture removes one of the pieces
// other than the kings, so a game has at most I irreversible plies, counted from the start
// position (126 from the standard one: 16 x 6 pawn moves + 30 captures). Between two of
// them (and before the first and after the last) the move-count rule ends the game once
// the clock reaches 100 half-moves with claims (the fifty-move rule) or 150 without (the
// seventy-five-move rule, always in force), so at most (I + 1) x that + I plies: 12,826
// for standard chess with claims, 19,176 without.
int ChessGame::max_game_length() const {
  int irreversible = std::popcount(start_.occupied()) - 2;
  for (chess::Bitboard b = start_.pieces(kWhite, chess::kPawn); b; b &= b - 1) {
    irreversible += 7 - chess::rank_of(std::countr_zero(b));
  }
  for (chess::Bitboard b = start_.pieces(kBlack, chess::kPawn); b; b &= b - 1) {
    irreversible += chess::rank_of(std::countr_zero(b));
  }
  const int stretch = claims_ ? 100 : 150;
  return (irreversible + 1) * stretch + irreversible;
}

std::unique_ptr<State> ChessGame::new_initial_state() const {
  return std::make_unique<ChessState>(shared_from_this(), start_);
}

std::string ChessGame::rating_group() const {
  if (!chess960_ || !params().get_string("fen").empty()) return spec();
  return claims_ ? "chess(variant=chess960)" : "chess(variant=chess960,claims=false)";
}

// ---------------------------------------------------------------------------------------
// The state

ChessState::ChessState(std::shared_ptr<const Game> game, const chess::Position& start)
    : State(std::move(game)), position_(start) {
  keys_.push_back(position_.key());
  update_legal_and_outcome();
}

const ChessGame& ChessState::chess_game() const { return static_cast<const ChessGame&>(game()); }

int ChessState::repetitions() const {
  return static_cast<int>(std::count(keys_.begin(), keys_.end(), keys_.back()));
}

// Checkmate and stalemate first (a mate on the move that reaches a move-count limit
// stands), then the automatic draws, then the claims the arena makes for the mover.
void ChessState::update_legal_and_outcome() {
  legal_.size = 0;
  position_.legal_moves(legal_);
  termination_.clear();
  winner_ = -1;
  if (legal_.size == 0) {
    termination_ = position_.in_check() ? "checkmate" : "stalemate";
    if (position_.in_check()) winner_ = ~position_.side_to_move();
    return;
  }
  if (position_.insufficient_material()) {
    termination_ = "insufficient material";
    return;
  }
  const int reps = repetitions();
  if (position_.halfmove_clock() >= 150) {
    termination_ = "seventy-five-move rule";
  } else if (reps >= 5) {
    termination_ = "fivefold repetition";
  } else if (chess_game().claims() && position_.halfmove_clock() >= 100) {
    termination_ = "fifty-move rule";
  } else if (chess_game().claims() && reps >= 3) {
    termination_ = "threefold repetition";
  }
}

Player ChessState::current_player() const {
  return termination_.empty() ? Player(position_.side_to_move()) : kTerminalPlayer;
}

Action ChessState::action_of(chess::Move move) const {
  Square to = move.to();
  if (move.kind() == Move::kCastling && !position_.chess960()) {
    // The king's own destination, as standard chess writes castling; king-takes-rook where
    // the king would go only one square (a set-up position), which no other move can name.
    const Square king_to = chess::make_square(to > move.from() ? 6 : 2, chess::rank_of(move.from()));
    if (std::abs(chess::file_of(king_to) - chess::file_of(move.from())) >= 2) to = king_to;
  }
  const PieceType promotion = move.kind() == Move::kPromotion ? move.promotion() : kNoPieceType;
  return encode(move.from(), to, promotion, position_.side_to_move());
}

chess::Move ChessState::move_of(Action action) const {
  for (Move m : legal_) {
    if (action_of(m) == action) return m;
  }
  return kNoMove;
}

std::vector<Action> ChessState::legal_actions(Player player) const {
  std::vector<Action> out;
  if (player != current_player() || player < 0) return out;
  out.reserve(legal_.size);
  for (Move m : legal_) out.push_back(action_of(m));
  std::sort(out.begin(), out.end());
  return out;
}

bool ChessState::is_legal(Action action) const {
  return !is_terminal() && action >= 0 && action < ChessGame::kNumActions && move_of(action) != kNoMove;
}

void ChessState::do_apply(Action action) {
  const Move move = move_of(action);
  position_ = position_.make(move);
  moves_.push_back(move);
  // Positions before a pawn move or a capture cannot occur again.
  if (position_.halfmove_clock() == 0) keys_.clear();
  keys_.push_back(position_.key());
  update_legal_and_outcome();
}

std::vector<double> ChessState::returns() const {
  if (winner_ == kWhite) return {1.0, -1.0};
  if (winner_ == kBlack) return {-1.0, 1.0};
  return {0.0, 0.0};
}

void ChessState::observation_tensor(Player player, std::span<float> out) const {
  std::fill(out.begin(), out.end(), 0.0f);
  const Color me = player == kBlack ? kBlack : kWhite;
  auto plane = [&](int p) { return out.subspan(p * 64, 64); };
  auto fill_plane = [&](int p, float value) { std::ranges::fill(plane(p), value); };
  for (int t = chess::kPawn; t <= chess::kKing; ++t) {
    for (int side = 0; side < 2; ++side) {
      const Color c = side == 0 ? me : ~me;
      for (chess::Bitboard b = position_.pieces(c, PieceType(t)); b; b &= b - 1) {
        plane(side * 6 + t)[relative(std::countr_zero(b), me)] = 1.0f;
      }
    }
  }
  const int reps = repetitions();
  if (reps >= 2) fill_plane(12, 1.0f);
  if (reps >= 3) fill_plane(13, 1.0f);
  const uint8_t rights = position_.castling_rights();
  const bool white = me == kWhite;
  if (rights & (white ? chess::kWhiteOO : chess::kBlackOO)) fill_plane(14, 1.0f);
  if (rights & (white ? chess::kWhiteOOO : chess::kBlackOOO)) fill_plane(15, 1.0f);
  if (rights & (white ? chess::kBlackOO : chess::kWhiteOO)) fill_plane(16, 1.0f);
  if (rights & (white ? chess::kBlackOOO : chess::kWhiteOOO)) fill_plane(17, 1.0f);
  if (position_.en_passant() != kNoSquare) plane(18)[relative(position_.en_passant(), me)] = 1.0f;
  fill_plane(19, static_cast<float>(position_.halfmove_clock()) / 100.0f);
  if (me == kBlack) fill_plane(20, 1.0f);
}

// The view shows the whole game (its SAN list), so the key is the position and every move
// that led to it; the moves also carry the repetition history the draw rules read.
std::string ChessState::information_key(Player) const {
  std::string key = position_.fen();
  key += " moves";
  for (Move m : moves_) key += " " + chess::uci_move(m, position_.chess960());
  return key;
}

std::string ChessState::action_to_string(Player player, Action action) const {
  if (player == current_player()) {
    if (const Move m = move_of(action)) return position_.uci(m);
  }
  const Color mover = player == kBlack ? kBlack : player == kWhite ? kWhite : position_.side_to_move();
  const std::optional<Geometry> g = decode(action, mover);
  if (!g) return "action#" + std::to_string(action);
  std::string out = chess::square_name(g->from) + chess::square_name(g->to);
  if (g->promotion != kNoPieceType) out += promotion_letter(g->promotion);
  return out;
}

Result<Action> ChessState::do_parse_action(Player, std::string_view raw) const {
  const std::string text = trim(raw);
  if (text.empty())
    return make_error("parse_error", "an empty move: write UCI (e2e4, e7e8q) or SAN (Nf3, O-O)");
  Result<Move> uci = position_.parse_uci(text);
  if (uci.ok()) return action_of(*uci);
  // Well-formed UCI that names no legal move still has an id, so that apply() can say it is
  // illegal; text that also reads as a legal move (e7e8 without its piece) is too vague.
  if (text.size() == 4 || text.size() == 5) {
    const Square from = chess::parse_square(std::string_view(text).substr(0, 2));
    const Square to = chess::parse_square(std::string_view(text).substr(2, 2));
    PieceType promotion = kNoPieceType;
    bool letter_ok = true;
    if (text.size() == 5) {
      const size_t i = std::string_view("nbrq").find(text[4]);
      letter_ok = i != std::string_view::npos;
      if (letter_ok) promotion = PieceType(chess::kKnight + i);
    }
    if (from != kNoSquare && to != kNoSquare && letter_ok) {
      const Action id = encode(from, to, promotion, position_.side_to_move());
      if (id >= 0 && move_of(id) == kNoMove) return id;
      return make_error("parse_error", "'" + text + "': " + uci.error().message);
    }
  }
  Result<Move> san = position_.parse_san(text);
  if (san.ok()) return action_of(*san);
  return make_error("parse_error", "'" + text +
                                       "' is not a legal move here in UCI (e2e4, e7e8q) or SAN (Nf3, O-O): " +
                                       san.error().message);
}

std::string ChessState::start_fen() const { return chess_game().start_position().fen(); }

std::vector<std::string> ChessState::uci_moves() const {
  std::vector<std::string> out;
  out.reserve(moves_.size());
  Position p = chess_game().start_position();
  for (Move m : moves_) {
    out.push_back(p.uci(m));
    p = p.make(m);
  }
  return out;
}

std::vector<std::string> ChessState::san_moves() const {
  if (san_cache_.size() < moves_.size()) {
    Position p = chess_game().start_position();
    for (size_t i = 0; i < moves_.size(); ++i) {
      if (i >= san_cache_.size()) san_cache_.push_back(p.san(moves_[i]));
      p = p.make(moves_[i]);
    }
  }
  return {san_cache_.begin(), san_cache_.begin() + static_cast<std::ptrdiff_t>(moves_.size())};
}

std::string ChessState::result() const {
  if (termination_.empty()) return "*";
  if (winner_ == kWhite) return "1-0";
  if (winner_ == kBlack) return "0-1";
  return "1/2-1/2";
}

Json ChessState::do_view(Player) const {
  Json board = Json::array();
  for (int rank = 7; rank >= 0; --rank) {
    std::string row;
    for (int file = 0; file < 8; ++file) {
      const Square s = chess::make_square(file, rank);
      const PieceType t = position_.piece_on(s);
      if (t == kNoPieceType) {
        row += '.';
      } else {
        const char letter = "PNBRQK"[t];
        row += position_.color_on(s) == kWhite ? letter : static_cast<char>(std::tolower(letter));
      }
    }
    board.push_back(row);
  }
  Json last = nullptr;
  if (!moves_.empty()) {
    const std::string uci = chess::uci_move(moves_.back(), position_.chess960());
    last = {{"from", uci.substr(0, 2)}, {"to", uci.substr(2, 2)}, {"uci", uci}};
  }
  const Color side = is_terminal() ? ~position_.side_to_move() : position_.side_to_move();
  return {
      {"fen", position_.fen()},
      {"board", board},
      {"side", color_name(side)},
      {"moves", san_moves()},
      {"last_move", last},
      {"check", position_.in_check()
                    ? Json(chess::square_name(position_.king_square(position_.side_to_move())))
                    : Json(nullptr)},
      {"variant", chess_game().chess960() ? "chess960" : "standard"},
      {"result", result()},
      {"termination", termination_.empty() ? Json(nullptr) : Json(termination_)},
  };
}

std::string ChessState::to_string() const {
  std::string out = position_.to_string();
  if (!out.empty() && out.back() != '\n') out += '\n';
  if (is_terminal()) return out + result() + " (" + termination_ + ")";
  return out + color_name(position_.side_to_move()) + " to move";
}

namespace {

// Seconds as PGN writes them: whole where they are ("300"), else with their decimals.
std::string pgn_seconds(int64_t ms) {
  std::string text = std::to_string(ms / 1000);
  if (ms % 1000) {
    char decimals[8];
    std::snprintf(decimals, sizeof decimals, ".%03d", int(ms % 1000));
    text += decimals;
    while (text.back() == '0') text.pop_back();
  }
  return text;
}

// PGN's TimeControl (its standard, section 9.6.1): "300+5" for Fischer, "1/5" for a fixed
// time per move (periods of one move), "-" untimed.
std::string pgn_time_control(const ExportInfo& info) {
  if (info.clock_initial_ms > 0)
    return pgn_seconds(info.clock_initial_ms) + "+" + pgn_seconds(info.clock_increment_ms);
  if (info.clock_per_move_ms > 0) return "1/" + pgn_seconds(info.clock_per_move_ms);
  return "-";
}

}  // namespace

std::optional<ExportText> ChessState::export_text(const ExportInfo& info) const {
  const ChessGame& g = chess_game();
  // The result: the rules' where they ended the game, the arena's returns where it ended
  // otherwise (resignation, time, an agreed draw, a forfeit).
  const bool by_rules = is_terminal() && (info.termination.empty() || info.termination == "normal");
  std::string result_tag = "*";
  std::string reason;
  if (by_rules) {
    result_tag = result();
    reason = winner_ >= 0 ? std::string(winner_ == kWhite ? "White" : "Black") + " wins by " + termination_
                          : "Draw by " + termination_;
  } else if (info.returns.size() == 2) {
    const std::string& how = info.termination;
    const int loser = info.returns[0] < info.returns[1] ? 0 : info.returns[0] > info.returns[1] ? 1 : -1;
    const std::string loser_name = loser == 0 ? "White" : "Black";
    result_tag = loser == 1 ? "1-0" : loser == 0 ? "0-1" : "1/2-1/2";
    if (loser < 0) {
      reason = how == "draw_agreed" ? "Draw agreed" : "Draw (" + how + ")";
    } else if (how == "resign") {
      reason = loser_name + " resigns";
    } else if (how == "flag") {
      reason = loser_name + " lost on time";
    } else if (how == "illegal_action") {
      reason = loser_name + " forfeits by an illegal move";
    } else if (how == "disconnect") {
      reason = loser_name + " left the game";
    } else {
      reason = loser_name + " forfeits (" + how + ")";
    }
  }
  auto tag = [](const std::string& name, const std::string& value) {
    return "[" + name + " \"" + pgn_escape(value) + "\"]\n";
  };
  auto player = [&](size_t seat) {
    return seat < info.players.size() ? info.players[seat] : std::string("?");
  };
  std::string date = info.date.empty() ? "????.??.??" : info.date;
  std::replace(date.begin(), date.end(), '-', '.');
  std::string out;
  out += tag("Event", "Arena match");
  out += tag("Site", info.site.empty() ? "?" : info.site);
  out += tag("Date", date);
  out += tag("Round", info.round.empty() ? "-" : info.round);
  out += tag("White", player(0));
  out += tag("Black", player(1));
  out += tag("Result", result_tag);
  if (g.chess960()) out += tag("Variant", "Chess960");
  if (g.chess960() || !g.params().get_string("fen").empty()) {
    out += tag("SetUp", "1");
    out += tag("FEN", start_fen());
  }
  out += tag("Termination", pgn_termination(info.termination, is_terminal()));
  out += tag("TimeControl", pgn_time_control(info));
  out += "\n";

  // Movetext: numbered SAN, wrapped before 80 columns (a move number stays with its move),
  // the reason as a comment, the result.
  std::vector<std::string> tokens;
  const std::vector<std::string> sans = san_moves();
  Color side = g.start_position().side_to_move();
  int number = g.start_position().fullmove_number();
  for (size_t i = 0; i < sans.size(); ++i) {
    if (side == kWhite) {
      tokens.push_back(std::to_string(number) + ". " + sans[i]);
    } else if (i == 0) {
      tokens.push_back(std::to_string(number) + "... " + sans[i]);
    } else {
      tokens.push_back(sans[i]);
    }
    if (side == kBlack) ++number;
    side = ~side;
  }
  if (!reason.empty()) tokens.push_back("{" + reason + "}");
  tokens.push_back(result_tag);
  std::string line;
  for (const std::string& t : tokens) {
    if (!line.empty() && line.size() + 1 + t.size() > 79) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + t;
  }
  out += line + "\n";
  return ExportText{"pgn", "application/x-chess-pgn", out};
}

// ---------------------------------------------------------------------------------------
// Registration

GameRegistration chess_registration() {
  GameType type;
  type.name = "chess";
  type.description =
      "Chess: every FIDE rule (castling, en passant, promotion, the fifty- and seventy-five-move rules, "
      "threefold "
      "and fivefold repetition, insufficient material), and Chess960";
  type.perfect_information = true;
  type.draw_offers = true;
  type.params = {
      {"variant", std::string("standard"), "standard or chess960"},
      {"start", int64_t{kDefaultStart},
       "Chess960's start position, 0 to 959 (Scharnagl's numbering; 518 standard)"},
      {"fen", std::string(), "start from this position (FEN; read in Chess960 mode with variant=chess960)"},
      {"claims", true,
       "the arena claims draws by the fifty-move rule and threefold repetition at once; false: only the "
       "automatic "
       "seventy-five-move and fivefold rules"},
  };
  GameFactory create = [type](const GameParams& params) { return ChessGame::create(type, params); };
  return {type, create, {"chess", "chess(variant=chess960,start=360)", "chess(claims=false)"}};
}

}  // namespace arena
