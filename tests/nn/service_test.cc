#include "agents/nn/inference_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <numeric>
#include <thread>

#include "agents/search/mcts.h"
#include "core/rng.h"
#include "games/registry.h"
#include "tests/games/test_games.h"

namespace arena::nn {
namespace {

const std::vector<std::string> kSpecs = {"kuhn_poker", "game24", "go(size=5)", "go(size=9)"};

std::shared_ptr<InferenceService> make_service(ServiceOptions options,
                                               const std::vector<std::string>& specs = kSpecs, int blocks = 1,
                                               int channels = 8) {
  options.device = "cpu";
  Result<NetConfig> config = net_config_for(specs, blocks, channels);
  EXPECT_TRUE(config.ok());
  Result<std::shared_ptr<InferenceService>> s = InferenceService::create(*config, options, 1);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return *s;
}

// A leaf as a search hands it over: the state, its mover and the mover's legal actions.
struct Leaf {
  std::unique_ptr<State> state;
  std::vector<Action> actions;
  EvalRequest request() const { return EvalRequest{state.get(), state->current_player(), actions}; }
};

// Positions of every game, a few random steps in (chance nodes and the end included).
std::vector<Leaf> mixed_leaves(int per_game, uint64_t seed) {
  Rng rng(seed);
  std::vector<Leaf> leaves;
  for (const std::string& spec : kSpecs) {
    auto game = *make_game(spec);
    for (int i = 0; i < per_game; ++i) {
      Leaf leaf{game->new_initial_state(), {}};
      const int steps = static_cast<int>(rng.uniform(8));
      for (int k = 0; k < steps && !leaf.state->is_terminal(); ++k) {
        const std::vector<Action> legal = leaf.state->legal_actions();
        EXPECT_TRUE(leaf.state->apply(legal[rng.uniform(legal.size())]).ok());
      }
      if (leaf.state->current_player() >= 0) leaf.actions = leaf.state->legal_actions();
      leaves.push_back(std::move(leaf));
    }
  }
  // Interleave the games.
  for (size_t i = leaves.size(); i > 1; --i) std::swap(leaves[i - 1], leaves[rng.uniform(i)]);
  return leaves;
}

Evaluation evaluate_one(InferenceService& service, const Leaf& leaf) {
  const EvalRequest r = leaf.request();
  Evaluation e;
  service.evaluate({&r, 1}, {&e, 1});
  return e;
}

TEST(InferenceService, ConcurrentBatchedAnswersMatchOneAtATime) {
  std::atomic<int> mixed{0}, batches{0};
  ServiceOptions options;
  options.max_batch = 32;
  std::shared_ptr<InferenceService> service;
  Result<NetConfig> config = net_config_for(kSpecs, 1, 8);
  options.on_batch = [&](int head, std::span<const State* const> states) {
    batches++;
    for (const State* s : states) {
      if (config->index_of(s->game()) != head) mixed++;
    }
  };
  service = make_service(options);
  const std::vector<Leaf> leaves = mixed_leaves(40, 5);
  std::vector<Evaluation> reference;
  for (const Leaf& leaf : leaves) reference.push_back(evaluate_one(*service, leaf));
  const ServiceStats single = service->stats();
  EXPECT_EQ(single.positions, leaves.size());
  EXPECT_DOUBLE_EQ(single.mean_batch, 1.0);

  // 16 threads, each its share of the leaves in calls of 1 to 3 (mixed games in one call).
  constexpr int kThreads = 16;
  std::vector<std::vector<Evaluation>> answers(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<size_t> mine;
      for (size_t i = static_cast<size_t>(t); i < leaves.size(); i += kThreads) mine.push_back(i);
      answers[static_cast<size_t>(t)].resize(mine.size());
      for (size_t k = 0; k < mine.size();) {
        const size_t n = std::min<size_t>(1 + (k + static_cast<size_t>(t)) % 3, mine.size() - k);
        std::vector<EvalRequest> requests;
        for (size_t j = 0; j < n; ++j) requests.push_back(leaves[mine[k + j]].request());
        service->evaluate(requests, std::span(answers[static_cast<size_t>(t)]).subspan(k, n));
        k += n;
      }
    });
  }
  for (std::thread& t : threads) t.join();

