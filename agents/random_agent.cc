#include "agents/random_agent.h"

#include <algorithm>

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

Result<std::vector<double>> RandomAgent::action_probabilities(const State& state, Player seat) const {
  if (state.current_player() != seat)
    return make_error("not_your_turn", "seat " + std::to_string(seat) + " is not to move");
  const std::vector<Action> legal = state.legal_actions();
  const std::vector<Action> playout = state.playout_actions();
  std::vector<double> probs(legal.size(), 0.0);
  for (size_t i = 0; i < legal.size(); ++i) {
    if (std::find(playout.begin(), playout.end(), legal[i]) != playout.end())
      probs[i] = 1.0 / static_cast<double>(playout.size());
  }
  return probs;
}

}  // namespace arena
