// Game specs (games/registry.h make_game): any text names a game or is a "bad_spec" Error.
// A game that is made has a canonical spec that makes the same game again, an initial state
// that renders itself, and (for UTF-8 input, as every client's is) a description and view
// that can be written as JSON.
#include "games/registry.h"
#include "tests/fuzz/fuzz_util.h"

using namespace arena;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  Result<std::shared_ptr<const Game>> game = make_game(text);
  if (!game.ok()) {
    fuzz::check(game.error().code == "bad_spec", "an error other than bad_spec");
    if (fuzz::json_safe(text))
      fuzz::check(fuzz::json_safe(game.error().message), "a bad_spec message that is not UTF-8");
    return 0;
  }
  const std::string spec = (*game)->spec();
  Result<std::shared_ptr<const Game>> again = make_game(spec);
  fuzz::check(again.ok(), "canonical spec '" + spec +
                              "' does not make a game: " + (again.ok() ? "" : again.error().message));
  fuzz::check((*again)->spec() == spec, "canonical spec '" + spec + "' makes '" + (*again)->spec() + "'");

  std::unique_ptr<State> state = (*game)->new_initial_state();
  fuzz::check(state != nullptr, "no initial state");
  (void)state->to_string();
  (void)state->legal_actions();
  (void)state->observation_tensor(0);
  if (fuzz::json_safe(text)) {
    (void)(*game)->describe().dump();
    (void)state->view(kSpectator).dump();
    for (Player p = 0; p < (*game)->num_players(); ++p) (void)state->view(p).dump();
  }
  return 0;
}
