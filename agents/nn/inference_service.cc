#include "agents/nn/inference_service.h"

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>

#include "agents/nn/network.h"

// CUDA graphs are not used yet (there is no option for them): replaying them needs one
// captured graph per batch size with static input and output tensors and a private memory
// pool, captured on a side stream after warm-up, through at::cuda::CUDAGraph, which Debian's
// CPU LibTorch 1.13 (where this is built and tested) does not ship. Code that cannot be
// compiled or run here would be untested; the GPU build can add them behind a
// ServiceOptions flag.

namespace arena::nn {
namespace {

using Clock = std::chrono::steady_clock;

double micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

// Uniform priors over the requested actions (and over each order group when joint priors
// were asked) and zero values: the answer for a leaf the network cannot judge.
void answer_uniform(const EvalRequest& request, Evaluation& out) {
  const size_t n = request.actions.size();
  out.priors.assign(n, n == 0 ? 0.0f : 1.0f / static_cast<float>(n));
  if (request.joint_priors && request.state != nullptr) {
    uniform_joint_priors(*request.state, out.joint_priors);
  } else {
    out.joint_priors.clear();
  }
  const int players = request.state != nullptr ? request.state->game().num_players() : 0;
  out.values.assign(static_cast<size_t>(players), 0.0f);
}

// Priors over actions whose policy slots are `slots`, written to priors[0, slots.size()): a
// softmax over the distinct slots (illegal ones are masked out), each slot's share split
// evenly among the actions in it (one action per slot unless the game names slots of its
// own). Slots outside the head get no mass; uniform when no action has one inside it.
void softmax_slots(std::span<const int> slots, const float* logits, int num_slots, float* priors) {
  const size_t n = slots.size();
  std::fill(priors, priors + n, 0.0f);
  float top = -std::numeric_limits<float>::infinity();
  for (size_t i = 0; i < n; ++i) {
    if (slots[i] >= 0 && slots[i] < num_slots) top = std::max(top, logits[slots[i]]);
  }
  if (!std::isfinite(top)) {
    std::fill(priors, priors + n, n == 0 ? 0.0f : 1.0f / static_cast<float>(n));
    return;
  }
  std::vector<int> sorted(slots.begin(), slots.end());
  std::sort(sorted.begin(), sorted.end());
  auto actions_in = [&](int slot) {
    const auto [lo, hi] = std::equal_range(sorted.begin(), sorted.end(), slot);
    return static_cast<double>(hi - lo);
  };
  double sum = 0;
  for (auto it = sorted.begin(); it != sorted.end(); it = std::upper_bound(it, sorted.end(), *it)) {
    if (*it >= 0 && *it < num_slots) sum += std::exp(logits[*it] - top);
  }
  for (size_t i = 0; i < n; ++i) {
    if (slots[i] < 0 || slots[i] >= num_slots) continue;
    priors[i] = static_cast<float>(std::exp(logits[slots[i]] - top) / actions_in(slots[i]) / sum);
  }
}

// Priors over the mover's `actions` only (State::policy_slot gives their slots).
void softmax_over(const State& state, std::span<const Action> actions, const float* logits, int num_slots,
                  std::vector<float>& priors) {
  std::vector<int> slots(actions.size());
  for (size_t i = 0; i < actions.size(); ++i) slots[i] = state.policy_slot(actions[i]);
  priors.resize(actions.size());
  softmax_slots(slots, logits, num_slots, priors.data());
}

// A simultaneous leaf that asked for joint priors becomes one row per acting seat, each seen
// through that seat's observation. Built by the caller's thread before the rows are queued,
// so that the forward thread never reads the state (the packer may be reading it for
// another row at the same time): where each seat's groups lie in the joint layout
// (EvalRequest::joint_priors) and the policy slot of every entry.
struct JointPlan {
  std::vector<Player> seats;            // State::players_to_act(), ascending
  std::vector<uint32_t> seat_groups;    // seat s's groups are [seat_groups[s], seat_groups[s + 1])
  std::vector<uint32_t> group_entries;  // group g's entries are [group_entries[g], group_entries[g + 1])
  std::vector<int> slots;               // per entry of the layout

