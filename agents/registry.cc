#include "agents/registry.h"

#include "agents/cfr/cfr_agent.h"
#include "agents/gtp/gtp_agent.h"
#include "agents/random_agent.h"
#include "agents/scripted_agents.h"
#include "agents/search/mcts.h"
#include "agents/solver_agent.h"
#include "agents/uci/uci_agent.h"

namespace arena {

namespace {

std::vector<AgentRegistration>& registry() {
  static std::vector<AgentRegistration> registrations = [] {
    std::vector<AgentRegistration> r;
    r.push_back({"random",
                 "uniform over the game's playout actions (its legal actions less own-eye fills in Go), "
                 "seeded; the 0 Elo anchor of every game",
                 {},
                 [](const GameParams&, const Game&, uint64_t seed) -> Result<std::unique_ptr<Agent>> {
                   return std::unique_ptr<Agent>(std::make_unique<RandomAgent>(seed));
                 }});
    r.push_back(always_call_registration());
    r.push_back(always_raise_registration());
    r.push_back(rules_agent_registration());
    for (AgentRegistration& h : house_player_registrations()) r.push_back(std::move(h));
    r.push_back(mcts_agent_registration());
    r.push_back(solver_agent_registration());
    r.push_back(cfr::cfr_agent_registration());
    for (AgentRegistration& g : gtp_agent_registrations()) r.push_back(std::move(g));
    for (AgentRegistration& u : uci_agent_registrations()) r.push_back(std::move(u));
    return r;
  }();
  return registrations;
}

std::vector<AgentNameResolver>& resolvers() {
  static std::vector<AgentNameResolver> r;
  return r;
}

}  // namespace

const std::vector<AgentRegistration>& agent_registrations() { return registry(); }

void add_agent_name_resolver(AgentNameResolver resolver) { resolvers().push_back(std::move(resolver)); }

void add_agent_registration(AgentRegistration registration) {
  for (const AgentRegistration& r : registry()) {
    if (r.name == registration.name) return;
  }
  registry().push_back(std::move(registration));
}

namespace {

// The registration a spec names and its checked parameters.
struct Named {
  const AgentRegistration* registration;
  GameParams params;
};

Result<Named> find_agent(std::string_view spec) {
  for (const AgentNameResolver& resolve : resolvers()) {
    if (std::optional<std::string> resolved = resolve(spec)) return find_agent(*resolved);
  }
  // A name may be "family:variant" ("gtp:gnugo(level=5)"). parse_spec reads plain
  // identifiers, so the family is read on its own and put back in front of the name.
  std::string family;
  const size_t colon = spec.find(':');
  if (colon != std::string_view::npos && colon < spec.find('(')) {
    Result<RawSpec> prefix = parse_spec(spec.substr(0, colon));
    if (!prefix.ok()) {
      return make_error("bad_spec", "bad agent family in '" + std::string(spec) + "'");
    }
    family = prefix->name + ":";
    spec.remove_prefix(colon + 1);
  }
  Result<RawSpec> raw = parse_spec(spec);
  if (!raw.ok()) return raw.error();
  raw->name = family + raw->name;
  std::string valid;
  for (const AgentRegistration& r : agent_registrations()) {
    if (r.name != raw->name) {
      valid += (valid.empty() ? "" : ", ") + r.name;
      continue;
    }
    Result<GameParams> params = GameParams::resolve(r.params, raw->params);
    if (!params.ok()) return make_error("bad_spec", r.name + ": " + params.error().message);
    return Named{&r, std::move(params).value()};
  }
  return make_error("bad_spec", "unknown agent '" + raw->name + "'; valid: " + valid);
}

}  // namespace

Result<std::unique_ptr<Agent>> make_agent(std::string_view spec, const Game& game, uint64_t seed) {
  Result<Named> named = find_agent(spec);
  if (!named.ok()) return named.error();
  return named->registration->create(named->params, game, seed);
}

Status can_play(std::string_view spec, const Game& game) {
  Result<Named> named = find_agent(spec);
  if (!named.ok()) return named.error();
  const AgentRegistration& r = *named->registration;
  return r.can_play ? r.can_play(named->params, game) : ok_status();
}

Json describe_all_agents() {
  Json out = Json::array();
  for (const AgentRegistration& r : agent_registrations()) {
    out.push_back(
        {{"name", r.name}, {"description", r.description}, {"parameters", describe_params(r.params)}});
  }
  return out;
}

}  // namespace arena