  for (int t = 0; t < kThreads; ++t) {
    size_t k = 0;
    for (size_t i = static_cast<size_t>(t); i < leaves.size(); i += kThreads, ++k) {
      const Evaluation& got = answers[static_cast<size_t>(t)][k];
      const Evaluation& want = reference[i];
      ASSERT_EQ(got.priors.size(), want.priors.size());
      ASSERT_EQ(got.values.size(), want.values.size());
      for (size_t j = 0; j < got.priors.size(); ++j) EXPECT_NEAR(got.priors[j], want.priors[j], 1e-4);
      for (size_t j = 0; j < got.values.size(); ++j) EXPECT_NEAR(got.values[j], want.values[j], 1e-4);
    }
  }
  const ServiceStats after = service->stats();
  EXPECT_EQ(after.positions, 2 * leaves.size());
  const double concurrent_mean = static_cast<double>(after.positions - single.positions) /
                                 static_cast<double>(after.batches - single.batches);
  EXPECT_GT(concurrent_mean, 1.0) << "concurrent callers share forward passes";
  EXPECT_EQ(mixed.load(), 0) << "a batch holds one head's leaves only";
  EXPECT_EQ(static_cast<uint64_t>(batches.load()), after.batches);
  EXPECT_EQ(std::accumulate(after.batch_histogram.begin(), after.batch_histogram.end(), uint64_t{0}),
            after.batches);
  EXPECT_EQ(after.errors, 0u);
  EXPECT_GT(after.positions_per_second, 0);
  EXPECT_GE(after.mean_queue_wait_us, 0);
  EXPECT_GT(after.mean_forward_us, 0);
}

// A forward thread held in its first pass (on_forward) until release(), and the sizes of
// the batches packed meanwhile (on_batch).
struct HeldForward {
  std::mutex mutex;
  std::condition_variable changed;
  bool held = false, released = false;
  std::vector<int> packed;

  void install(ServiceOptions& options) {
    options.on_batch = [this](int, std::span<const State* const> states) {
      std::lock_guard lock(mutex);
      packed.push_back(static_cast<int>(states.size()));
      changed.notify_all();
    };
    options.on_forward = [this](int, int) {
      std::unique_lock lock(mutex);
      if (held) return;  // only the first pass is held
      held = true;
      changed.notify_all();
      changed.wait(lock, [&] { return released; });
    };
  }
  // Waits (up to 10 s) until `n` batches were packed and the first pass is held.
  bool wait_packed(size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10), [&] { return held && packed.size() >= n; });
  }
  size_t packed_count() {
    std::lock_guard lock(mutex);
    return packed.size();
  }
  void release() {
    std::lock_guard lock(mutex);
    released = true;
    changed.notify_all();
  }
};

std::vector<EvalRequest> requests_of(const std::vector<Leaf>& leaves, size_t from, size_t n) {
  std::vector<EvalRequest> requests;
  for (size_t i = from; i < from + n; ++i) requests.push_back(leaves[i].request());
  return requests;
}

std::vector<Leaf> go_leaves(size_t n) {
  auto game = *make_game("go(size=5)");
  std::vector<Leaf> leaves;
  for (size_t i = 0; i < n; ++i) {
    Leaf leaf{game->new_initial_state(), {}};
    leaf.actions = leaf.state->legal_actions();
    leaves.push_back(std::move(leaf));
  }
  return leaves;
}

