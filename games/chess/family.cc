// The chess family: standard chess and Chess960, their seats' colours, Stockfish at fixed
// strengths as anchors, and `arena chess perft`, which counts the leaf nodes of the legal
// move tree from a FEN (the count as the last line; with --divide, first one line per move,
// "e2e4: 20", sorted by the move's UCI text, so that `sort` makes Stockfish's `go perft`
// list comparable).
#include <algorithm>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "core/args.h"
#include "games/chess/chess.h"
#include "games/family.h"

namespace arena {
namespace {

int run_perft(const std::vector<std::string>& argv) {
  std::string fen;
  int depth = 1;
  bool divide = false;
  bool chess960 = false;
  cli::Options options(
      "chess perft", "Counts the leaf nodes of the legal move tree to a depth (the count as the last line).");
  options.text("fen", &fen, "the position (FEN)").default_text("the start position");
  options.integer("depth", &depth, "plies to count", 0, 20).required();
  options.flag("divide", &divide, "first print each legal move with its count, \"e2e4: 20\", sorted by move");
  options.flag("chess960", &chess960, "Chess960: read castling rights and write castling as king-takes-rook");
  if (std::optional<int> code = options.parse(argv)) return *code;

  Result<chess::Position> position = fen.empty()
                                         ? (chess960 ? chess::Position::chess960_start(518)
                                                     : Result<chess::Position>(chess::Position::start()))
                                         : chess::Position::from_fen(fen, chess960);
  if (!position.ok()) {
    std::cerr << "arena chess perft: " << position.error().message << "\n";
    return 1;
  }
  auto count = [](const chess::Position& p, int plies) { return plies == 0 ? uint64_t{1} : p.perft(plies); };
  if (!divide || depth == 0) {
    std::cout << count(*position, depth) << "\n";
    return 0;
  }
  chess::MoveList moves;
  position->legal_moves(moves);
  std::vector<std::pair<std::string, uint64_t>> lines;
  uint64_t total = 0;
  for (chess::Move m : moves) {
    const uint64_t n = count(position->make(m), depth - 1);
    lines.emplace_back(position->uci(m), n);
    total += n;
  }
  std::sort(lines.begin(), lines.end());
  for (const auto& [move, n] : lines) std::cout << move << ": " << n << "\n";
  std::cout << "\n" << total << "\n";
  return 0;
}

}  // namespace

GameFamily arena_family_chess() {
  GameRegistration chess = chess_registration();
  chess.showcase = {{"chess", "Chess"}, {"chess(variant=chess960,start=360)", "Chess960"}};
  chess.seats = {{"White", "○"}, {"Black", "●"}};
  return {.name = "chess",
          .games = {std::move(chess)},
          .tools = {{"perft", "count the legal move tree's leaves from a FEN to a depth (--divide: per move)",
                     run_perft}},
          .anchors = {"uci:stockfish(skill=0,nodes=1000)", "uci:stockfish(skill=5,nodes=1000)",
                      "uci:stockfish(skill=10,nodes=1000)"}};
}

}  // namespace arena
