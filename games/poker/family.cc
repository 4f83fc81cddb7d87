// The poker family: Kuhn poker.
#include "games/family.h"
#include "games/poker/kuhn_poker.h"

namespace arena {

GameFamily arena_family_poker() {
  GameRegistration kuhn = kuhn_poker_registration();
  kuhn.showcase = {{"kuhn_poker", "Kuhn poker"}};
  return {.name = "poker", .games = {std::move(kuhn)}};
}

}  // namespace arena
