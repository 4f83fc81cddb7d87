// Training end to end on the CPU with a tiny network: self-play writes shards that read
// back, checkpoints load, the run is repeatable, and what it learned shows in play.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "agents/local_match.h"
#include "agents/nn/checkpoint.h"
#include "agents/nn/nn_agents.h"
#include "agents/nn/train/trainer.h"
#include "agents/random_agent.h"
#include "agents/registry.h"
#include "agents/selfplay/shard.h"
#include "games/registry.h"

namespace arena::nn {
namespace {

std::string temp_dir(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("arena-train-" + std::to_string(getpid())) / name;
  std::filesystem::remove_all(dir);
  return dir.string();
}

TrainConfig small_config(const std::string& out) {
  TrainConfig c;
  c.games = {"kuhn_poker", "game24", "go(size=5,komi=0.5)"};
  c.out_dir = out;
  c.device = "cpu";
  c.blocks = 1;
  c.channels = 16;
  c.steps = 30;
  c.checkpoint_every = 10;
  c.actors = 1;
  c.games_per_phase = 6;
  c.simulations = 16;
  c.search_batch = 4;
  c.batch_size = 32;
  c.seed = 7;
  c.progress_seconds = 0;
  return c;
}

TEST(Train, WritesShardsAndCheckpointsAndReportsProgress) {
  const std::string out = temp_dir("shapes");
  int progress_lines = 0;
  std::vector<int64_t> checkpoint_steps;
  TrainCallbacks callbacks;
  callbacks.progress = [&](const TrainProgress& p) {
    ++progress_lines;
    EXPECT_GE(p.step, 0);
  };
  callbacks.checkpoint = [&](const CheckpointEvent& e) {
    checkpoint_steps.push_back(e.meta.step);
    EXPECT_EQ(e.meta.run, "shapes");
    EXPECT_TRUE(std::filesystem::exists(e.path));
    return "evaluated " + std::to_string(e.meta.step);
  };
  Result<TrainSummary> s = train(small_config(out), callbacks);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->final.step, 30);
  EXPECT_EQ(checkpoint_steps, (std::vector<int64_t>{0, 10, 20, 30}));
  EXPECT_EQ(s->final.last_evaluation, "evaluated 30");
  EXPECT_GT(progress_lines, 0);
  // Every game was trained on.
  EXPECT_EQ(s->final.losses.size(), 3u);

  // Shards hold every self-play game, and read back as well-formed trajectories.
  ASSERT_FALSE(s->shards.empty());
  uint64_t games = 0, positions = 0;
  for (const std::string& shard : s->shards) {
    Result<std::vector<selfplay::Trajectory>> t = selfplay::read_shard(shard);
    ASSERT_TRUE(t.ok()) << t.error().message;
    for (const selfplay::Trajectory& traj : *t) {
      ++games;
      positions += traj.steps.size();
      Result<std::shared_ptr<const Game>> game = make_game(traj.game);
      ASSERT_TRUE(game.ok());
      Result<std::unique_ptr<State>> end = (*game)->state_from_history(traj.history);
      ASSERT_TRUE(end.ok()) << end.error().message;
      EXPECT_TRUE((*end)->is_terminal());
    }
  }
  EXPECT_EQ(games, s->final.games);
  EXPECT_EQ(positions, s->final.positions);

