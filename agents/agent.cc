#include "agents/agent.h"

namespace arena {

std::future<Result<Decision>> Agent::choose(std::unique_ptr<State> state, Player seat, Budget budget) {
  // shared_ptrs because the pool's jobs are copyable std::functions.
  auto promise = std::make_shared<std::promise<Result<Decision>>>();
  std::future<Result<Decision>> future = promise->get_future();
  std::shared_ptr<State> owned(std::move(state));
  pool_.post([this, promise, owned, seat, budget] {
    if (owned->is_terminal()) {
      promise->set_value(make_error("no_decision", "the game is over"));
    } else {
      promise->set_value(decide(*owned, seat, budget));
    }
  });
  return future;
}

}  // namespace arena
