#include "agents/cfr/cfr_agent.h"

#include <chrono>
#include <future>
#include <map>
#include <mutex>

namespace arena::cfr {
namespace {

// The largest tree cfr solves: Leduc's has about 10,000 nodes; hold'em's never ends.
constexpr int64_t kMaxTreeNodes = 100'000;

using SolutionFuture = std::shared_future<Result<std::shared_ptr<const CfrSolution>>>;
using TreeFuture = std::shared_future<Result<std::shared_ptr<const GameTree>>>;

// Memoizes f() per key; concurrent first callers of one key wait for the one call (made
// outside the lock), later ones get its value.
template <typename Key, typename Value, typename F>
Value once_per_key(std::map<Key, std::shared_future<Value>>& cache, std::mutex& mutex, const Key& key,
                   F&& f) {
  std::promise<Value> promise;
  std::shared_future<Value> future;
  bool mine = false;
  {
    std::lock_guard lock(mutex);
    auto [it, added] = cache.try_emplace(key);
    if (added) {
      it->second = promise.get_future().share();
      mine = true;
    }
    future = it->second;
  }
  if (mine) promise.set_value(f());
  return future.get();
}

Result<std::shared_ptr<const CfrSolution>> solve(const Game& game, int iterations) {
  const auto start = std::chrono::steady_clock::now();
  Result<std::shared_ptr<const GameTree>> tree = whole_tree(game);
  if (!tree.ok()) return tree.error();
  CfrPlusSolver solver(*tree);
  solver.run(iterations);
  auto solution = std::make_shared<CfrSolution>();
  solution->tree = *tree;
  solution->average = solver.average_policy();
  solution->iterations = iterations;
  solution->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return std::shared_ptr<const CfrSolution>(std::move(solution));
}

}  // namespace

Result<std::shared_ptr<const CfrSolution>> solve_cached(const Game& game, int iterations) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, int>, SolutionFuture> cache;
  return once_per_key(cache, mutex, std::pair(game.spec(), iterations),
                      [&] { return solve(game, iterations); });
}

Result<std::shared_ptr<const GameTree>> whole_tree(const Game& game) {
  const GameType& type = game.type();
  if (game.num_players() != 2 || game.utility_sum() != std::optional<double>(0.0) || type.has_simultaneous ||
      type.perfect_information) {
    return make_error(
        "bad_spec",
        "cfr solves two-player zero-sum games with hidden information and no simultaneous moves "
        "(kuhn_poker, leduc_poker), not " +
            game.spec());
  }
  static std::mutex mutex;
  static std::map<std::string, TreeFuture> cache;
  return once_per_key(cache, mutex, game.spec(), [&]() -> Result<std::shared_ptr<const GameTree>> {
    Result<std::shared_ptr<const GameTree>> tree = GameTree::build(game.shared_from_this(), kMaxTreeNodes);
    if (!tree.ok()) return make_error("unsupported", "cfr: " + tree.error().message);
    return tree;
  });
}

Status cfr_can_play(const Game& game) {
  Result<std::shared_ptr<const GameTree>> tree = whole_tree(game);
  return tree.ok() ? ok_status() : Status(tree.error());
}

namespace {

Status check_iterations(const GameParams& params) {
  const int64_t iterations = params.get_int("iterations");
  if (iterations < 1 || iterations > 1'000'000)
    return make_error("bad_spec", "cfr: iterations must be in [1, 1000000]");
  return ok_status();
}

}  // namespace

CfrAgent::CfrAgent(int iterations, uint64_t seed, ThreadPool& pool)
    : Agent(pool), iterations_(iterations), rng_(seed) {}

Result<std::vector<double>> policy_at(const GameTree& tree, const TreePolicy& policy, const State& state,
                                      Player seat) {
  if (state.current_player() != seat)
    return make_error("not_your_turn", "seat " + std::to_string(seat) + " is not to move");
  const int32_t infoset = tree.find(seat, state.information_key(seat));
  if (infoset < 0)
    return make_error("no_decision",
                      "an information set the solved tree does not have: " + state.to_string());
  if (tree.infosets()[infoset].actions != state.legal_actions())
    return make_error("no_decision", "the solved tree's actions differ at " + state.to_string());
  return policy[infoset];
}

Result<std::vector<double>> CfrAgent::action_probabilities(const State& state, Player seat) const {
  Result<std::shared_ptr<const CfrSolution>> solution = solve_cached(state.game(), iterations_);
  if (!solution.ok()) return solution.error();
  return policy_at(*(*solution)->tree, (*solution)->average, state, seat);
}

Result<Decision> CfrAgent::decide(const State& state, Player seat, Budget) {
  Result<std::vector<double>> probs = action_probabilities(state, seat);
  if (!probs.ok()) return probs.error();
  const std::vector<Action> legal = state.legal_actions();
  std::lock_guard lock(mutex_);
  return Decision{{legal[rng_.sample_index(*probs)]}};
}

AgentRegistration cfr_agent_registration() {
  return {"cfr",
          "CFR+ over the full game tree (two-player zero-sum games with hidden information: Kuhn and Leduc "
          "poker), solved "
          "once per process; plays the average policy, each action drawn with its probability",
          {{"iterations", int64_t{1000}, "CFR+ iterations of the solve"}},
          [](const GameParams& params, const Game& game, uint64_t seed) -> Result<std::unique_ptr<Agent>> {
            if (Status s = check_iterations(params); !s.ok()) return s.error();
            if (Status s = cfr_can_play(game); !s.ok()) return s.error();
            return std::unique_ptr<Agent>(
                std::make_unique<CfrAgent>(static_cast<int>(params.get_int("iterations")), seed));
          },
          [](const GameParams& params, const Game& game) -> Status {
            if (Status s = check_iterations(params); !s.ok()) return s;
            return cfr_can_play(game);
          }};
}

}  // namespace arena::cfr
