// Random playouts per second on Go boards, single thread, with the playout policy (a
// uniformly random legal move that does not fill the mover's own eye; pass only when no
// such move is left), to the end: two passes or the move cap. The playouts use go::Board,
// the rules code of the game itself (suicide and positional superko included). Prints
// figures; not a test. Usage: go_playouts [seconds per size, default 2]
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "core/rng.h"
#include "games/go/go.h"
#include "games/registry.h"

namespace {

using arena::go::Board;

// Plays one playout from the game's start on `board`; returns its length in moves.
int playout(const arena::GoGame& game, Board& board, arena::Rng& rng) {
  board = game.initial_board();
  arena::go::Color c = game.setup().white_first ? arena::go::kWhite : arena::go::kBlack;
  int passes = 0, moves = 0;
  while (passes < 2 && moves < game.max_game_length()) {
    const int p = board.random_playout_move(c, rng);
    if (p == Board::kPass) {
      ++passes;
    } else {
      board.play(p, c);
      passes = 0;
    }
    c = arena::go::opponent(c);
    ++moves;
  }
  return moves;
}

// CPU seconds of this thread: the per-core rate even when other processes share the cores.
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  std::printf("%-14s %12s %14s %10s %12s %10s  %s\n", "spec", "playouts/s", "per CPU second", "avg moves",
              "moves/s", "black won", "signature (64 seeded playouts)");
  for (const char* spec : {"go(size=9)", "go(size=13)", "go"}) {
    auto made = arena::make_game(spec);
    if (!made.ok()) {
      std::fprintf(stderr, "%s: %s\n", spec, made.error().message.c_str());
      return 1;
    }
    const auto& game = static_cast<const arena::GoGame&>(**made);
    Board board = game.initial_board();
    // A signature of fixed work: an optimisation must leave it unchanged.
    arena::Rng check(12345);
    uint64_t signature = 0;
    for (int i = 0; i < 64; ++i) {
      playout(game, board, check);
      signature = signature * 0x100000001B3ULL ^ board.hash();
    }
    using Clock = std::chrono::steady_clock;
    arena::Rng rng(7);
    long playouts = 0, moves = 0, black_wins = 0;
    const auto start = Clock::now();
    const double cpu_start = thread_cpu_seconds();
    const auto deadline = start + std::chrono::duration<double>(seconds);
    do {
      for (int i = 0; i < 64; ++i, ++playouts) {
        moves += playout(game, board, rng);
        black_wins += board.score(game.komi()) > 0;
      }
    } while (Clock::now() < deadline);
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu = thread_cpu_seconds() - cpu_start;
    std::printf("%-14s %12.0f %14.0f %10.1f %12.0f %9.1f%%  %016llx\n", spec, playouts / elapsed,
                playouts / cpu, static_cast<double>(moves) / playouts, moves / elapsed,
                100.0 * black_wins / playouts, static_cast<unsigned long long>(signature));
  }
  return 0;
}
