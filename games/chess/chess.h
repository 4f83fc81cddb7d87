// Chess behind the Game/State API: standard chess and Chess960, every rule (castling with
// its attacked-square conditions, en passant, promotion, check, mate, stalemate, the
// fifty- and seventy-five-move rules, threefold and fivefold repetition, insufficient
// material), on the bitboard Position of position.h.
//
// Parameters: `variant` ("standard" or "chess960"), `start` (Chess960's start position by
// number, 0-959; 518 is the standard arrangement), `fen` (start from any position; empty:
// the variant's start), `claims` (true: the arena claims a draw for the player as soon as
// the fifty-move rule or threefold repetition allows one, so no player needs a claim
// action; false: only the automatic seventy-five-move and fivefold rules end the game).
//
// Actions: AlphaZero's fixed space of 64 x 73 = 4,672 ids, from the mover's side (the
// board flipped for Black): id = from * 73 + type, with types 0-55 the queen-like moves
// (8 directions x 7 distances; queen promotions and castling's king move among them),
// 56-63 the knight moves and 64-72 the under-promotions (knight, bishop, rook; left
// capture, push, right capture). Castling is the king's move: two squares in standard
// chess (e1g1) and king-takes-rook in Chess960 (e1h1), as UCI writes them. The notation is
// UCI's long algebraic ("e2e4", "e7e8q"); parse_action also reads SAN ("Nf3", "O-O",
// "exd8=Q+").
//
// View (the same for every viewer, perfect information):
//   { "fen": "<FEN>",
//     "board": ["rnbqkbnr", ..., "RNBQKBNR"],  // 8 strings, rank 8 first, file a first:
//                                              // FEN letters (upper case White), '.' empty
//     "side": "white" | "black",               // to move (the last mover once over)
//     "moves": ["e4", "e5", "Nf3", ...],       // the game so far in SAN
//     "last_move": {"from": "e2", "to": "e4", "uci": "e2e4"} | null,
//     "check": "e1" | null,                    // the king in check, if any
//     "variant": "standard" | "chess960",
//     "result": "1-0" | "0-1" | "1/2-1/2" | "*",
//     "termination": "checkmate" | "stalemate" | "insufficient material" |
//                    "fifty-move rule" | "threefold repetition" |
//                    "seventy-five-move rule" | "fivefold repetition" | null }
// The legal moves are the match's `legal` list (UCI strings), as for every game.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "games/chess/position.h"
#include "games/family.h"
#include "games/game.h"

namespace arena {

class ChessGame final : public Game {
 public:
  static constexpr int kMoveTypes = 73;
  static constexpr int kNumActions = 64 * kMoveTypes;  // 4,672
  // Planes of the observation, each 8 x 8 from the observing seat's side (the mover's when
  // it is to move; its first rank at row 0, files a to h left to right): 0-5 its pawns,
  // knights, bishops, rooks, queens, king; 6-11 the opponent's; 12 and 13 the position
  // seen once and twice before; 14-17 castling rights (its king side, its queen side, the
  // opponent's king side and queen side, whole planes of 1); 18 the en-passant target
  // square; 19 the fifty-move counter / 100 (whole plane); 20 ones when the observer is
  // Black.
  static constexpr int kPlanes = 21;

  // Checks the parameters (a bad FEN is an error naming the field).
  static Result<std::shared_ptr<const Game>> create(GameType type, const GameParams& params);

  int num_players() const override { return 2; }
  int num_distinct_actions() const override { return kNumActions; }
  std::vector<int> observation_shape() const override { return {kPlanes, 8, 8}; }
  double min_utility() const override { return -1; }
  double max_utility() const override { return 1; }
  std::optional<double> utility_sum() const override { return 0.0; }
  int max_game_length() const override;
  std::unique_ptr<State> new_initial_state() const override;
  // Chess960's start number does not split ratings: "chess(variant=chess960)".
  std::string rating_group() const override;

  bool chess960() const { return chess960_; }
  bool claims() const { return claims_; }
  const chess::Position& start_position() const { return start_; }

  ChessGame(GameType type, GameParams params, chess::Position start, bool chess960, bool claims);

 private:
  chess::Position start_;
  bool chess960_;
  bool claims_;
};

class ChessState final : public State {
 public:
  ChessState(std::shared_ptr<const Game> game, const chess::Position& start);
  // The base class's overloads, which the overrides below would hide.
  using State::legal_actions;
  using State::observation_tensor;

  Player current_player() const override;
  std::vector<Action> legal_actions(Player player) const override;
  bool is_legal(Action action) const override;
  std::vector<double> returns() const override;
  void observation_tensor(Player player, std::span<float> out) const override;
  std::string information_key(Player viewer) const override;
  // UCI notation; for an action that is not legal here, the move it names read without
  // the board (a queen-like move to the last rank is then written without promotion).
  std::string action_to_string(Player player, Action action) const override;
  std::string to_string() const override;
  std::unique_ptr<State> clone() const override { return std::make_unique<ChessState>(*this); }
  // PGN with the seven standard tags, Termination, TimeControl ("-" when the info has none)
  // and, for Chess960 or a set-up position, SetUp and FEN.
  std::optional<ExportText> export_text(const ExportInfo& info) const override;

  const chess::Position& position() const { return position_; }
  // The position the game started from, and the moves since, in UCI notation: what a UCI
  // engine's "position fen <start> moves ..." needs.
  std::string start_fen() const;
  std::vector<std::string> uci_moves() const;
  // The moves in SAN, "e4", "Nf3", "O-O", "exd8=Q#".
  std::vector<std::string> san_moves() const;
  // "checkmate", "stalemate", ... (as in the view), empty while the game goes on.
  const std::string& termination() const { return termination_; }
  // "1-0", "0-1", "1/2-1/2" or "*".
  std::string result() const;
  // How many times the current position has occurred (1 the first time).
  int repetitions() const;

  // The action id of a legal move here, and back.
  Action action_of(chess::Move move) const;
  chess::Move move_of(Action action) const;  // kNoMove when the id names no legal move

 protected:
  void do_apply(Action action) override;
  Json do_view(Player viewer) const override;
  Result<Action> do_parse_action(Player player, std::string_view text) const override;

 private:
  const ChessGame& chess_game() const;
  void update_legal_and_outcome();

  chess::Position position_;
  chess::MoveList legal_;           // the legal moves of position_
  std::vector<chess::Move> moves_;  // played since the start
  std::vector<uint64_t> keys_;      // position keys since the last irreversible move, current last
  // The SAN of moves_, filled when first asked for (san_moves(), the view, PGN) so that
  // search's apply() pays nothing for notation; const methods that fill it make a State
  // unsafe to read from two threads at once, as game.h says of every State.
  mutable std::vector<std::string> san_cache_;
  std::string termination_;
  int winner_ = -1;  // 0 White, 1 Black, -1 none
};

GameRegistration chess_registration();

}  // namespace arena
