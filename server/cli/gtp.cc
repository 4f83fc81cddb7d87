// `arena gtp`: one of our agents as a GTP engine on stdin and stdout, for GTP controllers
// (GoGui, Sabaki, gogui-twogtp, GNU Go's two-engine mode). Only GTP goes to stdout.
#include <iostream>

#include "agents/gtp/gtp_server.h"
#include "core/args.h"
#include "server/cli/commands.h"

namespace arena::cli {

int run_gtp(const std::vector<std::string>& argv) {
  auto parsed = parse_command(
      "gtp",
      "Speaks GTP version 2 on stdin and stdout for one agent playing Go, e.g.\n"
      "  arena gtp --agent random\n"
      "Commands: boardsize, clear_board, komi, play, genmove, undo, fixed_handicap, final_score, ...",
      argv,
      {{"agent", true, "agent spec (default random), e.g. random or 'gtp:gnugo(level=5)'"},
       {"seed", true, "seed for the agent (default 1)"}});
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  Result<int64_t> seed = args.get_int("seed", 1);
  if (!seed.ok()) {
    std::cerr << "arena gtp: " << seed.error().message << "\n";
    return 2;
  }
  Result<std::unique_ptr<GtpServer>> server =
      GtpServer::create(args.get("agent", "random"), static_cast<uint64_t>(*seed));
  if (!server.ok()) {
    std::cerr << "arena gtp: " << server.error().message << "\n";
    return 2;
  }
  (*server)->serve(std::cin, std::cout);
  return 0;
}

}  // namespace arena::cli
