// The data-parallel learner's cost: milliseconds per learner step of one process on a batch
// of 2 x R rows, beside two ranks (this program run again twice, over Gloo on the loopback)
// of R rows each, and their ratio. On one machine the ranks share its cores (each gets half
// of the threads), so the ratio says what the synchronisation costs, not what a second
// machine gains. Prints figures; not a test.
// Usage: learner_step_bench [steps, default 20] [rows per rank, 64] [game, go(size=9)]
//                           [blocks, 2] [channels, 32]
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "agents/nn/train/learner.h"
#include "agents/nn/train/process_group.h"
#include "core/rng.h"
#include "games/registry.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace arena;
using namespace arena::nn;

struct Settings {
  int steps = 20;
  int rows = 64;
  std::string game = "go(size=9)";
  int blocks = 2;
  int channels = 32;
};

// Positions a few random moves into the game, with made-up targets.
struct Rows {
  std::vector<std::vector<float>> observations, policies, values;
  std::vector<std::vector<Action>> legal;
  std::vector<Player> players;
  std::vector<LearnerSample> samples(size_t from, size_t to) const {
    std::vector<LearnerSample> out;
    for (size_t i = from; i < to; ++i)
      out.push_back({0, players[i], &observations[i], &legal[i], &policies[i], &values[i]});
    return out;
  }
};

Rows make_rows(const Game& game, int n) {
  Rows rows;
  Rng rng(1);
  while (static_cast<int>(rows.players.size()) < n) {
    std::unique_ptr<State> s = game.new_initial_state();
    const int moves = static_cast<int>(rng.uniform(20));
    for (int k = 0; k < moves && !s->is_terminal(); ++k) {
      const std::vector<Action> legal = s->legal_actions();
      if (!s->apply(legal[rng.uniform(legal.size())]).ok()) break;
    }
    if (s->is_terminal() || s->is_chance_node()) continue;
    const Player p = s->current_player();
    rows.players.push_back(p);
    rows.observations.push_back(s->observation_tensor(p));
    rows.legal.push_back(s->legal_actions());
    rows.policies.push_back(std::vector<float>(rows.legal.back().size(), 1.0f / rows.legal.back().size()));
    rows.values.push_back(std::vector<float>(static_cast<size_t>(game.num_players()), 0.0f));
  }
  return rows;
}

// Milliseconds per step over settings.steps steps of `learner` on `batch`, after two to warm up.
double time_steps(Learner& learner, const std::vector<LearnerSample>& batch, int steps) {
  for (int i = 0; i < 2; ++i) learner.step(batch);
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < steps; ++i) learner.step(batch);
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count() / steps;
}

// A loopback port no one listens on now.
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    close(fd);
    return 29500;
  }
  close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  if (argc > 1) settings.steps = std::atoi(argv[1]);
  if (argc > 2) settings.rows = std::atoi(argv[2]);
  if (argc > 3) settings.game = argv[3];
  if (argc > 4) settings.blocks = std::atoi(argv[4]);
  if (argc > 5) settings.channels = std::atoi(argv[5]);
  Result<std::shared_ptr<const Game>> game = make_game(settings.game);
  Result<NetConfig> config = game.ok() ? net_config_for({settings.game}, settings.blocks, settings.channels)
                                       : Result<NetConfig>(game.error());
  if (!config.ok()) {
    std::fprintf(stderr, "learner_step_bench: %s\n", config.error().message.c_str());
    return 1;
  }
  const Rows rows = make_rows(**game, 2 * settings.rows);
  const LearnerOptions options{1e-3, 0.05, false, /*symmetries=*/false};
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());

  if (const char* rank_text = std::getenv("LEARNER_BENCH_RANK")) {
    // One rank of two: its half of the batch, half of the cores.
    const int rank = std::atoi(rank_text);
    torch::set_num_threads(static_cast<int>(std::max(1u, cores / 2)));
    DataParallelConfig dp;
    dp.nodes = 2;
    dp.rank = rank;
    dp.master = std::getenv("LEARNER_BENCH_MASTER");
    Result<std::shared_ptr<LearnerGroup>> group = LearnerGroup::join(dp, torch::kCPU);
    if (!group.ok()) {
      std::fprintf(stderr, "rank %d: %s\n", rank, group.error().message.c_str());
      return 1;
    }
    Learner learner(*config, torch::kCPU, options, 1);
    learner.distribute(*group);
    const size_t from = static_cast<size_t>(rank * settings.rows);
    const double ms =
        time_steps(learner, rows.samples(from, from + static_cast<size_t>(settings.rows)), settings.steps);
    std::ofstream(std::getenv("LEARNER_BENCH_OUT")) << ms << "\n";
    return 0;
  }

  std::printf("learner steps of %s, %d blocks x %d channels, %u cores, %d steps each\n",
              settings.game.c_str(), settings.blocks, settings.channels, cores, settings.steps);
  double single = 0;
  {
    Learner learner(*config, torch::kCPU, options, 1);
    single = time_steps(learner, rows.samples(0, rows.players.size()), settings.steps);
    std::printf("one process, %3d rows, %u threads:   %8.1f ms/step\n", 2 * settings.rows, cores, single);
  }
  {
    Learner learner(*config, torch::kCPU, options, 1);
    const double half =
        time_steps(learner, rows.samples(0, static_cast<size_t>(settings.rows)), settings.steps);
    std::printf("one process, %3d rows, %u threads:   %8.1f ms/step\n", settings.rows, cores, half);
  }
  // Two ranks: this program again, twice.
  const std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
  const std::string dir =
      std::filesystem::temp_directory_path() / ("learner-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string master = "127.0.0.1:" + std::to_string(free_port());
  std::vector<pid_t> pids;
  for (int rank = 0; rank < 2; ++rank) {
    std::vector<std::string> env = {"LEARNER_BENCH_RANK=" + std::to_string(rank),
                                    "LEARNER_BENCH_MASTER=" + master,
                                    "LEARNER_BENCH_OUT=" + dir + "/rank" + std::to_string(rank)};
    for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
    std::vector<char*> envp;
    for (std::string& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> args;
    for (int i = 0; i < argc; ++i) args.emplace_back(argv[i]);
    std::vector<char*> child_argv;
    for (std::string& a : args) child_argv.push_back(a.data());
    child_argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, exe.c_str(), nullptr, nullptr, child_argv.data(), envp.data()) != 0) {
      std::fprintf(stderr, "learner_step_bench: cannot start a rank\n");
      return 1;
    }
    pids.push_back(pid);
  }
  std::vector<double> ranks;
  for (int rank = 0; rank < 2; ++rank) {
    int status = 0;
    waitpid(pids[static_cast<size_t>(rank)], &status, 0);
    double ms = -1;
    std::ifstream(dir + "/rank" + std::to_string(rank)) >> ms;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || ms < 0) {
      std::fprintf(stderr, "learner_step_bench: rank %d failed\n", rank);
      return 1;
    }
    ranks.push_back(ms);
  }
  std::filesystem::remove_all(dir);
  const double two = std::max(ranks[0], ranks[1]);
  std::printf("two ranks,   %3d rows each, %u thread(s) each: %8.1f ms/step\n", settings.rows,
              std::max(1u, cores / 2), two);
  std::printf("ratio two ranks / one process on the whole batch: %.2f\n", two / single);
  return 0;
}
