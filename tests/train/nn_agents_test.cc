// The `nn` and `nn-policy` agents made by spec from a checkpoint, and by the name the
// checkpoint has in the database.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "agents/local_match.h"
#include "agents/nn/checkpoint.h"
#include "agents/nn/nn_agents.h"
#include "agents/nn/train/trainer.h"
#include "agents/registry.h"
#include "games/registry.h"

namespace arena::nn {
namespace {

// A run of a few learner steps on Kuhn poker and the 24 game: its final checkpoint.
const std::string& tiny_checkpoint() {
  static const std::string path = [] {
    const std::string dir =
        (std::filesystem::temp_directory_path() / ("arena-nn-agents-" + std::to_string(getpid()))).string();
    std::filesystem::remove_all(dir);
    TrainConfig c;
    c.games = {"kuhn_poker", "game24"};
    c.out_dir = dir + "/tiny";
    c.blocks = 1;
    c.channels = 8;
    c.steps = 4;
    c.checkpoint_every = 4;
    c.actors = 2;
    c.games_per_phase = 4;
    c.simulations = 8;
    c.batch_size = 16;
    c.device = "cpu";
    Result<TrainSummary> s = train(c, {});
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? s->checkpoints.back() : std::string();
  }();
  return path;
}

TEST(NnAgents, MadeBySpecAndNamedAfterTheirCheckpoint) {
  register_nn_agents();
  auto game = make_game("kuhn_poker");
  ASSERT_TRUE(game.ok());
  const std::string path = tiny_checkpoint();
  Result<std::unique_ptr<Agent>> nn = make_agent("nn(checkpoint='" + path + "',simulations=16)", **game, 1);
  ASSERT_TRUE(nn.ok()) << nn.error().message;
  EXPECT_EQ((*nn)->name(), "nn:tiny@4(simulations=16)");
  Result<std::unique_ptr<Agent>> policy = make_agent("nn-policy(checkpoint='" + path + "')", **game, 1);
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  EXPECT_EQ((*policy)->name(), "nn-policy:tiny@4");

  // Both play whole games legally.
  Rng rng(3);
  std::vector<Agent*> seats = {nn->get(), policy->get()};
  for (int i = 0; i < 4; ++i) {
    Result<MatchOutcome> outcome = play_local_match(**game, seats, rng);
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    EXPECT_EQ(outcome->returns[0] + outcome->returns[1], 0.0);
  }

  // Their shared service shows in the metrics, with the positions it evaluated.
  const std::string metrics = service_metrics();
  const std::string series = "arena_nn_positions_total{checkpoint=\"" + path + "\"} ";
  const size_t at = metrics.find(series);
  ASSERT_NE(at, std::string::npos) << metrics;
  EXPECT_GT(std::stoll(metrics.substr(at + series.size())), 0) << metrics;
  EXPECT_NE(metrics.find("arena_nn_batch_size_bucket{checkpoint=\"" + path + "\",le=\"+Inf\"}"),
            std::string::npos);
}

TEST(NnAgents, TheDatabaseNameIsASpecResolvedInTheRunsFolder) {
  register_nn_agents();
  const std::filesystem::path path = tiny_checkpoint();
  // <runs>/tiny/checkpoints/step-00000004.pt
  const std::string runs = path.parent_path().parent_path().parent_path().string();
  setenv("ARENA_RUNS", runs.c_str(), 1);
  auto game = make_game("game24");
  ASSERT_TRUE(game.ok());
  Result<std::unique_ptr<Agent>> agent = make_agent("nn:tiny@4", **game, 1);
  ASSERT_TRUE(agent.ok()) << agent.error().message;
  EXPECT_EQ((*agent)->name(), "nn:tiny@4");
  Result<std::unique_ptr<Agent>> with_params = make_agent("nn:tiny@4(simulations=8)", **game, 1);
  ASSERT_TRUE(with_params.ok()) << with_params.error().message;
  EXPECT_EQ((*with_params)->name(), "nn:tiny@4(simulations=8)");
  Result<std::unique_ptr<Agent>> missing = make_agent("nn:tiny@5", **game, 1);
  ASSERT_FALSE(missing.ok());
  unsetenv("ARENA_RUNS");
}

TEST(NnAgents, BadSpecsAreErrors) {
  register_nn_agents();
  auto kuhn = make_game("kuhn_poker");
  auto go = make_game("go(size=5)");
  ASSERT_TRUE(kuhn.ok() && go.ok());
  EXPECT_EQ(make_agent("nn", **kuhn, 1).error().code, "bad_spec");
  EXPECT_FALSE(make_agent("nn(checkpoint='/nonexistent/x.pt')", **kuhn, 1).ok());
  EXPECT_EQ(make_agent("nn(checkpoint='" + tiny_checkpoint() + "',simulations=0)", **kuhn, 1).error().code,
            "bad_spec");
  // The network never saw Go.
  Result<std::unique_ptr<Agent>> go_agent = make_agent("nn(checkpoint='" + tiny_checkpoint() + "')", **go, 1);
  ASSERT_FALSE(go_agent.ok());
  EXPECT_EQ(go_agent.error().code, "unsupported");
}

}  // namespace
}  // namespace arena::nn
