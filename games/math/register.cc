#include "games/math/register.h"

#include "games/math/game24.h"

namespace arena {

void register_math_games(GameRegistry& registry) { register_game24(registry); }

}  // namespace arena
