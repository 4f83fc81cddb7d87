// Plays one match between in-process agents, start to end, with no clocks and no store:
// what `arena play` and self-play use. (Matches with clocks, remote seats and recording
// are the arena's, in server/arena.)
#pragma once

#include <memory>
#include <vector>

#include "agents/agent.h"
#include "core/rng.h"
#include "games/game.h"

namespace arena {

struct MatchOutcome {
  std::vector<double> returns;  // per seat
  std::vector<Step> history;    // every step, chance outcomes included
};

// seats[i] plays seat i. Chance outcomes are drawn from `chance`. An agent's error or an
// illegal decision ends the match with that Error.
Result<MatchOutcome> play_local_match(const Game& game, const std::vector<Agent*>& seats, Rng& chance,
                                      Budget budget = {});
// The same from a given state of `game` (an opening already played): the outcome's history
// is the whole game's.
Result<MatchOutcome> play_local_match_from(const Game& game, std::unique_ptr<State> state,
                                           const std::vector<Agent*>& seats, Rng& chance, Budget budget = {});

// The seats whose return is highest, when it is one seat alone; -1 for a shared top
// (a draw) and for one-player games.
Player winner_of(const std::vector<double>& returns);

}  // namespace arena
