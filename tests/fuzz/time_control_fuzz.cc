// Time controls (server/arena/time_control.h): any text reads as a time control or a
// "bad_time_control" Error; one that reads writes itself in the long form, which reads back
// as the same, and its clock's arithmetic stays in range.
#include "server/arena/time_control.h"
#include "tests/fuzz/fuzz_util.h"

using namespace arena;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(fuzz::as_text(data, size));
  Result<TimeControl> tc = TimeControl::parse(text);
  if (!tc.ok()) {
    fuzz::check(tc.error().code == "bad_time_control", "an error other than bad_time_control");
    return 0;
  }
  fuzz::check(tc->base.count() >= 0 && tc->increment.count() >= 0, "a negative time");
  Result<TimeControl> again = TimeControl::parse(tc->to_string());
  fuzz::check(again.ok() && *again == *tc, "'" + tc->to_string() + "' does not read back as itself");
  // A clock over a long game: every move uses most of what it may (under sanitizers, any
  // overflow of the arithmetic stops the run).
  Clock clock(*tc);
  for (int move = 0; move < 1000; ++move) {
    const Millis available = clock.available();
    const Millis budget = think_budget(*tc, available);
    fuzz::check(budget.count() >= 0, "a negative think budget");
    if (tc->kind == TimeControl::Kind::kUntimed) break;
    if (!clock.charge(budget)) break;
    (void)clock.remaining_ms();
  }
  return 0;
}
