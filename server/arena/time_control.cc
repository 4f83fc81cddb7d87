#include "server/arena/time_control.h"

#include <algorithm>
#include <charconv>

namespace arena {
namespace {

// Bounds, checked before any arithmetic: a day for a clock or a move, an hour of increment.
constexpr int64_t kMaxBaseMs = 24 * 3600 * 1000;
constexpr int64_t kMaxIncrementMs = 3600 * 1000;

bool read_int(std::string_view s, int64_t& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && out >= 0;
}

// Reads a count of `unit_ms` milliseconds no larger than `max_ms`.
bool read_ms(std::string_view s, int64_t unit_ms, int64_t max_ms, int64_t& out) {
  int64_t n = 0;
  if (!read_int(s, n) || n > max_ms / unit_ms) return false;
  out = n * unit_ms;
  return true;
}

Error bad(const std::string& text) {
  return make_error("bad_time_control", "'" + text +
                                            "': expected untimed, fischer:BASE_MS+INC_MS, move:MS, "
                                            "BASE_SECONDS+INC_SECONDS or Ns (at most a day "
                                            "on the clock or for a move, an hour of increment)");
}

}  // namespace

Result<TimeControl> TimeControl::parse(const std::string& text) {
  TimeControl tc;
  if (text.empty() || text == "untimed") return tc;
  int64_t a = 0, b = 0;
  if (text.rfind("fischer:", 0) == 0) {
    const std::string_view rest = std::string_view(text).substr(8);
    const size_t plus = rest.find('+');
    if (plus == std::string_view::npos || !read_ms(rest.substr(0, plus), 1, kMaxBaseMs, a) ||
        !read_ms(rest.substr(plus + 1), 1, kMaxIncrementMs, b) || a == 0) {
      return bad(text);
    }
    return TimeControl{Kind::kFischer, Millis(a), Millis(b)};
  }
  if (text.rfind("move:", 0) == 0) {
    if (!read_ms(std::string_view(text).substr(5), 1, kMaxBaseMs, a) || a == 0) return bad(text);
    return TimeControl{Kind::kPerMove, Millis(a), Millis(0)};
  }
  if (text.back() == 's' && read_ms(std::string_view(text).substr(0, text.size() - 1), 1000, kMaxBaseMs, a) &&
      a > 0) {
    return TimeControl{Kind::kPerMove, Millis(a), Millis(0)};
  }
  const size_t plus = text.find('+');
  if (plus != std::string::npos && read_ms(std::string_view(text).substr(0, plus), 1000, kMaxBaseMs, a) &&
      read_ms(std::string_view(text).substr(plus + 1), 1000, kMaxIncrementMs, b) && a > 0) {
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
