#include "games/registry.h"

#include <algorithm>
#include <mutex>

#include "games/go/register.h"
#include "games/math/register.h"
#include "games/poker/register.h"

namespace arena {
namespace {

void register_all_games(GameRegistry& registry) {
  register_go_games(registry);
  register_math_games(registry);
  register_poker_games(registry);
}

}  // namespace

GameRegistry& GameRegistry::instance() {
  static GameRegistry* registry = [] {
    auto* r = new GameRegistry();  // never destroyed: games may be made during shutdown
    register_all_games(*r);
    return r;
  }();
  return *registry;
}

void GameRegistry::add(GameRegistration registration) {
  assert(!find(registration.type.name) && "game registered twice");
  registrations_.push_back(std::move(registration));
}

const GameRegistration* GameRegistry::find(std::string_view name) const {
  for (const GameRegistration& r : registrations_) {
    if (r.type.name == name) return &r;
  }
  return nullptr;
}

std::vector<std::string> GameRegistry::names() const {
  std::vector<std::string> names;
  for (const GameRegistration& r : registrations_) names.push_back(r.type.name);
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::shared_ptr<const Game>> make_game(std::string_view spec) {
  Result<RawSpec> raw = parse_spec(spec);
  if (!raw.ok()) return raw.error();
  const GameRegistry& registry = GameRegistry::instance();
  const GameRegistration* registration = registry.find(raw->name);
  if (!registration) {
    std::string valid;
    for (const std::string& name : registry.names()) valid += (valid.empty() ? "" : ", ") + name;
    return make_error("bad_spec", "unknown game '" + raw->name + "'; valid: " + valid);
  }
  Result<GameParams> params = GameParams::resolve(registration->type.params, raw->params);
  if (!params.ok()) {
    return make_error("bad_spec", raw->name + ": " + params.error().message);
  }
  return registration->create(*params);
}

Result<std::unique_ptr<State>> deserialize_state(std::string_view text) {
  std::optional<Json> j = parse_json(text);
  if (!j || !j->is_object() || !(*j)["game"].is_string() || !j->contains("history")) {
    return make_error("bad_state", "expected {\"game\": spec, \"history\": [...]}");
  }
  Result<std::shared_ptr<const Game>> game = make_game((*j)["game"].get<std::string>());
  if (!game.ok()) return game.error();
  Result<std::vector<Step>> history = history_from_json((*j)["history"]);
  if (!history.ok()) return history.error();
  return (*game)->state_from_history(*history);
}

Json describe_all_games() {
  Json out = Json::array();
  const GameRegistry& registry = GameRegistry::instance();
  for (const std::string& name : registry.names()) {
    Result<std::shared_ptr<const Game>> game = make_game(name);
    assert(game.ok() && "a game's defaults must make a valid game");
    out.push_back((*game)->describe());
  }
  return out;
}

}  // namespace arena