TEST(InferenceService, WhileAPassRunsFewerThanMinBatchLeavesWaitForItsEnd) {
  HeldForward held;
  ServiceOptions options;
  options.max_batch = 32;
  options.min_batch = 4;
  options.max_wait_us = 1'000;  // past long before the pass ends: no reason to pack while it runs
  held.install(options);
  std::shared_ptr<InferenceService> service = make_service(options);
  const std::vector<Leaf> leaves = go_leaves(8);
  std::vector<Evaluation> out(8);
  auto evaluate = [&](size_t from, size_t n) {
    const std::vector<EvalRequest> r = requests_of(leaves, from, n);
    service->evaluate(r, std::span(out).subspan(from, n));
  };

  // The forward thread is idle: one leaf is packed at its deadline, and its pass is held.
  std::thread first(evaluate, 0, 1);
  ASSERT_TRUE(held.wait_packed(1));
  // Three more while it runs: fewer than min_batch, they wait for a fourth or its end.
  std::thread three(evaluate, 1, 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(held.packed_count(), 1u) << "three leaves were packed while a pass ran";
  std::thread fourth(evaluate, 4, 1);
  ASSERT_TRUE(held.wait_packed(2));
  // Three again, both buffers taken: packed once the passes before them have run.
  std::thread again(evaluate, 5, 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(held.packed_count(), 2u);
  held.release();
  for (std::thread* t : {&first, &three, &fourth, &again}) t->join();
  EXPECT_EQ(held.packed, (std::vector<int>{1, 4, 3}));
  const ServiceStats stats = service->stats();
  EXPECT_EQ(stats.positions, 8u);
  EXPECT_EQ(stats.batches, 3u);
  EXPECT_EQ(stats.errors, 0u);
  for (const Evaluation& e : out) EXPECT_EQ(e.priors.size(), leaves[0].actions.size());
}

TEST(InferenceService, WhileIdleAFewLeavesWaitForCompanyUntilTheirDeadline) {
  HeldForward held;
  ServiceOptions options;
  options.max_batch = 32;
  options.min_batch = 8;
  options.max_wait_us = 30'000;
  held.install(options);
  std::shared_ptr<InferenceService> service = make_service(options);
  const std::vector<Leaf> leaves = go_leaves(10);
  std::vector<Evaluation> out(10);
  const auto submitted = std::chrono::steady_clock::now();
  std::thread two([&] {
    const std::vector<EvalRequest> r = requests_of(leaves, 0, 2);
    service->evaluate(r, std::span(out).subspan(0, 2));
  });
  ASSERT_TRUE(held.wait_packed(1)) << "two leaves below min_batch were never packed";
  EXPECT_GE(std::chrono::steady_clock::now() - submitted, std::chrono::milliseconds(30))
      << "packed before their deadline";
  // Eight at once make min_batch: packed with no wait, even while the first pass is held.
  std::thread eight([&] {
    const std::vector<EvalRequest> r = requests_of(leaves, 2, 8);
    service->evaluate(r, std::span(out).subspan(2, 8));
  });
  ASSERT_TRUE(held.wait_packed(2));
  held.release();
  two.join();
  eight.join();
  EXPECT_EQ(held.packed, (std::vector<int>{2, 8}));
  EXPECT_EQ(service->stats().errors, 0u);
}

TEST(InferenceService, PriorsCoverTheLegalActionsOnly) {
  std::shared_ptr<InferenceService> service = make_service({});
  for (const Leaf& leaf : mixed_leaves(10, 9)) {
    const Evaluation e = evaluate_one(*service, leaf);
    ASSERT_EQ(e.priors.size(), leaf.actions.size());
    ASSERT_EQ(static_cast<int>(e.values.size()), leaf.state->game().num_players());
    if (!leaf.actions.empty()) {
      EXPECT_NEAR(std::accumulate(e.priors.begin(), e.priors.end(), 0.0), 1.0, 1e-5);
      for (float p : e.priors) EXPECT_GT(p, 0.0f);
    }
    for (float v : e.values) {
      EXPECT_LE(v, 1.0f);
      EXPECT_GE(v, -1.0f);
    }
  }
  // Asked about two of the moves only, the service puts all the mass on them, in the same
  // ratio as over every move: illegal actions are masked out before the softmax.
  auto go = *make_game("go(size=9)");
  Leaf full{go->new_initial_state(), {}};
  full.actions = full.state->legal_actions();
  const Evaluation all = evaluate_one(*service, full);
  Leaf two{full.state->clone(), {full.actions[3], full.actions[40]}};
  const Evaluation pair = evaluate_one(*service, two);
  ASSERT_EQ(pair.priors.size(), 2u);
  EXPECT_NEAR(pair.priors[0] + pair.priors[1], 1.0f, 1e-6);
  EXPECT_NEAR(pair.priors[0] / pair.priors[1], all.priors[3] / all.priors[40], 1e-4);
  EXPECT_GT(pair.priors[0], all.priors[3]);
}

// No-limit hold'em's 20,003 bet sizes meet the network as 7 policy slots: the head is 7 wide,
// the priors cover every legal action and sum to one, and the sizes that share a slot share
// its mass evenly.
TEST(InferenceService, ActionsThatShareAPolicySlotShareItsMass) {
  std::shared_ptr<InferenceService> service = make_service({}, {"holdem"});
  Result<NetConfig> config = net_config_for({"holdem"}, 1, 8);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->games[0].num_actions, 7);
  auto game = *make_game("holdem");
  std::unique_ptr<State> state = game->new_initial_state();
  while (state->is_chance_node()) ASSERT_TRUE(state->apply(state->chance_outcomes()[0].first).ok());
  Leaf leaf{std::move(state), {}};
  leaf.actions = leaf.state->legal_actions();
  ASSERT_GT(leaf.actions.size(), 10'000u);
  const Evaluation e = evaluate_one(*service, leaf);
  ASSERT_EQ(e.priors.size(), leaf.actions.size());
  EXPECT_NEAR(std::accumulate(e.priors.begin(), e.priors.end(), 0.0), 1.0, 1e-4);
  std::map<int, std::vector<float>> by_slot;
  for (size_t i = 0; i < leaf.actions.size(); ++i)
    by_slot[leaf.state->policy_slot(leaf.actions[i])].push_back(e.priors[i]);
  // Preflop the half-pot raise is the minimum (to 200), so slot 3 holds no size.
  std::vector<int> slots;
  for (const auto& [slot, priors] : by_slot) slots.push_back(slot);
  EXPECT_EQ(slots, (std::vector<int>{0, 1, 2, 4, 5, 6}));
  for (const auto& [slot, priors] : by_slot) {
    for (float p : priors) EXPECT_FLOAT_EQ(p, priors[0]) << "slot " << slot;
  }
}

TEST(InferenceService, AnUnknownGameGetsUniformPriorsAndZeroValues) {
  std::shared_ptr<InferenceService> service = make_service({}, {"kuhn_poker"});
  auto go = *make_game("go(size=5)");
  auto kuhn = *make_game("kuhn_poker");
  EXPECT_FALSE(service->knows(*go));
  EXPECT_TRUE(service->knows(*kuhn));
  Leaf leaf{go->new_initial_state(), {}};
  leaf.actions = leaf.state->legal_actions();
  const Evaluation e = evaluate_one(*service, leaf);
  ASSERT_EQ(e.priors.size(), leaf.actions.size());
  for (float p : e.priors) EXPECT_FLOAT_EQ(p, 1.0f / static_cast<float>(leaf.actions.size()));
  EXPECT_EQ(e.values, (std::vector<float>{0, 0}));
  EXPECT_EQ(service->stats().errors, 1u);
  EXPECT_EQ(service->stats().positions, 0u);
}

TEST(InferenceService, ShutdownWithRequestsInFlightReleasesEveryCaller) {
  // Batches of one on a slower network: most leaves are still queued at shutdown.
  ServiceOptions options;
  options.max_batch = 1;
  std::shared_ptr<InferenceService> service = make_service(options, {"go(size=9)"}, 4, 32);
  auto go = *make_game("go(size=9)");
  constexpr int kThreads = 16;
  std::atomic<int> started{0};
  std::atomic<bool> stop{false};
  std::vector<int> calls(kThreads, 0), bad(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<Leaf> leaves;
      for (int i = 0; i < 8; ++i) {
        Leaf leaf{go->new_initial_state(), {}};
        leaf.actions = leaf.state->legal_actions();
        leaves.push_back(std::move(leaf));
      }
      std::vector<EvalRequest> requests;
      for (const Leaf& l : leaves) requests.push_back(l.request());
      std::vector<Evaluation> out(requests.size());
      started++;
      while (!stop) {
        service->evaluate(requests, out);
        ++calls[static_cast<size_t>(t)];
        for (const Evaluation& e : out) {
          if (e.priors.size() != 82 || e.values.size() != 2) ++bad[static_cast<size_t>(t)];
        }
      }
    });
  }
  while (started < kThreads) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  service->shutdown();
  const ServiceStats at_shutdown = service->stats();
  stop = true;
  for (std::thread& t : threads) t.join();  // hangs here if a caller was never released
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(bad[static_cast<size_t>(t)], 0);
  EXPECT_GT(at_shutdown.errors, 0u) << "queued leaves were answered uniform";
  service->shutdown();  // idempotent

  // After shutdown: uniform at once.
  Leaf leaf{go->new_initial_state(), {}};
  leaf.actions = leaf.state->legal_actions();
  const Evaluation e = evaluate_one(*service, leaf);
  ASSERT_EQ(e.priors.size(), 82u);
  EXPECT_FLOAT_EQ(e.priors[0], 1.0f / 82);
  EXPECT_EQ(e.values, (std::vector<float>{0, 0}));
}

