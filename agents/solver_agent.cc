#include "agents/solver_agent.h"

namespace arena {
namespace {

class SolverAgent final : public Agent {
 public:
  std::string name() const override { return "solver"; }

 protected:
  Result<Decision> decide(const State& state, Player seat, Budget) override {
    if (state.current_player() != seat)
      return make_error("not_your_turn", "seat " + std::to_string(seat) + " is not to move");
    std::optional<Action> action = state.solver_action();
    if (!action) return make_error("no_decision", state.game().spec() + " has no exact solver");
    return Decision{{*action}};
  }
};

}  // namespace

Status game_has_solver(const Game& game) {
  // The first outcome of every chance node leads to a decision point like any other.
  std::unique_ptr<State> state = game.new_initial_state();
  while (state->is_chance_node()) {
    if (Status s = state->apply(state->chance_outcomes().front().first); !s.ok()) return s;
  }
  if (state->is_terminal() || !state->solver_action()) {
    return make_error("bad_spec",
                      "the solver plays puzzles with an exact solver (the 24 game, Countdown, "
                      "word problems), not " +
                          game.spec());
  }
  return ok_status();
}

AgentRegistration solver_agent_registration() {
  return {"solver",
          "the puzzle's exact solver: one step of a best solution at each turn (puzzle games only)",
          {},
          [](const GameParams&, const Game& game, uint64_t) -> Result<std::unique_ptr<Agent>> {
            if (Status s = game_has_solver(game); !s.ok()) return s.error();
            return std::unique_ptr<Agent>(std::make_unique<SolverAgent>());
          },
          [](const GameParams&, const Game& game) { return game_has_solver(game); }};
}

}  // namespace arena
