// Rollout-MCTS speed, single thread: simulations per second from the start position of
// go(size=9) and kuhn_poker, and the time of one 400-simulation decision. Prints figures;
// not a test. Usage: mcts_bench [seconds per game, default 2]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "agents/search/mcts.h"
#include "games/registry.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  std::printf("%-12s %10s %14s %16s %12s\n", "game", "sims/s", "ms/400 sims", "tree nodes/400", "searches");
  for (const char* spec : {"go(size=9)", "kuhn_poker"}) {
    auto game = arena::make_game(spec);
    if (!game.ok()) {
      std::fprintf(stderr, "%s: %s\n", spec, game.error().message.c_str());
      return 1;
    }
    std::unique_ptr<arena::State> start = (*game)->new_initial_state();
    arena::Rng deal(1);
    while (start->is_chance_node()) {
      const auto outcomes = start->chance_outcomes();
      (void)start->apply(outcomes[deal.uniform(outcomes.size())].first);
    }
    const arena::Player seat = start->current_player();
    // Fresh searches of 400 simulations (no tree reuse) until the time is spent.
    long sims = 0;
    int searches = 0;
    size_t nodes = 0;
    const Clock::time_point t0 = Clock::now();
    while (seconds_since(t0) < seconds || searches == 0) {
      arena::MctsConfig config{.simulations = 400, .seed = static_cast<uint64_t>(searches)};
      arena::Mcts mcts(config, std::make_shared<arena::RolloutEvaluator>(1, 1000 + searches));
      auto r = mcts.search(*start, seat);
      if (!r.ok()) {
        std::fprintf(stderr, "%s: %s\n", spec, r.error().message.c_str());
        return 1;
      }
      sims += r->simulations;
      nodes += mcts.tree_size();
      ++searches;
    }
    const double elapsed = seconds_since(t0);
    std::printf("%-12s %10.0f %14.2f %16zu %12d\n", spec, sims / elapsed, 1000.0 * elapsed / searches,
                nodes / searches, searches);
  }
  return 0;
}
