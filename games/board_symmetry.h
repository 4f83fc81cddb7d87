// BoardSymmetry: the symmetries of a board of height x width cells, for games that declare
// them (Game::num_symmetries). Symmetry k transposes when bit 2 is set (square boards only),
// then mirrors the columns (bit 0) and the rows (bit 1): the eight of a square board are its
// rotations and reflections; a Connect Four board, whose gravity points down, has 0 and 1.
// Cells are numbered row by row (row x width + column), as observation planes are laid out.
//
// A plain value: safe to share between threads.
#pragma once

#include <cassert>
#include <cstddef>
#include <span>
#include <utility>

namespace arena {

struct BoardSymmetry {
  int height = 0;
  int width = 0;

  // Where cell `cell` goes under symmetry k.
  int map_cell(int k, int cell) const {
    int row = cell / width, column = cell % width;
    if (k & 4) {
      assert(height == width);
      std::swap(row, column);
    }
    if (k & 1) column = width - 1 - column;
    if (k & 2) row = height - 1 - row;
    return row * width + column;
  }

  // Every plane of `in` (planes x height x width) moved cell by cell into `out`.
  void map_planes(int k, std::span<const float> in, std::span<float> out) const {
    const size_t cells = static_cast<size_t>(height) * static_cast<size_t>(width);
    assert(in.size() == out.size() && in.size() % cells == 0);
    for (size_t base = 0; base < in.size(); base += cells) {
      for (size_t cell = 0; cell < cells; ++cell)
        out[base + static_cast<size_t>(map_cell(k, static_cast<int>(cell)))] = in[base + cell];
    }
  }
};

}  // namespace arena
