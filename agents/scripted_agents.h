// Scripted agents: players that follow a fixed script, no search and no learning.
//
// `always_call` and `always_raise` are the classic sanity opponents of poker, generic over
// games by the legal actions' names (State::action_to_string, first word, any case):
// - always_call plays the lowest-id action named "call" or "check" ("allin" where it is the
//   only way to call);
// - always_raise plays the lowest-id action named "bet" or "raise" (the smallest raise where
//   there are sizes), "allin" only when no other raise is legal, else what always_call plays.
// Kuhn and Leduc name their actions so by situation (Kuhn's "pass"/"bet" read "check"/"bet"
// or "fold"/"call"). They play a game when its first decision (every chance node taking its
// first outcome) offers a call or a check: poker, whatever its family, and no other game.
//
// A family's named house players (GameRegistration::players, e.g. Diplomacy's `greedy`)
// are agents by their names, at sequential and simultaneous decisions alike.
//
// `rules` plays the hand-written player a game's family provides (GameRegistration::rules,
// e.g. Leduc's in games/poker/leduc_rules.h); a game without one is "unsupported".
#pragma once

#include <optional>
#include <vector>

#include "agents/registry.h"

namespace arena {

// What always_call and always_raise play at `state`, a decision node of one seat; nullopt
// when no legal action has a name they play.
std::optional<Action> always_call_action(const State& state);
std::optional<Action> always_raise_action(const State& state);

// Whether `game` has a call or a check at its first decision: an "unsupported" Error
// naming `agent` otherwise.
Status game_has_calls(const Game& game, const std::string& agent);
// Whether `game`'s family provides a rule-based player: an "unsupported" Error listing the
// games that have one otherwise.
Status game_has_rules(const Game& game);

AgentRegistration always_call_registration();
AgentRegistration always_raise_registration();
AgentRegistration rules_agent_registration();
// One agent per house player name the families declare (GameRegistration::players):
// Diplomacy's `greedy`.
std::vector<AgentRegistration> house_player_registrations();

}  // namespace arena
