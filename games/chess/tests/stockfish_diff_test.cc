// Move generation against Stockfish, move by move: positions reached by seeded random play
// (standard chess and Chess960), each one's `go perft 3` divide from Stockfish beside ours.
// Stockfish (Debian's `stockfish`, from scripts/setup, in /usr/games) is required: its
// absence fails the test rather than skipping it.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "core/rng.h"
#include "games/chess/position.h"

namespace arena::chess {
namespace {

std::string stockfish_path() {
  for (const char* dir : {"/usr/games", "/usr/bin", "/usr/local/bin"}) {
    const std::string path = std::string(dir) + "/stockfish";
    if (::access(path.c_str(), X_OK) == 0) return path;
  }
  return "";
}

using Divide = std::map<std::string, uint64_t>;

// Runs Stockfish over `fens` with `go perft <depth>` and returns each position's divide.
std::vector<Divide> stockfish_divides(const std::vector<std::string>& fens, int depth, bool chess960) {
  const std::string path = stockfish_path();
  if (path.empty()) {
    ADD_FAILURE() << "Stockfish is required by the differential test and was not found in /usr/games or "
                     "/usr/bin: run scripts/setup";
    return {};
  }
  const std::filesystem::path out =
      std::filesystem::temp_directory_path() / ("arena-stockfish-" + std::to_string(::getpid()) + ".txt");
  FILE* engine = ::popen((path + " > " + out.string()).c_str(), "w");
  if (!engine) {
    ADD_FAILURE() << "cannot start " << path;
    return {};
  }
  // Stockfish runs one perft at a time: a "go" waits for the one before it to finish.
  std::string commands =
      "setoption name UCI_Chess960 value " + std::string(chess960 ? "true" : "false") + "\n";
  for (const std::string& fen : fens)
    commands += "position fen " + fen + "\ngo perft " + std::to_string(depth) + "\n";
  commands += "quit\n";
  std::fwrite(commands.data(), 1, commands.size(), engine);
  EXPECT_EQ(::pclose(engine), 0);

  std::vector<Divide> divides;
  std::ifstream in(out);
  Divide current;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Nodes searched:", 0) == 0) {
      divides.push_back(std::move(current));
      current.clear();
      continue;
    }
    const size_t colon = line.find(": ");
    if (colon == 4 || colon == 5) current[line.substr(0, colon)] = std::stoull(line.substr(colon + 2));
  }
  std::filesystem::remove(out);
  return divides;
}

Divide our_divide(const Position& p, int depth) {
  MoveList moves;
  p.legal_moves(moves);
  Divide divide;
  for (Move m : moves) divide[p.uci(m)] = p.make(m).perft(depth - 1);
  return divide;
}

// Positions along seeded random games from `start`, one every few plies.
std::vector<std::string> random_positions(const Position& start, uint64_t seed, int games) {
  Rng rng(seed);
  std::vector<std::string> fens;
  for (int g = 0; g < games; ++g) {
    Position p = start;
    for (int ply = 0; ply < 160; ++ply) {
      MoveList moves;
      p.legal_moves(moves);
      if (moves.size == 0 || p.halfmove_clock() >= 100) break;
      if (ply % 9 == 4) fens.push_back(p.fen());
      p = p.make(moves.moves[rng.uniform(uint64_t(moves.size))]);
    }
  }
  return fens;
}

void expect_same_divides(const std::vector<std::string>& fens, bool chess960) {
  constexpr int kDepth = 3;
  const std::vector<Divide> theirs = stockfish_divides(fens, kDepth, chess960);
  ASSERT_EQ(theirs.size(), fens.size()) << "Stockfish answered for " << theirs.size() << " positions";
  size_t moves = 0;
  for (const Divide& d : theirs) moves += d.size();
  EXPECT_GT(moves, 10 * fens.size()) << "Stockfish's divides were not read";
  for (size_t i = 0; i < fens.size(); ++i) {
    Result<Position> p = Position::from_fen(fens[i], chess960);
    ASSERT_TRUE(p.ok()) << fens[i] << ": " << p.error().message;
    EXPECT_EQ(our_divide(*p, kDepth), theirs[i]) << fens[i];
  }
}

TEST(StockfishDifferential, RandomStandardGamesMatchMoveByMove) {
  const std::vector<std::string> fens = random_positions(Position::start(), 20261130, 8);
  ASSERT_GT(fens.size(), 80u);
  expect_same_divides(fens, false);
}

TEST(StockfishDifferential, RandomChess960GamesMatchMoveByMove) {
  Rng rng(960);
  std::vector<std::string> fens;
  for (int i = 0; i < 8; ++i) {
    const int number = int(rng.uniform(960));
    for (const std::string& fen : random_positions(*Position::chess960_start(number), 17 + i, 1))
      fens.push_back(fen);
  }
  ASSERT_GT(fens.size(), 80u);
  expect_same_divides(fens, true);
}

}  // namespace
}  // namespace arena::chess
