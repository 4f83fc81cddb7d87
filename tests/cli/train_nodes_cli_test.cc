// `arena train --nodes N --rank R --master host:port`: two processes train one network (each
// its own self-play, every learner step over both batches) and end with the same weights;
// bad flags and a master that never comes give clear errors, not a hang.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <regex>
#include <string>

#include "tests/cli/run_arena.h"

namespace arena {
namespace {

using testing::Output;
using testing::run_arena;

// A loopback port no one listens on now.
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t size = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  close(fd);
  return ntohs(address.sin_port);
}

std::string digest_of(const std::string& out) {
  std::smatch m;
  return std::regex_search(out, m, std::regex("final weights digest ([0-9a-f]{16})")) ? m[1].str() : "";
}

TEST(TrainNodesCli, TwoRanksTrainOneNetwork) {
  const std::string dir = testing::fresh_temp_dir("train-nodes");
  const std::string master = "127.0.0.1:" + std::to_string(free_port());
  const std::string common =
      "train --games connect_four --blocks 1 --channels 16 --simulations 8 --actors 4 "
      "--steps 20 --steps-per-phase 5 --checkpoint-every 10 --eval-games 0 --device cpu "
      "--out " +
      dir + "/runs/pair --db " + dir + "/arena.db --nodes 2 --master " + master + " --master-timeout 30";
  std::future<Output> rank1 = std::async(std::launch::async, [&] { return run_arena(common + " --rank 1"); });
  const Output rank0 = run_arena(common + " --rank 0");
  const Output follower = rank1.get();
  ASSERT_EQ(rank0.exit_code, 0) << rank0.out;
  ASSERT_EQ(follower.exit_code, 0) << follower.out;
  EXPECT_NE(rank0.out.find("done: 20 learner steps"), std::string::npos) << rank0.out;
  EXPECT_NE(follower.out.find("done: 20 learner steps"), std::string::npos) << follower.out;
  // The same weights on both ranks.
  const std::string digest = digest_of(rank0.out);
  EXPECT_FALSE(digest.empty()) << rank0.out;
  EXPECT_EQ(digest_of(follower.out), digest) << follower.out;
  // Rank 0 wrote the checkpoints; each rank its own shards.
  EXPECT_TRUE(std::filesystem::exists(dir + "/runs/pair/checkpoints/step-00000020.pt"));
  EXPECT_FALSE(std::filesystem::is_empty(dir + "/runs/pair/shards"));
  EXPECT_FALSE(std::filesystem::is_empty(dir + "/runs/pair/shards-rank1"));
}

TEST(TrainNodesCli, BadFlagsAndAMissingMasterAreClearErrors) {
  const std::string dir = testing::fresh_temp_dir("train-nodes");
  const std::string base = "train --games kuhn_poker --steps 2 --eval-games 0 --device cpu --out " + dir +
                           "/runs/r --db " + dir + "/arena.db ";
  Output partial = run_arena(base + "--nodes 2 --rank 0");
  EXPECT_EQ(partial.exit_code, 2) << partial.out;
  EXPECT_NE(partial.out.find("--nodes, --rank and --master go together"), std::string::npos) << partial.out;
  Output rank = run_arena(base + "--nodes 2 --rank 2 --master 127.0.0.1:29500");
  EXPECT_EQ(rank.exit_code, 2) << rank.out;
  EXPECT_NE(rank.out.find("rank 2 is not in [0, 2)"), std::string::npos) << rank.out;
  Output one = run_arena(base + "--nodes 1 --rank 0 --master 127.0.0.1:29500");
  EXPECT_EQ(one.exit_code, 2) << one.out;
  Output port = run_arena(base + "--nodes 2 --rank 0 --master localhost");
  EXPECT_EQ(port.exit_code, 2) << port.out;
  EXPECT_NE(port.out.find("expected host:port"), std::string::npos) << port.out;
  Output alone = run_arena(base + "--nodes 2 --rank 1 --master 127.0.0.1:" + std::to_string(free_port()) +
                           " --master-timeout 1");
  EXPECT_EQ(alone.exit_code, 1) << alone.out;
  EXPECT_NE(alone.out.find("is rank 0 running?"), std::string::npos) << alone.out;
}

}  // namespace
}  // namespace arena
