#include "games/math/arithmetic_chain.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "games/math/tests/puzzle_steps.h"
#include "games/registry.h"

namespace arena {
namespace {

std::string spec_of(int steps, int seed, int distractors) {
  return "arithmetic_chain(steps=" + std::to_string(steps) + ",seed=" + std::to_string(seed) +
         ",distractors=" + std::to_string(distractors) + ")";
}

using testing::start;

const ArithmeticChainState& chain(const State& s) { return static_cast<const ArithmeticChainState&>(s); }

// Whether `value` appears in `text` as a whole number (not inside a longer one).
bool mentions(const std::string& text, int64_t value) {
  const std::string v = std::to_string(value);
  for (size_t at = text.find(v); at != std::string::npos; at = text.find(v, at + 1)) {
    const bool before = at > 0 && std::isdigit(static_cast<unsigned char>(text[at - 1]));
    const bool after =
        at + v.size() < text.size() && std::isdigit(static_cast<unsigned char>(text[at + v.size()]));
    if (!before && !after) return true;
  }
  return false;
}

int64_t apply_op(int64_t a, int64_t b, int op) {
  switch (op) {
    case 0:
      return a + b;
    case 1:
      return a - b;
    case 2:
      return a * b;
    default:
      return b != 0 && a % b == 0 ? a / b : -1;
  }
}

constexpr int kSeeds = 300;

TEST(ArithmeticChain, GeneratedGraphsAreSoundAndTheTextMentionsEveryQuantity) {
  for (int steps = ArithmeticChain::kMinSteps; steps <= ArithmeticChain::kMaxSteps; ++steps) {
    for (int seed = 1; seed <= kSeeds; ++seed) {
      const int distractors = seed % 4;
      const ChainProblem p = generate_chain_problem(steps, seed, distractors);
      SCOPED_TRACE(spec_of(steps, seed, distractors) + ": " + p.text + " " + p.question);
      ASSERT_EQ(p.nodes.size(), static_cast<size_t>(steps));
      ASSERT_EQ(p.givens.size(), static_cast<size_t>(steps + 1 + distractors));
      std::vector<int64_t> values;
      for (const ChainGiven& g : p.givens) values.push_back(g.value);
      std::vector<int> uses(p.givens.size() + p.nodes.size(), 0);
      for (const ChainNode& node : p.nodes) {
        const int here = static_cast<int>(values.size());
        ASSERT_GE(node.lhs, 0);
        ASSERT_GE(node.rhs, 0);
        ASSERT_LT(node.lhs, here) << "operands come before their node";
        ASSERT_LT(node.rhs, here);
        ++uses[node.lhs];
        ++uses[node.rhs];
        const int64_t v = apply_op(values[node.lhs], values[node.rhs], node.op);
        EXPECT_EQ(v, node.value) << "the graph's value";
        EXPECT_GT(v, 0);
        values.push_back(v);
      }
      EXPECT_EQ(p.answer(), values.back());
      EXPECT_LT(p.answer(), 1'000'000);
      EXPECT_EQ(std::set<int64_t>(values.begin(), values.end()).size(), values.size())
          << "every quantity is distinct";
      int distractor_count = 0;
      for (size_t g = 0; g < p.givens.size(); ++g) {
        EXPECT_TRUE(mentions(p.text, p.givens[g].value))
            << p.givens[g].value << " (" << p.givens[g].label << ")";
        EXPECT_FALSE(p.givens[g].label.empty());
        if (p.givens[g].distractor) {
          ++distractor_count;
          EXPECT_EQ(uses[g], 0) << "a distractor is on no path";
        } else {
          EXPECT_EQ(uses[g], 1) << "each given is used once";
        }
      }
      EXPECT_EQ(distractor_count, distractors);
      for (size_t k = 0; k + 1 < p.nodes.size(); ++k) {
        EXPECT_EQ(uses[p.givens.size() + k], 1) << "every intermediate result feeds the answer";
      }
      EXPECT_FALSE(p.question.empty());
      EXPECT_EQ(p.question.back(), '?');
      EXPECT_TRUE(p.asked == ChainRole::kCount || p.asked == ChainRole::kMoney);
    }
  }
}

TEST(ArithmeticChain, TheSolverEarnsTheFullProcessReward) {
  for (int steps = ArithmeticChain::kMinSteps; steps <= ArithmeticChain::kMaxSteps; ++steps) {
    for (int seed = 1; seed <= kSeeds; ++seed) {
      const std::string spec = spec_of(steps, seed, seed % 4);
      SCOPED_TRACE(spec);
      std::unique_ptr<State> s = start(spec);
      while (!s->is_terminal()) {
        std::optional<Action> a = s->solver_action();
        ASSERT_TRUE(a.has_value()) << s->to_string();
        ASSERT_TRUE(s->apply(*a).ok());
        EXPECT_GT(s->rewards()[0], 0.0) << s->to_string();
      }
      EXPECT_EQ(s->ply(), steps) << "one step per operation";
      EXPECT_TRUE(chain(*s).solved());
      EXPECT_NEAR(s->returns()[0], 1.0, 1e-12);
      EXPECT_FALSE(s->solver_action().has_value());
      const std::vector<PuzzleStep> verdicts = s->puzzle_steps();
      ASSERT_EQ(verdicts.size(), static_cast<size_t>(steps));
      for (const PuzzleStep& v : verdicts) EXPECT_EQ(v.rating, 1);
      EXPECT_EQ(verdicts.back().verdict, "solved");
      EXPECT_EQ(verdicts.front().verdict, steps > 1 ? "correct step" : "solved");
      EXPECT_EQ(s->puzzle()->answer, std::to_string(chain(*s).problem()->answer()));
      EXPECT_EQ(s->view(0)["state"]["solved"], true);
    }
  }
}

TEST(ArithmeticChain, AWrongStepCostsALittleAndTheGameGoesOn) {
  for (int seed = 1; seed <= 50; ++seed) {
    std::unique_ptr<State> s = start(spec_of(4, seed, 1));
    const ChainProblem& p = *chain(*s).problem();
    std::set<int64_t> on_graph;
    for (const ChainNode& n : p.nodes) on_graph.insert(n.value);
    const int limit = 2 * 4 + 2;
    int wrong = 0;
    // Off-path steps until the limit: each costs 0.1 and the game ends unsolved at the limit.
    while (!s->is_terminal()) {
      std::optional<Action> off;
      for (Action a : s->legal_actions()) {
        const std::string text = s->action_to_string(0, a);
        const int64_t result = std::stoll(text.substr(text.find('=') + 1));
        if (!on_graph.count(result)) {
          off = a;
          break;
        }
      }
      ASSERT_TRUE(off.has_value());
      ASSERT_TRUE(s->apply(*off).ok());
      ++wrong;
      EXPECT_DOUBLE_EQ(s->rewards()[0], ArithmeticChain::kWrongStepReward);
      EXPECT_EQ(s->view(0)["state"]["steps_left"], limit - wrong);
      EXPECT_EQ(s->puzzle_steps().back().verdict, "not on any solution path");
      EXPECT_EQ(s->puzzle_steps().back().rating, -1);
      if (wrong < limit) {
        EXPECT_FALSE(s->is_terminal());
        ASSERT_TRUE(s->solver_action().has_value()) << "the solver still finds its way";
      }
    }
    EXPECT_EQ(wrong, limit);
    EXPECT_FALSE(chain(*s).solved());
    EXPECT_NEAR(s->returns()[0], s->game().min_utility(), 1e-9);
  }
}

TEST(ArithmeticChain, AnyPathToAnIntermediateCountsOnce) {
  std::unique_ptr<State> s = start(spec_of(3, 7, 0));
  // The solver's first step, then the same step again: the repeat earns the penalty.
  const Action first = *s->solver_action();
  ASSERT_TRUE(s->apply(first).ok());
  EXPECT_NEAR(s->rewards()[0], 1.0 / 3, 1e-12);
  const std::string text = s->puzzle_steps().back().text;
  Result<Action> again = s->parse_action(0, text);
  ASSERT_TRUE(again.ok()) << again.error().message;
  ASSERT_TRUE(s->apply(*again).ok());
  EXPECT_DOUBLE_EQ(s->rewards()[0], ArithmeticChain::kWrongStepReward);
  EXPECT_EQ(chain(*s).known().size(), chain(*s).problem()->givens.size() + 1) << "no value is listed twice";
}

TEST(ArithmeticChain, DistractorsAreInTheTextButNotOnTheGraph) {
  for (int seed = 1; seed <= 100; ++seed) {
    const ChainProblem plain = generate_chain_problem(5, seed, 0);
    const ChainProblem noisy = generate_chain_problem(5, seed, 3);
    ASSERT_EQ(plain.nodes.size(), noisy.nodes.size());
    for (size_t k = 0; k < plain.nodes.size(); ++k) {
      EXPECT_EQ(plain.nodes[k].value, noisy.nodes[k].value) << "the same graph for any number of distractors";
    }
    EXPECT_EQ(plain.question, noisy.question);
    for (const ChainGiven& g : noisy.givens) {
      if (!g.distractor) continue;
      EXPECT_TRUE(mentions(noisy.text, g.value));
      EXPECT_FALSE(mentions(plain.text, g.value)) << "a distractor's number is not in the plain text";
      for (const ChainNode& n : noisy.nodes) EXPECT_NE(n.value, g.value);
    }
  }
}

TEST(ArithmeticChain, SeedsGiveDifferentTextsAndGenerationIsDeterministic) {
  for (int steps = ArithmeticChain::kMinSteps; steps <= ArithmeticChain::kMaxSteps; ++steps) {
    std::set<std::string> texts;
    for (int seed = 1; seed <= kSeeds; ++seed) {
      const ChainProblem p = generate_chain_problem(steps, seed, 1);
      texts.insert(p.text + " " + p.question);
      EXPECT_EQ(generate_chain_problem(steps, seed, 1).text, p.text);
    }
    EXPECT_GE(texts.size(), static_cast<size_t>(kSeeds * 98 / 100)) << "steps=" << steps;
  }
}

TEST(ArithmeticChain, ParsingErrorsAreClear) {
  std::unique_ptr<State> s = start(spec_of(3, 17, 0));
  const ChainProblem& p = *chain(*s).problem();
  // Two givens in the order that makes every operation legal: the larger first.
  int64_t a = p.givens[0].value, b = p.givens[1].value;
  if (a < b) std::swap(a, b);
  const std::string A = std::to_string(a), B = std::to_string(b);
  auto message = [&](const std::string& text) {
    Result<Action> r = s->parse_action(0, text);
    EXPECT_FALSE(r.ok()) << text;
    if (r.ok()) return std::string();
    EXPECT_EQ(r.error().code, "parse_error");
    return r.error().message;
  };
  EXPECT_NE(
      message(A + "*" + B + "=" + std::to_string(a * b + 1)).find("the result is " + std::to_string(a * b)),
      std::string::npos);
  EXPECT_NE(message(A + "+999999").find("999999 is not a known quantity"), std::string::npos);
  EXPECT_NE(message("999998+999999").find("are not known quantities"), std::string::npos);
  EXPECT_NE(message(A + "+" + A).find("two different quantities"), std::string::npos);
  EXPECT_NE(message(B + "-" + A).find("not positive"), std::string::npos);
  EXPECT_NE(message("twelve times four").find("expected a step"), std::string::npos);
  EXPECT_NE(message(A + "*" + B + "*" + B).find("expected a step"), std::string::npos);
  if (a % b != 0) {
    EXPECT_NE(message(A + "/" + B).find("not a whole number"), std::string::npos);
  }
  // x for *, either order of a commutative step, with or without the result, and $ signs.
  Result<Action> times = s->parse_action(0, A + " x " + B);
  ASSERT_TRUE(times.ok()) << times.error().message;
  EXPECT_EQ(*s->parse_action(0, B + "*" + A + "=" + std::to_string(a * b)), *times);
  EXPECT_EQ(*s->parse_action(0, "$" + A + "*$" + B), *times);
  // Written in the order the text mentions them.
  EXPECT_EQ(s->action_to_string(0, *times), std::to_string(p.givens[0].value) + "*" +
                                                std::to_string(p.givens[1].value) + "=" +
                                                std::to_string(a * b));
  EXPECT_FALSE(s->parse_action(kChancePlayer, "seed 0").ok());
}

TEST(ArithmeticChain, BadSpecsAreErrors) {
  for (const char* spec :
       {"arithmetic_chain(steps=1)", "arithmetic_chain(steps=9)", "arithmetic_chain(distractors=4)",
        "arithmetic_chain(distractors=-1)", "arithmetic_chain(seed=-3)", "arithmetic_chain(reward=dense)",
        "arithmetic_chain(split=dev)", "arithmetic_chain(split=train,seed=9500)",
        "arithmetic_chain(split=test,seed=17)"}) {
    auto game = make_game(spec);
    ASSERT_FALSE(game.ok()) << spec;
    EXPECT_EQ(game.error().code, "bad_spec") << spec;
  }
}

TEST(ArithmeticChain, AChanceNodeDealsASeedAndThePuzzleSpecSetsItUp) {
  std::unique_ptr<State> s = start("arithmetic_chain");
  ASSERT_TRUE(s->is_chance_node());
  EXPECT_EQ(s->chance_outcomes().size(), static_cast<size_t>(ArithmeticChain::kSeedRange));
  EXPECT_FALSE(s->puzzle().has_value());
  Result<Action> deal = s->parse_action(kChancePlayer, "seed 17");
  ASSERT_TRUE(deal.ok()) << deal.error().message;
  ASSERT_TRUE(s->apply(*deal).ok());
  const PuzzleInfo info = *s->puzzle();
  EXPECT_EQ(info.spec, "arithmetic_chain(seed=17)");
  EXPECT_DOUBLE_EQ(info.difficulty, 3.5);
  std::unique_ptr<State> fixed = start(info.spec);
  EXPECT_EQ(fixed->puzzle()->problem, info.problem);
  EXPECT_EQ(fixed->view(0)["state"]["text"], s->view(0)["state"]["text"]);
  EXPECT_EQ(start(spec_of(8, 5, 3))->puzzle()->spec, "arithmetic_chain(steps=8,seed=5,distractors=3)");
  EXPECT_EQ(start("arithmetic_chain(steps=8,seed=5,distractors=3)")->puzzle()->difficulty, 9.5);
}

TEST(ArithmeticChain, TheOutcomeRewardPaysOnlyForTheSolveAndKeepsTheVerdicts) {
  for (int seed = 1; seed <= 50; ++seed) {
    const std::string spec = "arithmetic_chain(steps=4,seed=" + std::to_string(seed) + ",reward=outcome)";
    SCOPED_TRACE(spec);
    std::unique_ptr<State> s = start(spec);
    EXPECT_DOUBLE_EQ(s->game().min_utility(), 0.0);
    EXPECT_DOUBLE_EQ(s->game().max_utility(), 1.0);
    // A wrong step first: no penalty, but still labelled off every path.
    const ChainProblem& p = *chain(*s).problem();
    std::set<int64_t> on_graph;
    for (const ChainNode& n : p.nodes) on_graph.insert(n.value);
    for (Action a : s->legal_actions()) {
      const std::string text = s->action_to_string(0, a);
      if (on_graph.count(std::stoll(text.substr(text.find('=') + 1)))) continue;
      ASSERT_TRUE(s->apply(a).ok());
      break;
    }
    ASSERT_EQ(s->puzzle_steps().size(), 1u);
    EXPECT_EQ(s->puzzle_steps()[0].rating, -1);
    EXPECT_DOUBLE_EQ(s->rewards()[0], 0.0);
    while (!s->is_terminal()) {
      ASSERT_TRUE(s->apply(*s->solver_action()).ok());
      EXPECT_DOUBLE_EQ(s->rewards()[0], s->is_terminal() ? 1.0 : 0.0) << s->to_string();
      EXPECT_EQ(s->puzzle_steps().back().rating, 1) << "the verdicts stay";
    }
    EXPECT_TRUE(chain(*s).solved());
    EXPECT_DOUBLE_EQ(s->returns()[0], 1.0) << "a solve with a wrong step is still worth 1";
    EXPECT_EQ(s->puzzle_steps().back().verdict, "solved");
    EXPECT_EQ(s->puzzle()->spec, spec);
  }
  // Unsolved at the limit: 0, not a penalty per step.
  std::unique_ptr<State> s = start("arithmetic_chain(steps=2,seed=3,reward=outcome)");
  while (!s->is_terminal()) {
    const std::optional<Action> right = s->solver_action();
    std::optional<Action> wrong;
    for (Action a : s->legal_actions())
      if (a != right) {
        std::unique_ptr<State> probe = s->clone();
        ASSERT_TRUE(probe->apply(a).ok());
        if (probe->puzzle_steps().back().rating < 0) {
          wrong = a;
          break;
        }
      }
    ASSERT_TRUE(wrong.has_value());
    ASSERT_TRUE(s->apply(*wrong).ok());
    EXPECT_DOUBLE_EQ(s->rewards()[0], 0.0);
  }
  EXPECT_FALSE(chain(*s).solved());
  EXPECT_DOUBLE_EQ(s->returns()[0], 0.0);
}

TEST(ArithmeticChain, TheTrainAndTestSplitsDealSeedsThatNeverMeet) {
  std::unique_ptr<State> train = start("arithmetic_chain(split=train)");
  std::unique_ptr<State> test = start("arithmetic_chain(steps=5,split=test)");
  EXPECT_EQ(train->game().max_chance_outcomes(), 9000);
  EXPECT_EQ(test->game().max_chance_outcomes(), 1000);
  ASSERT_EQ(train->chance_outcomes().size(), 9000u);
  ASSERT_EQ(test->chance_outcomes().size(), 1000u);
  EXPECT_EQ(train->action_to_string(kChancePlayer, 0), "seed 1");
  EXPECT_EQ(train->action_to_string(kChancePlayer, 8999), "seed 9000");
  EXPECT_EQ(test->action_to_string(kChancePlayer, 0), "seed 9001");
  EXPECT_EQ(test->action_to_string(kChancePlayer, 999), "seed 10000");
  EXPECT_FALSE(test->parse_action(kChancePlayer, "seed 17").ok());
  EXPECT_FALSE(train->parse_action(kChancePlayer, "seed 9001").ok());
  Result<Action> held_out = test->parse_action(kChancePlayer, "seed 9500");
  ASSERT_TRUE(held_out.ok()) << held_out.error().message;
  ASSERT_TRUE(test->apply(*held_out).ok());
  EXPECT_EQ(test->view(0)["state"]["seed"], 9500);
  // The dealt problem is the one its spec sets up.
  EXPECT_EQ(test->puzzle()->spec, "arithmetic_chain(steps=5,seed=9500)");
  EXPECT_EQ(start(test->puzzle()->spec)->puzzle()->problem, test->puzzle()->problem);
  // Defaults stay out of the canonical spec; the others are kept.
  EXPECT_EQ((*make_game("arithmetic_chain(reward=process,split=all)"))->spec(), "arithmetic_chain");
  EXPECT_NE((*make_game("arithmetic_chain(reward=outcome,split=test)"))->spec().find("split=test"),
            std::string::npos);
}

TEST(ArithmeticChain, ViewAndExportShowTheStepsWithVerdicts) {
  std::unique_ptr<State> s = start(spec_of(2, 3, 1));
  const Json view = s->view(0)["state"];
  EXPECT_FALSE(view["text"].get<std::string>().empty());
  EXPECT_FALSE(view["question"].get<std::string>().empty());
  EXPECT_EQ(view["quantities"].size(), 4u);
  EXPECT_EQ(view["steps_left"], 6);
  ASSERT_TRUE(s->apply(*s->solver_action()).ok());
  ASSERT_TRUE(s->apply(*s->solver_action()).ok());
  const Json done = s->view(0)["state"];
  EXPECT_EQ(done["quantities"].size(), 6u);
  EXPECT_EQ(done["quantities"][5]["label"], "computed");
  EXPECT_EQ(done["steps"][0]["verdict"], "correct step");
  EXPECT_EQ(done["steps"][1]["verdict"], "solved");
  EXPECT_DOUBLE_EQ(done["steps"][1]["reward"].get<double>(), 0.5);
  ExportInfo info;
  info.players = {"solver"};
  const std::string text = s->export_text(info)->text;
  EXPECT_NE(text.find("Problem: " + view["text"].get<std::string>()), std::string::npos);
  EXPECT_NE(text.find("2. "), std::string::npos);
  EXPECT_NE(text.find("solved"), std::string::npos);
  EXPECT_NE(text.find("Result: solved"), std::string::npos);
}

TEST(ArithmeticChain, EveryDealtSeedGenerates) {
  // The whole range a chance node deals, at the hardest setting: no draw falls back.
  for (int seed = 1; seed <= ArithmeticChain::kSeedRange; seed += 7) {
    const ChainProblem p = generate_chain_problem(8, seed, 3);
    ASSERT_EQ(p.nodes.size(), 8u);
    EXPECT_EQ(p.text.find("A friend gives Mia 11 more apples."), std::string::npos)
        << "fallback at seed " << seed;
  }
}

}  // namespace
}  // namespace arena
