// Names no one may register: the house's. Players are named in one namespace (people, bots,
// house agents, puzzles), and a house agent's rating row is found by its name, so a bot
// named after an agent type would take the agent's row over.
//
// Thread-safety: reads the agent registry, which is fixed once start-up is done.
#pragma once

#include <optional>
#include <string>

namespace arena {

// Why `name` is the house's, or nullopt: every registered agent type ("random", "mcts", ...)
// and a few words of the server's own ("shared", "admin", "arena", "house", "system",
// "anonymous", ...), compared case-insensitively.
std::optional<std::string> reserved_name(const std::string& name);

}  // namespace arena
