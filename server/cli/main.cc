// arena: the command line. Each subcommand is a function in this folder; this file only
// dispatches, and turns any Error into a message and a non-zero exit.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "agents/nn/nn_agents.h"
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
    {"train", "train the shared network by self-play; checkpoints become rated players",
     arena::cli::run_train},
    {"report", "reports from the database: 'arena report generalization'", arena::cli::run_report},
    {"bench", "the shared network's benchmarks: 'arena bench inference', 'arena bench selfplay'",
     arena::cli::run_bench},
    {"go", "Go tools: 'arena go score' prints the area score of an SGF game on stdin", arena::cli::run_go},
};

void print_usage(std::FILE* out) {
  std::fprintf(out, "usage: arena <command> [options]\n\ncommands:\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\n'arena <command> --help' shows a command's options.\n");
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
  for (const Command& c : kCommands) {
    if (name == c.name) {
      try {
        return c.run(args);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "arena %s: internal error: %s\n", c.name, e.what());
        return 1;
      }
    }
  }
  std::fprintf(stderr, "arena: unknown command '%s'\n\n", name.c_str());
  print_usage(stderr);
  return 2;
}
