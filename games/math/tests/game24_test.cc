#include "games/math/game24.h"

#include <gtest/gtest.h>

#include <set>

#include "games/math/tests/puzzle_steps.h"
#include "games/registry.h"

namespace arena {
namespace {

using testing::start;
using testing::step;

TEST(Rational, ExactArithmetic) {
  const Rational eight_thirds = Rational(8) / Rational(3);
  EXPECT_EQ(eight_thirds.to_string(), "8/3");
  EXPECT_EQ((Rational(8) / (Rational(3) - eight_thirds)).to_string(), "24");
  EXPECT_EQ((Rational(1, -2)).to_string(), "-1/2");
  EXPECT_TRUE(Rational(1, 3) < Rational(1, 2));
}

TEST(Game24, SolvesThreeThreeEightEightWithFractions) {
  std::unique_ptr<State> s = start("game24(numbers='3 3 8 8')");
  ASSERT_EQ(s->current_player(), 0);
  ASSERT_TRUE(step(*s, "8/3").ok());
  EXPECT_DOUBLE_EQ(s->rewards()[0], 1.0 / 3);
  ASSERT_TRUE(step(*s, "3-(8/3)=1/3").ok());
  ASSERT_TRUE(step(*s, "8/(1/3)=24").ok());
  ASSERT_TRUE(s->is_terminal());
  EXPECT_DOUBLE_EQ(s->returns()[0], 1.0);
  EXPECT_EQ(s->view(0)["state"]["solved"], true);
  EXPECT_EQ(s->view(0)["state"]["moves"][2]["step"], "8/(1/3)=24");
}

TEST(Game24, ADeadEndStepEarnsNothing) {
  std::unique_ptr<State> s = start("game24(numbers='3 3 8 8')");
  ASSERT_TRUE(step(*s, "3+3=6").ok());  // 6 8 8 cannot make 24
  EXPECT_DOUBLE_EQ(s->rewards()[0], 0.0);
  ASSERT_TRUE(step(*s, "8+8").ok());
  ASSERT_TRUE(step(*s, "16+6").ok());
  EXPECT_TRUE(s->is_terminal());
  EXPECT_DOUBLE_EQ(s->returns()[0], 0.0);
  EXPECT_EQ(s->view(0)["state"]["solved"], false);
}

TEST(Game24, PartialCreditCountsGoodStepsOnly) {
  std::unique_ptr<State> s = start("game24(numbers='1 2 3 4')");
  ASSERT_TRUE(step(*s, "1*2").ok());   // 2 3 4: 2*3*4
  ASSERT_TRUE(step(*s, "3*4").ok());   // 2 12: 2*12
  ASSERT_TRUE(step(*s, "12-2").ok());  // 10: wrong at the end
  EXPECT_NEAR(s->returns()[0], 2.0 / 3, 1e-12);
}

TEST(Game24, BadStepsAreClearErrors) {
  std::unique_ptr<State> s = start("game24(numbers='3 3 8 8')");
  auto message = [&](const std::string& text) {
    Result<Action> a = s->parse_action(0, text);
    EXPECT_FALSE(a.ok()) << text;
    return a.ok() ? std::string() : a.error().message;
  };
  EXPECT_NE(message("8*3=25").find("the result is 24, not 25"), std::string::npos);
  EXPECT_NE(message("5*3").find("not both on the table"), std::string::npos);
  EXPECT_NE(message("8*8*3").find("unexpected text"), std::string::npos);
  EXPECT_NE(message("8/0").find("division by zero"), std::string::npos);
  EXPECT_NE(message("eight times three").find("expected a step"), std::string::npos);
  const std::string before = s->serialize();
  EXPECT_FALSE(s->apply(Game24::encode(0, 0, 0)).ok()) << "a number with itself";
  EXPECT_EQ(s->serialize(), before);
}

TEST(Game24, EqualNumbersAndCommutedStepsAreOneAction) {
  std::unique_ptr<State> s = start("game24(numbers='3 3 8 8')");
  EXPECT_EQ(*s->parse_action(0, "8*3"), *s->parse_action(0, "3*8"));
  std::set<std::string> texts;
  for (Action a : s->legal_actions()) texts.insert(s->action_to_string(0, a));
  EXPECT_EQ(texts.size(), s->legal_actions().size());
  // Pairs of values: (3,3) (3,8) (8,3) (8,8); + and * once per unordered pair, - and / per order.
  // + : 3  (3+3, 3+8, 8+8), * : 3, - : 4 (3-3, 3-8, 8-3, 8-8), / : 4
  EXPECT_EQ(texts.size(), 14u);
}

TEST(Game24, TheRankedSetIsExactlyTheSolvableDeals) {
  // Every multiset of four numbers 1..13 that can make 24 is in the set, and nothing else.
  std::set<std::array<int, 4>> solvable;
  for (int a = 1; a <= 13; ++a)
    for (int b = a; b <= 13; ++b)
      for (int c = b; c <= 13; ++c)
        for (int d = c; d <= 13; ++d)
          if (can_make({a, b, c, d}, 24)) solvable.insert({a, b, c, d});
  std::set<std::array<int, 4>> in_set;
  for (const Puzzle24& p : puzzles24()) in_set.insert(p.numbers);
  EXPECT_EQ(puzzles24().size(), 1362u);
  EXPECT_EQ(solvable, in_set);
  EXPECT_EQ(puzzles24().front().rank, 1);
  EXPECT_EQ(puzzles24().front().numbers, (std::array<int, 4>{1, 1, 4, 6}));
}

TEST(Game24, ChanceDealsFromTheSetAndRankIsShown) {
  std::unique_ptr<State> s = start("game24");
  ASSERT_TRUE(s->is_chance_node());
  EXPECT_EQ(s->chance_outcomes().size(), puzzles24().size());
  Result<Action> deal = s->parse_action(kChancePlayer, "deal 1 1 4 6");
  ASSERT_TRUE(deal.ok()) << deal.error().message;
  ASSERT_TRUE(s->apply(*deal).ok());
  EXPECT_EQ(s->view(0)["state"]["puzzle"], 1);
  EXPECT_EQ(s->view(0)["state"]["numbers"], Json::array({"1", "1", "4", "6"}));
}

TEST(Game24, BadParametersAreRejected) {
  for (const char* spec : {"game24(numbers='1 2 3')", "game24(numbers='1 2 3 14')",
                           "game24(numbers='a b c d')", "game24(puzzle=1363)", "game24(puzzle=-1)"}) {
    EXPECT_FALSE(make_game(spec).ok()) << spec;
  }
}

TEST(Game24, SeededDealsAreFixedAndRandomSourceDealsEveryMultiset) {
  std::unique_ptr<State> a = start("game24(seed=11)");
  EXPECT_EQ(a->current_player(), 0);
  EXPECT_EQ(a->to_string(), start("game24(seed=11)")->to_string());
  std::unique_ptr<State> r = start("game24(source=random)");
  ASSERT_TRUE(r->is_chance_node());
  const auto outcomes = r->chance_outcomes();
  ASSERT_EQ(outcomes.size(), 1820u);
  double sum = 0;
  for (const auto& [action, p] : outcomes) sum += p;
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(outcomes.front().second, 1.0 / 28561);  // 1 1 1 1
  Result<Action> deal = r->parse_action(kChancePlayer, "deal 4 3 2 1");
  ASSERT_TRUE(deal.ok()) << deal.error().message;
  EXPECT_DOUBLE_EQ(outcomes[*deal].second, 24.0 / 28561);
  ASSERT_TRUE(r->apply(*r->parse_action(kChancePlayer, "deal 1 1 1 1")).ok());
  EXPECT_EQ(r->puzzle()->answer, "none");
  EXPECT_EQ(r->puzzle()->spec, "game24(numbers=\"1 1 1 1\")");
  EXPECT_FALSE(make_game("game24(source=nope)").ok());
}

TEST(Game24, PuzzleTextStepsAndVerdicts) {
  std::unique_ptr<State> s = start("game24(numbers='4 7 8 8')");
  const std::optional<PuzzleInfo> info = s->puzzle();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->problem, "Make 24 from 4 7 8 8 using + - * /, each number once.");
  EXPECT_EQ(info->answer, "24");
  ASSERT_TRUE(step(*s, "4+4=8").ok() == false);  // only one 4
  ASSERT_TRUE(step(*s, "8+8").ok());             // 4 7 16: no way to 24
  ASSERT_TRUE(step(*s, "7-4").ok());
  ASSERT_FALSE(s->is_terminal());
  const std::vector<PuzzleStep> steps = s->puzzle_steps();
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].rating, -1);
  EXPECT_EQ(steps[0].verdict, "not on any solution path");
  EXPECT_EQ(s->view(0)["state"]["moves"][0]["verdict"], "not on any solution path");
  // The solver still plays a legal step from a dead end.
  std::optional<Action> a = s->solver_action();
  ASSERT_TRUE(a);
  EXPECT_TRUE(s->is_legal(*a));
}

TEST(Game24, TheSolverAgentSolvesRankedPuzzles) {
  for (size_t k = 0; k < puzzles24().size(); k += 37) {
    std::unique_ptr<State> s = start("game24(puzzle=" + std::to_string(puzzles24()[k].rank) + ")");
    while (!s->is_terminal()) {
      std::optional<Action> a = s->solver_action();
      ASSERT_TRUE(a);
      ASSERT_TRUE(s->apply(*a).ok());
    }
    EXPECT_DOUBLE_EQ(s->returns()[0], 1.0) << k;
    const std::vector<PuzzleStep> steps = s->puzzle_steps();
    ASSERT_EQ(steps.size(), 3u);
    EXPECT_EQ(steps[0].verdict, "correct step");
    EXPECT_EQ(steps[1].verdict, "correct step");
    EXPECT_EQ(steps[2].verdict, "solved");
    EXPECT_EQ(steps[2].rating, 1);
    EXPECT_FALSE(s->solver_action().has_value());
  }
  EXPECT_FALSE(start("game24")->solver_action().has_value()) << "none at a chance node";
}

}  // namespace
}  // namespace arena
