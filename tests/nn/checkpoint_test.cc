#include "agents/nn/checkpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "agents/nn/inference_service.h"
#include "agents/nn/network.h"
#include "games/registry.h"

namespace arena::nn {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kSpecs = {"kuhn_poker", "go(size=5)", "go(size=9)"};

// A fresh folder per test, removed at the end.
class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("arena_nn_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = *net_config_for(kSpecs, 1, 8);
  }
  void TearDown() override { fs::remove_all(dir_); }

  CheckpointMeta meta_for(const NetConfig& net) const {
    CheckpointMeta meta;
    meta.net = net;
    meta.run = "unit";
    meta.step = 42;
    meta.games = kSpecs;
    meta.init_from = "runs/base/checkpoints/step-00000007.pt";
    meta.frozen_trunk = true;
    return meta;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
  NetConfig config_;
};

torch::Tensor input_for(const GameHead& head, int n) {
  return torch::rand({n, head.planes, head.height, head.width});
}

TEST_F(CheckpointTest, SaveThenLoadGivesIdenticalOutputs) {
  SharedNet net = make_shared_net(config_, 3);
  // Train-mode passes move the batch norms' running statistics off their defaults, so the
  // buffers are checked as well as the parameters.
  net->train();
  for (size_t h = 0; h < config_.games.size(); ++h)
    net->forward(static_cast<int>(h), input_for(config_.games[h], 4));
  net->eval();
  const std::string file = checkpoint_path(dir_.string(), 42);
  ASSERT_TRUE(save_checkpoint(file, meta_for(config_), net).ok());
  EXPECT_TRUE(fs::exists(file));
  EXPECT_FALSE(fs::exists(file + ".tmp"));

  Result<LoadedNet> loaded = load_network(file);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->meta.to_json(), meta_for(config_).to_json());
  torch::NoGradGuard no_grad;
  for (size_t h = 0; h < config_.games.size(); ++h) {
    const torch::Tensor x = input_for(config_.games[h], 3);
    NetOutput a = net->forward(static_cast<int>(h), x), b = loaded->net->forward(static_cast<int>(h), x);
    EXPECT_TRUE(torch::equal(a.policy_logits, b.policy_logits)) << config_.games[h].key;
    EXPECT_TRUE(torch::equal(a.values, b.values)) << config_.games[h].key;
  }
  // A differently seeded network gives other outputs (the comparison above can fail).
  SharedNet other = make_shared_net(config_, 4);
  other->eval();
  const torch::Tensor x = input_for(config_.games[2], 3);
  EXPECT_FALSE(torch::equal(other->forward(2, x).values, net->forward(2, x).values));
}

TEST_F(CheckpointTest, MetaRoundTripAndPaths) {
  const CheckpointMeta meta = meta_for(config_);
  Result<CheckpointMeta> back = CheckpointMeta::from_json(meta.to_json());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->net, meta.net);
  EXPECT_EQ(back->run, "unit");
  EXPECT_EQ(back->step, 42);
  EXPECT_EQ(back->games, kSpecs);
  EXPECT_EQ(back->init_from, meta.init_from);
  EXPECT_TRUE(back->frozen_trunk);
  EXPECT_EQ(meta.player_name(), "nn:unit@42");
  EXPECT_EQ(checkpoint_path("runs/a", 1234), "runs/a/checkpoints/step-00001234.pt");

  SharedNet net = make_shared_net(config_, 1);
  ASSERT_TRUE(save_checkpoint(path("m.pt"), meta, net).ok());
  Result<CheckpointMeta> read = read_checkpoint_meta(path("m.pt"));
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->to_json(), meta.to_json());

  Json bad = meta.to_json();
  bad["step"] = "many";
  EXPECT_FALSE(CheckpointMeta::from_json(bad).ok());
}

TEST_F(CheckpointTest, AChangedGameShapeRefusesToLoad) {
  // A checkpoint recorded when go(size=9) had 12 planes: the registry's go now has another.
  NetConfig stale = config_;
  GameHead& go9 = stale.games[static_cast<size_t>(stale.index_of(**make_game("go(size=9)")))];
  const GameHead now = go9;
  go9.planes = now.planes - 1;
  go9.key = "go[" + std::to_string(go9.planes) + "x9x9]/82";
  SharedNet net = make_shared_net(stale, 1);
  ASSERT_TRUE(save_checkpoint(path("stale.pt"), meta_for(stale), net).ok());

  Status check = check_against_registry(*read_checkpoint_meta(path("stale.pt")));
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().code, "shape_mismatch");
  Result<LoadedNet> loaded = load_network(path("stale.pt"));
  ASSERT_FALSE(loaded.ok());
  const std::string& message = loaded.error().message;
  EXPECT_EQ(loaded.error().code, "shape_mismatch");
  EXPECT_NE(message.find("go(size=9)"), std::string::npos) << message;
  EXPECT_NE(message.find(go9.key), std::string::npos) << message;
  EXPECT_NE(message.find(now.key), std::string::npos) << message;
  EXPECT_FALSE(InferenceService::load(path("stale.pt"), ServiceOptions{.device = "cpu"}).ok());
  EXPECT_TRUE(check_against_registry(meta_for(config_)).ok());
}

TEST_F(CheckpointTest, LoadingIntoAnotherNetworkIsAnError) {
  SharedNet net = make_shared_net(config_, 1);
  ASSERT_TRUE(save_checkpoint(path("a.pt"), meta_for(config_), net).ok());
  SharedNet wider = make_shared_net(*net_config_for(kSpecs, 1, 16), 1);
  const torch::Tensor before = wider->parameters()[0].clone();
  Result<CheckpointMeta> r = load_checkpoint(path("a.pt"), wider);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_config");
  EXPECT_TRUE(torch::equal(before, wider->parameters()[0])) << "unchanged on error";
  // And saving a module under another network's metadata is refused.
  EXPECT_FALSE(save_checkpoint(path("b.pt"), meta_for(config_), wider).ok());
}