  // Checkpoints record what they are.
  Result<CheckpointMeta> meta = read_checkpoint_meta(checkpoint_path(out, 30));
  ASSERT_TRUE(meta.ok()) << meta.error().message;
  EXPECT_EQ(meta->step, 30);
  EXPECT_EQ(meta->player_name(), "nn:shapes@30");
  EXPECT_EQ(meta->games, small_config(out).games);
  EXPECT_EQ(meta->net.games.size(), 3u);
}

TEST(Train, TheLearningRateWarmsUpThenDecays) {
  TrainConfig c;
  c.learning_rate = 1e-3;
  c.warmup_steps = 10;
  c.steps = 110;
  c.final_lr_fraction = 0.1;
  EXPECT_DOUBLE_EQ(learning_rate_at(c, 0), 1e-4);
  EXPECT_DOUBLE_EQ(learning_rate_at(c, 9), 1e-3);
  EXPECT_DOUBLE_EQ(learning_rate_at(c, 10), 1e-3);
  EXPECT_NEAR(learning_rate_at(c, 60), 0.55e-3, 1e-12);  // half way down the cosine
  EXPECT_NEAR(learning_rate_at(c, 110), 1e-4, 1e-12);
  EXPECT_NEAR(learning_rate_at(c, 500), 1e-4, 1e-12);  // stays at the floor
  c.steps = 0;                                         // a time budget alone: constant after the warm-up
  EXPECT_DOUBLE_EQ(learning_rate_at(c, 5000), 1e-3);
  c.lr_decay_steps = 1010;
  EXPECT_NEAR(learning_rate_at(c, 510), 0.55e-3, 1e-12);
}

TEST(Train, SelfPlayIsBalancedSoThatEveryGamesPositionsAreReusedAlike) {
  // Kuhn poker has 2-3 decisions a game, 5x5 Go dozens: with the learner's mix equal,
  // self-play must play Kuhn far more often, and each game's reuse comes out near the target.
  const std::string out = temp_dir("balance");
  TrainConfig c = small_config(out);
  c.games = {"kuhn_poker", "go(size=5,komi=0.5)"};
  c.steps = 120;
  c.games_per_phase = 12;
  c.sample_reuse = 2;
  Result<TrainSummary> s = train(c, {});
  ASSERT_TRUE(s.ok()) << s.error().message;
  const auto& kuhn = s->final.per_game.at("kuhn_poker");
  const auto& go = s->final.per_game.at("go(size=5,komi=0.5)");
  EXPECT_GT(kuhn.games, 3 * go.games);
  EXPECT_GT(go.mean_length(), 5 * kuhn.mean_length());
  // The first phase is drawn by the mix alone (lengths unknown), so the reuse is only near 2.
  for (const auto* d : {&kuhn, &go}) {
    EXPECT_GT(d->reuse(), 0.8);
    EXPECT_LT(d->reuse(), 5.0);
  }
  EXPECT_LT(std::max(kuhn.reuse(), go.reuse()) / std::min(kuhn.reuse(), go.reuse()), 4.0);
  // Every progress report is a JSON line of metrics.
  std::ifstream metrics(out + "/metrics.jsonl");
  std::string line, last;
  int lines = 0;
  while (std::getline(metrics, line)) {
    ++lines;
    last = line;
  }
  ASSERT_GT(lines, 0);
  const Json j = Json::parse(last);
  EXPECT_EQ(j.at("step"), 120);
  EXPECT_EQ(j.at("per_game").at("kuhn_poker").at("games"), kuhn.games);
  const Json& go_metrics = j.at("per_game").at("go(size=5,komi=0.5)");
  EXPECT_TRUE(go_metrics.contains("policy_loss"));
  EXPECT_GT(go_metrics.at("policy_entropy").get<double>(), 0);
  EXPECT_GE(go_metrics.at("policy_kl").get<double>(), -1e-6) << "a KL divergence is not negative";
  EXPECT_GT(j.at("learning_rate").get<double>(), 0);
}

TEST(Train, TheSameSeedGivesTheSameRun) {
  const std::string a = temp_dir("repeat-a"), b = temp_dir("repeat-b");
  TrainConfig config = small_config(a);
  config.steps = 10;
  ASSERT_TRUE(train(config, {}).ok());
  config.out_dir = b;
  ASSERT_TRUE(train(config, {}).ok());
  // The same self-play games, and checkpoints that play the same moves.
  Result<std::vector<std::string>> shards_a = selfplay::list_shards(a + "/shards");
  Result<std::vector<std::string>> shards_b = selfplay::list_shards(b + "/shards");
  ASSERT_TRUE(shards_a.ok() && shards_b.ok());
  ASSERT_EQ(shards_a->size(), shards_b->size());
  for (size_t i = 0; i < shards_a->size(); ++i) {
    EXPECT_EQ(*selfplay::read_shard((*shards_a)[i]), *selfplay::read_shard((*shards_b)[i]));
  }
  register_nn_agents();
  auto game = make_game("go(size=5,komi=0.5)");
  ASSERT_TRUE(game.ok());
  auto policy = [&](const std::string& dir) {
    Result<std::unique_ptr<Agent>> agent =
        make_agent("nn-policy(checkpoint='" + checkpoint_path(dir, 10) + "',device=cpu)", **game, 1);
    EXPECT_TRUE(agent.ok()) << agent.error().message;
    return std::move(agent).value();
  };
  std::unique_ptr<Agent> pa = policy(a), pb = policy(b);
  RandomAgent opponent_a(5), opponent_b(5);
  Rng rng_a(9), rng_b(9);
  std::vector<Agent*> seats_a = {pa.get(), &opponent_a}, seats_b = {pb.get(), &opponent_b};
  Result<MatchOutcome> ga = play_local_match(**game, seats_a, rng_a);
  Result<MatchOutcome> gb = play_local_match(**game, seats_b, rng_b);
  ASSERT_TRUE(ga.ok() && gb.ok());
  EXPECT_EQ(ga->history, gb->history);
}

TEST(Train, AResumedRunContinuesFromItsLastCheckpointWithItsReplayAndNewGames) {
  const std::string out = temp_dir("resume");
  TrainConfig config = small_config(out);
  config.steps = 10;
  Result<TrainSummary> first = train(config, {});
  ASSERT_TRUE(first.ok()) << first.error().message;
  Result<std::vector<std::string>> shards_before = selfplay::list_shards(out + "/shards");
  ASSERT_TRUE(shards_before.ok());

  config.steps = 20;
  config.resume = true;
  std::vector<int64_t> steps_seen;
  TrainCallbacks callbacks;
  callbacks.checkpoint = [&](const CheckpointEvent& e) {
    steps_seen.push_back(e.meta.step);
    return std::string();
  };
  Result<TrainSummary> second = train(config, callbacks);
  ASSERT_TRUE(second.ok()) << second.error().message;
  // It took 10 more steps and wrote only the new checkpoints; the counters went on.
  EXPECT_EQ(second->final.step, 20);
  EXPECT_EQ(steps_seen, (std::vector<int64_t>{20}));
  EXPECT_GT(second->final.games, first->final.games);
  for (const auto& [spec, d] : first->final.per_game)
    EXPECT_GE(second->final.per_game.at(spec).games, d.games);
  // Its shards were added after the first run's, and its games are new ones.
  Result<std::vector<std::string>> shards_after = selfplay::list_shards(out + "/shards");
  ASSERT_TRUE(shards_after.ok());
  ASSERT_GT(shards_after->size(), shards_before->size());
  EXPECT_NE(*selfplay::read_shard((*shards_after)[shards_before->size()]),
            *selfplay::read_shard(shards_before->front()));
  Result<CheckpointMeta> meta = read_checkpoint_meta(checkpoint_path(out, 20));
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->step, 20);

