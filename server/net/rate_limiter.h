// Rate limits. RateLimiter is a token bucket: `rate` events a second with bursts up to
// `burst`; each WebSocket connection has one for what its client sends. KeyedRateLimiter
// keeps one bucket per key (an address, a player) for limits that must hold across
// connections, and AbuseLimits gathers the server's keyed limits in one place.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace arena::net {

// Not thread-safe (one per connection, used on its strand).
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
  // Whether the bucket has refilled completely (nothing to remember about this client).
  bool full() const {
    const double since = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count();
    return tokens_ + rate_ * since >= burst_;
  }

 private:
  double rate_, burst_, tokens_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// Thread-safe. A rate of zero or less means no limit.
class KeyedRateLimiter {
 public:
  KeyedRateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}
  // Zero when `key` may go on; otherwise the seconds it should wait.
  double take(const std::string& key) {
    if (rate_ <= 0) return 0;
    std::lock_guard lock(mutex_);
    if (buckets_.size() >= kPruneAt) {
      std::erase_if(buckets_, [](const auto& entry) { return entry.second.full(); });
    }
    return buckets_.try_emplace(key, rate_, burst_).first->second.take();
  }

 private:
  static constexpr size_t kPruneAt = 4096;  // buckets kept before the refilled ones are dropped
  const double rate_, burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, RateLimiter> buckets_;
};

// What is limited per address (the peer's IP) and per player, across connections.
struct AbuseLimitsConfig {
  double registrations_per_minute = 20;             // per address: POST /api/bots, POST /api/humans
  double sign_ins_per_minute = 60;                  // per address: POST /api/session
  double guests_per_minute = 60;                    // per address: new guest identities
  double challenges_per_minute = 120;               // per player (REST and WebSocket)
  double challenges_per_minute_per_address = 1200;  // from one address (many bots may share one)
  double messages_per_second_per_player = 400;      // WebSocket, all of a player's connections
  double messages_per_second_per_address = 4000;    // WebSocket, all connections from an address
};

struct AbuseLimits {
  explicit AbuseLimits(const AbuseLimitsConfig& c)
      : registrations(c.registrations_per_minute / 60, std::max(1.0, c.registrations_per_minute)),
        sign_ins(c.sign_ins_per_minute / 60, std::max(1.0, c.sign_ins_per_minute)),
        guests(c.guests_per_minute / 60, std::max(1.0, c.guests_per_minute)),
        challenges(c.challenges_per_minute / 60, std::max(1.0, c.challenges_per_minute / 4)),
        address_challenges(c.challenges_per_minute_per_address / 60,
                           std::max(1.0, c.challenges_per_minute_per_address / 4)),
        player_messages(c.messages_per_second_per_player, 2 * c.messages_per_second_per_player),
        address_messages(c.messages_per_second_per_address, 2 * c.messages_per_second_per_address) {}

  KeyedRateLimiter registrations, sign_ins, guests, challenges, address_challenges, player_messages,
      address_messages;
};

// Keys: a player, or an address ("a:" and "p:" keep them apart in one limiter).
inline std::string player_key(int64_t player_id) { return "p:" + std::to_string(player_id); }
inline std::string address_key(const std::string& address) { return "a:" + address; }

// A challenge to a player (it asks someone) counts against its sender and against its
// sender's address: the seconds to wait, or zero. (A challenge to a house agent asks nobody:
// the live-match cap bounds those.)
inline double challenge_wait(AbuseLimits& limits, int64_t player_id, const std::string& address) {
  const double wait = limits.challenges.take(player_key(player_id));
  return wait > 0 ? wait : limits.address_challenges.take(address_key(address));
}

}  // namespace arena::net
