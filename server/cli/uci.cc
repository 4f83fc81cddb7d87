// `arena uci`: one of our agents as a UCI chess engine on stdin and stdout, for chess GUIs
// and tools (Cute Chess, cutechess-cli, fastchess, lichess-bot). Only UCI goes to stdout.
#include <iostream>

#include "agents/uci/uci_server.h"
#include "core/args.h"
#include "server/cli/commands.h"

namespace arena::cli {

int run_uci(const std::vector<std::string>& argv) {
  std::string agent = "random";
  int64_t seed = 1;
  Options options("uci",
                  "Speaks UCI on stdin and stdout for one agent playing chess (and Chess960 with\n"
                  "UCI_Chess960), e.g.\n"
                  "  arena uci --agent random\n"
                  "Commands: uci, isready, setoption, ucinewgame, position, go, stop, quit.");
  options.text("agent", &agent, "agent spec, e.g. random, mcts or 'uci:stockfish(skill=3)'")
      .integer("seed", &seed, "seed for the agent", 0);
  if (std::optional<int> code = options.parse(argv)) return *code;
  Result<std::unique_ptr<UciServer>> server = UciServer::create(agent, static_cast<uint64_t>(seed));
  if (!server.ok()) {
    std::cerr << "arena uci: " << server.error().message << "\n";
    return 2;
  }
  (*server)->serve(std::cin, std::cout);
  return 0;
}

}  // namespace arena::cli
