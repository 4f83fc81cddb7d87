// Registration of the math-puzzle family (called once by the game registry).
#pragma once

namespace arena {
class GameRegistry;
void register_math_games(GameRegistry& registry);
}  // namespace arena
