// Time controls and the clocks the arena keeps for every seat.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/result.h"

namespace arena {

using Millis = std::chrono::milliseconds;

struct TimeControl {
  enum class Kind { kUntimed, kFischer, kPerMove };
  Kind kind = Kind::kUntimed;
  Millis base{0};       // Fischer: starting time; per move: the time for each move
  Millis increment{0};  // Fischer: added after each move

  // "untimed", "fischer:60000+1000" or "move:5000" (milliseconds); the short forms
  // "60+1" (seconds, Fischer) and "5s" (per move) are read too. Each time is at most a week.
  static Result<TimeControl> parse(const std::string& text);
  std::string to_string() const;  // the canonical long form
  bool operator==(const TimeControl&) const = default;
};

// How long an agent should think with `available` on its clock: a slice, so that a timed
// agent does not lose on time by design (Fischer: a twentieth plus most of the increment;
// per move: most of the move's time).
Millis think_budget(const TimeControl& tc, Millis available);

// One seat's clock. Not thread-safe (a match's clocks live on its strand).
class Clock {
 public:
  explicit Clock(const TimeControl& tc)
      : tc_(tc), remaining_(tc.kind == TimeControl::Kind::kFischer ? tc.base : Millis(0)) {}

  // Time the seat may use for its next move (max() when untimed).
  Millis available() const;
  // Charges `used` for a completed move. False when the flag fell (more used than available).
  bool charge(Millis used);
  // Remaining time to report (-1 when untimed).
  int64_t remaining_ms() const;
  void set_remaining(Millis remaining) { remaining_ = remaining; }

 private:
  TimeControl tc_;
  Millis remaining_;
};

}  // namespace arena
