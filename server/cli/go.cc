// `arena go score`: Go tools on the command line. `score` reads an SGF game on standard
// input and prints the area-scoring result of its final position (Tromp-Taylor: stones
// plus territory plus komi, no dead stones removed) as its last line: "B+3.5", "W+0.5", "0".
#include <iostream>
#include <iterator>
#include <string>

#include "games/go/go.h"
#include "games/go/sgf.h"
#include "server/cli/args.h"
#include "server/cli/commands.h"

namespace arena::cli {
namespace {

int run_go_score(const std::vector<std::string>& argv) {
  auto parsed =
      parse_command("go score",
                    "Reads an SGF game on standard input and prints the area-scoring result of its final\n"
                    "position as the last line (B+3.5, W+0.5, or 0 for a draw), after a line that describes "
                    "the game.",
                    argv, {});
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const std::string sgf((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  Result<std::unique_ptr<GoState>> state = parse_go_sgf(sgf);
  if (!state.ok()) {
    std::cerr << "arena go score: " << state.error().message << "\n";
    return 1;
  }
  std::cout << (*state)->game().spec() << ", " << (*state)->ply() << " moves"
            << ((*state)->is_terminal() ? "" : " (not over: scored as it stands)") << "\n"
            << format_score(area_score(**state)) << "\n";
  return 0;
}

}  // namespace

int run_go(const std::vector<std::string>& argv) {
  if (!argv.empty() && argv[0] == "score") return run_go_score({argv.begin() + 1, argv.end()});
  const bool help = !argv.empty() && (argv[0] == "--help" || argv[0] == "help");
  (help ? std::cout : std::cerr)
      << "usage: arena go score < game.sgf\n\n"
      << "  score   print the area-scoring result of an SGF game's final position\n";
  return help ? 0 : 2;
}

}  // namespace arena::cli
