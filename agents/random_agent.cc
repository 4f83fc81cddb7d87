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
  if (state.current_player() != seat) return make_error("not_your_turn", "seat " + std::to_string(seat) + " is not to move");
  const std::vector<Action> legal = state.legal_actions(seat);
  if (legal.empty()) return make_error("no_decision", "no legal action");
  decision.actions.push_back(legal[rng_.uniform(legal.size())]);
  return decision;
}

}  // namespace arena
