#include "games/go/register.h"

#include "games/go/go.h"

namespace arena {

void register_go_games(GameRegistry& registry) { register_go(registry); }

}  // namespace arena
