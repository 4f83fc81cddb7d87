// The poker family: Kuhn poker, and `arena poker eval` (the hand evaluator, eval_tool.cc).
#include "games/family.h"
#include "games/poker/eval_tool.h"
#include "games/poker/kuhn_poker.h"

namespace arena {

GameFamily arena_family_poker() {
  GameRegistration kuhn = kuhn_poker_registration();
  kuhn.showcase = {{"kuhn_poker", "Kuhn poker"}};
  return {
      .name = "poker",
      .games = {std::move(kuhn)},
      .tools = {{"eval",
                 "the category and rank of poker hands of 5-7 cards (--enumerate N: count all N-card hands)",
                 poker::run_eval_tool}}};
}

}  // namespace arena
