// The puzzles' held-out problems by difficulty (GameRegistration::held_out), for measuring a
// learner on them: the 24 game by quartile of the human-ranked set, Countdown by how many
// large numbers (seeded deals), word problems by their number of operations (seeds the
// chance node never deals).
#pragma once

#include "games/family.h"

namespace arena {

Result<std::vector<ProblemSet>> game24_held_out(const RawSpec& spec, int problems, Rng& rng);
Result<std::vector<ProblemSet>> countdown_held_out(const RawSpec& spec, int problems, Rng& rng);
Result<std::vector<ProblemSet>> arithmetic_chain_held_out(const RawSpec& spec, int problems, Rng& rng);

}  // namespace arena
