// go::Board: the rules engine of Go, fast enough for random playouts. Stones live in a
// padded array (one ring of off-board points around the board); each group is a circular
// linked list of its stones with, at its head, a stone count, pseudo-liberties (adjacent
// (stone, empty point) pairs) with their sum and sum of squares (a group is in atari
// exactly when count * sumsq == sum * sum: all pseudo-liberties are one point), and the
// Zobrist hash of its stones. Every position since the start (or since the last
// reset_history()) is kept in an open-addressing hash set, which makes positional superko
// an O(1) test. Nothing scans the whole board per move; scoring does, once.
//
// Rules: suicide is illegal, positional superko (no move may recreate an earlier
// whole-board position; passes do not count as recreating). Scoring is area scoring,
// Tromp-Taylor style. The game State (go.h) adds turns, passes and the move cap.
//
// Thread-safety: a plain value; copy it to hand it to another thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.h"

namespace arena::go {

enum Color : uint8_t { kEmpty = 0, kBlack = 1, kWhite = 2, kOffBoard = 3 };
constexpr Color opponent(Color c) { return static_cast<Color>(3 - c); }

// Why a move is not legal (kNone when it is).
enum class Illegal { kNone, kOffBoard, kOccupied, kSuicide, kSuperko };

class Board {
 public:
  static constexpr int kMaxSize = 19;
  static constexpr int kMaxStride = kMaxSize + 2;
  static constexpr int kMaxPoints = kMaxStride * kMaxStride;
  // A pass, in the board's point numbering (no point has this index).
  static constexpr int kPass = -1;

  // An empty board of size x size (1..19) that can record up to `max_positions` positions
  // (moves plus the start) for superko.
  Board(int size, int max_positions);

  int size() const { return size_; }
  int stride() const { return stride_; }
  // Points are indices into the padded array; col 0 is column A, row 0 the bottom row.
  int point(int col, int row) const { return (row + 1) * stride_ + col + 1; }
  int col_of(int p) const { return p % stride_ - 1; }
  int row_of(int p) const { return p / stride_ - 1; }
  Color at(int p) const { return color_[p]; }
  // Zobrist hash of the stones on the board (not of the side to move).
  uint64_t hash() const { return hash_; }
  // Stones captured so far by `by` (kBlack or kWhite).
  int captures(Color by) const { return captures_[by]; }
  // Where the last move captured a single stone in a simple ko (its retaking is forbidden
  // now by superko), or -1.
  int ko_point() const { return ko_point_; }
  int num_empty() const { return num_empty_; }
  int stones(Color c) const { return stone_count_[c]; }

  // Whether `c` may play at `p` now, and if not, why.
  Illegal check(int p, Color c) const;
  bool is_legal(int p, Color c) const { return check(p, c) == Illegal::kNone; }
  // Plays a legal move (check() first), captures, and records the new position.
  void play(int p, Color c);
  // Puts a setup stone (handicap, SGF AB/AW) on an empty point: no captures, nothing
  // recorded. Call reset_history() when the setup is complete.
  void place_setup_stone(int p, Color c);
  // Whether every group has a liberty (a setup may produce one that has none).
  bool all_groups_have_liberties() const;
  // Forgets every recorded position and records the current one as the start.
  void reset_history();
  // Whether this position has occurred (with the side to move ignored).
  bool seen(uint64_t hash) const;

  // A single-point eye of `c` at empty point `p`: all neighbours are `c` (or off board),
  // and at most one diagonal is the opponent's (none on the edge), so that it is not a
  // false eye. The playout policy never fills one.
  bool is_own_eye(int p, Color c) const;
  // A uniformly random legal move for `c` that does not fill its own eye, or kPass when
  // there is none. Reorders the internal empty-point list (the position is unchanged).
  int random_playout_move(Color c, Rng& rng);

  // Real liberties of the group at `p` (a stone), counted by a walk of the group.
  int liberties(int p) const;
  // Area score, Tromp-Taylor: stones plus empty regions that reach only one colour.
  void area(int& black, int& white) const;
  // Black's area minus White's area minus komi.
  double score(double komi) const {
    int b, w;
    area(b, w);
    return b - w - komi;
  }

  // Rows from the top, '.' empty, 'X' black, 'O' white.
  std::string to_string() const;

 private:
  bool in_atari(int head) const {
    return static_cast<int64_t>(libs_[head]) * lib_sumsq_[head] ==
           static_cast<int64_t>(lib_sum_[head]) * lib_sum_[head];
  }
  void add_lib(int head, int p) {
    ++libs_[head];
    lib_sum_[head] += p;
    lib_sumsq_[head] += p * p;
  }
  void remove_lib(int head, int p) {
    --libs_[head];
    lib_sum_[head] -= p;
    lib_sumsq_[head] -= p * p;
  }
  void put_stone(int p, Color c);  // places, merges; no captures
  void merge(int a, int b);        // joins the groups with heads a and b
  void remove_group(int head, Color capturer);
  void remove_empty(int p);
  void add_empty(int p);
  void record(uint64_t hash);

  int size_;
  int stride_;
  std::array<int16_t, 4> dirs_;
  std::array<int16_t, 4> diagonals_;
  std::array<Color, kMaxPoints> color_;
  std::array<int16_t, kMaxPoints> head_;  // a stone's group head
  std::array<int16_t, kMaxPoints> next_;  // next stone of the group (circular)
  // Per group, at its head.
  std::array<int16_t, kMaxPoints> group_stones_;
  std::array<int16_t, kMaxPoints> libs_;  // pseudo-liberties
  std::array<int32_t, kMaxPoints> lib_sum_;
  std::array<int32_t, kMaxPoints> lib_sumsq_;
  std::array<uint64_t, kMaxPoints> group_hash_;
  // Empty points, unordered, with each one's index in the list.
  std::array<int16_t, kMaxPoints> empty_;
  std::array<int16_t, kMaxPoints> empty_index_;
  int num_empty_ = 0;
  uint64_t hash_ = 0;
  std::array<int, 3> captures_ = {0, 0, 0};
  std::array<int, 3> stone_count_ = {0, 0, 0};
  int ko_point_ = -1;
  // Positions seen: open addressing, 0 marks a free slot (no position hashes to 0).
  std::vector<uint64_t> seen_;
  uint64_t seen_mask_ = 0;
};

}  // namespace arena::go
