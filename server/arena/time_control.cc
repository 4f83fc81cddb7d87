#include "server/arena/time_control.h"

#include <algorithm>
#include <charconv>

namespace arena {
namespace {

// The most a clock may start with or add per move: a week. More is a mistake, and the clock's
// arithmetic (think_budget, charge) must not overflow with it.
constexpr int64_t kMaxMillis = int64_t{7} * 24 * 60 * 60 * 1000;

// Reads a whole non-negative number of `unit` milliseconds, at most kMaxMillis, into `out`
// (in milliseconds).
bool read_ms(std::string_view s, int64_t unit, int64_t& out) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n < 0 || n > kMaxMillis / unit) return false;
  out = n * unit;
  return true;
}

Error bad(const std::string& text) {
  return make_error("bad_time_control",
                    "'" + text +
                        "': expected untimed, fischer:BASE_MS+INC_MS, move:MS, MIN_SECONDS+INC_SECONDS or Ns "
                        "(at most a week each)");
}

}  // namespace

Result<TimeControl> TimeControl::parse(const std::string& text) {
  TimeControl tc;
  if (text.empty() || text == "untimed") return tc;
  int64_t a = 0, b = 0;
  if (text.rfind("fischer:", 0) == 0) {
    const std::string_view rest = std::string_view(text).substr(8);
    const size_t plus = rest.find('+');
    if (plus == std::string_view::npos || !read_ms(rest.substr(0, plus), 1, a) ||
        !read_ms(rest.substr(plus + 1), 1, b) || a == 0) {
      return bad(text);
    }
    return TimeControl{Kind::kFischer, Millis(a), Millis(b)};
  }
  if (text.rfind("move:", 0) == 0) {
    if (!read_ms(std::string_view(text).substr(5), 1, a) || a == 0) return bad(text);
    return TimeControl{Kind::kPerMove, Millis(a), Millis(0)};
  }
  if (text.back() == 's' && read_ms(std::string_view(text).substr(0, text.size() - 1), 1000, a) && a > 0) {
    return TimeControl{Kind::kPerMove, Millis(a), Millis(0)};
  }
  const size_t plus = text.find('+');
  if (plus != std::string::npos && read_ms(std::string_view(text).substr(0, plus), 1000, a) &&
      read_ms(std::string_view(text).substr(plus + 1), 1000, b) && a > 0) {
    return TimeControl{Kind::kFischer, Millis(a), Millis(b)};
  }
  return bad(text);
}

std::string TimeControl::to_string() const {
  switch (kind) {
    case Kind::kUntimed:
      return "untimed";
    case Kind::kFischer:
      return "fischer:" + std::to_string(base.count()) + "+" + std::to_string(increment.count());
    case Kind::kPerMove:
      return "move:" + std::to_string(base.count());
  }
  return "untimed";
}

Millis think_budget(const TimeControl& tc, Millis available) {
  switch (tc.kind) {
    case TimeControl::Kind::kUntimed:
      return Millis(0);
    case TimeControl::Kind::kFischer:
      return std::min(available / 2, available / 20 + tc.increment * 8 / 10);
    case TimeControl::Kind::kPerMove:
      return available * 8 / 10;
  }
  return Millis(0);
}

Millis Clock::available() const {
  switch (tc_.kind) {
    case TimeControl::Kind::kUntimed:
      return Millis::max();
    case TimeControl::Kind::kFischer:
      return remaining_;
    case TimeControl::Kind::kPerMove:
      return tc_.base;
  }
  return Millis::max();
}

bool Clock::charge(Millis used) {
  if (tc_.kind == TimeControl::Kind::kUntimed) return true;
  if (used > available()) {
    if (tc_.kind == TimeControl::Kind::kFischer) remaining_ = Millis(0);
    return false;
  }
  if (tc_.kind == TimeControl::Kind::kFischer) remaining_ = remaining_ - used + tc_.increment;
  return true;
}

int64_t Clock::remaining_ms() const {
  switch (tc_.kind) {
    case TimeControl::Kind::kUntimed:
      return -1;
    case TimeControl::Kind::kFischer:
      return remaining_.count();
    case TimeControl::Kind::kPerMove:
      return tc_.base.count();
  }
  return -1;
}

}  // namespace arena
