// The Connect Four family: the game, its seats' colours and its board in the browser.
#include "games/family.h"
#include "games/connect_four/connect_four.h"

namespace arena {

GameFamily arena_family_connect_four() {
  GameRegistration game = connect_four_registration();
  game.showcase = {{"connect_four", "Connect Four"}};
  game.seats = {{"Red", "●"}, {"Yellow", "○"}};
  return {.name = "connect_four", .games = {std::move(game)}};
}

}  // namespace arena
