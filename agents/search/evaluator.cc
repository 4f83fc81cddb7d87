#include "agents/search/evaluator.h"

#include <cassert>

namespace arena {

float scale_return(const Game& game, double value) {
  const double lo = game.min_utility(), hi = game.max_utility();
  if (hi <= lo) return 0.0f;
  const double v = 2.0 * (value - lo) / (hi - lo) - 1.0;
  return static_cast<float>(v < -1.0 ? -1.0 : v > 1.0 ? 1.0 : v);
}

std::vector<float> scaled_returns(const State& state) {
  const std::vector<double> r = state.returns();
  std::vector<float> out(r.size());
  for (size_t i = 0; i < r.size(); ++i) out[i] = scale_return(state.game(), r[i]);
  return out;
}

size_t joint_layout_size(const State& state) {
  if (!state.is_simultaneous_node()) return 0;
  size_t n = 0;
  for (Player seat : state.players_to_act()) {
    for (const std::vector<Action>& group : state.order_groups(seat)) n += group.size();
  }
  return n;
}

void uniform_joint_priors(const State& state, std::vector<float>& out) {
  out.clear();
  if (!state.is_simultaneous_node()) return;
  for (Player seat : state.players_to_act()) {
    for (const std::vector<Action>& group : state.order_groups(seat)) {
      out.insert(out.end(), group.size(), 1.0f / static_cast<float>(group.size()));
    }
  }
}

void random_playout(State& state, Rng& rng) {
  while (!state.is_terminal()) {
    Status s;
    if (state.is_chance_node()) {
      s = state.apply(sample_chance(state, rng));
    } else if (state.is_simultaneous_node()) {
      std::vector<std::vector<Action>> orders(state.game().num_players());
      for (Player seat : state.players_to_act()) {
        for (const std::vector<Action>& group : state.order_groups(seat)) {
          orders[seat].push_back(group[rng.uniform(group.size())]);
        }
      }
      s = state.apply_orders(orders);
    } else {
      const std::vector<Action> actions = state.playout_actions();
      s = state.apply(actions[rng.uniform(actions.size())]);
    }
    assert(s.ok());
    if (!s.ok()) return;  // a game breaking its contract: stop rather than loop
  }
}

void RolloutEvaluator::evaluate(std::span<const EvalRequest> requests, std::span<Evaluation> out) {
  assert(requests.size() == out.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    const EvalRequest& req = requests[i];
    Evaluation& e = out[i];
    e.priors.assign(req.actions.size(),
                    req.actions.empty() ? 0.0f : 1.0f / static_cast<float>(req.actions.size()));
    if (req.joint_priors) {
      uniform_joint_priors(*req.state, e.joint_priors);
    } else {
      e.joint_priors.clear();
    }
    const Game& game = req.state->game();
    std::vector<double> sum(game.num_players(), 0.0);
    for (int k = 0; k < rollouts_; ++k) {
      std::unique_ptr<State> s = req.state->clone();
      random_playout(*s, rng_);
      const std::vector<double> r = s->returns();
      for (size_t p = 0; p < sum.size(); ++p) sum[p] += r[p];
    }
    e.values.resize(sum.size());
    for (size_t p = 0; p < sum.size(); ++p) e.values[p] = scale_return(game, sum[p] / rollouts_);
  }
}

}  // namespace arena
