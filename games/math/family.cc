// The math-puzzle family: the 24 game.
#include "games/family.h"
#include "games/math/arithmetic_chain.h"
#include "games/math/game24.h"

namespace arena {

GameFamily arena_family_math() {
  GameRegistration game24 = game24_registration();
  game24.showcase = {{"game24", "The 24 game"}};
  GameRegistration chain = arithmetic_chain_registration();
  chain.showcase = {{"arithmetic_chain", "Word problems"},
                    {"arithmetic_chain(steps=6,distractors=2)", "Word problems (long)"}};
  return {.name = "math", .command = "puzzle", .games = {std::move(game24), std::move(chain)}};
}

}  // namespace arena
