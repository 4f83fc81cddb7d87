// A game family: one folder under games/ holding everything of its games (rules, CMake
// target, tests, browser board, command-line tools, showcase specs, seat labels and the
// house agents that anchor its ratings). The folder defines one function,
//   GameFamily arena_family_<name>();
// and games/families.cmake lists the folder; the registry calls every listed family's
// function once, so nothing outside the folder names its games.
//
// Plain data: a family's function builds it, the registry keeps it read-only after that.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/rng.h"
#include "games/game.h"

namespace arena {

using GameFactory = std::function<Result<std::shared_ptr<const Game>>(const GameParams&)>;

// A spec worth offering people, with the label the browser shows ("go(size=9)", "Go 9×9").
struct Showcase {
  std::string spec;
  std::string label;
};

// How a seat is shown: "Black" with the mark "●". An empty mark shows none.
struct SeatLabel {
  std::string label;
  std::string mark;
};

// A difficulty of a puzzle game and the held-out problems that stand for it: specs that set
// each problem up exactly. What measurements of a learner on the game draw from (the value
// head as a step scorer, `arena report steps`).
struct ProblemSet {
  std::string game;        // "countdown"
  std::string difficulty;  // "large=2"
  std::vector<std::string> specs;
};

// A game's held-out problem sets for `spec` (its other parameters kept; a spec that fixes
// the difficulty gives that difficulty alone): `problems` per difficulty, drawn from `rng`,
// never among what the game's own chance node deals where it can avoid it.
using HeldOutProblems =
    std::function<Result<std::vector<ProblemSet>>(const RawSpec& spec, int problems, Rng& rng)>;

// A hand-written player a family provides under a name of its own (Diplomacy's "greedy"),
// made by that name as an agent (agents/scripted_agents.h) for the games that list it.
struct HousePlayer {
  std::string name;
  std::string description;
  // `seat`'s decision at `state`, where `seat` is to act: one action at a seat's decision, or
  // at a simultaneous node one order per order group, in order. Reads only what the seat may
  // see; `rng` is the agent's own.
  std::function<std::vector<Action>(const State& state, Player seat, Rng& rng)> decide;
};

struct GameRegistration {
  GameType type;
  GameFactory create;
  // Specs worth playing and testing (the conformance suite runs each); the first is the
  // showcase: the default of house matches and of the browser's play form.
  std::vector<std::string> example_specs;
  // What the browser's play form offers; empty: the first example spec, labelled by name.
  std::vector<Showcase> showcase = {};
  // By seat; empty: "seat 1", "seat 2", ...
  std::vector<SeatLabel> seats = {};
  // Puzzles: held-out problems by difficulty; empty for games without them.
  HeldOutProblems held_out = {};
  // A hand-written player of the game: the `rules` agent (agents/scripted_agents.h) plays
  // it. Given a decision node of one seat (never chance, simultaneous or terminal), it
  // returns that seat's action, reading only what the seat may see (its own cards, the
  // public ones) although the state holds everything; `rng` is the agent's own, for rules
  // that mix. Empty: the game has none.
  std::function<Action(const State&, Rng&)> rules = {};
  // Other hand-written players of the game, each an agent by its name.
  std::vector<HousePlayer> players = {};
  // The unit of poker's milli-big-blinds per hand (`arena play --duplicate` reports
  // mbb/hand in it): the big blind of `game`, or where the game has antes and no blinds
  // (Kuhn, Leduc) its ante. nullopt or empty: no such unit (not poker).
  std::function<std::optional<double>(const Game&)> big_blind = {};
  // The family's folder name; set by the registry (empty for games tests add themselves).
  std::string family = {};
};

// A command-line tool of the family, run as `arena <family> <name> [options]`. It reads
// standard input and writes standard output and error like any `arena` command, and
// returns the exit code (0 success, 1 failure, 2 usage error).
struct FamilyTool {
  std::string name;
  std::string summary;  // one line for `arena <family> --help`
  std::function<int(const std::vector<std::string>& args)> run;
};

struct GameFamily {
  std::string name;  // the folder under games/, e.g. "go"
  // The word its tools run under, `arena <command> <tool>`, when it is not the name: the
  // math family's tools are `arena puzzle solve`.
  std::string command = {};
  std::vector<GameRegistration> games;
  std::vector<FamilyTool> tools = {};
  // Agent specs (besides random) that anchor the family's ratings at fixed strength and
  // play people and house matches where they can: GNU Go at a fixed level for Go.
  std::vector<std::string> anchors = {};
};

}  // namespace arena
