// The poker family: Kuhn poker, Leduc hold'em, Texas hold'em (limit and no-limit, 2-6 seats), and `arena
// poker eval` (the hand evaluator, eval_tool.cc).
#include "games/family.h"
#include "games/poker/eval_tool.h"
#include "games/poker/holdem.h"
#include "games/poker/holdem_rules.h"
#include "games/poker/kuhn_poker.h"
#include "games/poker/leduc_poker.h"
#include "games/poker/leduc_rules.h"

namespace arena {

namespace {
// Kuhn and Leduc have antes of 1 and no blinds: mbb/hand there is in thousandths of the ante.
std::optional<double> ante_unit(const Game&) { return 1.0; }
std::optional<double> holdem_big_blind(const Game& game) {
  const auto* holdem = dynamic_cast<const Holdem*>(&game);
  if (holdem == nullptr) return std::nullopt;
  return holdem->config().big_blind;
}
}  // namespace

GameFamily arena_family_poker() {
  GameRegistration kuhn = kuhn_poker_registration();
  kuhn.showcase = {{"kuhn_poker", "Kuhn poker"}};
  kuhn.big_blind = ante_unit;
  GameRegistration leduc = leduc_poker_registration();
  leduc.showcase = {{"leduc_poker", "Leduc hold'em"}};
  leduc.rules = leduc_rules_action;
  leduc.big_blind = ante_unit;
  GameRegistration holdem = holdem_registration();
  holdem.rules = holdem_rule_action;
  holdem.big_blind = holdem_big_blind;
  return {
      .name = "poker",
      .games = {std::move(kuhn), std::move(leduc), std::move(holdem)},
      .tools = {{"eval",
                 "the category and rank of poker hands of 5-7 cards (--enumerate N: count all N-card hands)",
                 poker::run_eval_tool}},
      // CFR+'s average policy, near an equilibrium (Leduc: 0.00025 chips a hand exploitable),
      // where the game tree fits (Kuhn, Leduc); the family's rule players in Leduc and hold'em.
      .anchors = {"cfr(iterations=1000)", "rules"}};
}

}  // namespace arena
