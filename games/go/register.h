// Registration of the Go family (called once by the game registry).
#pragma once

namespace arena {
class GameRegistry;
void register_go_games(GameRegistry& registry);
}  // namespace arena
