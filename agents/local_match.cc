#include "agents/local_match.h"

namespace arena {
namespace {

Error agent_error(const Agent& agent, Player seat, const Error& error) {
  return make_error(error.code, "seat " + std::to_string(seat) + " (" + agent.name() + "): " + error.message);
}

}  // namespace

Result<MatchOutcome> play_local_match(const Game& game, const std::vector<Agent*>& seats, Rng& chance,
                                      Budget budget) {
  return play_local_match_from(game, game.new_initial_state(), seats, chance, budget);
}

Result<MatchOutcome> play_local_match_from(const Game& game, std::unique_ptr<State> state,
                                           const std::vector<Agent*>& seats, Rng& chance, Budget budget) {
  if (static_cast<int>(seats.size()) != game.num_players()) {
    return make_error("bad_request", game.spec() + " needs " + std::to_string(game.num_players()) +
                                         " agents, got " + std::to_string(seats.size()));
  }
  while (!state->is_terminal()) {
    if (state->is_chance_node()) {
      Status s = state->apply(sample_chance(*state, chance));
      assert(s.ok());
      continue;
    }
    if (state->is_simultaneous_node()) {
      // Ask every acting seat at once, then resolve.
      std::vector<std::vector<Action>> orders(game.num_players());
      std::vector<std::pair<Player, std::future<Result<Decision>>>> pending;
      for (Player seat : state->players_to_act()) {
        pending.emplace_back(seat, seats[seat]->choose(state->clone(), seat, budget));
      }
      for (auto& [seat, future] : pending) {
        Result<Decision> d = future.get();
        if (!d.ok()) return agent_error(*seats[seat], seat, d.error());
        orders[seat] = d->actions;
      }
      if (Status s = state->apply_orders(orders); !s.ok())
        return make_error(s.error().code, s.error().message);
      continue;
    }
    const Player seat = state->current_player();
    Result<Decision> d = seats[seat]->choose(state->clone(), seat, budget).get();
    if (!d.ok()) return agent_error(*seats[seat], seat, d.error());
    if (d->actions.size() != 1) {
      return agent_error(*seats[seat], seat, make_error("illegal_action", "expected exactly one action"));
    }
    if (Status s = state->apply(d->actions[0]); !s.ok()) return agent_error(*seats[seat], seat, s.error());
  }
  return MatchOutcome{state->returns(), state->history()};
}

Player winner_of(const std::vector<double>& returns) {
  if (returns.size() < 2) return -1;
  Player best = 0;
  bool shared = false;
  for (Player p = 1; p < static_cast<Player>(returns.size()); ++p) {
    if (returns[p] > returns[best]) {
      best = p;
      shared = false;
    } else if (returns[p] == returns[best]) {
      shared = true;
    }
  }
  return shared ? -1 : best;
}

}  // namespace arena
