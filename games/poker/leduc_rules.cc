#include "games/poker/leduc_rules.h"

#include <algorithm>

#include "games/poker/leduc_poker.h"

namespace arena {

Action leduc_rules_action(const State& state, Rng& /*rng*/) {
  const auto* leduc = dynamic_cast<const LeducPokerState*>(&state);
  if (!leduc) return kInvalidAction;
  const Player seat = leduc->current_player();
  if (seat < 0 || leduc->card(seat) < 0) return kInvalidAction;
  const std::vector<Action> legal = leduc->legal_actions(seat);
  auto is_legal = [&](Action a) { return std::find(legal.begin(), legal.end(), a) != legal.end(); };

  // Card id = rank * 2 + suit; ranks 0 = J, 1 = Q, 2 = K.
  const int rank = leduc->card(seat) / 2;
  const bool pair = leduc->public_card() >= 0 && leduc->public_card() / 2 == rank;
  if (pair || rank == 2) return is_legal(LeducPoker::kRaise) ? LeducPoker::kRaise : LeducPoker::kCall;
  if (rank == 1) return LeducPoker::kCall;
  // A jack: fold is legal exactly when facing a bet.
  return is_legal(LeducPoker::kFold) ? LeducPoker::kFold : LeducPoker::kCall;
}

}  // namespace arena
