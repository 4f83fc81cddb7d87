#include "agents/scripted_agents.h"

#include <algorithm>
#include <cctype>
#include <mutex>

#include "core/rng.h"
#include "games/registry.h"

namespace arena {
namespace {

// The first word of an action's name, lower-cased: "Raise 300" -> "raise".
std::string verb(const State& state, Player player, Action action) {
  std::string name = state.action_to_string(player, action);
  name.resize(std::min(name.size(), name.find(' ')));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// The lowest-id legal actions of each kind the scripts play.
struct Named {
  std::optional<Action> call, raise, allin;
};

Named named_actions(const State& state) {
  Named n;
  const Player player = state.current_player();
  for (Action a : state.legal_actions()) {
    const std::string v = verb(state, player, a);
    if (v == "call" || v == "check") {
      if (!n.call) n.call = a;
    } else if (v == "bet" || v == "raise") {
      if (!n.raise) n.raise = a;
    } else if (v == "allin" || v == "all-in") {
      if (!n.allin) n.allin = a;
    }
  }
  return n;
}

using Script = std::function<Result<Action>(const State&, Rng&)>;

// Plays `script` at every decision, checked: an action that is not legal is an Error.
class ScriptedAgent final : public Agent {
 public:
  ScriptedAgent(std::string name, Script script, uint64_t seed)
      : name_(std::move(name)), script_(std::move(script)), rng_(seed) {}
  std::string name() const override { return name_; }
  bool decides_inline() const override { return true; }

 protected:
  Result<Decision> decide(const State& state, Player seat, Budget) override {
    if (state.is_simultaneous_node())
      return make_error("unsupported", name_ + " plays no simultaneous moves (" + state.game().spec() + ")");
    if (state.current_player() != seat)
      return make_error("not_your_turn", "seat " + std::to_string(seat) + " is not to move");
    std::lock_guard lock(mutex_);
    Result<Action> action = script_(state, rng_);
    if (!action.ok()) return action.error();
    if (!state.is_legal(*action)) {
      return make_error("illegal_action", name_ + " chose " + std::to_string(*action) +
                                              ", not a legal action of " + state.game().spec() + " here");
    }
    return Decision{{*action}};
  }

 private:
  const std::string name_;
  const Script script_;
  std::mutex mutex_;  // guards rng_ (successive decisions may run on different threads)
  Rng rng_;
};

// Plays a family's named house player (GameRegistration::players) at every decision,
// simultaneous ones included; its answer is checked like any agent's.
class HousePlayerAgent final : public Agent {
 public:
  HousePlayerAgent(HousePlayer player, uint64_t seed) : player_(std::move(player)), rng_(seed) {}
  std::string name() const override { return player_.name; }
  bool decides_inline() const override { return true; }

 protected:
  Result<Decision> decide(const State& state, Player seat, Budget) override {
    const std::vector<Player> to_act = state.players_to_act();
    if (std::find(to_act.begin(), to_act.end(), seat) == to_act.end())
      return make_error("not_your_turn", "seat " + std::to_string(seat) + " is not to act");
    std::lock_guard lock(mutex_);
    Decision d{player_.decide(state, seat, rng_)};
    if (state.is_simultaneous_node()) {
      if (Status s = state.check_orders(seat, d.actions); !s.ok()) return s.error();
    } else if (d.actions.size() != 1 || !state.is_legal(d.actions[0])) {
      return make_error("illegal_action", player_.name + " chose no legal action of " + state.game().spec());
    }
    return d;
  }

 private:
  const HousePlayer player_;
  std::mutex mutex_;  // guards rng_
  Rng rng_;
};

// The house player `name` of `game`, or nullptr.
const HousePlayer* house_player(const Game& game, const std::string& name) {
  const GameRegistration* registration = GameRegistry::instance().find(game.type().name);
  if (registration == nullptr) return nullptr;
  for (const HousePlayer& p : registration->players) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// The state at `game`'s first decision, every chance node taking its first outcome; an
// Error where the game ends first.
Result<std::unique_ptr<State>> first_decision(const Game& game) {
  std::unique_ptr<State> state = game.new_initial_state();
  while (state->is_chance_node()) {
    if (Status s = state->apply(state->chance_outcomes().front().first); !s.ok()) return s.error();
  }
  if (state->is_terminal()) return make_error("unsupported", game.spec() + " ends before any decision");
  return state;
}

Script by_name(std::string agent, std::optional<Action> (*pick)(const State&)) {
  return [agent = std::move(agent), pick](const State& state, Rng&) -> Result<Action> {
    if (std::optional<Action> a = pick(state)) return *a;
    return make_error("no_decision", agent + ": no legal action named call or check here");
  };
}

AgentRegistration by_name_registration(const std::string& name, const std::string& description,
                                       std::optional<Action> (*pick)(const State&)) {
  return {name,
          description,
          {},
          [name, pick](const GameParams&, const Game& game, uint64_t seed) -> Result<std::unique_ptr<Agent>> {
            if (Status s = game_has_calls(game, name); !s.ok()) return s.error();
            return std::unique_ptr<Agent>(std::make_unique<ScriptedAgent>(name, by_name(name, pick), seed));
          },
          [name](const GameParams&, const Game& game) { return game_has_calls(game, name); }};
}

}  // namespace

std::optional<Action> always_call_action(const State& state) {
  const Named n = named_actions(state);
  return n.call ? n.call : n.allin;
}

std::optional<Action> always_raise_action(const State& state) {
  const Named n = named_actions(state);
  if (n.raise) return n.raise;
  if (n.allin) return n.allin;
  return n.call;
}

Status game_has_calls(const Game& game, const std::string& agent) {
  const std::string plays = agent + " plays games whose decisions are named call or check (poker), not ";
  if (game.type().has_simultaneous) return make_error("unsupported", plays + game.spec());
  Result<std::unique_ptr<State>> state = first_decision(game);
  if (!state.ok()) return make_error("unsupported", plays + game.spec());
  if ((*state)->is_simultaneous_node() || !named_actions(**state).call) {
    return make_error("unsupported", plays + game.spec());
  }
  return ok_status();
}

Status game_has_rules(const Game& game) {
  const GameRegistration* registration = GameRegistry::instance().find(game.type().name);
  if (registration && registration->rules) return ok_status();
  std::string with;
  for (const GameRegistration& r : GameRegistry::instance().registrations()) {
    if (r.rules) with += (with.empty() ? "" : ", ") + r.type.name;
  }
  return make_error("unsupported", "the rules agent plays games whose family provides a rule-based player (" +
                                       (with.empty() ? std::string("none yet") : with) + "), not " +
                                       game.spec());
}

AgentRegistration always_call_registration() {
  return by_name_registration(
      "always_call",
      "checks or calls at every decision (poker's calling station; games whose actions "
      "are named call or check)",
      always_call_action);
}

AgentRegistration always_raise_registration() {
  return by_name_registration(
      "always_raise",
      "bets or raises (the smallest size) whenever it may, else checks or calls (poker's "
      "maniac; games whose actions are named call or check)",
      always_raise_action);
}

std::vector<AgentRegistration> house_player_registrations() {
  std::vector<AgentRegistration> out;
  for (const GameRegistration& game : GameRegistry::instance().registrations()) {
    for (const HousePlayer& player : game.players) {
      const bool known = std::any_of(out.begin(), out.end(),
                                     [&](const AgentRegistration& r) { return r.name == player.name; });
      if (known) continue;
      auto plays = [name = player.name](const Game& game) -> Status {
        if (house_player(game, name) != nullptr) return ok_status();
        std::string with;
        for (const GameRegistration& r : GameRegistry::instance().registrations()) {
          if (std::any_of(r.players.begin(), r.players.end(),
                          [&](const HousePlayer& p) { return p.name == name; }))
            with += (with.empty() ? "" : ", ") + r.type.name;
        }
        return make_error("unsupported", name + " plays " + with + ", not " + game.spec());
      };
      out.push_back({player.name,
                     player.description,
                     {},
                     [plays, name = player.name](const GameParams&, const Game& game,
                                                 uint64_t seed) -> Result<std::unique_ptr<Agent>> {
                       if (Status s = plays(game); !s.ok()) return s.error();
                       return std::unique_ptr<Agent>(
                           std::make_unique<HousePlayerAgent>(*house_player(game, name), seed));
                     },
                     [plays](const GameParams&, const Game& game) { return plays(game); }});
    }
  }
  return out;
}

AgentRegistration rules_agent_registration() {
  return {"rules",
          "the game's hand-written rule-based player, where its family provides one (for any other game an "
          "error names the games that have one)",
          {},
          [](const GameParams&, const Game& game, uint64_t seed) -> Result<std::unique_ptr<Agent>> {
            if (Status s = game_has_rules(game); !s.ok()) return s.error();
            Script script = [rules = GameRegistry::instance().find(game.type().name)->rules](
                                const State& state, Rng& rng) -> Result<Action> { return rules(state, rng); };
            return std::unique_ptr<Agent>(std::make_unique<ScriptedAgent>("rules", std::move(script), seed));
          },
          [](const GameParams&, const Game& game) { return game_has_rules(game); }};
}

}  // namespace arena
