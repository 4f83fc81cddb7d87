// RateLimiter: a token bucket, `rate` messages a second with bursts up to `burst`: each
// WebSocket connection has one for what its client sends. Not thread-safe (one per
// connection, used on its strand).
#pragma once

#include <algorithm>
#include <chrono>

namespace arena::net {

class RateLimiter {
 public:
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}
  // Zero when allowed; otherwise the seconds to wait.
  double take() {
    const auto now = std::chrono::steady_clock::now();
    tokens_ = std::min(burst_, tokens_ + rate_ * std::chrono::duration<double>(now - last_).count());
    last_ = now;
    if (tokens_ >= 1) {
      tokens_ -= 1;
      return 0;
    }
    return (1 - tokens_) / rate_;
  }

 private:
  double rate_, burst_, tokens_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace arena::net