  void build(const State& state) {
    seats = state.players_to_act();
    seat_groups.assign(1, 0);
    group_entries.assign(1, 0);
    slots.clear();
    for (Player seat : seats) {
      for (const std::vector<Action>& group : state.order_groups(seat)) {
        for (Action a : group) slots.push_back(state.policy_slot(a));
        group_entries.push_back(static_cast<uint32_t>(slots.size()));
      }
      seat_groups.push_back(static_cast<uint32_t>(group_entries.size() - 1));
    }
  }
  // Seat `row`'s priors: a softmax over each of its groups' slots, one group at a time.
  void softmax_row(size_t row, const float* logits, int num_slots, std::vector<float>& out) const {
    for (uint32_t g = seat_groups[row]; g < seat_groups[row + 1]; ++g) {
      const uint32_t begin = group_entries[g], end = group_entries[g + 1];
      softmax_slots(std::span<const int>(slots.data() + begin, end - begin), logits, num_slots,
                    out.data() + begin);
    }
  }
  // Seat `row`'s groups uniform (a row the network could not judge).
  void uniform_row(size_t row, std::vector<float>& out) const {
    for (uint32_t g = seat_groups[row]; g < seat_groups[row + 1]; ++g) {
      const uint32_t begin = group_entries[g], end = group_entries[g + 1];
      std::fill(out.begin() + begin, out.begin() + end, 1.0f / static_cast<float>(end - begin));
    }
  }
};

}  // namespace

// The service's state: request queues per head, two batch buffers, the packer and forward
// threads, the module and the counters. Thread-safety: `mutex` guards the queues, the slots'
// hand-over and `stopping`; `module_mutex` guards the module; `stats_mutex` the counters.
struct InferenceService::Impl {
  // One evaluate() call: its caller waits until `remaining` reaches zero.
  struct Call {
    std::mutex mutex;
    std::condition_variable done;
    size_t remaining = 0;
  };
  // One row waiting for the network: a leaf, or one acting seat's view of a simultaneous
  // leaf that asked for joint priors (`joint`, seat joint->seats[row]).
  struct Pending {
    const EvalRequest* request;
    Evaluation* out;
    Call* call;
    Clock::time_point submitted;
    const JointPlan* joint = nullptr;
    size_t row = 0;
  };
  // A batch buffer. While not `free` the packer owns it until it is queued in `ready`, then
  // the forward thread until it is free again.
  struct Slot {
    torch::Tensor host;  // max_batch x the largest head's input, pinned when on CUDA
    int head = -1;
    std::vector<Pending> items;
    bool free = true;
  };

  NetConfig config;
  ServiceOptions options;
  torch::Device device{torch::kCPU};
  bool half = false;

  std::mutex module_mutex;
  SharedNet net{nullptr};

  std::mutex mutex;
  std::condition_variable packer_wake, forward_wake;
  std::vector<std::deque<Pending>> queues;  // per head
  size_t queued = 0;
  std::array<Slot, 2> slots;
  std::deque<int> ready;  // slots packed, in order
  bool stopping = false;
  bool packer_done = false;
  bool forwarding = false;  // the forward thread is running a batch
  double last_forward_us = 0;
  std::thread packer, forwarder;

  std::mutex shutdown_mutex;  // serialises shutdown()
  bool joined = false;

  mutable std::mutex stats_mutex;
  Clock::time_point started = Clock::now();
  uint64_t positions = 0, batches = 0, errors = 0;
  std::string last_error;
  std::vector<uint64_t> histogram;
  double queue_wait_us = 0, forward_us = 0;

  ~Impl() { shutdown(); }

