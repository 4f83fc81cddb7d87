// The math-puzzle family: the 24 game, Countdown's numbers round and generated word
// problems; `arena puzzle solve`, which answers puzzles read on standard input with the
// exact solvers; and the solver as the anchor of the puzzles' ratings.
#include <iostream>

#include "games/family.h"
#include "games/math/arithmetic_chain.h"
#include "games/math/countdown.h"
#include "games/math/game24.h"
#include "games/math/held_out.h"
#include "games/math/tools.h"

namespace arena {

GameFamily arena_family_math() {
  GameRegistration game24 = game24_registration();
  game24.showcase = {{"game24", "The 24 game"}};
  game24.held_out = game24_held_out;
  GameRegistration countdown = countdown_registration();
  countdown.showcase = {{"countdown", "Countdown numbers"}};
  countdown.held_out = countdown_held_out;
  GameRegistration chain = arithmetic_chain_registration();
  chain.showcase = {{"arithmetic_chain", "Word problems"},
                    {"arithmetic_chain(steps=6,distractors=2)", "Word problems (long)"}};
  chain.held_out = arithmetic_chain_held_out;
  return {
      .name = "math",
      .command = "puzzle",
      .games = {std::move(game24), std::move(countdown), std::move(chain)},
      .tools =
          {{"solve",
            "solve puzzles read on stdin: --game game24 ('4 7 8 8') or countdown ('25 50 75 100 3 6 952')",
            [](const std::vector<std::string>& args) {
              return run_solve_tool(args, std::cin, std::cout, std::cerr);
            }}},
      .anchors = {"solver"}};
}

}  // namespace arena
