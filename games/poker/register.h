// Registration of the poker family (called once by the game registry).
#pragma once

namespace arena {
class GameRegistry;
void register_poker_games(GameRegistry& registry);
}  // namespace arena
