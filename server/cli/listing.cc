// `arena games` and `arena agents`: the registries as JSON.
#include <iostream>

#include "agents/registry.h"
#include "core/args.h"
#include "games/registry.h"
#include "server/cli/commands.h"

namespace arena::cli {

int run_games(const std::vector<std::string>& argv) {
  auto parsed = parse_command("games", "Prints a JSON array describing every registered game.", argv, {});
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  std::cout << describe_all_games().dump(2) << "\n";
  return 0;
}

int run_agents(const std::vector<std::string>& argv) {
  auto parsed = parse_command("agents", "Prints a JSON array describing every registered agent.", argv, {});
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  std::cout << describe_all_agents().dump(2) << "\n";
  return 0;
}

}  // namespace arena::cli