  // Resuming with other games, or a folder with no run, is an error.
  TrainConfig other = config;
  other.games = {"kuhn_poker"};
  EXPECT_EQ(train(other, {}).error().code, "bad_config");
  TrainConfig empty = small_config(temp_dir("resume-none"));
  empty.resume = true;
  EXPECT_EQ(train(empty, {}).error().code, "not_found");
}

// Two runs that differ only in the reward signal spend the same budget: with fixed games and
// learner steps per phase, the same number of each, and the same problems in the same order,
// however long their games are.
TEST(Train, FixedStepsPerPhaseGiveRunsOfDifferentRewardsTheSameBudget) {
  std::map<std::string, std::vector<std::string>> problems;  // per run: game, seed, dealt problem
  for (const std::string reward : {"process", "outcome"}) {
    const std::string out = temp_dir("pvo-" + reward);
    TrainConfig config = small_config(out);
    config.games = {"arithmetic_chain(steps=2,split=train,reward=" + reward + ")",
                    "arithmetic_chain(steps=3,split=train,reward=" + reward + ")"};
    config.steps = 10;
    config.steps_per_phase = 5;
    config.games_per_phase = 4;
    config.simulations = 8;
    Result<TrainSummary> s = train(config, {});
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->final.step, 10);
    EXPECT_EQ(s->final.games, 8u) << reward;
    EXPECT_EQ(s->final.losses.size(), 1u) << "every difficulty is played by one head";
    for (const std::string& shard : s->shards) {
      Result<std::vector<selfplay::Trajectory>> t = selfplay::read_shard(shard);
      ASSERT_TRUE(t.ok()) << t.error().message;
      for (const selfplay::Trajectory& traj : *t) {
        ASSERT_FALSE(traj.history.empty());
        std::string game = traj.game;
        for (const std::string cut : {"reward=outcome,", ",reward=outcome"})
          if (const size_t at = game.find(cut); at != std::string::npos) game.erase(at, cut.size());
        problems[reward].push_back(game + " " + std::to_string(traj.seed) + " " +
                                   std::to_string(traj.history[0].action));
      }
    }
  }
  EXPECT_EQ(problems["process"].size(), 8u);
  EXPECT_EQ(problems["process"], problems["outcome"]);
}

