#include "agents/agent.h"

namespace arena {

void Agent::choose_async(std::unique_ptr<State> state, Player seat, Budget budget,
                         std::function<void(Result<Decision>)> done) {
  if (decides_inline()) {
    done(state->is_terminal() ? Result<Decision>(make_error("no_decision", "the game is over"))
                              : decide(*state, seat, budget));
    return;
  }
  // shared_ptr because the pool's jobs are copyable std::functions.
  std::shared_ptr<State> owned(std::move(state));
  pool_.post([this, owned, seat, budget, done = std::move(done)] {
    if (owned->is_terminal()) {
      done(make_error("no_decision", "the game is over"));
    } else {
      done(decide(*owned, seat, budget));
    }
  });
}

std::future<Result<Decision>> Agent::choose(std::unique_ptr<State> state, Player seat, Budget budget) {
  auto promise = std::make_shared<std::promise<Result<Decision>>>();
  std::future<Result<Decision>> future = promise->get_future();
  choose_async(std::move(state), seat, budget,
               [promise](Result<Decision> d) { promise->set_value(std::move(d)); });
  return future;
}

Result<std::vector<double>> Agent::action_probabilities(const State&, Player) const {
  return make_error("unsupported", name() + " does not state the distribution of its decisions");
}

}  // namespace arena
