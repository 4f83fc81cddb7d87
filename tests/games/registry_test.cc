#include "games/registry.h"

#include <gtest/gtest.h>

namespace arena {
namespace {

TEST(Registry, ListsTheBuiltInGames) {
  const std::vector<std::string> names = GameRegistry::instance().names();
  EXPECT_NE(std::find(names.begin(), names.end(), "kuhn_poker"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "game24"), names.end());
}

TEST(Registry, UnknownGameListsTheValidOnes) {
  Result<std::shared_ptr<const Game>> g = make_game("checkers");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, "bad_spec");
  EXPECT_NE(g.error().message.find("unknown game 'checkers'"), std::string::npos);
  EXPECT_NE(g.error().message.find("kuhn_poker"), std::string::npos);
  EXPECT_NE(g.error().message.find("game24"), std::string::npos);
}

TEST(Registry, BadParametersSayWhatIsValid) {
  Result<std::shared_ptr<const Game>> g = make_game("game24(level=3)");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message.find("valid: puzzle, numbers"), std::string::npos) << g.error().message;
  g = make_game("kuhn_poker(players=3)");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message.find("valid: none"), std::string::npos) << g.error().message;
  g = make_game("game24(puzzle=two)");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message.find("expects int"), std::string::npos) << g.error().message;
}

TEST(Registry, CanonicalSpecOmitsDefaults) {
  Result<std::shared_ptr<const Game>> g = make_game("game24(puzzle=0)");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ((*g)->spec(), "game24");
  g = make_game("game24( numbers = '3 3 8 8' )");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ((*g)->spec(), "game24(numbers=\"3 3 8 8\")");
}

TEST(Registry, DescribesEveryGame) {
  const Json all = describe_all_games();
  ASSERT_TRUE(all.is_array());
  bool kuhn = false;
  for (const Json& g : all) {
    if (g["name"] != "kuhn_poker") continue;
    kuhn = true;
    EXPECT_EQ(g["players"], 2);
    EXPECT_EQ(g["perfect_information"], false);
    EXPECT_EQ(g["chance"], true);
    EXPECT_EQ(g["simultaneous"], false);
    EXPECT_EQ(g["num_distinct_actions"], 2);
    EXPECT_EQ(g["observation_shape"], Json::array({11}));
  }
  EXPECT_TRUE(kuhn);
}

}  // namespace
}  // namespace arena
