// `arena games` and `arena agents`: the registries as JSON.
#include <iostream>

#include "agents/registry.h"
#include "core/args.h"
#include "games/registry.h"
#include "server/cli/commands.h"

namespace arena::cli {

int run_games(const std::vector<std::string>& argv) {
  Options options("games", "Prints a JSON array describing every registered game.");
  if (std::optional<int> code = options.parse(argv)) return *code;
  std::cout << describe_all_games().dump(2) << "\n";
  return 0;
}

int run_agents(const std::vector<std::string>& argv) {
  Options options("agents", "Prints a JSON array describing every registered agent.");
  if (std::optional<int> code = options.parse(argv)) return *code;
  std::cout << describe_all_agents().dump(2) << "\n";
  return 0;
}

}  // namespace arena::cli
