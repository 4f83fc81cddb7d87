// The math-puzzle family: the 24 game and Countdown's numbers round, and `arena puzzle
// solve`, which answers puzzles read on standard input with the exact solvers.
#include <iostream>

#include "games/family.h"
#include "games/math/countdown.h"
#include "games/math/game24.h"
#include "games/math/tools.h"

namespace arena {

GameFamily arena_family_math() {
  GameRegistration game24 = game24_registration();
  game24.showcase = {{"game24", "The 24 game"}};
  GameRegistration countdown = countdown_registration();
  countdown.showcase = {{"countdown", "Countdown numbers"}};
  return {.name = "math",
          .command = "puzzle",
          .games = {std::move(game24), std::move(countdown)},
          .tools = {
              {"solve",
               "solve puzzles read on stdin: --game game24 ('4 7 8 8') or countdown ('25 50 75 100 3 6 952')",
               [](const std::vector<std::string>& args) {
                 return run_solve_tool(args, std::cin, std::cout, std::cerr);
               }}}};
}

}  // namespace arena