TEST(InferenceService, SimultaneousLeafGetsEachActingSeatsGroupPriors) {
  arena::testing::register_test_games();
  const std::vector<std::string> specs = {"test_rps(players=3,units=2)", "test_rps(players=7,forfeit=true)"};
  std::atomic<int> rows{0};
  ServiceOptions options;
  options.max_batch = 4;  // a leaf's rows span several batches
  options.on_batch = [&](int, std::span<const State* const> states) {
    rows += static_cast<int>(states.size());
  };
  std::shared_ptr<InferenceService> service = make_service(options, specs);
  for (const std::string& spec : specs) {
    auto game = *make_game(spec);
    std::unique_ptr<State> s = game->new_initial_state();
    const int n = game->num_players();
    // The same position twice with joint priors, once for values only.
    const std::vector<EvalRequest> requests = {{s.get(), kSimultaneousPlayer, {}, true},
                                               {s.get(), kSimultaneousPlayer, {}, true},
                                               {s.get(), kSimultaneousPlayer, {}, false}};
    std::vector<Evaluation> out(3);
    rows = 0;
    service->evaluate(requests, out);
    EXPECT_EQ(rows.load(), 2 * n + 1) << "one row per acting seat, one for values only";
    EXPECT_TRUE(out[2].joint_priors.empty());
    EXPECT_EQ(out[2].values.size(), static_cast<size_t>(n));

    // The reference: each group asked as if its seat were to move (that seat's observation,
    // a softmax over the group's actions); values averaged over the seats' views.
    std::vector<float> want_priors;
    std::vector<double> want_values(static_cast<size_t>(n), 0.0);
    std::vector<std::vector<float>> first_group_of(static_cast<size_t>(n));
    for (Player seat = 0; seat < n; ++seat) {
      const std::vector<std::vector<Action>> groups = s->order_groups(seat);
      for (const std::vector<Action>& group : groups) {
        const EvalRequest r{s.get(), seat, group};
        Evaluation e;
        service->evaluate({&r, 1}, {&e, 1});
        ASSERT_EQ(e.priors.size(), group.size());
        if (first_group_of[seat].empty()) first_group_of[seat] = e.priors;
        want_priors.insert(want_priors.end(), e.priors.begin(), e.priors.end());
        for (int p = 0; p < n; ++p) want_values[p] += e.values[p] / static_cast<double>(n * groups.size());
      }
    }
    for (int k = 0; k < 2; ++k) {
      const Evaluation& e = out[static_cast<size_t>(k)];
      EXPECT_TRUE(e.priors.empty());
      ASSERT_EQ(e.joint_priors.size(), joint_layout_size(*s));
      ASSERT_EQ(e.joint_priors.size(), want_priors.size());
      size_t at = 0;
      for (Player seat = 0; seat < n; ++seat) {
        for (const std::vector<Action>& group : s->order_groups(seat)) {
          double sum = 0;
          for (size_t j = 0; j < group.size(); ++j, ++at) {
            EXPECT_GE(e.joint_priors[at], 0.0f);
            EXPECT_NEAR(e.joint_priors[at], want_priors[at], 1e-4) << spec << " seat " << seat;
            sum += e.joint_priors[at];
          }
          EXPECT_NEAR(sum, 1.0, 1e-5) << spec << ": each group's priors sum to 1";
        }
      }
      ASSERT_EQ(e.values.size(), static_cast<size_t>(n));
      for (int p = 0; p < n; ++p) {
        EXPECT_NEAR(e.values[p], want_values[p], 1e-4) << spec << " seat " << p;
        EXPECT_LE(std::abs(e.values[p]), 1.0f);
      }
    }
    EXPECT_NE(first_group_of[0], first_group_of[1]) << "each seat is seen through its own observation";
  }
  EXPECT_EQ(service->stats().errors, 0u);

  // A search at a simultaneous root with the network as its evaluator.
  auto game = *make_game(specs[0]);
  std::unique_ptr<State> s = game->new_initial_state();
  Mcts mcts({.simulations = 60, .seed = 3}, service);
  Result<SearchResult> r = mcts.search(*s, 2);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(s->check_orders(2, r->decision.actions).ok());
  ASSERT_EQ(r->strategy.size(), 6u);
  EXPECT_NEAR(r->strategy[0] + r->strategy[1] + r->strategy[2], 1.0f, 1e-4f);
}

