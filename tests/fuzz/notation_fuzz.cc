// Action notation of every registered game (State::parse_action): the game is made from one
// of its example specs and played to a random state by random legal moves; the rest of the
// input is then read as that state's notation and, when it names a legal action, applied.
// Nothing may crash; a legal action's notation reads back as itself; an illegal one is
// refused with the state unchanged; error messages for UTF-8 input are UTF-8.
//
// Input: byte 0 picks the spec (over all games' example specs), byte 1 the number of random
// plies, byte 2 the seed, byte 3 the seat at a simultaneous node; the rest is the notation
// (at a simultaneous node, one line per order group).
#include <map>

#include "games/registry.h"
#include "tests/fuzz/fuzz_util.h"

using namespace arena;

namespace {

const std::vector<std::string>& all_example_specs() {
  static const std::vector<std::string> specs = [] {
    std::vector<std::string> out;
    for (const GameRegistration& r : GameRegistry::instance().registrations()) {
      for (const std::string& spec : r.example_specs) out.push_back(spec);
    }
    return out;
  }();
  return specs;
}

template <typename T>
T pick(const std::vector<T>& items, Rng& rng) {
  return items[rng.uniform(items.size())];
}

// One random legal step from a state that is not terminal.
void random_step(State& state, Rng& rng) {
  if (state.is_chance_node()) {
    fuzz::check(state.apply(sample_chance(state, rng)).ok(), "a sampled chance outcome was refused");
  } else if (state.is_simultaneous_node()) {
    std::vector<std::vector<Action>> orders(state.game().num_players());
    for (Player p : state.players_to_act()) {
      for (const std::vector<Action>& group : state.order_groups(p)) orders[p].push_back(pick(group, rng));
    }
    fuzz::check(state.apply_orders(orders).ok(), "random legal orders were refused");
  } else {
    fuzz::check(state.apply(pick(state.playout_actions(), rng)).ok(), "a playout action was refused");
  }
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (true) {
    const size_t nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) return lines;
    text.remove_prefix(nl + 1);
  }
}

void check_error(const Error& error, std::string_view text) {
  if (fuzz::json_safe(text))
    fuzz::check(fuzz::json_safe(error.message), "an error message that is not UTF-8");
}

// Reads `text` as the single action of the player to move (or the chance outcome) and
// applies it when legal.
void sequential(State& state, std::string_view text) {
  const Player player = state.current_player();
  Result<Action> action = state.parse_action(player, text);
  if (!action.ok()) return check_error(action.error(), text);
  if (!state.is_legal(*action)) {
    const int ply = state.ply();
    fuzz::check(!state.apply(*action).ok(), "an action that is not legal was applied");
    fuzz::check(state.ply() == ply, "a refused action changed the state");
    return;
  }
  const std::string notation = state.action_to_string(player, *action);
  Result<Action> back = state.parse_action(player, notation);
  fuzz::check(back.ok() && *back == *action,
              state.game().spec() + ": the notation '" + notation + "' does not read back as its action");
  fuzz::check(state.apply(*action).ok(), "a legal action was refused");
}

// Reads one line per order group as a seat's orders at a simultaneous node; when they are
// valid, applies them with random orders for the other seats.
void simultaneous(State& state, std::string_view text, uint8_t seat_byte, Rng& rng) {
  const std::vector<Player> seats = state.players_to_act();
  if (seats.empty()) return;
  const Player seat = seats[seat_byte % seats.size()];
  std::vector<Action> mine;
  for (std::string_view line : lines_of(text)) {
    Result<Action> action = state.parse_action(seat, line);
    if (!action.ok()) return check_error(action.error(), line);
    mine.push_back(*action);
  }
  std::vector<std::vector<Action>> orders(state.game().num_players());
  for (Player p : seats) {
    if (p == seat) {
      orders[p] = mine;
    } else {
      for (const std::vector<Action>& group : state.order_groups(p)) orders[p].push_back(pick(group, rng));
    }
  }
  if (!state.check_orders(seat, mine).ok()) {
    const int ply = state.ply();
    fuzz::check(!state.apply_orders(orders).ok(), "orders that check_orders refused were applied");
    fuzz::check(state.ply() == ply, "refused orders changed the state");
    return;
  }
  fuzz::check(state.apply_orders(orders).ok(), "valid orders were refused");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const std::vector<std::string>& specs = all_example_specs();
  if (specs.empty()) return 0;
  const std::string& spec = specs[data[0] % specs.size()];
  Result<std::shared_ptr<const Game>> game = make_game(spec);
  fuzz::check(game.ok(), "example spec '" + spec + "' does not make a game");
  // The random state depends on the first three bytes only, and mutations mostly change the
  // notation: states are kept by those bytes and cloned (a playout of 19x19 Go under the
  // sanitizers is most of a run's time otherwise).
  static std::map<uint32_t, std::unique_ptr<State>> states;
  const uint32_t key = data[0] | data[1] << 8 | data[2] << 16;
  auto it = states.find(key);
  if (it == states.end()) {
    if (states.size() >= 1024) states.clear();
    Rng playout(data[2]);
    std::unique_ptr<State> fresh = (*game)->new_initial_state();
    for (int ply = 0; ply < data[1] && !fresh->is_terminal(); ++ply) random_step(*fresh, playout);
    it = states.emplace(key, std::move(fresh)).first;
  }
  std::unique_ptr<State> state = it->second->clone();
  Rng rng(data[2] + 256);  // the other seats' orders at a simultaneous node

  const std::string_view text = fuzz::as_text(data + 4, size - 4);
  if (state->is_terminal()) {
    // Nothing is legal, but reading must still be safe for any seat.
    for (Player p = 0; p < (*game)->num_players(); ++p) {
      Result<Action> a = state->parse_action(p, text);
      if (a.ok()) fuzz::check(!state->apply(*a).ok(), "an action was applied at a terminal state");
    }
  } else if (state->is_simultaneous_node()) {
    simultaneous(*state, text, data[3], rng);
  } else {
    sequential(*state, text);
  }
  (void)state->to_string();
  if (fuzz::json_safe(text)) (void)state->view(kSpectator).dump();
  return 0;
}
