#include "games/poker/register.h"

#include "games/poker/kuhn_poker.h"

namespace arena {

void register_poker_games(GameRegistry& registry) { register_kuhn_poker(registry); }

}  // namespace arena
