// The learner: it fits what it is shown, masks illegal actions, keeps values from each
// mover's side, and a transfer run changes heads only.
#include "agents/nn/train/learner.h"

#include <gtest/gtest.h>

#include <set>
#include <span>

#include "core/rng.h"
#include "games/registry.h"

namespace arena::nn {
namespace {

// Training rows for `head`, owning their vectors.
struct Rows {
  std::vector<std::vector<float>> observations, policies, values;
  std::vector<std::vector<Action>> legal;
  std::vector<Player> players;
  std::vector<LearnerSample> samples(int head) const {
    std::vector<LearnerSample> out;
    for (size_t i = 0; i < observations.size(); ++i) {
      out.push_back({head, players[i], &observations[i], &legal[i], &policies[i], &values[i]});
    }
    return out;
  }
};

// Positions of go(size=5) a few random moves in, each with a made-up target: all the
// policy on the first legal action, and Black winning.
Rows go_rows(int n, uint64_t seed) {
  auto game = *make_game("go(size=5,komi=0.5)");
  Rng rng(seed);
  Rows rows;
  for (int i = 0; i < n; ++i) {
    std::unique_ptr<State> s = game->new_initial_state();
    const int moves = static_cast<int>(rng.uniform(8));
    for (int k = 0; k < moves; ++k) {
      const std::vector<Action> legal = s->legal_actions();
      EXPECT_TRUE(s->apply(legal[rng.uniform(legal.size())]).ok());
    }
    const Player p = s->current_player();
    rows.players.push_back(p);
    rows.observations.push_back(s->observation_tensor(p));
    rows.legal.push_back(s->legal_actions());
    std::vector<float> policy(rows.legal.back().size(), 0.0f);
    policy[0] = 1.0f;
    rows.policies.push_back(policy);
    rows.values.push_back({1.0f, -1.0f});
  }
  return rows;
}

NetConfig config_for(const std::vector<std::string>& specs) { return *net_config_for(specs, 1, 16); }

TEST(Learner, FitsAFixedBatch) {
  const NetConfig config = config_for({"go(size=5,komi=0.5)"});
  Learner learner(config, torch::kCPU, {3e-3, 0, false, /*symmetries=*/false}, 1);
  const Rows rows = go_rows(32, 2);
  const std::vector<LearnerSample> batch = rows.samples(0);
  const HeadLoss first = learner.step(batch).at(0);
  HeadLoss last;
  for (int i = 0; i < 150; ++i) last = learner.step(batch).at(0);
  EXPECT_LT(last.policy, first.policy * 0.3) << first.policy << " -> " << last.policy;
  EXPECT_LT(last.value, first.value * 0.3) << first.value << " -> " << last.value;
  EXPECT_EQ(last.samples, 32);
  // The targets are one action each (no entropy of their own): the KL is the policy loss,
  // and the network's policy sharpens towards them.
  EXPECT_NEAR(first.kl, first.policy, 1e-4);
  EXPECT_NEAR(last.kl, last.policy, 1e-4);
  EXPECT_GT(first.entropy, 1.0) << "a fresh network's policy is spread over the legal moves";
  EXPECT_LT(last.entropy, first.entropy * 0.5) << first.entropy << " -> " << last.entropy;

  // What it learned, read through the network: the target action's probability among the
  // legal ones, and Black's value, from either side's observation.
  SharedNet& net = learner.net();
  net->eval();
  torch::NoGradGuard no_grad;
  const GameHead& head = config.games[0];
  torch::Tensor x = torch::empty({32, head.planes, head.height, head.width});
  for (int i = 0; i < 32; ++i)
    std::memcpy(x[i].data_ptr<float>(), rows.observations[i].data(), head.input_size() * sizeof(float));
  NetOutput out = net->forward(0, x);
  for (int i = 0; i < 32; ++i) {
    torch::Tensor mask = torch::full({head.num_actions}, -1e9);
    for (Action a : rows.legal[i]) mask[a] = 0;
    const torch::Tensor p = torch::softmax(out.policy_logits[i] + mask, 0);
    EXPECT_GT(p[rows.legal[i][0]].item<float>(), 0.5f) << i;
    // Values come out from the mover's side: index 0 is the seat to move.
    const float black =
        rows.players[i] == 0 ? out.values[i][0].item<float>() : out.values[i][1].item<float>();
    EXPECT_GT(black, 0.5f) << i;
  }
}

// Trained through Go's symmetries on a few positions, the network answers every rotation and
// reflection of them with the transformed target move.
TEST(Learner, SymmetriesTeachEveryTransformedCopyOfAPosition) {
  const NetConfig config = config_for({"go(size=5,komi=0.5)"});
  Learner learner(config, torch::kCPU, {3e-3, 0, false, /*symmetries=*/true}, 1);
  auto game = *make_game("go(size=5,komi=0.5)");
  ASSERT_EQ(game->num_symmetries(), 8);
  // Four positions none of whose eight images coincide (on a symmetric board, such as the
  // empty one, the transformed targets would contradict each other).
  const Rows all = go_rows(40, 11);
  Rows rows;
  for (size_t i = 0; i < all.observations.size() && rows.observations.size() < 4; ++i) {
    std::set<std::vector<float>> images;
    for (int k = 0; k < 8; ++k) {
      std::vector<float> image(all.observations[i].size());
      game->symmetric_observation(k, all.observations[i], image);
      images.insert(image);
    }
    if (images.size() < 8) continue;
    rows.observations.push_back(all.observations[i]);
    rows.policies.push_back(all.policies[i]);
    rows.values.push_back(all.values[i]);
    rows.legal.push_back(all.legal[i]);
    rows.players.push_back(all.players[i]);
  }
  ASSERT_EQ(rows.observations.size(), 4u);
  const std::vector<LearnerSample> batch = rows.samples(0);
  for (int i = 0; i < 400; ++i) learner.step(batch);

  SharedNet& net = learner.net();
  net->eval();
  torch::NoGradGuard no_grad;
  const GameHead& head = config.games[0];
  int right = 0, total = 0;
  for (int k = 0; k < 8; ++k) {
    torch::Tensor x = torch::empty({4, head.planes, head.height, head.width});
    for (int i = 0; i < 4; ++i) {
      game->symmetric_observation(
          k, rows.observations[i],
          std::span<float>(x[i].data_ptr<float>(), static_cast<size_t>(head.input_size())));
    }
    NetOutput out = net->forward(0, x);
    for (int i = 0; i < 4; ++i) {
      torch::Tensor mask = torch::full({head.num_actions}, -1e9);
      for (Action a : rows.legal[i]) mask[game->symmetric_policy_slot(k, a)] = 0;
      const int64_t best = torch::argmax(out.policy_logits[i] + mask).item<int64_t>();
      right += best == game->symmetric_policy_slot(k, rows.legal[i][0]);
      ++total;
    }
  }
  EXPECT_GE(right, total - 2) << right << " of " << total
                              << " transformed positions answered with the transformed move";
}

TEST(Learner, HeadsWithOneSampleAreSkipped) {
  const NetConfig config = config_for({"go(size=5,komi=0.5)"});
  Learner learner(config, torch::kCPU, {}, 1);
  const Rows rows = go_rows(1, 3);
  EXPECT_TRUE(learner.step(rows.samples(0)).empty());
}

TEST(Learner, ATransferRunTrainsHeadsAndKeepsTheTrunk) {
  // A "pretrained" network on Kuhn poker and Go, saved.
  const NetConfig base = config_for({"kuhn_poker", "go(size=5,komi=0.5)"});
  Learner pretrained(base, torch::kCPU, {}, 4);
  const Rows rows = go_rows(16, 5);
  for (int i = 0; i < 3; ++i) pretrained.step(rows.samples(1));
  const std::string path = ::testing::TempDir() + "/learner-transfer.pt";
  CheckpointMeta meta;
  meta.net = base;
  meta.run = "base";
  meta.step = 3;
  ASSERT_TRUE(pretrained.save(path, meta).ok());

  // A transfer run on Go alone (a game the base knows) and game24 (one it does not).
  const NetConfig config = config_for({"go(size=5,komi=0.5)", "game24"});
  Learner transfer(config, torch::kCPU, {1e-2, 0, /*freeze_trunk=*/true}, 9);
  ASSERT_TRUE(transfer.init_from(path).ok());
  auto params = [](torch::nn::Module& m) {
    std::vector<torch::Tensor> out;
    for (const torch::Tensor& p : m.parameters()) out.push_back(p.detach().clone());
    return out;
  };
  const std::vector<torch::Tensor> base_trunk = params(*pretrained.net()->blocks);
  const std::vector<torch::Tensor> base_go = params(*pretrained.net()->games[1]);
  std::vector<torch::Tensor> trunk_before = params(*transfer.net()->blocks);
  std::vector<torch::Tensor> go_before = params(*transfer.net()->games[0]);
  ASSERT_EQ(trunk_before.size(), base_trunk.size());
  for (size_t i = 0; i < base_trunk.size(); ++i) EXPECT_TRUE(torch::equal(trunk_before[i], base_trunk[i]));
  for (size_t i = 0; i < base_go.size(); ++i) EXPECT_TRUE(torch::equal(go_before[i], base_go[i]));

  for (int i = 0; i < 5; ++i) transfer.step(rows.samples(0));
  const std::vector<torch::Tensor> trunk_after = params(*transfer.net()->blocks);
  const std::vector<torch::Tensor> go_after = params(*transfer.net()->games[0]);
  for (size_t i = 0; i < trunk_after.size(); ++i) EXPECT_TRUE(torch::equal(trunk_after[i], trunk_before[i]));
  bool head_changed = false;
  for (size_t i = 0; i < go_after.size(); ++i)
    head_changed = head_changed || !torch::equal(go_after[i], go_before[i]);
  EXPECT_TRUE(head_changed);

  // A trunk of another size is refused.
  Learner other(*net_config_for({"game24"}, 2, 16), torch::kCPU, {}, 1);
  EXPECT_EQ(other.init_from(path).error().code, "bad_config");
}

}  // namespace
}  // namespace arena::nn
