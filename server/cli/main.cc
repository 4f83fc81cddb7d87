// arena: the command line. Each subcommand is a function in this folder, and each game
// family's tools run as `arena <family> <tool>` (or under its command word: `arena puzzle
// solve`); this file only dispatches, and turns any exception into a message and a non-zero
// exit.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "agents/nn/nn_agents.h"
#include "games/registry.h"
#include "server/cli/commands.h"

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args);
};

const Command kCommands[] = {
    {"serve", "serve the arena over HTTP and WebSocket (the main job)", arena::cli::run_serve},
    {"games", "list every registered game as JSON", arena::cli::run_games},
    {"agents", "list every registered agent as JSON", arena::cli::run_agents},
    {"play", "play local matches between agents and print one JSON line per match", arena::cli::run_play},
    {"ratings", "print a game's ratings with confidence intervals from the database",
     arena::cli::run_ratings},
    {"export", "print a stored match in its game's standard format", arena::cli::run_export},
    {"gtp", "play Go as a GTP engine on stdin and stdout, for one agent", arena::cli::run_gtp},
    {"uci", "play chess as a UCI engine on stdin and stdout, for one agent", arena::cli::run_uci},
    {"train", "train the shared network by self-play; checkpoints become rated players",
     arena::cli::run_train},
    {"selfplay", "a self-play worker: play a learner's games here and upload them (arena train --listen)",
     arena::cli::run_selfplay},
    {"ship", "write a checkpoint into models/ (half precision, no optimizer state): the shipped shared agent",
     arena::cli::run_ship},
    {"report", "reports from the database: 'arena report generalization'", arena::cli::run_report},
    {"experiment", "train and rate the arms of an experiment: 'arena experiment generalization'",
     arena::cli::run_experiment},
    {"db", "the database: 'arena db copy --from arena.db --to postgresql://...'", arena::cli::run_db},
    {"bench", "the shared network's benchmarks: 'arena bench inference', 'arena bench selfplay'",
     arena::cli::run_bench},
};

// Tools that run under a game family's command word but need more than games may use (the
// store, the agents): `arena puzzle export` beside the math family's `arena puzzle solve`,
// `arena poker exploitability` beside the poker family's tools.
struct CliFamilyTool {
  const char* command;  // the family's command word
  arena::FamilyTool tool;
};
const CliFamilyTool kCliFamilyTools[] = {
    {"puzzle",
     {"export", "write every stored puzzle attempt as step-labelled JSON lines (--format prm)",
      arena::cli::run_puzzle_export}},
    {"poker",
     {"exploitability", "an agent's exploitability in chips per hand, exact over the full game tree",
      arena::cli::run_poker_exploitability}},
};

// A family's tools, with the command line's own under its command word.
std::vector<arena::FamilyTool> tools_of(const arena::GameFamily& family) {
  std::vector<arena::FamilyTool> tools = family.tools;
  for (const CliFamilyTool& t : kCliFamilyTools) {
    if (family.command == t.command) tools.push_back(t.tool);
  }
  return tools;
}

void print_usage(std::FILE* out) {
  std::fprintf(out, "usage: arena <command> [options]\n\ncommands:\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\ngame families' tools:\n");
  for (const arena::GameFamily& f : arena::GameRegistry::instance().families()) {
    for (const arena::FamilyTool& t : tools_of(f)) {
      std::fprintf(out, "  %-14s %s\n", (f.command + " " + t.name).c_str(), t.summary.c_str());
    }
  }
  std::fprintf(out, "\n'arena <command> --help' shows a command's options.\n");
}

// `arena <command> <tool> ...`: the tool's exit code; `arena <command>` alone lists the family's tools.
int run_family_tool(const arena::GameFamily& family, const std::vector<std::string>& args) {
  const std::vector<arena::FamilyTool> tools = tools_of(family);
  if (!args.empty()) {
    for (const arena::FamilyTool& t : tools) {
      if (t.name == args[0]) return t.run({args.begin() + 1, args.end()});
    }
  }
  const bool help = !args.empty() && (args[0] == "--help" || args[0] == "help");
  std::FILE* out = help ? stdout : stderr;
  if (!args.empty() && !help)
    std::fprintf(out, "arena %s: unknown tool '%s'\n\n", family.command.c_str(), args[0].c_str());
  std::fprintf(out, "usage: arena %s <tool> [options]\n\ntools:\n", family.command.c_str());
  for (const arena::FamilyTool& t : tools)
    std::fprintf(out, "  %-14s %s\n", t.name.c_str(), t.summary.c_str());
  return help ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "help") {
    print_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  // The shared network's agents (nn, nn-policy) join the registry before anything is made.
  arena::nn::register_nn_agents();
  const std::string name = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  try {
    for (const Command& c : kCommands) {
      if (name == c.name) return c.run(args);
    }
    const arena::GameFamily* family = arena::GameRegistry::instance().find_family_by_command(name);
    if (family && !tools_of(*family).empty()) return run_family_tool(*family, args);
  } catch (const std::exception& e) {
    // One line: LibTorch's errors carry a backtrace after their first line.
    const std::string what = e.what();
    std::fprintf(stderr, "arena %s: internal error: %s\n", name.c_str(),
                 what.substr(0, what.find('\n')).c_str());
    return 1;
  }
  std::fprintf(stderr, "arena: unknown command '%s'\n\n", name.c_str());
  print_usage(stderr);
  return 2;
}
