#include "games/math/countdown.h"

#include <gtest/gtest.h>

#include "games/math/tests/puzzle_steps.h"
#include "games/registry.h"

namespace arena {
namespace {

using testing::start;
using testing::step;

const char* kFamous = "countdown(numbers='25 50 75 100 3 6',target=952)";

TEST(Countdown, ScoringBands) {
  EXPECT_DOUBLE_EQ(countdown_score(0), 1.0);
  EXPECT_DOUBLE_EQ(countdown_score(1), 0.7);
  EXPECT_DOUBLE_EQ(countdown_score(5), 0.7);
  EXPECT_DOUBLE_EQ(countdown_score(6), 0.5);
  EXPECT_DOUBLE_EQ(countdown_score(10), 0.5);
  EXPECT_DOUBLE_EQ(countdown_score(11), 0.0);
}

TEST(Countdown, ScoresTheClosestNumberOnTheTableWhenStopping) {
  struct Case {
    int target;
    std::vector<std::string> steps;
    double score;
  };
  for (const Case& c : std::vector<Case>{{106, {"100+6=106"}, 1.0},
                                         {111, {"100+6=106", "stop"}, 0.7},
                                         {111, {"100+3", "stop"}, 0.5},  // 103 is 8 away
                                         {111, {"stop"}, 0.0},           // 100 is 11 away
                                         {105, {"stop"}, 0.7},
                                         {110, {"stop"}, 0.5}}) {
    std::unique_ptr<State> s =
        start("countdown(numbers='25 50 75 100 3 6',target=" + std::to_string(c.target) + ")");
    for (const std::string& text : c.steps) {
      EXPECT_DOUBLE_EQ(s->rewards()[0], 0.0);
      ASSERT_TRUE(step(*s, text).ok()) << text;
    }
    ASSERT_TRUE(s->is_terminal()) << c.target;
    EXPECT_DOUBLE_EQ(s->returns()[0], c.score) << c.target;
    EXPECT_DOUBLE_EQ(s->rewards()[0], c.score) << c.target;
  }
}

TEST(Countdown, TheSolverAgentReachesTheBestScore) {
  std::vector<std::string> specs = {kFamous, "countdown(numbers='1 1 2 2 3 3',target=999)"};
  for (int seed = 1; seed <= 25; ++seed)
    specs.push_back("countdown(large=" + std::to_string(seed % 5) + ",seed=" + std::to_string(seed) + ")");
  for (const std::string& spec : specs) {
    std::unique_ptr<State> s = start(spec);
    auto* cd = static_cast<CountdownState*>(s.get());
    const CountdownSolution best = solve_countdown(cd->table(), cd->target());
    const std::optional<PuzzleInfo> info = s->puzzle();
    ASSERT_TRUE(info);
    EXPECT_EQ(info->answer, std::to_string(best.value));
    while (!s->is_terminal()) {
      std::optional<Action> a = s->solver_action();
      ASSERT_TRUE(a.has_value()) << spec;
      ASSERT_TRUE(s->apply(*a).ok()) << spec;
    }
    EXPECT_FALSE(s->solver_action().has_value());
    EXPECT_EQ(cd->closest(), best.value) << spec;
    EXPECT_DOUBLE_EQ(s->returns()[0], countdown_score(best.distance(cd->target()))) << spec;
    for (const PuzzleStep& p : s->puzzle_steps()) {
      EXPECT_GE(p.rating, 0) << spec << ": " << p.text << " " << p.verdict;
    }
    // The puzzle's spec sets up the same puzzle.
    std::unique_ptr<State> again = start(info->spec);
    std::unique_ptr<State> fresh = start(spec);
    EXPECT_EQ(static_cast<CountdownState*>(again.get())->table(),
              static_cast<CountdownState*>(fresh.get())->table());
    EXPECT_EQ(static_cast<CountdownState*>(again.get())->target(), cd->target());
  }
}

TEST(Countdown, TheFamousPuzzleIsSolvedExactlyWithVerdicts) {
  std::unique_ptr<State> s = start(kFamous);
  const std::optional<PuzzleInfo> info = s->puzzle();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->answer, "952");
  EXPECT_EQ(info->spec, "countdown(numbers=\"100 75 50 25 6 3\",target=952)");
  EXPECT_NE(info->problem.find("Make 952 from 100 75 50 25 6 3"), std::string::npos);
  EXPECT_DOUBLE_EQ(info->difficulty, 5);  // five steps, exact
  for (const char* text : {"75x3=225", "100+6", "225*106=23850", "23850-50=23800", "23800/25"}) {
    ASSERT_TRUE(step(*s, text).ok()) << text;
  }
  ASSERT_TRUE(s->is_terminal());
  EXPECT_DOUBLE_EQ(s->returns()[0], 1.0);
  const std::vector<PuzzleStep> steps = s->puzzle_steps();
  ASSERT_EQ(steps.size(), 5u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(steps[i].verdict, "correct step") << steps[i].text;
  EXPECT_EQ(steps[4].verdict, "solved");
  EXPECT_EQ(steps[4].text, "23800/25=952");
  const Json view = s->view(0)["state"];
  EXPECT_EQ(view["solved"], true);
  EXPECT_EQ(view["best"], 952);
  EXPECT_EQ(view["moves"][0]["verdict"], "correct step");
  EXPECT_EQ(view["moves"][0]["step"], "75*3=225");
}

TEST(Countdown, ABadStepIsRatedMinusOneAndTheGameGoesOn) {
  std::unique_ptr<State> s = start(kFamous);
  auto* cd = static_cast<CountdownState*>(s.get());
  // Find a step after which 952 cannot be made (checked here by the solver itself).
  std::optional<Action> bad;
  for (Action a : s->legal_actions()) {
    if (a == CountdownGame::kStop) continue;
    std::unique_ptr<State> t = s->clone();
    ASSERT_TRUE(t->apply(a).ok());
    if (solve_countdown(static_cast<CountdownState*>(t.get())->table(), 952).value != 952) {
      bad = a;
      break;
    }
  }
  ASSERT_TRUE(bad.has_value());
  ASSERT_TRUE(s->apply(*bad).ok());
  EXPECT_FALSE(s->is_terminal());
  EXPECT_EQ(s->puzzle_steps().back().rating, -1);
  EXPECT_EQ(s->puzzle_steps().back().verdict, "not on any solution path");
  EXPECT_EQ(cd->table().size(), 5u);
  ASSERT_TRUE(step(*s, "stop").ok());
  EXPECT_EQ(s->puzzle_steps().back().rating, 0);
  EXPECT_EQ(s->puzzle_steps().back().verdict, "stopped at " + std::to_string(cd->closest()));
  EXPECT_TRUE(s->is_terminal());
}

TEST(Countdown, ParseErrorsAreClear) {
  std::unique_ptr<State> s = start(kFamous);
  auto message = [&](const std::string& text) {
    Result<Action> a = s->parse_action(0, text);
    EXPECT_FALSE(a.ok()) << text;
    if (a.ok()) return std::string();
    EXPECT_EQ(a.error().code, "parse_error");
    return a.error().message;
  };
  EXPECT_NE(message("3-75").find("subtract the smaller number from the larger"), std::string::npos);
  EXPECT_NE(message("3-3").find("positive integer"), std::string::npos);
  EXPECT_NE(message("75/6").find("not a multiple of 6"), std::string::npos);
  EXPECT_NE(message("75*3=226").find("the result is 225, not 226"), std::string::npos);
  EXPECT_NE(message("7*8").find("not both on the table (3 6 25 50 75 100)"), std::string::npos);
  EXPECT_NE(message("75*3*2").find("unexpected text"), std::string::npos);
  EXPECT_NE(message("hello").find("expected a step"), std::string::npos);
  EXPECT_NE(message("75/0").find("division by zero"), std::string::npos);
  EXPECT_EQ(*s->parse_action(0, "3*75"), *s->parse_action(0, "75 x 3"));
  EXPECT_EQ(*s->parse_action(0, " stop "), CountdownGame::kStop);
  EXPECT_EQ(s->action_to_string(0, *s->parse_action(0, "6/3")), "6/3=2");
}

TEST(Countdown, ChanceDealsLargeThenSmallThenTheTarget) {
  std::unique_ptr<State> s = start("countdown(large=2)");
  for (int k = 0; k < 6; ++k) {
    ASSERT_TRUE(s->is_chance_node());
    const auto outcomes = s->chance_outcomes();
    double sum = 0;
    for (const auto& [a, p] : outcomes) {
      sum += p;
      EXPECT_EQ(CountdownGame::outcome_number(a) >= 25, k < 2) << k;
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
    if (k == 2) {
      EXPECT_EQ(outcomes.size(), 10u);
      EXPECT_DOUBLE_EQ(outcomes[0].second, 0.1);  // two 1s of twenty
    }
    const std::string deal = k == 0 ? "deal 100" : k == 1 ? "deal 25" : k <= 3 ? "deal 7" : "deal 1";
    Result<Action> a = s->parse_action(kChancePlayer, deal);
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_TRUE(s->apply(*a).ok());
  }
  EXPECT_FALSE(s->parse_action(kChancePlayer, "deal 7").ok());  // no numbers left to deal
  ASSERT_TRUE(s->is_chance_node());
  EXPECT_EQ(s->chance_outcomes().size(), 899u);
  ASSERT_TRUE(s->apply(*s->parse_action(kChancePlayer, "target 812")).ok());
  EXPECT_EQ(s->current_player(), 0);
  EXPECT_EQ(static_cast<CountdownState*>(s.get())->table(), (std::vector<int64_t>{1, 1, 7, 7, 25, 100}));
  EXPECT_EQ(s->view(0)["state"]["target"], 812);
}

TEST(Countdown, SeedsGiveFixedDeals) {
  std::unique_ptr<State> a = start("countdown(seed=42,large=3)");
  std::unique_ptr<State> b = start("countdown(seed=42,large=3)");
  EXPECT_EQ(a->current_player(), 0);
  EXPECT_EQ(a->to_string(), b->to_string());
  const auto& table = static_cast<CountdownState*>(a.get())->table();
  EXPECT_EQ(std::count_if(table.begin(), table.end(), [](int64_t n) { return n >= 25; }), 3);
  EXPECT_NE(a->to_string(), start("countdown(seed=43,large=3)")->to_string());
}

TEST(Countdown, BadSpecsAreClearErrors) {
  for (const char* spec :
       {"countdown(large=5)", "countdown(large=-1)", "countdown(numbers='25 50 75 100 3',target=500)",
        "countdown(numbers='25 50 75 100 3 6 7',target=500)",
        "countdown(numbers='100 100 1 2 3 4',target=500)", "countdown(numbers='1 1 1 2 3 4',target=500)",
        "countdown(numbers='11 1 2 3 4 5',target=500)", "countdown(numbers='25 50 75 100 3 6',target=100)",
        "countdown(numbers='25 50 75 100 3 6',target=1000)", "countdown(numbers='25 50 75 100 3 6')",
        "countdown(target=500)", "countdown(numbers='25 50 75 100 3 6',target=500,seed=3)",
        "countdown(numbers='a b c d e f',target=500)"}) {
    Result<std::shared_ptr<const Game>> g = make_game(spec);
    EXPECT_FALSE(g.ok()) << spec;
    if (!g.ok()) {
      EXPECT_EQ(g.error().code, "bad_spec") << spec;
    }
  }
  Result<std::shared_ptr<const Game>> g = make_game("countdown(numbers='100 100 1 2 3 4',target=500)");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message.find("100 is in the pool only once"), std::string::npos) << g.error().message;
}

TEST(Countdown, ExportNamesTheSolverAndEachVerdict) {
  std::unique_ptr<State> s = start("countdown(numbers='25 50 75 100 3 6',target=106)");
  ASSERT_TRUE(step(*s, "100+6").ok());
  ExportInfo info;
  info.players = {"solver"};
  const std::optional<ExportText> text = s->export_text(info);
  ASSERT_TRUE(text);
  EXPECT_NE(text->text.find("Solver: solver"), std::string::npos);
  EXPECT_NE(text->text.find("1. 100+6=106  solved +1"), std::string::npos) << text->text;
  EXPECT_NE(text->text.find("Result: solved"), std::string::npos) << text->text;
}

}  // namespace
}  // namespace arena
