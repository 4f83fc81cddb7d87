// The poker family: Kuhn poker and Leduc hold'em.
#include "games/family.h"
#include "games/poker/kuhn_poker.h"
#include "games/poker/leduc_poker.h"

namespace arena {

GameFamily arena_family_poker() {
  GameRegistration kuhn = kuhn_poker_registration();
  kuhn.showcase = {{"kuhn_poker", "Kuhn poker"}};
  GameRegistration leduc = leduc_poker_registration();
  leduc.showcase = {{"leduc_poker", "Leduc hold'em"}};
  return {.name = "poker", .games = {std::move(kuhn), std::move(leduc)}};
}

}  // namespace arena
