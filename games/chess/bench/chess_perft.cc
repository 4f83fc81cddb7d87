// Perft node rates (scripts/bench-chess): the six standard positions at depths beyond the
// test suite's, each count checked against the published one, and the time it took.
// Prints one line per position and, last, the start position's rate at --depth:
//   chess_perft [--depth N] [--fen FEN]   (default: perft 6 of the start position)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "games/chess/position.h"

namespace {

using arena::chess::Position;

struct Case {
  const char* name;
  const char* fen;
  int depth;
  uint64_t nodes;  // published
};

constexpr Case kCases[] = {
    {"kiwipete", "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1", 5, 193690690},
    {"position3", "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1", 6, 11030083},
    {"position4", "r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1RK1 w kq - 0 1", 5, 15833292},
    {"position5", "rnbq1k1r/pp1Pbppp/2p5/8/2B5/8/PPP1NnPP/RNBQK2R w KQ - 1 8", 5, 89941194},
    {"position6", "r4rk1/1pp1qppp/p1np1n2/2b1p1B1/2B1P1b1/P1NP1N2/1PP1QPPP/R4RK1 w - - 0 10", 5, 164075551},
};

// Nodes and seconds of one perft.
std::pair<uint64_t, double> timed_perft(const Position& p, int depth) {
  const auto start = std::chrono::steady_clock::now();
  const uint64_t nodes = p.perft(depth);
  return {nodes, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

// Keeps the compiler from dropping a value it cannot see used.
template <typename T>
void keep(T& value) {
  asm volatile("" : : "r"(&value) : "memory");
}

// What copy-make costs: nanoseconds per copy of a Position, per make() (a copy and the
// move's updates) and per legal_moves(), over the legal moves of Kiwipete's position.
void print_copy_make_costs() {
  const Position p = *Position::from_fen(kCases[0].fen);
  arena::chess::MoveList moves;
  p.legal_moves(moves);
  constexpr int kRounds = 200'000;
  auto per_call = [&](auto&& body) {
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < kRounds; ++r) {
      for (arena::chess::Move m : moves) body(m);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return seconds * 1e9 / (double(kRounds) * moves.size);
  };
  const double copy_ns = per_call([&](arena::chess::Move) {
    Position q = p;
    keep(q);
  });
  const double make_ns = per_call([&](arena::chess::Move m) {
    Position q = p.make(m);
    keep(q);
  });
  const double generate_ns = per_call([&](arena::chess::Move) {
    arena::chess::MoveList out;
    p.legal_moves(out);
    keep(out);
  });
  std::printf("copy-make: a Position is %zu bytes; copy %.1f ns, make() %.1f ns, legal_moves() %.1f ns\n",
              sizeof(Position), copy_ns, make_ns, generate_ns);
}

}  // namespace

int main(int argc, char** argv) {
  int depth = 6;
  std::string fen = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1";
  bool only = false;  // --fen or --depth given: just that one perft
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--depth")) {
      depth = std::atoi(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--fen")) {
      fen = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: chess_perft [--depth N] [--fen FEN]\n");
      return 2;
    }
    only = true;
  }
  int failures = 0;
  if (!only) {
    for (const Case& c : kCases) {
      const auto [nodes, seconds] = timed_perft(*Position::from_fen(c.fen), c.depth);
      const bool ok = nodes == c.nodes;
      failures += !ok;
      std::printf("%-10s perft %d  %12llu nodes  %7.3f s  %6.1f M nodes/s  %s\n", c.name, c.depth,
                  static_cast<unsigned long long>(nodes), seconds, nodes / seconds / 1e6,
                  ok ? "ok" : "MISMATCH");
    }
  }
  if (!only) print_copy_make_costs();
  arena::Result<Position> start = Position::from_fen(fen);
  if (!start.ok()) {
    std::fprintf(stderr, "chess_perft: %s\n", start.error().message.c_str());
    return 1;
  }
  const auto [nodes, seconds] = timed_perft(*start, depth);
  std::printf("start      perft %d  %12llu nodes  %7.3f s  %6.1f M nodes/s\n", depth,
              static_cast<unsigned long long>(nodes), seconds, nodes / seconds / 1e6);
  return failures ? 1 : 0;
}
