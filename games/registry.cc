#include "games/registry.h"

#include <algorithm>
#include <cassert>
#include <mutex>

namespace arena {

// Defined in the file CMake generates from games/families.cmake: adds every listed family.
void add_listed_families(GameRegistry& registry);

GameRegistry& GameRegistry::instance() {
  static GameRegistry* registry = [] {
    auto* r = new GameRegistry();  // never destroyed: games may be made during shutdown
    add_listed_families(*r);
    return r;
  }();
  return *registry;
}

void GameRegistry::add_family(GameFamily family) {
  assert(!find_family(family.name) && "family registered twice");
  for (GameRegistration& game : family.games) {
    game.family = family.name;
    add(std::move(game));
  }
  family.games.clear();
  families_.push_back(std::move(family));
}

const GameFamily* GameRegistry::find_family(std::string_view name) const {
  for (const GameFamily& f : families_) {
    if (f.name == name) return &f;
  }
  return nullptr;
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
    const GameRegistration& r = *registry.find(name);
    Json j = (*game)->describe();
    j["family"] = r.family;
    Json showcase = Json::array();
    for (const Showcase& s : r.showcase) showcase.push_back({{"spec", s.spec}, {"label", s.label}});
    if (showcase.empty()) {
      showcase.push_back(
          {{"spec", r.example_specs.empty() ? name : r.example_specs.front()}, {"label", name}});
    }
    j["showcase"] = std::move(showcase);
    Json seats = Json::array();
    for (const SeatLabel& s : r.seats) seats.push_back({{"label", s.label}, {"mark", s.mark}});
    j["seats"] = std::move(seats);
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace arena
