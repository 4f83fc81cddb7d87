// SolverAgent: plays a puzzle game's own exact solver (State::solver_action()), one step of
// a best solution at each turn. The oracle of the puzzle families (the 24 game, Countdown,
// word problems) and the anchor their puzzle ratings are read against; it plays no game
// without a solver.
#pragma once

#include "agents/registry.h"

namespace arena {

// Whether `game` has an exact solver: its first decision point answers solver_action().
Status game_has_solver(const Game& game);

AgentRegistration solver_agent_registration();

}  // namespace arena
