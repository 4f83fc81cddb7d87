// The Agent interface: anything that chooses moves (random play, search, the shared
// network, an external engine). An agent never blocks its caller: choose() hands the work
// to a worker pool and returns a future.
//
// Threading: one Agent object serves one seat of one match; it handles one choose() at a
// time (the next call comes after the previous future is ready). Different agents may run
// concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/thread_pool.h"
#include "games/game.h"

namespace arena {

// How long an agent may think for one decision; zero means the agent's own default.
struct Budget {
  std::chrono::milliseconds time{0};
};

// An agent's answer: one action at a sequential node, or the seat's orders (one action per
// order group, in order) at a simultaneous node.
struct Decision {
  std::vector<Action> actions;
};

class Agent {
 public:
  // `pool` runs decide(); it must outlive the agent.
  explicit Agent(ThreadPool& pool = ThreadPool::shared()) : pool_(pool) {}
  virtual ~Agent() = default;
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // The spec the agent was made from, e.g. "random" (what match records show).
  virtual std::string name() const = 0;
  // Whether decide() takes microseconds and never blocks (random play): choose_async()
  // then decides on the caller's thread instead of a round trip through the pool.
  virtual bool decides_inline() const { return false; }

  // Chooses for `seat`, which must be to act in `state`. Returns at once (after deciding,
  // for an agent that decides inline); `done` is called on a pool thread, or on the
  // caller's for an inline agent, with the decision or an Error when it cannot decide.
  void choose_async(std::unique_ptr<State> state, Player seat, Budget budget,
                    std::function<void(Result<Decision>)> done);
  // The same, as a future.
  std::future<Result<Decision>> choose(std::unique_ptr<State> state, Player seat, Budget budget);

  // For an agent whose decision is a draw from a distribution it can state (random, cfr, the
  // shared network in hidden-information games): that distribution at `seat`'s decision in
  // `state`, one probability per state.legal_actions(), so its exploitability can be computed
  // exactly. Error "unsupported" from every other agent (this default).
  virtual Result<std::vector<double>> action_probabilities(const State& state, Player seat) const;

 protected:
  // The decision itself; runs on the pool. Errors with code "resign" (an engine gave up)
  // and "timeout" (it let its deadline pass) end a match as a resignation and a flag.
  virtual Result<Decision> decide(const State& state, Player seat, Budget budget) = 0;

 private:
  ThreadPool& pool_;
};

}  // namespace arena