TEST_F(CheckpointTest, GarbageAndMissingFilesFailCleanly) {
  { std::ofstream(path("garbage.pt")) << "this is not a checkpoint"; }
  Result<LoadedNet> garbage = load_network(path("garbage.pt"));
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, "bad_checkpoint");
  EXPECT_EQ(read_checkpoint_meta(path("garbage.pt")).error().code, "bad_checkpoint");

  Result<CheckpointMeta> missing = read_checkpoint_meta(path("nope.pt"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "io");
  EXPECT_EQ(InferenceService::load(path("nope.pt"), {}).error().code, "io");

  // A real checkpoint cut in half.
  SharedNet net = make_shared_net(config_, 1);
  ASSERT_TRUE(save_checkpoint(path("whole.pt"), meta_for(config_), net).ok());
  std::ifstream in(path("whole.pt"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(path("half.pt"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  Result<LoadedNet> half = load_network(path("half.pt"));
  ASSERT_FALSE(half.ok());
  EXPECT_EQ(half.error().code, "bad_checkpoint");
}

// One Adam step on a fixed batch of go(size=5) inputs.
void adam_step(SharedNet& net, torch::optim::Adam& adam, const torch::Tensor& x) {
  adam.zero_grad();
  NetOutput out = net->forward(1, x);
  (out.policy_logits.pow(2).mean() + out.values.sum()).backward();
  adam.step();
}

TEST_F(CheckpointTest, OptimizerStateRoundTrip) {
  torch::manual_seed(11);
  const torch::Tensor x = input_for(config_.games[1], 4);
  SharedNet a = make_shared_net(config_, 1);
  a->train();
  torch::optim::Adam adam_a(a->parameters(), torch::optim::AdamOptions(1e-2));
  for (int i = 0; i < 3; ++i) adam_step(a, adam_a, x);
  ASSERT_TRUE(save_checkpoint(path("opt.pt"), meta_for(config_), a, &adam_a).ok());

  // b restores weights and Adam's moments; c restores the weights only.
  SharedNet b = make_shared_net(config_, 2), c = make_shared_net(config_, 3);
  b->train();
  c->train();
  torch::optim::Adam adam_b(b->parameters(), torch::optim::AdamOptions(1e-2));
  torch::optim::Adam adam_c(c->parameters(), torch::optim::AdamOptions(1e-2));
  ASSERT_TRUE(load_checkpoint(path("opt.pt"), b, &adam_b).ok());
  ASSERT_TRUE(load_checkpoint(path("opt.pt"), c, nullptr).ok());
  EXPECT_EQ(adam_b.state().size(), adam_a.state().size());
  EXPECT_TRUE(adam_c.state().empty());

  adam_step(a, adam_a, x);
  adam_step(b, adam_b, x);
  adam_step(c, adam_c, x);
  const auto pa = a->parameters(), pb = b->parameters(), pc = c->parameters();
  float max_ab = 0, max_ac = 0;
  for (size_t i = 0; i < pa.size(); ++i) {
    max_ab = std::max(max_ab, (pa[i] - pb[i]).abs().max().item<float>());
    max_ac = std::max(max_ac, (pa[i] - pc[i]).abs().max().item<float>());
  }
  EXPECT_LT(max_ab, 1e-6f) << "the same step from the same state";
  EXPECT_GT(max_ac, 1e-4f) << "without the moments the step differs";
}

TEST_F(CheckpointTest, ServiceLoadsACheckpoint) {
  SharedNet net = make_shared_net(config_, 5);
  net->eval();
  ASSERT_TRUE(save_checkpoint(path("svc.pt"), meta_for(config_), net).ok());
  Result<std::shared_ptr<InferenceService>> service =
      InferenceService::load(path("svc.pt"), {.device = "cpu"});
  ASSERT_TRUE(service.ok()) << service.error().message;
  EXPECT_EQ((*service)->config(), config_);
  EXPECT_EQ((*service)->device(), "cpu");

  auto go = *make_game("go(size=5)");
  std::unique_ptr<State> s = go->new_initial_state();
  const std::vector<Action> legal = s->legal_actions();
  ASSERT_EQ(static_cast<int>(legal.size()), go->num_distinct_actions());
  EvalRequest request{s.get(), s->current_player(), legal};
  Evaluation e;
  (*service)->evaluate({&request, 1}, {&e, 1});

  const GameHead& head = config_.games[1];
  torch::Tensor x = torch::zeros({1, head.planes, head.height, head.width});
  s->observation_tensor(s->current_player(), std::span<float>(x.data_ptr<float>(), head.input_size()));
  torch::NoGradGuard no_grad;
  NetOutput out = net->forward(1, x);
  const torch::Tensor priors = torch::softmax(out.policy_logits[0], 0);  // every action is legal at the start
  ASSERT_EQ(e.priors.size(), legal.size());
  ASSERT_EQ(e.values.size(), 2u);
  for (size_t i = 0; i < legal.size(); ++i) EXPECT_NEAR(e.priors[i], priors[legal[i]].item<float>(), 1e-5);
  EXPECT_NEAR(e.values[0], out.values[0][0].item<float>(), 1e-5);
  EXPECT_NEAR(e.values[1], out.values[0][1].item<float>(), 1e-5);
}

}  // namespace
}  // namespace arena::nn
