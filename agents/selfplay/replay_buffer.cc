#include "agents/selfplay/replay_buffer.h"

#include <algorithm>
#include <cmath>
#include <mutex>

namespace arena::selfplay {

ReplayBuffer::ReplayBuffer(ReplayBufferOptions options) : options_(std::move(options)) {}

size_t ReplayBuffer::capacity_of(const std::string& group) const {
  const auto it = options_.capacity.find(group);
  return it != options_.capacity.end() ? it->second : options_.capacity_per_group;
}

void ReplayBuffer::add(Trajectory trajectory) {
  if (trajectory.steps.empty()) return;
  std::string key = options_.group_key ? options_.group_key(trajectory) : trajectory.game;
  const size_t capacity = capacity_of(key);
  auto shared = std::make_shared<const Trajectory>(std::move(trajectory));
  const size_t steps = shared->steps.size();
  std::unique_lock lock(mutex_);
  Group& group = groups_[key];
  group.added += steps;
  // Only the newest `capacity` steps of a long trajectory can stay.
  const size_t first = steps > capacity ? steps - capacity : 0;
  for (size_t i = first; i < steps; ++i) group.positions.push_back({shared, static_cast<uint32_t>(i)});
  while (group.positions.size() > capacity) group.positions.pop_front();
}

std::map<std::string, size_t> ReplayBuffer::sizes() const {
  std::shared_lock lock(mutex_);
  std::map<std::string, size_t> out;
  for (const auto& [name, group] : groups_) out[name] = group.positions.size();
  return out;
}

size_t ReplayBuffer::size(const std::string& group) const {
  std::shared_lock lock(mutex_);
  const auto it = groups_.find(group);
  return it == groups_.end() ? 0 : it->second.positions.size();
}

std::map<std::string, uint64_t> ReplayBuffer::added() const {
  std::shared_lock lock(mutex_);
  std::map<std::string, uint64_t> out;
  for (const auto& [name, group] : groups_) out[name] = group.added;
  return out;
}

void ReplayBuffer::draw_locked(const std::string& name, const Group& group, int n, Rng& rng,
                               std::vector<Sample>& out) const {
  for (int i = 0; i < n; ++i) {
    const Position& p = group.positions[rng.uniform(group.positions.size())];
    const Trajectory& t = *p.trajectory;
    const TrajectoryStep& s = t.steps[p.step];
    out.push_back({name, t.game, s.player, s.observation, s.legal, s.policy, t.scaled_returns, s.rewards});
  }
}

Result<std::vector<Sample>> ReplayBuffer::sample(const std::string& group, int n, Rng& rng) const {
  if (n < 0)
    return make_error("bad_argument", "replay buffer: cannot sample " + std::to_string(n) + " positions");
  std::shared_lock lock(mutex_);
  const auto it = groups_.find(group);
  if (it == groups_.end() || it->second.positions.empty()) {
    return make_error("empty", "replay buffer: no positions in group '" + group + "'");
  }
  std::vector<Sample> out;
  out.reserve(n);
  draw_locked(group, it->second, n, rng, out);
  return out;
}

Result<std::map<std::string, int>> ReplayBuffer::split_locked(const std::map<std::string, double>& weights,
                                                              int n) const {
  if (n < 0)
    return make_error("bad_argument", "replay buffer: cannot sample " + std::to_string(n) + " positions");
  double total = 0;
  std::vector<std::pair<std::string, double>> live;
  for (const auto& [name, w] : weights) {
    if (!(w >= 0) || std::isinf(w)) {
      return make_error("bad_argument",
                        "replay buffer: the weight of '" + name + "' must be finite and not negative");
    }
    const auto it = groups_.find(name);
    if (w == 0 || it == groups_.end() || it->second.positions.empty()) continue;
    live.emplace_back(name, w);
    total += w;
  }
  if (live.empty()) return make_error("empty", "replay buffer: no weighted group holds positions");
  // Largest remainders: floors first, the leftover to the largest fractions (ties: by name).
  std::map<std::string, int> out;
  std::vector<std::pair<double, std::string>> remainders;
  int given = 0;
  for (const auto& [name, w] : live) {
    const double exact = n * (w / total);
    const int whole = static_cast<int>(std::floor(exact));
    out[name] = whole;
    given += whole;
    remainders.emplace_back(exact - whole, name);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; given < n; i = (i + 1) % remainders.size(), ++given) ++out[remainders[i].second];
  return out;
}

Result<std::map<std::string, int>> ReplayBuffer::split(const std::map<std::string, double>& weights,
                                                       int n) const {
  std::shared_lock lock(mutex_);
  return split_locked(weights, n);
}

Result<std::vector<Sample>> ReplayBuffer::sample_mixed(const std::map<std::string, double>& weights, int n,
                                                       Rng& rng) const {
  std::shared_lock lock(mutex_);
  Result<std::map<std::string, int>> shares = split_locked(weights, n);
  if (!shares.ok()) return shares.error();
  std::vector<Sample> out;
  out.reserve(n);
  for (const auto& [name, count] : *shares) draw_locked(name, groups_.at(name), count, rng, out);
  return out;
}

}  // namespace arena::selfplay
