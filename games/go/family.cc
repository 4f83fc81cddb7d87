// The Go family: the game, its showcase sizes and seat colours, GNU Go as its anchor, and
// `arena go score`, which reads an SGF game on standard input and prints the area-scoring
// result of its final position (Tromp-Taylor: stones plus territory plus komi, no dead
// stones removed) as its last line: "B+3.5", "W+0.5", "0".
#include <iostream>
#include <iterator>
#include <string>

#include "core/args.h"
#include "games/family.h"
#include "games/go/go.h"
#include "games/go/sgf.h"

namespace arena {
namespace {

int run_score(const std::vector<std::string>& argv) {
  cli::Options options(
      "go score",
      "Reads an SGF game on standard input and prints the area-scoring result of its final\n"
      "position as the last line (B+3.5, W+0.5, or 0 for a draw), after a line that describes the game.");
  if (std::optional<int> code = options.parse(argv)) return *code;
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

GameFamily arena_family_go() {
  GameRegistration go = go_registration();
  go.showcase = {
      {"go(size=9)", "Go 9×9"}, {"go(size=5)", "Go 5×5"}, {"go(size=13)", "Go 13×13"}, {"go", "Go 19×19"}};
  go.seats = {{"Black", "●"}, {"White", "○"}};
  return {.name = "go",
          .games = {std::move(go)},
          .tools = {{"score", "print the area-scoring result of an SGF game's final position (stdin)",
                     run_score}},
          .anchors = {"gtp:gnugo(level=1)"}};
}

}  // namespace arena
