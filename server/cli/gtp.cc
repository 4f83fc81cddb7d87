// `arena gtp`: one of our agents as a GTP engine on stdin and stdout, for GTP controllers
// (GoGui, Sabaki, gogui-twogtp, GNU Go's two-engine mode). Only GTP goes to stdout.
#include <iostream>

#include "agents/gtp/gtp_server.h"
#include "core/args.h"
#include "server/cli/commands.h"

namespace arena::cli {

int run_gtp(const std::vector<std::string>& argv) {
  std::string agent = "random";
  int64_t seed = 1;
  Options options(
      "gtp",
      "Speaks GTP version 2 on stdin and stdout for one agent playing Go, e.g.\n"
      "  arena gtp --agent random\n"
      "Commands: boardsize, clear_board, komi, play, genmove, undo, fixed_handicap, final_score, ...");
  options.text("agent", &agent, "agent spec, e.g. random or 'gtp:gnugo(level=5)'")
      .integer("seed", &seed, "seed for the agent", 0);
  if (std::optional<int> code = options.parse(argv)) return *code;
  Result<std::unique_ptr<GtpServer>> server = GtpServer::create(agent, static_cast<uint64_t>(seed));
  if (!server.ok()) {
    std::cerr << "arena gtp: " << server.error().message << "\n";
    return 2;
  }
  (*server)->serve(std::cin, std::cout);
  return 0;
}

}  // namespace arena::cli
