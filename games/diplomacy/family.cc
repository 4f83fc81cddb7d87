// The Diplomacy family: the no-press game on the classic board (seven powers, or France
// and Austria alone), its greedy player (the non-random anchor) and `arena diplomacy
// adjudicate`.
#include "games/family.h"
#include "games/diplomacy/diplomacy.h"
#include "games/diplomacy/greedy.h"
#include "games/diplomacy/tools.h"

namespace arena {

GameFamily arena_family_diplomacy() {
  GameRegistration game = diplomacy_registration();
  game.showcase = {{"diplomacy(map=france_austria,max_year=1905)", "Diplomacy: France against Austria"},
                   {"diplomacy", "Diplomacy: the seven powers"}};
  game.players = {
      {"greedy",
       "Diplomacy's greedy player: takes neighbouring centres, supports moves into contested ones, holds "
       "threatened home centres",
       diplomacy::greedy_orders}};
  return {.name = "diplomacy",
          .games = {std::move(game)},
          .tools = {{"adjudicate", "adjudicate one phase given as a DATC-style JSON case on standard input",
                     diplomacy::run_adjudicate_tool}},
          .anchors = {"greedy"}};
}

}  // namespace arena
