// What the puzzles' tests share: a game's initial state by spec, and one step by its notation.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "games/registry.h"

namespace arena::testing {

inline std::unique_ptr<State> start(const std::string& spec) {
  auto game = make_game(spec);
  EXPECT_TRUE(game.ok()) << (game.ok() ? "" : game.error().message);
  return (*game)->new_initial_state();
}

// Reads `text` as the player's step and applies it: a parse error or an illegal step is the Error.
inline Status step(State& s, const std::string& text) {
  Result<Action> a = s.parse_action(0, text);
  if (!a.ok()) return a.error();
  return s.apply(*a);
}

}  // namespace arena::testing