// A few hundred learner steps on the three games; then the agent, searching with what it
// learned, clearly beats random play in 5x5 Go and solves most 24-game puzzles, where
// random play solves few; and the losses fell in every game.
TEST(Train, ATinyRunLearnsEnoughToBeatRandom) {
  const std::string out = temp_dir("learns");
  TrainConfig config = small_config(out);
  config.blocks = 2;
  config.channels = 32;
  config.steps = 800;
  config.checkpoint_every = 800;
  config.actors = 16;
  config.games_per_phase = 32;
  config.simulations = 32;
  config.batch_size = 64;
  config.search_batch = 8;
  config.weights = {1, 1, 4};
  std::map<std::string, TrainProgress::Losses> first_losses;
  TrainCallbacks callbacks;
  callbacks.progress = [&](const TrainProgress& p) {
    if (first_losses.empty()) first_losses = p.losses;
  };
  config.progress_seconds = 0;
  Result<TrainSummary> s = train(config, callbacks);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(first_losses.size(), 3u);
  for (const auto& [game, losses] : s->final.losses) {
    EXPECT_LT(losses.policy + losses.value, first_losses.at(game).policy + first_losses.at(game).value)
        << game << ": policy + value loss did not fall";
  }

  register_nn_agents();
  const std::string nn = "nn(checkpoint='" + checkpoint_path(out, 800) + "',simulations=200,device=cpu)";
  auto go = make_game("go(size=5,komi=0.5)");
  ASSERT_TRUE(go.ok());
  int wins = 0;
  const int go_games = 20;
  Rng rng(11);
  for (int i = 0; i < go_games; ++i) {
    Result<std::unique_ptr<Agent>> agent = make_agent(nn, **go, rng.next_u64());
    ASSERT_TRUE(agent.ok()) << agent.error().message;
    RandomAgent random(rng.next_u64());
    const Player seat = i % 2;
    std::vector<Agent*> seats =
        seat == 0 ? std::vector<Agent*>{agent->get(), &random} : std::vector<Agent*>{&random, agent->get()};
    Result<MatchOutcome> outcome = play_local_match(**go, seats, rng);
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    wins += outcome->returns[seat] > 0 ? 1 : 0;
  }
  EXPECT_GE(wins, 15) << "of " << go_games << " games of 5x5 Go against random";

  auto game24 = make_game("game24");
  ASSERT_TRUE(game24.ok());
  auto solve_rate = [&](const std::string& spec) {
    int solved = 0;
    Rng puzzles(5);  // the same puzzles for both
    for (int i = 0; i < 20; ++i) {
      Result<std::unique_ptr<Agent>> agent = make_agent(spec, **game24, 100 + i);
      EXPECT_TRUE(agent.ok());
      std::vector<Agent*> seats = {agent->get()};
      Result<MatchOutcome> outcome = play_local_match(**game24, seats, puzzles);
      EXPECT_TRUE(outcome.ok());
      solved += outcome.ok() && outcome->returns[0] >= 1.0 - 1e-9 ? 1 : 0;
    }
    return solved;
  };
  const int nn_solved = solve_rate(nn);
  const int random_solved = solve_rate("random");
  std::printf("after %lld steps: 5x5 Go %d/%d wins against random; 24 game %d/20 solved (random %d/20)\n",
              static_cast<long long>(config.steps), wins, go_games, nn_solved, random_solved);
  EXPECT_GE(nn_solved, 14) << "24-game puzzles solved of 20";
  EXPECT_GE(nn_solved, random_solved + 8) << "random solved " << random_solved;
}

TEST(Train, BadConfigsAreErrors) {
  TrainConfig c = small_config(temp_dir("bad"));
  c.games = {};
  EXPECT_EQ(train(c, {}).error().code, "bad_config");
  c = small_config(temp_dir("bad"));
  c.games = {"no_such_game"};
  EXPECT_EQ(train(c, {}).error().code, "bad_config");
  c = small_config(temp_dir("bad"));
  c.steps = 0;
  c.minutes = 0;
  EXPECT_EQ(train(c, {}).error().code, "bad_config");
  c = small_config(temp_dir("bad"));
  c.steps_per_phase = -1;
  EXPECT_EQ(train(c, {}).error().code, "bad_config");
  c = small_config(temp_dir("bad"));
  c.freeze_trunk = true;
  EXPECT_EQ(train(c, {}).error().code, "bad_config");
  c = small_config(temp_dir("bad"));
  c.init_from = "/nonexistent/step-1.pt";
  EXPECT_FALSE(train(c, {}).ok());
}

}  // namespace
}  // namespace arena::nn