  void start() {
    const bool pinned = device.is_cuda();
    int64_t widest = 1;
    for (const GameHead& h : config.games) widest = std::max<int64_t>(widest, h.input_size());
    for (Slot& s : slots) {
      s.host = torch::zeros({options.max_batch * widest},
                            torch::TensorOptions().dtype(torch::kFloat).pinned_memory(pinned));
      s.items.reserve(static_cast<size_t>(options.max_batch));
    }
    queues.resize(config.games.size());
    histogram.assign(static_cast<size_t>(std::bit_width(static_cast<unsigned>(options.max_batch))), 0);
    packer = std::thread([this] { pack_loop(); });
    forwarder = std::thread([this] { forward_loop(); });
  }

  // The head whose leaves go next: the largest group, unless a leaf has waited for several
  // forward passes (then the oldest's group, so a rare game is not starved).
  int pick_group(Clock::time_point now) const {
    int largest = -1, oldest = -1;
    for (size_t h = 0; h < queues.size(); ++h) {
      if (queues[h].empty()) continue;
      if (largest < 0 || queues[h].size() > queues[static_cast<size_t>(largest)].size())
        largest = static_cast<int>(h);
      if (oldest < 0 || queues[h].front().submitted < queues[static_cast<size_t>(oldest)].front().submitted) {
        oldest = static_cast<int>(h);
      }
    }
    const double patience_us = std::max(2000.0, 4 * last_forward_us);
    if (oldest >= 0 && micros(now - queues[static_cast<size_t>(oldest)].front().submitted) > patience_us)
      return oldest;
    return largest;
  }

  // When group `head` may be packed: now (Clock::time_point::min()) once it holds min_batch
  // leaves; else, while a pass runs or waits, when the forward thread is idle again
  // (time_point::max(): until woken); else once its oldest leaf has waited max_wait_us.
  Clock::time_point pack_due(int head) const {
    const std::deque<Pending>& queue = queues[static_cast<size_t>(head)];
    // Automatic: half of max_batch on a GPU; at once on the CPU, where a pass costs about the
    // same per position at any batch past a few dozen, so waiting would buy nothing.
    const int automatic = device.is_cuda() ? std::max(1, options.max_batch / 2) : 1;
    const size_t min_batch = static_cast<size_t>(options.min_batch > 0 ? options.min_batch : automatic);
    if (queue.size() >= std::min(min_batch, static_cast<size_t>(options.max_batch)))
      return Clock::time_point::min();
    if (forwarding || !ready.empty()) return Clock::time_point::max();
    const double max_wait_us = options.max_wait_us > 0 ? options.max_wait_us : last_forward_us / 4;
    return queue.front().submitted + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double, std::micro>(max_wait_us));
  }

  int free_slot() const {
    for (size_t i = 0; i < slots.size(); ++i) {
      if (slots[i].free) return static_cast<int>(i);
    }
    return -1;
  }

