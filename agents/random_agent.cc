#include "agents/random_agent.h"

namespace arena {

Result<Decision> RandomAgent::decide(const State& state, Player seat, Budget) {
  std::lock_guard lock(mutex_);
  Decision decision;
  if (state.is_simultaneous_node()) {
    for (const std::vector<Action>& group : state.order_groups(seat)) {
      decision.actions.push_back(group[rng_.uniform(group.size())]);
    }
    return decision;
  }
  if (state.current_player() != seat)
    return make_error("not_your_turn", "seat " + std::to_string(seat) + " is not to move");
  // The game's playout actions: its legal actions less the ones no sensible player makes
  // (Go: filling one's own eye), so that random games end and their results mean something.
  const std::vector<Action> candidates = state.playout_actions();
  if (candidates.empty()) return make_error("no_decision", "no legal action");
  decision.actions.push_back(candidates[rng_.uniform(candidates.size())]);
  return decision;
}

}  // namespace arena
