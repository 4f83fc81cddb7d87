#include "games/go/board.h"

#include <cassert>

namespace arena::go {
namespace {

// Zobrist keys per colour and padded point, fixed at compile time (splitmix64), so that a
// position's hash is the same in every process.
struct Zobrist {
  uint64_t empty_board;
  uint64_t key[3][Board::kMaxPoints];
};

constexpr Zobrist make_zobrist() {
  Zobrist z{};
  uint64_t state = 0x243F6A8885A308D3ULL;
  auto next = [&state] {
    state += 0x9E3779B97F4A7C15ULL;
    uint64_t x = state;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
  };
  z.empty_board = next() | 1;
  for (int c = 1; c <= 2; ++c) {
    for (int p = 0; p < Board::kMaxPoints; ++p) z.key[c][p] = next();
  }
  return z;
}

constexpr Zobrist kZobrist = make_zobrist();

}  // namespace

Board::Board(int size, int max_positions) : size_(size), stride_(size + 2) {
  assert(size >= 1 && size <= kMaxSize);
  dirs_ = {static_cast<int16_t>(-stride_), -1, 1, static_cast<int16_t>(stride_)};
  diagonals_ = {static_cast<int16_t>(-stride_ - 1), static_cast<int16_t>(-stride_ + 1),
                static_cast<int16_t>(stride_ - 1), static_cast<int16_t>(stride_ + 1)};
  color_.fill(kOffBoard);
  head_.fill(0);
  next_.fill(0);
  group_stones_.fill(0);
  libs_.fill(0);
  lib_sum_.fill(0);
  lib_sumsq_.fill(0);
  group_hash_.fill(0);
  empty_index_.fill(-1);
  for (int row = 0; row < size; ++row) {
    for (int col = 0; col < size; ++col) {
      const int p = point(col, row);
      color_[p] = kEmpty;
      empty_index_[p] = static_cast<int16_t>(num_empty_);
      empty_[num_empty_++] = static_cast<int16_t>(p);
    }
  }
  hash_ = kZobrist.empty_board;
  // A load factor of at most 1/3 keeps probes short.
  size_t capacity = 16;
  while (capacity < 3 * static_cast<size_t>(max_positions + 1)) capacity *= 2;
  seen_.assign(capacity, 0);
  seen_mask_ = capacity - 1;
  record(hash_);
}

void Board::reset_history() {
  std::fill(seen_.begin(), seen_.end(), 0);
  record(hash_);
}

void Board::record(uint64_t hash) {
  size_t i = hash & seen_mask_;
  while (seen_[i] != 0) {
    if (seen_[i] == hash) return;
    i = (i + 1) & seen_mask_;
  }
  seen_[i] = hash;
}

bool Board::seen(uint64_t hash) const {
  size_t i = hash & seen_mask_;
  while (seen_[i] != 0) {
    if (seen_[i] == hash) return true;
    i = (i + 1) & seen_mask_;
  }
  return false;
}

void Board::remove_empty(int p) {
  const int i = empty_index_[p];
  const int last = empty_[--num_empty_];
  empty_[i] = static_cast<int16_t>(last);
  empty_index_[last] = static_cast<int16_t>(i);
  empty_index_[p] = -1;
}

void Board::add_empty(int p) {
  empty_index_[p] = static_cast<int16_t>(num_empty_);
  empty_[num_empty_++] = static_cast<int16_t>(p);
}

Illegal Board::check(int p, Color c) const {
  if (p < 0 || p >= kMaxPoints || color_[p] == kOffBoard) return Illegal::kOffBoard;
  if (color_[p] != kEmpty) return Illegal::kOccupied;
  const Color o = opponent(c);
  bool has_liberty = false;
  uint64_t h = hash_ ^ kZobrist.key[c][p];
  int captured[4];
  int num_captured = 0;
  for (int d : dirs_) {
    const int n = p + d;
    const Color nc = color_[n];
    if (nc == kEmpty) {
      has_liberty = true;
    } else if (nc == c) {
      if (!in_atari(head_[n])) has_liberty = true;
    } else if (nc == o) {
      const int g = head_[n];
      if (in_atari(g)) {
        has_liberty = true;
        bool counted = false;
        for (int i = 0; i < num_captured; ++i) counted |= captured[i] == g;
        if (!counted) {
          captured[num_captured++] = g;
          h ^= group_hash_[g];
        }
      }
    }
  }
  if (!has_liberty) return Illegal::kSuicide;
  if (seen(h)) return Illegal::kSuperko;
  return Illegal::kNone;
}

void Board::put_stone(int p, Color c) {
  remove_empty(p);
  color_[p] = c;
  hash_ ^= kZobrist.key[c][p];
  ++stone_count_[c];
  head_[p] = static_cast<int16_t>(p);
  next_[p] = static_cast<int16_t>(p);
  group_stones_[p] = 1;
  libs_[p] = 0;
  lib_sum_[p] = 0;
  lib_sumsq_[p] = 0;
  group_hash_[p] = kZobrist.key[c][p];
  for (int d : dirs_) {
    const int n = p + d;
    const Color nc = color_[n];
    if (nc == kEmpty) {
      add_lib(p, n);
    } else if (nc != kOffBoard) {
      remove_lib(head_[n], p);
    }
  }
  for (int d : dirs_) {
    const int n = p + d;
    if (color_[n] == c && head_[n] != head_[p]) merge(head_[p], head_[n]);
  }
}

void Board::merge(int a, int b) {
  if (group_stones_[a] < group_stones_[b]) std::swap(a, b);  // relabel the smaller group
  int s = b;
  do {
    head_[s] = static_cast<int16_t>(a);
    s = next_[s];
  } while (s != b);
  std::swap(next_[a], next_[b]);
  group_stones_[a] = static_cast<int16_t>(group_stones_[a] + group_stones_[b]);
  libs_[a] = static_cast<int16_t>(libs_[a] + libs_[b]);
  lib_sum_[a] += lib_sum_[b];
  lib_sumsq_[a] += lib_sumsq_[b];
  group_hash_[a] ^= group_hash_[b];
}

void Board::remove_group(int head, Color capturer) {
  const Color victim = opponent(capturer);
  hash_ ^= group_hash_[head];
  captures_[capturer] += group_stones_[head];
  stone_count_[victim] -= group_stones_[head];
  int s = head;
  do {
    const int following = next_[s];
    color_[s] = kEmpty;
    add_empty(s);
    for (int d : dirs_) {
      const int n = s + d;
      if (color_[n] == capturer) add_lib(head_[n], s);
    }
    s = following;
  } while (s != head);
}

void Board::play(int p, Color c) {
  assert(is_legal(p, c));
  put_stone(p, c);
  const Color o = opponent(c);
  int captured = 0;
  int captured_at = -1;
  for (int d : dirs_) {
    const int n = p + d;
    if (color_[n] == o && libs_[head_[n]] == 0) {
      captured += group_stones_[head_[n]];
      captured_at = n;
      remove_group(head_[n], c);
    }
  }
  const int g = head_[p];
  ko_point_ = captured == 1 && group_stones_[g] == 1 && libs_[g] == 1 ? captured_at : -1;
  record(hash_);
}

void Board::place_setup_stone(int p, Color c) {
  assert(color_[p] == kEmpty);
  put_stone(p, c);
  ko_point_ = -1;
}

bool Board::all_groups_have_liberties() const {
  for (int row = 0; row < size_; ++row) {
    for (int col = 0; col < size_; ++col) {
      const int p = point(col, row);
      if ((color_[p] == kBlack || color_[p] == kWhite) && libs_[head_[p]] == 0) return false;
    }
  }
  return true;
}

bool Board::is_own_eye(int p, Color c) const {
  for (int d : dirs_) {
    const Color nc = color_[p + d];
    if (nc != c && nc != kOffBoard) return false;
  }
  const Color o = opponent(c);
  int opponent_diagonals = 0;
  bool edge = false;
  for (int d : diagonals_) {
    const Color dc = color_[p + d];
    edge |= dc == kOffBoard;
    opponent_diagonals += dc == o;
  }
  // In the centre one opponent diagonal is allowed; on the edge none.
  return opponent_diagonals + (edge ? 1 : 0) < 2;
}

int Board::random_playout_move(Color c, Rng& rng) {
  int n = num_empty_;
  while (n > 0) {
    // Multiply-shift: a uniform index with negligible bias (n <= 361 against 2^64).
    const int i =
        static_cast<int>((static_cast<unsigned __int128>(rng.next_u64()) * static_cast<unsigned>(n)) >> 64);
    const int p = empty_[i];
    if (!is_own_eye(p, c) && check(p, c) == Illegal::kNone) return p;
    // Move the rejected point behind the candidates.
    --n;
    const int q = empty_[n];
    empty_[i] = static_cast<int16_t>(q);
    empty_index_[q] = static_cast<int16_t>(i);
    empty_[n] = static_cast<int16_t>(p);
    empty_index_[p] = static_cast<int16_t>(n);
  }
  return kPass;
}

int Board::liberties(int p) const {
  assert(color_[p] == kBlack || color_[p] == kWhite);
  std::array<bool, kMaxPoints> counted{};
  int count = 0;
  int s = p;
  do {
    for (int d : dirs_) {
      const int n = s + d;
      if (color_[n] == kEmpty && !counted[n]) {
        counted[n] = true;
        ++count;
      }
    }
    s = next_[s];
  } while (s != p);
  return count;
}

void Board::area(int& black, int& white) const {
  black = stone_count_[kBlack];
  white = stone_count_[kWhite];
  std::array<bool, kMaxPoints> visited{};
  std::array<int16_t, kMaxPoints> stack;
  for (int i = 0; i < num_empty_; ++i) {
    const int start = empty_[i];
    if (visited[start]) continue;
    int top = 0;
    int region = 0;
    bool reaches_black = false, reaches_white = false;
    stack[top++] = static_cast<int16_t>(start);
    visited[start] = true;
    while (top > 0) {
      const int s = stack[--top];
      ++region;
      for (int d : dirs_) {
        const int n = s + d;
        const Color nc = color_[n];
        if (nc == kEmpty && !visited[n]) {
          visited[n] = true;
          stack[top++] = static_cast<int16_t>(n);
        } else if (nc == kBlack) {
          reaches_black = true;
        } else if (nc == kWhite) {
          reaches_white = true;
        }
      }
    }
    if (reaches_black && !reaches_white) black += region;
    if (reaches_white && !reaches_black) white += region;
  }
}

std::string Board::to_string() const {
  std::string out;
  for (int row = size_ - 1; row >= 0; --row) {
    for (int col = 0; col < size_; ++col) {
      const Color c = color_[point(col, row)];
      out += c == kBlack ? 'X' : c == kWhite ? 'O' : '.';
    }
    out += '\n';
  }
  return out;
}

}  // namespace arena::go
