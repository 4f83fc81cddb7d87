// GtpAgent: an external GTP engine (GNU Go by default) as one of our agents, for Go and
// any game that has Go's parameters (size, komi, handicap) and GTP vertices as notation.
// Specs: "gtp:gnugo", "gtp:gnugo(level=5)", "gtp(command=\"/path/engine --gtp\")".
//
// Each decision syncs the engine to the state (boardsize, clear_board, komi,
// fixed_handicap, then a play per move; within one match only the moves it has not seen),
// then asks genmove. The engine's answer "resign" is an Error with code "resign"; a hung
// engine is "timeout", a crashed one "engine_failed", a refused command "engine_rejected".
// Engines come from GtpEnginePool::shared() and go back to it when the agent is destroyed.
//
// Threading: decisions run on process::engine_io_pool(), not ThreadPool::shared(), because
// they block on the engine's pipe. One decision at a time (as every Agent).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agents/agent.h"
#include "agents/gtp/engine.h"
#include "agents/registry.h"

namespace arena {

class GtpAgent final : public Agent {
 public:
  // How long a decision may take when the budget says nothing, and the allowance added to
  // a budget for the engine's start-up and the pipe.
  static constexpr std::chrono::milliseconds kDefaultTimeout{30'000};
  static constexpr std::chrono::milliseconds kMargin{5'000};

  // `name` is the spec shown in records; `argv` the engine's command line. Takes an engine
  // from the pool (or starts one). A game without Go's parameters is a "bad_spec" Error.
  static Result<std::unique_ptr<GtpAgent>> create(const Game& game, std::string name,
                                                  std::vector<std::string> argv,
                                                  gtp::GtpEnginePool& pool = gtp::GtpEnginePool::shared());
  // Gives the engine back to the pool (unless it failed).
  ~GtpAgent() override;

  std::string name() const override { return name_; }
  // The engine's process id (-1 once it has failed), for tests of the pool.
  pid_t engine_pid() const;

 protected:
  Result<Decision> decide(const State& state, Player seat, Budget budget) override;

 private:
  GtpAgent(std::string name, gtp::GtpEnginePool& pool, std::unique_ptr<gtp::GtpEngine> engine);
  // Brings the engine's board to `moves` ("b D4", ...) of a game set up by `setup`.
  Status sync(const std::vector<std::string>& setup, const std::vector<std::string>& moves,
              gtp::Clock::time_point deadline);

  const std::string name_;
  gtp::GtpEnginePool& pool_;
  mutable std::mutex mutex_;  // guards what follows (decide runs on a pool thread)
  std::unique_ptr<gtp::GtpEngine> engine_;
  // What the engine's board holds: the setup commands and the moves played since.
  std::vector<std::string> synced_setup_;
  std::vector<std::string> synced_moves_;
};

// The GTP entries of the agent registry: "gtp" (any engine by command line) and
// "gtp:gnugo" (GNU Go, found on PATH or in /usr/games).
std::vector<AgentRegistration> gtp_agent_registrations();

}  // namespace arena
