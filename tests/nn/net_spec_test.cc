#include "agents/nn/net_spec.h"

#include <gtest/gtest.h>

#include "games/registry.h"

namespace arena::nn {
namespace {

std::shared_ptr<const Game> game_of(const std::string& spec) {
  Result<std::shared_ptr<const Game>> g = make_game(spec);
  EXPECT_TRUE(g.ok()) << spec;
  return *g;
}

TEST(NetSpec, RankThreeObservationsKeepTheirBoard) {
  auto go = game_of("go(size=9)");
  const GameHead h = game_head(*go);
  const std::vector<int> shape = go->observation_shape();
  ASSERT_EQ(shape.size(), 3u);
  EXPECT_EQ(h.planes, shape[0]);
  EXPECT_EQ(h.height, 9);
  EXPECT_EQ(h.width, 9);
  EXPECT_EQ(h.num_actions, 82);
  EXPECT_EQ(h.num_players, 2);
  EXPECT_EQ(h.spec, "go(size=9)");
  EXPECT_EQ(h.key, "go[" + std::to_string(shape[0]) + "x9x9]/82");
  EXPECT_EQ(h.input_size(), go->observation_size());
}

TEST(NetSpec, OtherObservationsAreFlattenedIntoPlanes) {
  auto g24 = game_of("game24");
  const GameHead h = game_head(*g24);
  EXPECT_EQ(h.planes, g24->observation_size());
  EXPECT_EQ(h.height, 1);
  EXPECT_EQ(h.width, 1);
  EXPECT_EQ(h.num_players, 1);
  EXPECT_EQ(head_key(*g24), "game24[4x4]/" + std::to_string(g24->num_distinct_actions()));

  auto kuhn = game_of("kuhn_poker");
  EXPECT_EQ(head_key(*kuhn), "kuhn_poker[11]/2");
  EXPECT_EQ(game_head(*kuhn).planes, 11);
}

TEST(NetSpec, GamesWithTheSameShapesShareAHead) {
  Result<NetConfig> c =
      net_config_for({"go(size=9)", "kuhn_poker", "go(size=9,komi=0.5)", "go(size=5)"}, 2, 16);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->blocks, 2);
  EXPECT_EQ(c->channels, 16);
  ASSERT_EQ(c->games.size(), 3u);
  EXPECT_EQ(c->index_of(*game_of("go(size=9,komi=0.5)")), 0);
  EXPECT_EQ(c->index_of(*game_of("kuhn_poker")), 1);
  EXPECT_EQ(c->index_of(*game_of("go(size=5)")), 2);
  EXPECT_EQ(c->index_of(*game_of("go(size=7)")), -1);
  EXPECT_EQ(c->index_of(*game_of("game24")), -1);
  EXPECT_EQ(c->index_of_key(game_head(*game_of("go(size=5)")).key), 2);
  EXPECT_EQ(c->index_of_key("chess[1]/1"), -1);
}

TEST(NetSpec, BadSpecsAndSizesAreErrors) {
  Result<NetConfig> bad = net_config_for({"go(size=9)", "no_such_game"}, 1, 8);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "bad_spec");
  EXPECT_FALSE(net_config_for({}, 1, 8).ok());
  Result<NetConfig> zero = net_config_for({"kuhn_poker"}, 1, 0);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, "bad_config");
}

TEST(NetSpec, JsonRoundTrip) {
  Result<NetConfig> c = net_config_for({"go(size=5)", "game24", "kuhn_poker"}, 3, 24);
  ASSERT_TRUE(c.ok());
  const Json j = c->to_json();
  Result<NetConfig> back = NetConfig::from_json(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, *c);
  EXPECT_EQ(back->to_json(), j);
}

TEST(NetSpec, MalformedJsonIsAnError) {
  Result<NetConfig> c = net_config_for({"kuhn_poker"}, 1, 8);
  ASSERT_TRUE(c.ok());
  Json j = c->to_json();
  j["games"][0]["planes"] = -3;
  Result<NetConfig> r = NetConfig::from_json(j);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_config");
  EXPECT_NE(r.error().message.find("planes"), std::string::npos);

  Json dup = c->to_json();
  dup["games"].push_back(dup["games"][0]);
  EXPECT_FALSE(NetConfig::from_json(dup).ok());
  EXPECT_FALSE(NetConfig::from_json(Json::array()).ok());
  Json no_blocks = c->to_json();
  no_blocks.erase("blocks");
  EXPECT_FALSE(NetConfig::from_json(no_blocks).ok());
}

}  // namespace
}  // namespace arena::nn