  void pack_loop() {
    std::unique_lock lock(mutex);
    for (;;) {
      packer_wake.wait(lock, [&] { return stopping || (queued > 0 && free_slot() >= 0); });
      if (stopping) break;
      const Clock::time_point now = Clock::now();
      const int head = pick_group(now);
      // Not yet: woken sooner by more leaves, the forward thread going idle, or stopping.
      if (const Clock::time_point due = pack_due(head); due == Clock::time_point::max()) {
        packer_wake.wait(lock);
        continue;
      } else if (due > now) {
        packer_wake.wait_until(lock, due);
        continue;
      }
      Slot& slot = slots[static_cast<size_t>(free_slot())];
      slot.free = false;
      slot.head = head;
      std::deque<Pending>& queue = queues[static_cast<size_t>(slot.head)];
      const size_t n = std::min(queue.size(), static_cast<size_t>(options.max_batch));
      slot.items.assign(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
      queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
      queued -= n;
      lock.unlock();
      pack(slot);
      lock.lock();
      ready.push_back(static_cast<int>(&slot - slots.data()));
      forward_wake.notify_one();
    }
    packer_done = true;
    forward_wake.notify_one();
  }

  // Whose observation a row is seen through: the mover's; one acting seat's for each row of
  // a joint leaf; at chance, terminal and other simultaneous nodes (only values are asked)
  // seat 0's.
  static Player viewer_of(const Pending& p, const GameHead& head) {
    if (p.joint != nullptr) {
      const Player seat = p.joint->seats[p.row];
      return seat >= 0 && seat < head.num_players ? seat : 0;
    }
    const EvalRequest& r = *p.request;
    return r.player >= 0 && r.player < head.num_players ? r.player : 0;
  }

  // The answer for a row nobody can judge: uniform priors, nothing added to the values.
  static void answer_row_uniform(const Pending& p) {
    if (p.joint != nullptr) {
      p.joint->uniform_row(p.row, p.out->joint_priors);
    } else {
      answer_uniform(*p.request, *p.out);
    }
  }

  // Writes each leaf's observation into its row of the slot's buffer (plain writes).
  void pack(Slot& slot) {
    const GameHead& head = config.games[static_cast<size_t>(slot.head)];
    const size_t row = static_cast<size_t>(head.input_size());
    float* data = slot.host.data_ptr<float>();
    for (size_t i = 0; i < slot.items.size(); ++i) {
      const Pending& p = slot.items[i];
      p.request->state->observation_tensor(viewer_of(p, head), std::span<float>(data + i * row, row));
    }
    if (options.on_batch) {
      std::vector<const State*> states;
      states.reserve(slot.items.size());
      for (const Pending& p : slot.items) states.push_back(p.request->state);
      options.on_batch(slot.head, states);
    }
  }

  void forward_loop() {
    std::unique_lock lock(mutex);
    for (;;) {
      forward_wake.wait(lock, [&] { return !ready.empty() || packer_done; });
      if (ready.empty()) break;  // the packer has stopped and nothing is left to run
      Slot& slot = slots[static_cast<size_t>(ready.front())];
      ready.pop_front();
      forwarding = true;
      lock.unlock();
      if (options.on_forward) options.on_forward(slot.head, static_cast<int>(slot.items.size()));
      run(slot);
      lock.lock();
      forwarding = false;
      slot.items.clear();
      slot.free = true;
      packer_wake.notify_one();
    }
  }

  // One forward pass over a packed slot, then every leaf's answer.
  void run(Slot& slot) {
    const GameHead& head = config.games[static_cast<size_t>(slot.head)];
    const int64_t n = static_cast<int64_t>(slot.items.size());
    const Clock::time_point begin = Clock::now();
    torch::Tensor logits, values;
    try {
      std::lock_guard module_lock(module_mutex);
      c10::InferenceMode inference;
      const torch::Tensor input =
          slot.host.narrow(0, 0, n * head.input_size()).view({n, head.planes, head.height, head.width});
      const torch::Tensor x =
          input.to(device, half ? torch::kHalf : torch::kFloat, /*non_blocking=*/device.is_cuda());
      NetOutput out = net->forward(slot.head, x);
      // Device to host (synchronous: the batch is done when these return).
      logits = out.policy_logits.to(torch::kCPU, torch::kFloat).contiguous();
      values = out.values.to(torch::kCPU, torch::kFloat).contiguous();
    } catch (const std::exception& e) {
      // A failed pass (device out of memory, a lost device) must not end the thread or
      // strand its callers: they get the answer for a leaf nobody can judge.
      std::fprintf(stderr, "inference: forward pass of %lld %s leaves failed: %s\n",
                   static_cast<long long>(n), head.key.c_str(), e.what());
      count_errors(static_cast<uint64_t>(n),
                   "forward pass of " + std::to_string(n) + " " + head.key + " leaves failed: " + e.what());
      for (const Pending& p : slot.items) {
        answer_row_uniform(p);
        complete(*p.call, 1);
      }
      return;
    }
    const Clock::time_point end = Clock::now();
    const double batch_us = micros(end - begin);
    double wait_us = 0;
    for (const Pending& p : slot.items) wait_us += micros(begin - p.submitted);
    {
      std::lock_guard lock(mutex);
      last_forward_us = batch_us;
    }
    {
      // Counted before any caller is released: a caller that reads stats() after its
      // evaluate() returned sees its own leaves.
      std::lock_guard lock(stats_mutex);
      positions += static_cast<uint64_t>(n);
      batches += 1;
      const size_t bucket =
          std::min(histogram.size() - 1, static_cast<size_t>(std::bit_width(static_cast<uint64_t>(n)) - 1));
      histogram[bucket] += 1;
      queue_wait_us += wait_us;
      forward_us += batch_us;
    }
    const float* l = logits.data_ptr<float>();
    const float* v = values.data_ptr<float>();
    for (int64_t i = 0; i < n; ++i) {
      const Pending& p = slot.items[static_cast<size_t>(i)];
      Evaluation& e = *p.out;
      const Player viewer = viewer_of(p, head);
      if (p.joint != nullptr) {
        // One acting seat's row: its groups' priors, and its view of the values, averaged
        // over the leaf's rows (evaluate() sized both and zeroed the values; the rows of one
        // leaf are answered one after another by this thread).
        p.joint->softmax_row(p.row, l + i * head.num_actions, head.num_actions, e.joint_priors);
        const float share = 1.0f / static_cast<float>(p.joint->seats.size());
        for (int k = 0; k < head.num_players; ++k) {
          e.values[static_cast<size_t>((viewer + k) % head.num_players)] +=
              share * v[i * head.num_players + k];
        }
        complete(*p.call, 1);
        continue;
      }
      e.joint_priors.clear();
      if (p.request->actions.empty()) {
        e.priors.clear();
      } else {
        softmax_over(*p.request->state, p.request->actions, l + i * head.num_actions, head.num_actions,
                     e.priors);
      }
      // The value head answers from the viewer's side: its output k is seat (viewer + k).
      e.values.resize(static_cast<size_t>(head.num_players));
      for (int k = 0; k < head.num_players; ++k) {
        e.values[static_cast<size_t>((viewer + k) % head.num_players)] = v[i * head.num_players + k];
      }
      complete(*p.call, 1);
    }
  }

  static void complete(Call& call, size_t count) {
    std::lock_guard lock(call.mutex);
    call.remaining -= count;
    // Notified under the lock: the caller cannot return (and destroy `call`) before we let go.
    if (call.remaining == 0) call.done.notify_one();
  }

  void count_errors(uint64_t n, const std::string& what) {
    if (n == 0) return;
    std::lock_guard lock(stats_mutex);
    errors += n;
    last_error = what;
  }

  void evaluate(std::span<const EvalRequest> requests, std::span<Evaluation> out) {
    assert(requests.size() == out.size());
    std::vector<int> heads(requests.size(), -1);
    uint64_t unknown = 0;
    for (size_t i = 0; i < requests.size(); ++i) {
      if (requests[i].state != nullptr) {
        // Leaves of one call are mostly of one game: look each game up once.
        const Game* game = &requests[i].state->game();
        heads[i] = i > 0 && requests[i - 1].state != nullptr && &requests[i - 1].state->game() == game
                       ? heads[i - 1]
                       : config.index_of(*game);
      }
      if (heads[i] < 0) {
        answer_uniform(requests[i], out[i]);
        ++unknown;
      }
    }
    count_errors(unknown, "a game the network has no head for");
    if (unknown == requests.size()) return;
    // Simultaneous leaves that ask for joint priors: one row per acting seat, their answers
    // sized here (the rows fill them in).
    auto wants_joint = [&](size_t i) {
      return heads[i] >= 0 && requests[i].joint_priors && requests[i].state->is_simultaneous_node();
    };
    size_t joint_leaves = 0;
    for (size_t i = 0; i < requests.size(); ++i) joint_leaves += wants_joint(i) ? 1 : 0;
    std::vector<JointPlan> plans(joint_leaves);
    std::vector<const JointPlan*> plan_of(joint_leaves > 0 ? requests.size() : 0, nullptr);
    size_t rows = 0;
    for (size_t i = 0, next = 0; i < requests.size(); ++i) {
      if (heads[i] < 0) continue;
      if (!wants_joint(i)) {
        ++rows;
        continue;
      }
      JointPlan& plan = plans[next++];
      plan.build(*requests[i].state);
      if (plan.seats.empty()) {  // nobody to act: values only
        ++rows;
        continue;
      }
      plan_of[i] = &plan;
      rows += plan.seats.size();
      out[i].priors.clear();
      out[i].joint_priors.assign(plan.slots.size(), 0.0f);
      out[i].values.assign(static_cast<size_t>(requests[i].state->game().num_players()), 0.0f);
    }
    Call call;
    call.remaining = rows;
    {
      std::lock_guard lock(mutex);
      if (stopping) {
        for (size_t i = 0; i < requests.size(); ++i) {
          if (heads[i] >= 0) answer_uniform(requests[i], out[i]);
        }
        count_errors(rows, "evaluated after shutdown");
        return;
      }
      const Clock::time_point now = Clock::now();
      for (size_t i = 0; i < requests.size(); ++i) {
        if (heads[i] < 0) continue;
        std::deque<Pending>& queue = queues[static_cast<size_t>(heads[i])];
        const JointPlan* plan = plan_of.empty() ? nullptr : plan_of[i];
        if (plan == nullptr) {
          queue.push_back(Pending{&requests[i], &out[i], &call, now});
        } else {
          for (size_t row = 0; row < plan->seats.size(); ++row)
            queue.push_back(Pending{&requests[i], &out[i], &call, now, plan, row});
        }
      }
      queued += rows;
    }
    packer_wake.notify_one();
    std::unique_lock lock(call.mutex);
    call.done.wait(lock, [&] { return call.remaining == 0; });
  }

  void shutdown() {
    std::lock_guard once(shutdown_mutex);
    if (joined) return;
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    packer_wake.notify_all();
    forward_wake.notify_all();
    if (packer.joinable()) packer.join();
    if (forwarder.joinable()) forwarder.join();
    // Batches already packed have run; what still waits is answered uniform.
    std::lock_guard lock(mutex);
    count_errors(queued, "still queued at shutdown");  // before the callers are released (see run())
    for (std::deque<Pending>& queue : queues) {
      for (const Pending& p : queue) {
        answer_row_uniform(p);
        complete(*p.call, 1);
      }
      queue.clear();
    }
    queued = 0;
    joined = true;
  }

  ServiceStats stats() const {
    std::lock_guard lock(stats_mutex);
    ServiceStats s;
    s.positions = positions;
    s.batches = batches;
    s.batch_histogram = histogram;
    s.errors = errors;
    s.last_error = last_error;
    s.mean_batch = batches > 0 ? static_cast<double>(positions) / static_cast<double>(batches) : 0;
    s.mean_queue_wait_us = positions > 0 ? queue_wait_us / static_cast<double>(positions) : 0;
    s.mean_forward_us = batches > 0 ? forward_us / static_cast<double>(batches) : 0;
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    s.positions_per_second = seconds > 0 ? static_cast<double>(positions) / seconds : 0;
    return s;
  }
};

namespace {

Status check_options(const NetConfig& config, const ServiceOptions& options) {
  if (config.games.empty()) return make_error("bad_config", "the network knows no game");
  if (options.max_batch < 1 || options.max_batch > (1 << 20)) {
    return make_error("bad_options",
                      "max_batch must be in [1, 1048576], got " + std::to_string(options.max_batch));
  }
  if (options.search_batch < 1) {
    return make_error("bad_options",
                      "search_batch must be at least 1, got " + std::to_string(options.search_batch));
  }
  if (options.min_batch < 0 || !(options.max_wait_us >= 0)) {
    return make_error("bad_options", "min_batch and max_wait_us must not be negative (0: automatic)");
  }
  return ok_status();
}

// The service's state around `net` (fresh or loaded on the CPU): moved to the device, in
// eval mode, its threads started.
Result<std::unique_ptr<InferenceService::Impl>> start_impl(const NetConfig& config, SharedNet net,
                                                           const ServiceOptions& options) {
  Result<torch::Device> device = pick_device(options.device);
  if (!device.ok()) return device.error();
  auto impl = std::make_unique<InferenceService::Impl>();
  impl->config = config;
  impl->options = options;
  impl->device = *device;
  impl->half = device->is_cuda() && options.half;
  try {
    net->to(impl->device, impl->half ? torch::kHalf : torch::kFloat);
    net->eval();
    impl->net = std::move(net);
    impl->start();
  } catch (const std::exception& e) {
    return make_error("device_error",
                      std::string("cannot start the network on ") + device->str() + ": " + e.what());
  }
  return impl;
}

}  // namespace

Json ServiceStats::to_json() const {
  return Json{{"positions", positions},
              {"batches", batches},
              {"batch_histogram", batch_histogram},
              {"mean_batch", mean_batch},
              {"mean_queue_wait_us", mean_queue_wait_us},
              {"mean_forward_us", mean_forward_us},
              {"positions_per_second", positions_per_second},
              {"errors", errors}};
}

bool cuda_available() { return torch::cuda::is_available(); }

Result<std::shared_ptr<InferenceService>> InferenceService::create(const NetConfig& config,
                                                                   const ServiceOptions& options,
                                                                   uint64_t seed) {
  if (Status s = check_options(config, options); !s.ok()) return s.error();
  SharedNet net{nullptr};
  try {
    net = make_shared_net(config, seed);
  } catch (const std::exception& e) {
    return make_error("bad_config", std::string("cannot build the network: ") + e.what());
  }
  Result<std::unique_ptr<Impl>> impl = start_impl(config, std::move(net), options);
  if (!impl.ok()) return impl.error();
  return std::shared_ptr<InferenceService>(new InferenceService(std::move(*impl)));
}

Result<std::shared_ptr<InferenceService>> InferenceService::load(const std::string& checkpoint_path,
                                                                 const ServiceOptions& options) {
  Result<LoadedNet> loaded = load_network(checkpoint_path, torch::kCPU);
  if (!loaded.ok()) return loaded.error();
  if (Status s = check_options(loaded->meta.net, options); !s.ok()) return s.error();
  Result<std::unique_ptr<Impl>> impl = start_impl(loaded->meta.net, std::move(loaded->net), options);
  if (!impl.ok()) return impl.error();
  return std::shared_ptr<InferenceService>(new InferenceService(std::move(*impl)));
}

InferenceService::InferenceService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

InferenceService::~InferenceService() { shutdown(); }

void InferenceService::evaluate(std::span<const EvalRequest> requests, std::span<Evaluation> out) {
  impl_->evaluate(requests, out);
}

int InferenceService::preferred_batch_size() const { return impl_->options.search_batch; }

bool InferenceService::knows(const Game& game) const { return impl_->config.index_of(game) >= 0; }

const NetConfig& InferenceService::config() const { return impl_->config; }

std::string InferenceService::device() const { return impl_->device.str(); }

ServiceStats InferenceService::stats() const { return impl_->stats(); }

void InferenceService::shutdown() { impl_->shutdown(); }

Status ServiceInternals::set_weights(const SharedNet& from) {
  std::lock_guard lock(impl_.module_mutex);
  c10::InferenceMode off(false);  // parameters are updated in place: not inference tensors
  return copy_weights(from, impl_.net);
}

torch::Device ServiceInternals::device() const { return impl_.device; }

void ServiceInternals::with_module(const std::function<void(SharedNet&)>& fn) {
  std::lock_guard lock(impl_.module_mutex);
  fn(impl_.net);
}

}  // namespace arena::nn