TEST(InferenceService, AJointRequestOfAnUnknownGameGetsUniformGroupPriors) {
  arena::testing::register_test_games();
  std::shared_ptr<InferenceService> service = make_service({});
  auto game = *make_game("test_rps(units=2,forfeit=true)");
  std::unique_ptr<State> s = game->new_initial_state();
  const EvalRequest r{s.get(), kSimultaneousPlayer, {}, true};
  Evaluation e;
  service->evaluate({&r, 1}, {&e, 1});
  ASSERT_EQ(e.joint_priors.size(), 16u);
  for (float p : e.joint_priors) EXPECT_FLOAT_EQ(p, 0.25f);
  EXPECT_EQ(e.values, std::vector<float>(2, 0.0f));
  EXPECT_EQ(service->stats().errors, 1u);
}

TEST(InferenceService, BadOptionsAreErrors) {
  Result<NetConfig> config = net_config_for({"kuhn_poker"}, 1, 8);
  ASSERT_TRUE(config.ok());
  ServiceOptions options;
  options.device = "cpu";
  options.max_batch = 0;
  Result<std::shared_ptr<InferenceService>> zero = InferenceService::create(*config, options, 1);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, "bad_options");
  options.max_batch = 8;
  options.device = "quantum";
  EXPECT_EQ(InferenceService::create(*config, options, 1).error().code, "bad_device");
  options.device = "cpu";
  options.min_batch = -1;
  EXPECT_EQ(InferenceService::create(*config, options, 1).error().code, "bad_options");
  options.min_batch = 0;
  options.search_batch = 5;
  Result<std::shared_ptr<InferenceService>> ok = InferenceService::create(*config, options, 1);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)->preferred_batch_size(), 5);
  EXPECT_EQ((*ok)->device(), "cpu");
  EXPECT_TRUE((*ok)->stats().to_json().contains("batch_histogram"));
}

}  // namespace
}  // namespace arena::nn
