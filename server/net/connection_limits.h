// ConnectionLimits: how many connections are open, in all and per peer address, with caps
// on both. A connection holds a Slot for as long as it lasts; past a cap there is no slot
// and the connection is refused. The listener counts every TCP connection; WebSocket
// upgrades are counted again by a second instance, with caps of their own.
//
// Thread-safety: thread-safe; a Slot may be released on any thread, also after the
// ConnectionLimits that gave it is gone.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace arena::net {

class ConnectionLimits {
  struct Counts {
    std::mutex mutex;
    size_t total = 0;
    std::unordered_map<std::string, size_t> per_address;
  };

 public:
  // Zero: no cap.
  ConnectionLimits(size_t max_total, size_t max_per_address)
      : max_total_(max_total), max_per_address_(max_per_address), counts_(std::make_shared<Counts>()) {}

  class Slot {
   public:
    Slot(Slot&& other) noexcept = default;
    Slot& operator=(Slot&& other) noexcept {
      release();
      counts_ = std::move(other.counts_);
      address_ = std::move(other.address_);
      return *this;
    }
    ~Slot() { release(); }

   private:
    friend class ConnectionLimits;
    Slot(std::shared_ptr<Counts> counts, std::string address)
        : counts_(std::move(counts)), address_(std::move(address)) {}
    void release() {
      if (!counts_) return;
      std::lock_guard lock(counts_->mutex);
      --counts_->total;
      auto it = counts_->per_address.find(address_);
      if (it != counts_->per_address.end() && --it->second == 0) counts_->per_address.erase(it);
      counts_.reset();
    }
    std::shared_ptr<Counts> counts_;
    std::string address_;
  };

  // A slot for one more connection from `address`; nullopt past either cap.
  std::optional<Slot> acquire(const std::string& address) {
    std::lock_guard lock(counts_->mutex);
    if (max_total_ && counts_->total >= max_total_) return std::nullopt;
    size_t& mine = counts_->per_address[address];
    if (max_per_address_ && mine >= max_per_address_) {
      if (mine == 0) counts_->per_address.erase(address);
      return std::nullopt;
    }
    ++mine;
    ++counts_->total;
    return Slot(counts_, address);
  }

 private:
  const size_t max_total_, max_per_address_;
  std::shared_ptr<Counts> counts_;
};

}  // namespace arena::net
