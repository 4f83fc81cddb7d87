#include "agents/selfplay/trajectory.h"

#include <cmath>

namespace arena::selfplay {
namespace {

Error bad(const std::string& what) { return make_error("bad_trajectory", what); }

bool all_finite(const std::vector<float>& v) {
  for (float x : v) {
    if (!std::isfinite(x)) return false;
  }
  return true;
}

}  // namespace

Status check_trajectory(const Game& game, const Trajectory& t) {
  if (t.game != game.spec()) return make_error("wrong_game", "a game of " + t.game + ", not " + game.spec());
  const size_t seats = static_cast<size_t>(game.num_players());
  if (t.num_players != game.num_players())
    return bad(std::to_string(t.num_players) + " players in a game of " + std::to_string(seats));
  if (t.returns.size() != seats || t.scaled_returns.size() != seats || !all_finite(t.returns) ||
      !all_finite(t.scaled_returns)) {
    return bad("the returns are not one finite number per seat");
  }
  for (float r : t.scaled_returns) {
    if (r < -1.0f || r > 1.0f) return bad("a scaled return outside [-1, 1]");
  }
  const size_t observation = static_cast<size_t>(game.observation_size());
  const int slots = game.num_policy_slots();
  for (size_t i = 0; i < t.steps.size(); ++i) {
    const TrajectoryStep& s = t.steps[i];
    const std::string at = "step " + std::to_string(i) + ": ";
    if (s.player < 0 || static_cast<size_t>(s.player) >= seats) return bad(at + "no such seat");
    if (s.observation.size() != observation || !all_finite(s.observation))
      return bad(at + "the observation is not " + std::to_string(observation) + " finite numbers");
    if (s.legal.empty() || s.policy.size() != s.legal.size())
      return bad(at + "no legal actions, or not one policy entry per legal action");
    double sum = 0;
    for (size_t k = 0; k < s.legal.size(); ++k) {
      if (s.legal[k] < 0 || s.legal[k] >= slots || (k > 0 && s.legal[k] <= s.legal[k - 1]))
        return bad(at + "legal actions must be ascending ids below " + std::to_string(slots));
      if (!std::isfinite(s.policy[k]) || s.policy[k] < 0)
        return bad(at + "a policy entry below 0 or not finite");
      sum += s.policy[k];
    }
    if (std::abs(sum - 1) > 1e-3) return bad(at + "the policy sums to " + std::to_string(sum) + ", not 1");
    if (s.rewards.size() != seats || !all_finite(s.rewards))
      return bad(at + "not one finite reward per seat");
  }
  return {};
}

}  // namespace arena::selfplay
