// The data-parallel learner: two processes (this test binary, run again as two ranks over
// Gloo on the loopback) that train on the two halves of a batch end with the weights of one
// learner trained on the whole batch; the rendezvous fails with a clear error, not a hang.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "agents/nn/train/learner.h"
#include "agents/nn/train/process_group.h"
#include "core/rng.h"
#include "games/registry.h"

namespace arena::nn {
namespace {

constexpr int kSteps = 5;
const std::vector<std::string> kGames = {"connect_four", "go(size=5,komi=0.5)", "kuhn_poker"};

// Training rows, owning their vectors.
struct Rows {
  std::vector<std::vector<float>> observations, policies, values;
  std::vector<std::vector<Action>> legal;
  std::vector<Player> players;
  std::vector<int> heads;
  std::vector<LearnerSample> samples(size_t from, size_t to) const {
    std::vector<LearnerSample> out;
    for (size_t i = from; i < to; ++i)
      out.push_back({heads[i], players[i], &observations[i], &legal[i], &policies[i], &values[i]});
    return out;
  }
};

// `n` distinct positions of `spec` a few random moves in (random deals), with made-up
// targets (a policy leaning to the first legal action, a winner by parity), and noise in
// [0, 0.5) added to every observed value. The noise keeps the comparison well conditioned:
// a plane constant over the batch (a side-to-move plane) gives its stem weights a gradient
// that is 0 but for rounding, which AdamW's normalisation turns into steps of up to the
// learning rate in a direction rounding picks; two equal rows give BatchNorm a variance of
// 0, whose rounding 1 / sqrt(eps) magnifies.
void add_rows(Rows& rows, const std::string& spec, int head, int n, uint64_t seed) {
  auto game = *make_game(spec);
  Rng rng(seed);
  std::set<std::vector<float>> seen;
  for (int i = 0; i < n;) {
    std::unique_ptr<State> s = game->new_initial_state();
    const int moves = static_cast<int>(rng.uniform(6));
    for (int k = 0; (k < moves || s->is_chance_node()) && !s->is_terminal(); ++k) {
      const std::vector<Action> legal =
          s->is_chance_node() ? [&] {
            std::vector<Action> outcomes;
            for (const auto& [a, p] : s->chance_outcomes()) outcomes.push_back(a);
            return outcomes;
          }()
                              : s->legal_actions();
      ASSERT_TRUE(s->apply(legal[rng.uniform(legal.size())]).ok());
    }
    if (s->is_terminal()) continue;
    const Player p = s->current_player();
    if (!seen.insert(s->observation_tensor(p)).second) continue;
    rows.heads.push_back(head);
    rows.players.push_back(p);
    std::vector<float> observation = s->observation_tensor(p);
    for (float& v : observation) v += static_cast<float>(0.5 * rng.uniform_double());
    rows.observations.push_back(std::move(observation));
    rows.legal.push_back(s->legal_actions());
    std::vector<float> policy(rows.legal.back().size(), 0.5f / static_cast<float>(rows.legal.back().size()));
    policy[0] += 0.5f;
    rows.policies.push_back(policy);
    rows.values.push_back(i % 2 == 0 ? std::vector<float>{1.0f, -1.0f} : std::vector<float>{-1.0f, 1.0f});
    ++i;
  }
}

// The whole batch: 16 Connect Four positions, 6 of 5x5 Go, 2 of Kuhn poker, in that order.
Rows whole_batch() {
  Rows rows;
  add_rows(rows, kGames[0], 0, 16, 1);
  add_rows(rows, kGames[1], 1, 6, 2);
  add_rows(rows, kGames[2], 2, 2, 3);
  return rows;
}

// Rank r's half: Connect Four split evenly; Go 1 row to rank 0 and 5 to rank 1 (a rank with a
// single row of a head); Kuhn poker both rows to rank 1 (a rank with none of a head's rows).
std::vector<LearnerSample> half(const Rows& rows, int rank) {
  std::vector<LearnerSample> out = rank == 0 ? rows.samples(0, 8) : rows.samples(8, 16);
  std::vector<LearnerSample> go = rank == 0 ? rows.samples(16, 17) : rows.samples(17, 22);
  out.insert(out.end(), go.begin(), go.end());
  if (rank == 1) {
    std::vector<LearnerSample> kuhn = rows.samples(22, 24);
    out.insert(out.end(), kuhn.begin(), kuhn.end());
  }
  return out;
}

NetConfig net_config() { return *net_config_for(kGames, 1, 16); }
LearnerOptions options() { return {3e-3, 0.05, false, /*symmetries=*/false}; }

// Every parameter and buffer, in order, flattened, as doubles.
std::vector<torch::Tensor> weights(Learner& learner) {
  std::vector<torch::Tensor> out;
  for (const torch::Tensor& p : learner.net()->parameters())
    out.push_back(p.detach().to(torch::kDouble).flatten());
  for (const torch::Tensor& b : learner.net()->buffers())
    out.push_back(b.detach().to(torch::kDouble).flatten());
  return out;
}

// Weights as doubles, each its count then its values (the counters of BatchNorm included).
void save_weights(const std::vector<torch::Tensor>& tensors, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  for (const torch::Tensor& t : tensors) {
    const torch::Tensor d = t.to(torch::kDouble).contiguous();
    const int64_t n = d.numel();
    out.write(reinterpret_cast<const char*>(&n), sizeof n);
    out.write(static_cast<const char*>(d.data_ptr()), static_cast<std::streamsize>(n * sizeof(double)));
  }
}

std::vector<torch::Tensor> load_weights(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<torch::Tensor> out;
  int64_t n = 0;
  while (in.read(reinterpret_cast<char*>(&n), sizeof n)) {
    torch::Tensor t = torch::empty({n}, torch::kDouble);
    in.read(static_cast<char*>(t.data_ptr()), static_cast<std::streamsize>(n * sizeof(double)));
    out.push_back(t);
  }
  return out;
}

// How far two lists of weights are apart, in units of the tolerance: the largest
// |a - reference| / (atol + rtol x |reference|) over every value, with rtol 1e-3 and atol 2%
// of the learning rate (below 1: equal within tolerance). Floating-point sums taken in
// another order (the ranks' halves, the statistics in double) differ in their last bits, and
// AdamW's step, the first moment over the root of the second, turns a small gradient's last
// bits into a visible fraction of a step: a weight of the combined batch moves by a few
// thousandths of the learning rate where one of the halves does (measured here).
double largest_difference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& reference) {
  EXPECT_EQ(a.size(), reference.size());
  const double atol = 0.02 * options().learning_rate, rtol = 1e-3;
  double worst = 0;
  for (size_t i = 0; i < std::min(a.size(), reference.size()); ++i) {
    const torch::Tensor ratio = (a[i] - reference[i]).abs() / (atol + rtol * reference[i].abs());
    worst = std::max(worst, ratio.max().item<double>());
  }
  return worst;
}

// A worker rank, not a test of its own: the tests below run this binary again with
// ARENA_DDP_RANK set and this disabled test enabled. It trains kSteps on its half and saves
// its weights to ARENA_DDP_OUT.
TEST(DistributedWorker, DISABLED_Rank) {
  const char* rank_text = std::getenv("ARENA_DDP_RANK");
  ASSERT_NE(rank_text, nullptr) << "a rank of DataParallel's tests, run by them with ARENA_DDP_RANK set";
  const int rank = std::atoi(rank_text);
  const std::string mode = std::getenv("ARENA_DDP_MODE");
  DataParallelConfig config;
  config.nodes = std::atoi(std::getenv("ARENA_DDP_NODES"));
  config.rank = rank;
  config.master = std::getenv("ARENA_DDP_MASTER");
  config.timeout_s = 10;
  Result<std::shared_ptr<LearnerGroup>> group = LearnerGroup::join(config, torch::kCPU);
  if (!group.ok()) {
    std::printf("join error: %s: %s\n", group.error().code.c_str(), group.error().message.c_str());
    std::fflush(stdout);
    std::_Exit(3);
  }
  // Another seed on each rank: distribute() gives every rank rank 0's weights.
  Learner learner(net_config(), torch::kCPU, options(), 100 + static_cast<uint64_t>(rank));
  learner.distribute(*group);
  if (mode == "unsynced") learner.net()->sync_batch_norm({});
  Rows rows = whole_batch();
  if (mode == "other_data" && rank == 1) rows.values[9][0] = -rows.values[9][0];  // one target changed
  for (int i = 0; i < kSteps; ++i) {
    const std::map<int, HeadLoss> losses = learner.step(half(rows, rank));
    EXPECT_EQ(learner.last_global_rows(), 24);
    EXPECT_EQ(losses.size(), 3u);
  }
  save_weights(weights(learner), std::getenv("ARENA_DDP_OUT"));
}

// A port no one listens on now.
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t size = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  close(fd);
  return ntohs(address.sin_port);
}

