#include "agents/nn/network.h"

#include <gtest/gtest.h>

#include "core/rng.h"
#include "games/registry.h"

namespace arena::nn {
namespace {

const std::vector<std::string> kSpecs = {"kuhn_poker", "game24", "go(size=5)", "go(size=9)"};

NetConfig tiny_config() {
  Result<NetConfig> c = net_config_for(kSpecs, 1, 8);
  EXPECT_TRUE(c.ok());
  return *c;
}

// A batch of observations of random positions of `game`, as the service packs them.
torch::Tensor observations(const Game& game, const GameHead& head, int n, uint64_t seed) {
  Rng rng(seed);
  torch::Tensor x = torch::zeros({n, head.planes, head.height, head.width});
  for (int i = 0; i < n; ++i) {
    std::unique_ptr<State> s = game.new_initial_state();
    const int steps = static_cast<int>(rng.uniform(6));
    for (int k = 0; k < steps && !s->is_terminal(); ++k) {
      std::vector<Action> legal = s->legal_actions();
      if (legal.empty()) break;
      EXPECT_TRUE(s->apply(legal[rng.uniform(legal.size())]).ok());
    }
    const Player p = s->current_player() >= 0 ? s->current_player() : 0;
    s->observation_tensor(p,
                          std::span<float>(x[i].data_ptr<float>(), static_cast<size_t>(head.input_size())));
  }
  return x;
}

TEST(Network, OutputShapesPerHeadAndValuesInRange) {
  const NetConfig config = tiny_config();
  SharedNet net = make_shared_net(config, 1);
  net->eval();
  torch::NoGradGuard no_grad;
  for (const std::string& spec : kSpecs) {
    auto game = *make_game(spec);
    const int index = config.index_of(*game);
    ASSERT_GE(index, 0) << spec;
    const GameHead& head = config.games[static_cast<size_t>(index)];
    NetOutput out = net->forward(index, observations(*game, head, 5, 3));
    EXPECT_EQ(out.policy_logits.sizes(), (std::vector<int64_t>{5, game->num_distinct_actions()})) << spec;
    EXPECT_EQ(out.values.sizes(), (std::vector<int64_t>{5, game->num_players()})) << spec;
    EXPECT_LE(out.values.max().item<float>(), 1.0f) << spec;
    EXPECT_GE(out.values.min().item<float>(), -1.0f) << spec;
    EXPECT_TRUE(torch::isfinite(out.policy_logits).all().item<bool>()) << spec;
  }
}

TEST(Network, OneTrunkServesEveryBoardSize) {
  SharedNet net = make_shared_net(tiny_config(), 1);
  net->eval();
  torch::NoGradGuard no_grad;
  for (int size : {1, 5, 9, 13}) {
    torch::Tensor y = net->trunk(torch::randn({2, 8, size, size}));
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 8, size, size}));
  }
  // The go(size=5) and go(size=9) heads run through the same trunk parameters.
  EXPECT_EQ(net->trunk_parameters().size(), 6u);  // 2 convs + 2 group norms (weight, bias)
}

TEST(Network, TrunkAndHeadParametersPartitionTheModule) {
  SharedNet net = make_shared_net(tiny_config(), 1);
  const std::vector<torch::Tensor> trunk = net->trunk_parameters();
  const std::vector<torch::Tensor> heads = net->head_parameters();
  const std::vector<torch::Tensor> all = net->parameters();
  EXPECT_EQ(trunk.size() + heads.size(), all.size());
  for (const torch::Tensor& t : trunk) {
    for (const torch::Tensor& h : heads) EXPECT_FALSE(t.is_same(h));
  }
  // Freezing the trunk leaves every head trainable.
  for (torch::Tensor t : trunk) t.set_requires_grad(false);
  int trainable = 0;
  for (const torch::Tensor& p : net->parameters()) trainable += p.requires_grad() ? 1 : 0;
  EXPECT_EQ(trainable, static_cast<int>(heads.size()));
}

TEST(Network, SeededInitIsReproducible) {
  const NetConfig config = tiny_config();
  SharedNet a = make_shared_net(config, 7), b = make_shared_net(config, 7), c = make_shared_net(config, 8);
  const auto pa = a->parameters(), pb = b->parameters(), pc = c->parameters();
  bool all_equal = true, some_differ = false;
  for (size_t i = 0; i < pa.size(); ++i) {
    all_equal = all_equal && torch::equal(pa[i], pb[i]);
    some_differ = some_differ || !torch::equal(pa[i], pc[i]);
  }
  EXPECT_TRUE(all_equal);
  EXPECT_TRUE(some_differ);
}

TEST(Network, CopyWeightsGivesTheSameOutputs) {
  const NetConfig config = tiny_config();
  SharedNet a = make_shared_net(config, 1), b = make_shared_net(config, 2);
  a->eval();
  b->eval();
  torch::NoGradGuard no_grad;
  auto go = *make_game("go(size=9)");
  const int index = config.index_of(*go);
  const torch::Tensor x = observations(*go, config.games[static_cast<size_t>(index)], 4, 5);
  EXPECT_FALSE(torch::equal(a->forward(index, x).values, b->forward(index, x).values));
  ASSERT_TRUE(copy_weights(a, b).ok());
  EXPECT_TRUE(torch::equal(a->forward(index, x).policy_logits, b->forward(index, x).policy_logits));
  EXPECT_TRUE(torch::equal(a->forward(index, x).values, b->forward(index, x).values));

  SharedNet other = make_shared_net(*net_config_for({"kuhn_poker"}, 1, 8), 1);
  Status s = copy_weights(a, other);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "bad_config");
}

TEST(Network, DeviceChoice) {
  Result<torch::Device> cpu = pick_device("cpu");
  ASSERT_TRUE(cpu.ok());
  EXPECT_TRUE(cpu->is_cpu());
  Result<torch::Device> bad = pick_device("tpu");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "bad_device");
  Result<torch::Device> autod = pick_device("auto");
  ASSERT_TRUE(autod.ok());
  EXPECT_EQ(autod->is_cuda(), torch::cuda::is_available());
  if (!torch::cuda::is_available()) {
    Result<torch::Device> cuda = pick_device("cuda");
    ASSERT_FALSE(cuda.ok());
    EXPECT_EQ(cuda.error().code, "no_cuda");
    EXPECT_NE(cuda.error().message.find("cpu"), std::string::npos) << "says what to use instead";
  }
}

}  // namespace
}  // namespace arena::nn
