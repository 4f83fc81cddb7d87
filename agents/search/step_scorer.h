// The shared agent as a step scorer: how well an Evaluator's value for the position after
// a puzzle step (a learned process reward: "can this partial solution still be completed?")
// separates the steps the exact verifier puts on a solution path from the steps it puts on
// none. Measured as the area under the ROC curve, on problems the caller picks (held out
// from training), per game and difficulty; `arena report steps` prints it for a checkpoint.
//
// Torch-free: the network reaches it as an Evaluator (agents/nn's InferenceService), and
// tests plug in evaluators whose answers they know.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agents/search/evaluator.h"
#include "core/json.h"
#include "core/result.h"
#include "games/family.h"
#include "games/game.h"

namespace arena {

// One step tried at a decision state: the evaluator's value for seat 0 after it, and the
// verifier's label (the step is on a solution path).
struct ScoredStep {
  float score = 0;
  bool positive = false;
};

// Every step tried in one problem, by the decision state it was tried at.
struct ProblemSteps {
  std::string spec;                                // the problem: "game24(puzzle=17)"
  std::vector<std::vector<ScoredStep>> positions;  // the scored children of each state visited
  int64_t terminal_skipped = 0;  // steps that end the game (their value is the exact return)
  int64_t neutral_skipped = 0;   // steps the verifier rates 0 (Countdown's stop)
};

struct StepWalkOptions {
  int random_paths = 2;  // seeded uniformly random walks from the start, besides the solver's
  uint64_t seed = 1;
};

// Walks `problem` (a puzzle state after its deal) along the solver's path
// (State::solver_action) and `random_paths` random ones; at every distinct decision state
// on them, applies each legal step to a clone, labels the child by its new last
// puzzle_steps() verdict (rating +1 positive, -1 negative, 0 skipped) and scores it by
// `evaluator`'s value for seat 0 (one evaluate() call per state). Children that are
// terminal are counted and skipped: their value would be the verifier's own return, not a
// prediction. Errors: "bad_problem" when `problem` is not a puzzle decision state.
Result<ProblemSteps> score_problem_steps(const State& problem, Evaluator& evaluator,
                                         const StepWalkOptions& options);

// The Mann-Whitney statistic: the chance that a random positive scores above a random
// negative, ties counted half. nullopt without a positive or without a negative.
std::optional<double> roc_auc(std::span<const ScoredStep> steps);

// An AUC with its 95% interval and what it was measured on.
struct AucEstimate {
  std::optional<double> auc, low, high;  // nullopt where undefined (no positive or no negative)
  int64_t positives = 0, negatives = 0;  // steps, or pairs for within-position
};

// A difficulty's figures over its problems.
struct StepAucSummary {
  int problems = 0;
  int64_t positions = 0;  // decision states visited
  int64_t terminal_skipped = 0, neutral_skipped = 0;
  // Every scored step against every other (what a verifier-free filter of steps sees).
  AucEstimate pooled;
  // Only pairs of steps tried at the same state, one positive and one negative (what a
  // search choosing among the children of a node sees): positions with both labels only;
  // positives/negatives count those positions' steps.
  AucEstimate within_position;
  int64_t mixed_positions = 0;  // states whose children have both labels
  int bootstrap = 0;            // resamples of the problems behind the intervals
};

// Both AUCs with percentile intervals from `bootstrap` seeded resamples of the problems
// (steps of one problem are not independent, so problems are the unit resampled).
StepAucSummary summarize_steps(std::span<const ProblemSteps> problems, int bootstrap, uint64_t seed);

// The problem sets `arena report steps` measures a game spec on, `problems` per
// difficulty, drawn from `seed`: the game's own held-out problems (GameRegistration::
// held_out; the puzzles' are in games/math/held_out.h). Errors: "bad_spec" (not a spec, or a
// game without problem sets, naming those that have them).
Result<std::vector<ProblemSet>> step_problem_sets(std::string_view spec, int problems, uint64_t seed);

// One scorer's table: a row per problem set.
struct StepReportRow {
  std::string game, difficulty;
  StepAucSummary summary;
};
struct StepReport {
  std::string scorer;      // "nn:puzzles-1@1200"
  std::string checkpoint;  // its file
  std::vector<StepReportRow> rows;
};

// {"scorer", "checkpoint", "rows": [{"game", "difficulty", "problems", "positions",
// "positive_steps", "negative_steps", "auc", "low", "high", "within_position": {...}, ...}]}
Json step_report_json(const StepReport& report);
// A table: game, difficulty, problems, positive and negative steps, AUC [low, high], and
// the within-position AUC.
std::string render_step_report_text(const StepReport& report);

}  // namespace arena
