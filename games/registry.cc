#include "games/registry.h"

#include <algorithm>
#include <cassert>
#include <list>
#include <mutex>
#include <unordered_map>

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
  if (family.command.empty()) family.command = family.name;
  assert(!find_family_by_command(family.command) && "two families' tools under one command");
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

const GameFamily* GameRegistry::find_family_by_command(std::string_view command) const {
  for (const GameFamily& f : families_) {
    if (f.command == command) return &f;
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

namespace {

// The games made so far, by canonical spec, the most recently used first: a spec that
// arrives again (every seek, challenge and match of the same game) gets the same object
// without building it again (a Go game parses its setup and builds its board). Bounded,
// since clients choose specs; an evicted game lives on in whoever holds it.
class GameCache {
 public:
  std::shared_ptr<const Game> find(const std::string& spec) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(spec);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->second;
  }
  void add(const std::string& spec, std::shared_ptr<const Game> game) {
    std::lock_guard lock(mutex_);
    if (index_.count(spec)) return;
    order_.emplace_front(spec, std::move(game));
    index_[spec] = order_.begin();
    if (order_.size() > kCapacity) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

 private:
  static constexpr size_t kCapacity = 1024;
  using Entry = std::pair<std::string, std::shared_ptr<const Game>>;
  std::mutex mutex_;
  std::list<Entry> order_;
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

GameCache& game_cache() {
  static GameCache* cache = new GameCache();  // never destroyed, like the registry
  return *cache;
}

}  // namespace

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
  const std::string canonical = params->canonical_spec(registration->type.name, registration->type.params);
  if (std::shared_ptr<const Game> known = game_cache().find(canonical)) return known;
  Result<std::shared_ptr<const Game>> game = registration->create(*params);
  if (game.ok()) game_cache().add(canonical, *game);
  return game;
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
