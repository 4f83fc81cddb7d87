#include "agents/search/step_scorer.h"

#include <gtest/gtest.h>

#include <set>

#include "games/registry.h"

namespace arena {
namespace {

// Answers a fixed function of the last step's verdict (the verifier's own label), or a
// constant: evaluators whose AUC is known.
class VerdictEvaluator final : public Evaluator {
 public:
  enum class Kind { kOracle, kInverted, kConstant };
  explicit VerdictEvaluator(Kind kind) : kind_(kind) {}
  void evaluate(std::span<const EvalRequest> requests, std::span<Evaluation> out) override {
    for (size_t i = 0; i < requests.size(); ++i) {
      EXPECT_TRUE(requests[i].actions.empty());  // values only
      const std::vector<PuzzleStep> steps = requests[i].state->puzzle_steps();
      const float on_path = !steps.empty() && steps.back().rating > 0 ? 1.0f : -1.0f;
      const float v = kind_ == Kind::kOracle ? on_path : kind_ == Kind::kInverted ? -on_path : 0.25f;
      out[i].values = {v};
      out[i].priors.assign(requests[i].actions.size(),
                           1.0f / std::max<size_t>(1, requests[i].actions.size()));
      ++calls;
    }
  }
  int calls = 0;

 private:
  Kind kind_;
};

std::unique_ptr<State> problem(const std::string& spec) {
  Result<std::shared_ptr<const Game>> g = make_game(spec);
  EXPECT_TRUE(g.ok()) << spec;
  return (*g)->new_initial_state();
}

std::vector<ProblemSteps> walk_all(const std::vector<std::string>& specs, VerdictEvaluator::Kind kind) {
  VerdictEvaluator evaluator(kind);
  std::vector<ProblemSteps> out;
  for (const std::string& spec : specs) {
    Result<ProblemSteps> steps = score_problem_steps(*problem(spec), evaluator, {});
    EXPECT_TRUE(steps.ok()) << spec << ": " << (steps.ok() ? "" : steps.error().message);
    if (steps.ok()) out.push_back(std::move(*steps));
  }
  EXPECT_GT(evaluator.calls, 0);
  return out;
}

const std::vector<std::string> kProblems = {"game24(puzzle=1)", "game24(puzzle=700)",
                                            "countdown(large=2,seed=5)",
                                            "arithmetic_chain(steps=3,seed=10007)"};

TEST(StepScorer, AucByHandWithTiesCountedHalf) {
  // Pairs (positive, negative): 0.9>0.5, 0.9>0.1, 0.5=0.5 (half), 0.5>0.1: 3.5 of 4.
  const std::vector<ScoredStep> steps = {{0.9f, true}, {0.5f, false}, {0.5f, true}, {0.1f, false}};
  EXPECT_DOUBLE_EQ(*roc_auc(steps), 0.875);
  EXPECT_DOUBLE_EQ(*roc_auc(std::vector<ScoredStep>{{0.1f, true}, {0.9f, false}}), 0.0);
  EXPECT_FALSE(roc_auc(std::vector<ScoredStep>{{0.1f, true}, {0.9f, true}}).has_value());
  EXPECT_FALSE(roc_auc({}).has_value());
}

TEST(StepScorer, WithinPositionCountsOnlyPairsAtOneState) {
  ProblemSteps p;
  p.positions = {{{0.2f, true}, {-0.4f, false}},                  // 1 win of 1 pair
                 {{-0.5f, true}, {-0.3f, false}, {0.9f, false}},  // 0 of 2
                 {{-0.9f, false}}};                               // no positive: not counted
  const StepAucSummary s = summarize_steps({&p, 1}, 0, 1);
  EXPECT_DOUBLE_EQ(*s.within_position.auc, 1.0 / 3.0);
  EXPECT_EQ(s.mixed_positions, 2);
  EXPECT_EQ(s.within_position.positives, 2);
  EXPECT_EQ(s.within_position.negatives, 3);
  // Pooled: 0.2 beats -0.4, -0.3, -0.9; -0.5 beats -0.9: 4 of 8.
  EXPECT_DOUBLE_EQ(*s.pooled.auc, 0.5);
  EXPECT_EQ(s.pooled.positives, 2);
  EXPECT_EQ(s.pooled.negatives, 4);
  EXPECT_EQ(s.positions, 3);
  EXPECT_FALSE(s.pooled.low.has_value());  // no bootstrap, no interval
}

TEST(StepScorer, OracleScoresOneConstantHalfInvertedZero) {
  const std::vector<ProblemSteps> oracle = walk_all(kProblems, VerdictEvaluator::Kind::kOracle);
  const StepAucSummary s = summarize_steps(oracle, 200, 3);
  EXPECT_DOUBLE_EQ(*s.pooled.auc, 1.0);
  EXPECT_DOUBLE_EQ(*s.within_position.auc, 1.0);
  EXPECT_DOUBLE_EQ(*s.pooled.low, 1.0);
  EXPECT_DOUBLE_EQ(*s.pooled.high, 1.0);
  EXPECT_GT(s.pooled.positives, 0);
  EXPECT_GT(s.pooled.negatives, s.pooled.positives);
  EXPECT_GT(s.mixed_positions, 0);
  EXPECT_GT(s.terminal_skipped, 0);  // the 24 game's last step ends it
  EXPECT_GT(s.neutral_skipped, 0);   // Countdown's stop

  const StepAucSummary c = summarize_steps(walk_all(kProblems, VerdictEvaluator::Kind::kConstant), 200, 3);
  EXPECT_DOUBLE_EQ(*c.pooled.auc, 0.5);
  EXPECT_DOUBLE_EQ(*c.within_position.auc, 0.5);
  EXPECT_EQ(c.pooled.positives, s.pooled.positives);  // the same steps, labelled the same
  EXPECT_EQ(c.pooled.negatives, s.pooled.negatives);

  const StepAucSummary inv = summarize_steps(walk_all(kProblems, VerdictEvaluator::Kind::kInverted), 200, 3);
  EXPECT_DOUBLE_EQ(*inv.pooled.auc, 0.0);
  EXPECT_DOUBLE_EQ(*inv.within_position.auc, 0.0);
}

TEST(StepScorer, LabelsAreTheVerifiersOnTheSolverPath) {
  // With no random path, every state visited is on the solver's path, so each has at least
  // one positive child (the solver's step) unless that step ends the game.
  VerdictEvaluator evaluator(VerdictEvaluator::Kind::kOracle);
  Result<ProblemSteps> steps =
      score_problem_steps(*problem("game24(puzzle=1)"), evaluator, {.random_paths = 0});
  ASSERT_TRUE(steps.ok());
  EXPECT_EQ(steps->spec, "game24(puzzle=1)");
  ASSERT_EQ(steps->positions.size(), 3u);  // four numbers, three steps
  for (size_t i = 0; i + 1 < steps->positions.size(); ++i) {
    bool any = false;
    for (const ScoredStep& s : steps->positions[i]) any = any || s.positive;
    EXPECT_TRUE(any) << "state " << i;
  }
  EXPECT_TRUE(steps->positions.back().empty());  // from two numbers every step ends the game
}

TEST(StepScorer, RepeatableFromItsSeed) {
  VerdictEvaluator e1(VerdictEvaluator::Kind::kOracle), e2(VerdictEvaluator::Kind::kOracle);
  Result<ProblemSteps> a =
      score_problem_steps(*problem("countdown(large=1,seed=9)"), e1, {.random_paths = 3, .seed = 4});
  Result<ProblemSteps> b =
      score_problem_steps(*problem("countdown(large=1,seed=9)"), e2, {.random_paths = 3, .seed = 4});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->positions.size(), b->positions.size());
  EXPECT_EQ(e1.calls, e2.calls);
  const StepAucSummary s1 = summarize_steps({&*a, 1}, 100, 9), s2 = summarize_steps({&*b, 1}, 100, 9);
  EXPECT_EQ(s1.pooled.low, s2.pooled.low);
}

TEST(StepScorer, RefusesWhatIsNotAPuzzleDecision) {
  VerdictEvaluator evaluator(VerdictEvaluator::Kind::kOracle);
  Result<ProblemSteps> dealt = score_problem_steps(*problem("countdown"), evaluator, {});  // a chance node
  ASSERT_FALSE(dealt.ok());
  EXPECT_EQ(dealt.error().code, "bad_problem");
  Result<ProblemSteps> two = score_problem_steps(*problem("kuhn_poker"), evaluator, {});
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().code, "bad_problem");
}

