// Distributed self-play as a user runs it: `arena train --listen --no-selfplay` learns only
// from the games two `arena selfplay` workers play with its checkpoints and upload; what it
// refuses (tokens, damaged or stale shards, unknown steps) it refuses with a clear error.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <sstream>
#include <thread>

#include "core/json.h"
#include "server/net/http_client.h"
#include "tests/cli/run_arena.h"

namespace arena {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using testing::Output;
using testing::run_arena;

constexpr char kToken1[] = "w1-token-0123456789abcdef";
constexpr char kToken2[] = "w2-token-0123456789abcdef";

// `arena <args>` in the background, its output in a file; SIGTERM, then SIGKILL, at the end.
class Background {
 public:
  Background(const std::string& args, const std::string& log) : log_(log) {
    pid_ = fork();
    if (pid_ == 0) {
      const std::string command = std::string(ARENA_BINARY) + " " + args + " > " + log + " 2>&1";
      execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~Background() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 50 && waitpid(pid_, nullptr, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::string output() const {
    std::ifstream in(log_);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  // The first match of `pattern`'s group 1 in the output, waiting up to `timeout`.
  std::string wait_for(const std::regex& pattern, std::chrono::seconds timeout) const {
    const auto until = Clock::now() + timeout;
    std::smatch m;
    while (Clock::now() < until) {
      const std::string text = output();
      if (std::regex_search(text, m, pattern)) return m[1];
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "no "
                  << "match in:\n"
                  << output();
    return "";
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
};

class SelfPlayWorkers : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::fresh_temp_dir("workers");
    std::ofstream(dir_ / "tokens") << "# the workers\nw1 " << kToken1 << "\nw2 " << kToken2 << "\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  net::HttpReply call(const std::string& method, const std::string& target, const std::string& body = {},
                      const std::string& token = {}, const std::string& type = "application/octet-stream") {
    net::HttpCall c;
    c.method = method;
    c.target = target;
    c.body = body;
    if (!type.empty() && method == "POST") c.headers.emplace_back("Content-Type", type);
    if (!token.empty()) c.headers.emplace_back("Authorization", "Bearer " + token);
    c.timeout = std::chrono::seconds(30);
    Result<net::HttpReply> r = net::http_call(url_, c);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : net::HttpReply{};
  }
  Json run() { return Json::parse(call("GET", "/api/learn").body); }
  // Waits until the run satisfies `ready`, up to `timeout`.
  bool wait_for_run(const std::function<bool(const Json&)>& ready, std::chrono::seconds timeout) {
    const auto until = Clock::now() + timeout;
    while (Clock::now() < until) {
      if (ready(run())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }
  Output worker(const std::string& name, const std::string& token, int games) {
    return run_arena("selfplay --server " + url_.text() + " --token " + token + " --out " +
                     (dir_ / name).string() + " --actors 4 --games " + std::to_string(games) +
                     " --games-per-upload " + std::to_string(games) + " --device cpu");
  }

  fs::path dir_;
  net::HttpUrl url_;
};

TEST_F(SelfPlayWorkers, TwoWorkersFeedALearnerThatPlaysNoSelfPlayItself) {
  // 25 learner steps per phase, a checkpoint every 20: each upload moves the run on.
  Background learner(
      "train --games connect_four --out " + (dir_ / "runs/feed").string() + " --db " +
          (dir_ / "arena.db").string() +
          " --device cpu --blocks 1 --channels 8 --simulations 4 --batch 16 --steps 1000 --minutes 4"
          " --steps-per-phase 25 --checkpoint-every 20 --max-worker-lag 20 --eval-games 0"
          " --listen 127.0.0.1:0 --no-selfplay --worker-tokens " +
          (dir_ / "tokens").string(),
      (dir_ / "learner.log").string());
  const std::string port =
      learner.wait_for(std::regex("--server http://127.0.0.1:(\\d+)"), std::chrono::seconds(60));
  ASSERT_FALSE(port.empty());
  url_ = *net::parse_http_url("http://127.0.0.1:" + port);
  ASSERT_TRUE(wait_for_run([](const Json& j) { return j.at("step") == 0; }, std::chrono::seconds(30)));
  const Json first = run();
  EXPECT_EQ(first.at("selfplay").at("games"), Json::array({"connect_four"}));
  EXPECT_EQ(first.at("selfplay").at("simulations"), 4);

  // What is refused, and why.
  EXPECT_EQ(call("POST", "/api/learn/shards?step=0", "x").status, 401u);
  EXPECT_EQ(call("POST", "/api/learn/shards?step=0", "x", "not-a-worker-token-0123").status, 401u);
  net::HttpReply garbage = call("POST", "/api/learn/shards?step=0", "not a shard", kToken1);
  EXPECT_EQ(garbage.status, 400u);
  EXPECT_NE(garbage.body.find("bad_magic"), std::string::npos) << garbage.body;
  EXPECT_EQ(call("POST", "/api/learn/shards?step=999", "x", kToken1).status, 404u);
  EXPECT_EQ(call("POST", "/api/learn/shards", "x", kToken1).status, 400u);
  EXPECT_EQ(call("POST", "/api/learn/shards?step=0", "x", kToken1, "application/json").status, 415u);
  EXPECT_EQ(call("GET", "/api/learn/checkpoint?step=999").status, 404u);
  net::HttpReply checkpoint = call("GET", "/api/learn/checkpoint");
  EXPECT_EQ(checkpoint.status, 200u);
  EXPECT_EQ(checkpoint.headers["x-arena-step"], "0");
  EXPECT_GT(checkpoint.body.size(), 1000u);

  // One worker's batch, a shard well over the server's usual 64 KiB body limit (uploads have
  // one of their own; 160 games made 61-90 KiB, as the worker's random seed fell): the learner's first phase,
  // its checkpoint of step 20.
  Output w1 = worker("w1", kToken1, 320);
  ASSERT_EQ(w1.exit_code, 0) << w1.out;
  EXPECT_NE(w1.out.find("playing with the checkpoint of step 0"), std::string::npos) << w1.out;
  std::smatch uploaded;
  ASSERT_TRUE(std::regex_search(w1.out, uploaded,
                                std::regex("uploaded 320 games in 1 shards \\((\\d+) KiB\\)  refused 0")))
      << w1.out;
  EXPECT_GT(std::stoi(uploaded[1]), 64);
  ASSERT_TRUE(wait_for_run([](const Json& j) { return j.at("step").get<int64_t>() >= 20; },
                           std::chrono::seconds(120)))
      << learner.output();

  // Both workers at once, with the newer checkpoint.
  std::future<Output> again = std::async(std::launch::async, [&] { return worker("w1", kToken1, 24); });
  Output w2 = worker("w2", kToken2, 24);
  Output w1_again = again.get();
  for (const Output* w : {&w2, &w1_again}) {
    ASSERT_EQ(w->exit_code, 0) << w->out;
    EXPECT_NE(w->out.find("playing with the checkpoint of step 20"), std::string::npos) << w->out;
    EXPECT_NE(w->out.find("refused 0"), std::string::npos) << w->out;
  }
  ASSERT_TRUE(wait_for_run(
      [](const Json& j) {
        const Json& w = j.at("workers");
        return w.contains("w1") && w.contains("w2") && w["w1"]["games"] == 344 && w["w2"]["games"] == 24 &&
               j.at("queued_positions") == 0 && j.at("step").get<int64_t>() >= 40;
      },
      std::chrono::seconds(120)))
      << run().dump() << "\n"
      << learner.output();
  const Json done = run();
  EXPECT_EQ(done["workers"]["w1"]["uploads"], 2);
  EXPECT_EQ(done["workers"]["w2"]["uploads"], 1);
  EXPECT_GT(done["workers"]["w2"]["positions"].get<int>(),
            24 * 7);  // a game of Connect Four: 7 moves or more
  // A batch played with step 0 is now more than --max-worker-lag behind.
  net::HttpReply stale = call("POST", "/api/learn/shards?step=0", "x", kToken2);
  EXPECT_EQ(stale.status, 409u) << stale.body;
  EXPECT_NE(stale.body.find("stale"), std::string::npos) << stale.body;
}

TEST(SelfPlayWorkersUsage, BadOptionsAndTokenFilesAreRefused) {
  EXPECT_EQ(run_arena("train --games connect_four --out /tmp/x --listen 127.0.0.1:0").exit_code, 2);
  EXPECT_EQ(run_arena("train --games connect_four --out /tmp/x --no-selfplay").exit_code, 2);
  EXPECT_EQ(run_arena("train --games connect_four --out /tmp/x --listen nowhere --worker-tokens t").exit_code,
            2);
  const fs::path dir = testing::fresh_temp_dir("worker-usage");
  std::ofstream(dir / "tokens") << "w1 short\n";
  Output bad = run_arena("train --games connect_four --out " + (dir / "run").string() + " --db " +
                         (dir / "a.db").string() + " --steps 1 --listen 127.0.0.1:0 --worker-tokens " +
                         (dir / "tokens").string());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("fewer than 16 characters"), std::string::npos) << bad.out;
  Output url = run_arena("selfplay --server https://example.org --token t");
  EXPECT_EQ(url.exit_code, 2);
  EXPECT_NE(url.out.find("not an http:// URL"), std::string::npos) << url.out;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace arena
