// The game registry: every family listed in games/families.cmake is added here, and
// everything else (agents, the arena, the server) creates games by spec string through it,
// never by including a game's header.
//
// Thread-safety: registration happens once, on first use (every family at once); after that
// the registry is read-only and make_game() may be called from any thread. Tests may add
// games of their own with add() before they create any.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "games/family.h"
#include "games/game.h"

namespace arena {

class GameRegistry {
 public:
  // The process-wide registry, with every built-in game registered.
  static GameRegistry& instance();

  // A family and its games (each registration's `family` set to the family's name).
  void add_family(GameFamily family);
  // One game outside any family (tests add their own games this way).
  void add(GameRegistration registration);
  const GameRegistration* find(std::string_view name) const;
  std::vector<std::string> names() const;  // sorted
  const std::vector<GameRegistration>& registrations() const { return registrations_; }
  // The families, in the order games/families.cmake lists them; `games` is left empty
  // (their registrations are in registrations()).
  const std::vector<GameFamily>& families() const { return families_; }
  const GameFamily* find_family(std::string_view name) const;
  // The family whose tools run as `arena <command> <tool>` (its `command`, set to its name
  // when the family leaves it empty).
  const GameFamily* find_family_by_command(std::string_view command) const;

 private:
  std::vector<GameRegistration> registrations_;
  std::vector<GameFamily> families_;
};

// The game a spec such as "go(size=9,komi=7.5)" or "kuhn_poker" names. Equal specs (the
// same canonical spec) give the same object while it is among the last 1,024 games made,
// so resolving a spec again is a parse and a lookup. An unknown name or parameter, or a
// value of the wrong type, is a "bad_spec" Error that lists what is valid.
Result<std::shared_ptr<const Game>> make_game(std::string_view spec);

// Rebuilds a state from State::serialize() output, replaying and checking every step.
Result<std::unique_ptr<State>> deserialize_state(std::string_view text);

// describe() of every registered game with its default parameters, sorted by name, with
// what the family says about presenting it: "family", "showcase" [{"spec", "label"}] and
// "seats" [{"label", "mark"}].
Json describe_all_games();

}  // namespace arena