TEST(StepScorer, ProblemSetsPerDifficulty) {
  Result<std::vector<ProblemSet>> g24 = step_problem_sets("game24", 10, 1);
  ASSERT_TRUE(g24.ok());
  ASSERT_EQ(g24->size(), 4u);
  EXPECT_EQ((*g24)[0].difficulty, "rank 1-340");
  EXPECT_EQ((*g24)[3].difficulty, "rank 1022-1362");
  for (const ProblemSet& set : *g24) {
    EXPECT_EQ(set.specs.size(), 10u);
    EXPECT_EQ(std::set<std::string>(set.specs.begin(), set.specs.end()).size(), 10u);  // distinct
  }
  Result<std::vector<ProblemSet>> cd = step_problem_sets("countdown", 3, 1);
  ASSERT_TRUE(cd.ok());
  ASSERT_EQ(cd->size(), 5u);
  EXPECT_EQ((*cd)[4].difficulty, "large=4");
  EXPECT_EQ((*cd)[4].specs[0].rfind("countdown(large=4,seed=", 0), 0u);
  Result<std::vector<ProblemSet>> ac = step_problem_sets("arithmetic_chain(distractors=2)", 3, 1);
  ASSERT_TRUE(ac.ok());
  ASSERT_EQ(ac->size(), 7u);
  for (const ProblemSet& set : *ac) {
    for (const std::string& spec : set.specs) {
      const int64_t seed = std::stoll(spec.substr(spec.find("seed=") + 5));
      EXPECT_GT(seed, 10000) << spec;  // never dealt to a run that trains on the dealt game
      EXPECT_NE(spec.find("distractors=2"), std::string::npos) << spec;
      EXPECT_TRUE(problem(spec)->current_player() == 0) << spec;
    }
  }
  // The same draws from the same seed; a fixed difficulty gives that one alone.
  EXPECT_EQ(step_problem_sets("countdown", 3, 1)->at(2).specs, (*cd)[2].specs);
  Result<std::vector<ProblemSet>> one = step_problem_sets("countdown(large=3)", 2, 1);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].difficulty, "large=3");
}

