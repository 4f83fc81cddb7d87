// UciAgent: an external UCI chess engine (Stockfish by default) as one of our agents, for
// chess and Chess960. Specs: "uci:stockfish", "uci:stockfish(skill=5,movetime=100)",
// "uci:stockfish(elo=1500)", "uci:stockfish(nodes=20000)", "uci(command='/path/engine')".
//
// The game is reached through the Game/State API only (a family's headers stay in its
// folder): the start position is the FEN of the initial state's view, the moves are the
// history in the game's notation (UCI's long algebraic), replayed from the start.
//
// Each decision sends "position fen <start> moves ..." and "go ..." and reads "bestmove";
// a new game (another start, or moves that do not continue the last ones) is announced
// with "ucinewgame" and "isready". A hung engine is "timeout", a crashed one
// "engine_failed" (the process is killed and reaped); an engine that failed is replaced by
// a fresh one at the next decision. Engines come from UciEnginePool::shared() and go back
// to it when the agent is destroyed; options an agent set are put back to the engine's
// defaults by the next agent that takes it.
//
// Threading: decisions run on process::engine_io_pool(), not ThreadPool::shared(), because
// they block on the engine's pipe. One decision at a time (as every Agent).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agents/agent.h"
#include "agents/registry.h"
#include "agents/uci/engine.h"

namespace arena {

// What a UCI agent asks of its engine. Unset fields leave the engine's own defaults.
struct UciSettings {
  std::optional<int64_t> skill;  // "Skill Level" (Stockfish: 0..20)
  std::optional<int64_t> elo;    // "UCI_LimitStrength" true and "UCI_Elo"
  int64_t movetime_ms = 0;       // "go movetime"; 0: derived from the decision's budget
  int64_t nodes = 0;             // "go nodes"; 0: no node limit
};

class UciAgent final : public Agent {
 public:
  // The movetime when neither the budget nor the spec gives one, and the allowance added to
  // the engine's time for the pipe and its own overshoot before it counts as hung.
  static constexpr std::chrono::milliseconds kDefaultMovetime{1'000};
  static constexpr std::chrono::milliseconds kMargin{2'000};

  // `name` is the spec shown in records; `argv` the engine's command line. Takes an engine
  // from the pool (or starts one) and sets its options. A game that is not chess, or
  // settings the engine cannot take (no Skill Level, an Elo out of its range, Chess960
  // without UCI_Chess960), are "bad_spec" Errors.
  static Result<std::unique_ptr<UciAgent>> create(const Game& game, std::string name,
                                                  std::vector<std::string> argv, UciSettings settings,
                                                  uci::UciEnginePool& pool = uci::UciEnginePool::shared());
  // Gives the engine back to the pool (unless it failed).
  ~UciAgent() override;

  std::string name() const override { return name_; }
  // The engine's process id (-1 once it has failed), for tests of the pool.
  pid_t engine_pid() const;

 protected:
  Result<Decision> decide(const State& state, Player seat, Budget budget) override;

 private:
  UciAgent(std::string name, bool chess960, UciSettings settings, uci::UciEnginePool& pool);
  // Sets the options of `engine_` for this agent (after putting back a former user's).
  Status configure(uci::Clock::time_point deadline);
  // The "go" command for `budget`, and how long the engine may take to answer it.
  std::string go_command(Budget budget, std::chrono::milliseconds* allowed) const;

  const std::string name_;
  const bool chess960_;
  const UciSettings settings_;
  uci::UciEnginePool& pool_;
  mutable std::mutex mutex_;  // guards what follows (decide runs on a pool thread)
  std::unique_ptr<uci::UciEngine> engine_;
  // The game the engine last searched: its start and the moves since (empty start: none,
  // so the next decision begins with "ucinewgame").
  std::string synced_start_;
  std::vector<std::string> synced_moves_;
};

// Whether `game` is one a UCI engine can play (chess, standard or Chess960); the Error
// says why not ("bad_spec").
Status uci_can_play_game(const Game& game);

// The UCI entries of the agent registry: "uci" (any engine by command line) and
// "uci:stockfish" (Stockfish, found on PATH or in /usr/games).
std::vector<AgentRegistration> uci_agent_registrations();

}  // namespace arena
