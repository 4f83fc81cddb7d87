// The agent registry: agents are made by spec ("random", "mcts(simulations=800)",
// "gtp:gnugo", "uci:stockfish(skill=5)", "nn"), so the arena and the command line need no agent headers.
//
// Thread-safety: built on first use; add_agent_registration() runs at start-up, before any
// other thread uses the registry; make_agent() may then be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agents/agent.h"
#include "games/params.h"

namespace arena {

struct AgentRegistration {
  std::string name;
  std::string description;
  std::vector<ParamSpec> params;
  // Makes an agent for `game` (agents that do not need the game may ignore it).
  std::function<Result<std::unique_ptr<Agent>>(const GameParams&, const Game& game, uint64_t seed)> create;
  // Whether create() would succeed for `game`, answered without making the agent (no
  // engine process started, no network loaded): the same errors create() gives. Empty:
  // the agent plays every game.
  std::function<Status(const GameParams&, const Game& game)> can_play = {};
};

// Every registered agent, in registration order.
const std::vector<AgentRegistration>& agent_registrations();

// Adds an agent family from a library this one cannot depend on (the shared network's
// `nn` agents in agents/nn/). Call at start-up, before agents are made on other threads;
// a second registration of the same name is ignored.
void add_agent_registration(AgentRegistration registration);

// Rewrites a player's name into a spec make_agent() can build, or nullopt when the name is
// not its kind ("nn:<run>@<step>" -> "nn(checkpoint='runs/<run>/checkpoints/...')"), so that
// the name a checkpoint has in the database makes that checkpoint's agent again. Added at
// start-up like registrations.
using AgentNameResolver = std::function<std::optional<std::string>(std::string_view name)>;
void add_agent_name_resolver(AgentNameResolver resolver);

// Makes an agent from a spec such as "random" or "gtp:gnugo(level=5)" (a name may be
// "family:variant"); an unknown name or parameter is a "bad_spec" Error listing what is
// valid.
Result<std::unique_ptr<Agent>> make_agent(std::string_view spec, const Game& game, uint64_t seed);

// Whether the agent `spec` can play `game`, without making it: an unknown name or a bad
// parameter is a "bad_spec" Error, and a game the agent cannot play is the Error its
// creation would give ("bad_spec", "unsupported", "engine_failed").
Status can_play(std::string_view spec, const Game& game);

// The registered agents as JSON (what `arena agents` prints).
Json describe_all_agents();

}  // namespace arena