TEST(StepScorer, ProblemSetsRefuseOtherGamesAndBadSpecs) {
  Result<std::vector<ProblemSet>> go = step_problem_sets("go(size=9)", 3, 1);
  ASSERT_FALSE(go.ok());
  EXPECT_EQ(go.error().code, "bad_spec");
  EXPECT_NE(go.error().message.find("countdown"), std::string::npos);
  EXPECT_FALSE(step_problem_sets("countdown(large=9)", 3, 1).ok());  // out of range: make_game says so
  EXPECT_FALSE(step_problem_sets("game24((", 3, 1).ok());
  EXPECT_FALSE(step_problem_sets("game24", 0, 1).ok());
}

TEST(StepScorer, ReportAsJsonAndText) {
  ProblemSteps p;
  p.positions = {{{0.2f, true}, {-0.4f, false}}};
  StepReport report{"nn:r@1",
                    "runs/r/checkpoints/step-00000001.pt",
                    {{"countdown", "large=1", summarize_steps({&p, 1}, 10, 1)}}};
  const Json j = step_report_json(report);
  EXPECT_EQ(j["scorer"], "nn:r@1");
  ASSERT_EQ(j["rows"].size(), 1u);
  EXPECT_EQ(j["rows"][0]["difficulty"], "large=1");
  EXPECT_EQ(j["rows"][0]["positive_steps"], 1);
  EXPECT_DOUBLE_EQ(j["rows"][0]["auc"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["rows"][0]["within_position"]["auc"].get<double>(), 1.0);
  const std::string text = render_step_report_text(report);
  EXPECT_NE(text.find("countdown"), std::string::npos);
  EXPECT_NE(text.find("1.000 [1.000, 1.000]"), std::string::npos);
  StepReport empty{"x", "", {{"game24", "rank 1-340", summarize_steps({}, 10, 1)}}};
  EXPECT_TRUE(step_report_json(empty)["rows"][0]["auc"].is_null());
  EXPECT_NE(render_step_report_text(empty).find("n/a"), std::string::npos);
}

}  // namespace
}  // namespace arena