struct Worker {
  pid_t pid = -1;
  std::string out;  // its weights
  std::string log;  // what it printed
};

// This binary again (posix_spawn: no fork of a threaded process), as rank `rank` of `nodes`,
// its output in a log beside its weights.
Worker spawn(int rank, int nodes, const std::string& master, const std::string& mode,
             const std::string& dir) {
  Worker w;
  w.out = dir + "/rank" + std::to_string(rank) + ".pt";
  w.log = dir + "/rank" + std::to_string(rank) + ".log";
  std::filesystem::remove(w.out);
  const std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
  std::vector<std::string> env = {"ARENA_DDP_RANK=" + std::to_string(rank),
                                  "ARENA_DDP_NODES=" + std::to_string(nodes),
                                  "ARENA_DDP_MASTER=" + master,
                                  "ARENA_DDP_MODE=" + mode,
                                  "ARENA_DDP_OUT=" + w.out,
                                  "OMP_NUM_THREADS=1"};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string(*e).rfind("ARENA_DDP_", 0) != 0 && std::string(*e).rfind("OMP_NUM_THREADS=", 0) != 0)
      env.emplace_back(*e);
  }
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string filter = "--gtest_filter=DistributedWorker.DISABLED_Rank",
              enable = "--gtest_also_run_disabled_tests";
  std::string program = exe;
  char* argv[] = {program.data(), filter.data(), enable.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, w.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  EXPECT_EQ(posix_spawn(&w.pid, exe.c_str(), &actions, nullptr, argv, envp.data()), 0);
  posix_spawn_file_actions_destroy(&actions);
  return w;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The exit status of `w` (-1: killed after `limit`).
int wait_for(const Worker& w, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    if (waitpid(w.pid, &status, WNOHANG) == w.pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(w.pid, SIGKILL);
      waitpid(w.pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string temp_dir(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("arena-ddp-" + std::to_string(getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

// Two ranks in `mode` ("synced", "unsynced", "other_data"): their weights after kSteps.
std::vector<std::vector<torch::Tensor>> train_two_ranks(const std::string& mode) {
  const std::string dir = temp_dir(mode);
  const std::string master = "127.0.0.1:" + std::to_string(free_port());
  std::vector<Worker> workers = {spawn(0, 2, master, mode, dir), spawn(1, 2, master, mode, dir)};
  std::vector<std::vector<torch::Tensor>> out;
  for (const Worker& w : workers) {
    const int code = wait_for(w, std::chrono::seconds(60));
    EXPECT_EQ(code, 0) << read_file(w.log);
    std::vector<torch::Tensor> loaded;
    if (code == 0) loaded = load_weights(w.out);
    out.push_back(std::move(loaded));
  }
  return out;
}

// The same kSteps by one learner on the whole batch (rank 0's seed: the weights it starts from).
std::vector<torch::Tensor> train_one_learner() {
  Learner learner(net_config(), torch::kCPU, options(), 100);
  const Rows rows = whole_batch();
  for (int i = 0; i < kSteps; ++i) learner.step(rows.samples(0, 24));
  return weights(learner);
}

TEST(DataParallel, TwoRanksTrainAsOneLearnerOnTheWholeBatch) {
  const std::vector<torch::Tensor> reference = train_one_learner();
  const std::vector<std::vector<torch::Tensor>> ranks = train_two_ranks("synced");
  ASSERT_EQ(ranks.size(), 2u);
  ASSERT_FALSE(ranks[0].empty());
  ASSERT_FALSE(ranks[1].empty());
  // The ranks hold the same bytes, and they are the single learner's within rounding.
  for (size_t i = 0; i < ranks[0].size(); ++i) EXPECT_TRUE(torch::equal(ranks[0][i], ranks[1][i])) << i;
  const double difference = largest_difference(ranks[0], reference);
  EXPECT_LT(difference, 1.0) << "the largest difference from one learner on the whole batch, in tolerances";
  std::printf("largest difference from one learner: %.3g tolerances\n", difference);
  // It learned: the weights moved well past that difference.
  Learner fresh(net_config(), torch::kCPU, options(), 100);
  EXPECT_GT(largest_difference(weights(fresh), reference), 100);
}

// The comparison can fail: without BatchNorm over the whole batch, or with one rank's data
// changed, the weights are not the single learner's.
TEST(DataParallel, DiffersWithoutSyncedBatchNormOrWithOtherData) {
  const std::vector<torch::Tensor> reference = train_one_learner();
  for (const std::string mode : {"unsynced", "other_data"}) {
    const std::vector<std::vector<torch::Tensor>> ranks = train_two_ranks(mode);
    ASSERT_EQ(ranks.size(), 2u);
    ASSERT_FALSE(ranks[0].empty()) << mode;
    const double difference = largest_difference(ranks[0], reference);
    EXPECT_GT(difference, 10) << mode;
    std::printf("%s: largest difference from one learner: %.3g tolerances\n", mode.c_str(), difference);
  }
}

// The rendezvous fails with an error rather than a hang: no master, ranks that disagree on
// the number of nodes, a rank missing, bad flags.
TEST(DataParallel, TheRendezvousFailsClearly) {
  DataParallelConfig config;
  config.nodes = 2;
  config.rank = 1;
  config.master = "127.0.0.1:" + std::to_string(free_port());
  config.timeout_s = 1;
  const auto start = std::chrono::steady_clock::now();
  Result<std::shared_ptr<LearnerGroup>> alone = LearnerGroup::join(config, torch::kCPU);
  ASSERT_FALSE(alone.ok());
  EXPECT_EQ(alone.error().code, "rendezvous");
  EXPECT_NE(alone.error().message.find("is rank 0 running?"), std::string::npos) << alone.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));

  // Rank 0 alone: the other rank never comes.
  config.rank = 0;
  Result<std::shared_ptr<LearnerGroup>> lonely = LearnerGroup::join(config, torch::kCPU);
  ASSERT_FALSE(lonely.ok());
  EXPECT_EQ(lonely.error().code, "rendezvous");
  EXPECT_NE(lonely.error().message.find("only 1 of 2 ranks joined"), std::string::npos)
      << lonely.error().message;

  // Rank 0 of 2 in another process; this rank says 3 nodes.
  const std::string dir = temp_dir("mismatch");
  config.master = "127.0.0.1:" + std::to_string(free_port());
  Worker rank0 = spawn(0, 2, config.master, "synced", dir);
  config.nodes = 3;
  config.rank = 1;
  config.timeout_s = 10;
  Result<std::shared_ptr<LearnerGroup>> mismatch = LearnerGroup::join(config, torch::kCPU);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.error().message.find("rank 0 runs with --nodes 2, this rank with --nodes 3"),
            std::string::npos)
      << mismatch.error().message;
  kill(rank0.pid, SIGKILL);
  wait_for(rank0, std::chrono::seconds(5));

  for (const auto& [nodes, rank, master] :
       std::vector<std::tuple<int, int, std::string>>{{2, 2, "127.0.0.1:29500"},
                                                      {2, 0, "127.0.0.1"},
                                                      {2, 0, "127.0.0.1:0"},
                                                      {1, 0, "127.0.0.1:29500"}}) {
    DataParallelConfig bad;
    bad.nodes = nodes;
    bad.rank = rank;
    bad.master = master;
    EXPECT_EQ(LearnerGroup::join(bad, torch::kCPU).error().code, "bad_config") << rank << " " << master;
  }
}

}  // namespace
}  // namespace arena::nn
