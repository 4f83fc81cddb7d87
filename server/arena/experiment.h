// The generalization experiment (`arena experiment generalization`): its configuration, the
// training runs it plans, the evaluation games it plays, and the analysis of their results.
// The training itself is the CLI's (it links the network); everything here is torch-free.
//
// Arms, each trained with every seed at budgets fixed by the configuration:
//   shared              every game at once, `samples_per_game` learner samples for each
//   specialist          one run per game, the same `samples_per_game`
//   transfer-frozen     the target game alone for `transfer_samples`, starting from a
//                       held-out run (every game but the target, `samples_per_game` each),
//                       its trunk frozen
//   transfer-finetuned  the same, the trunk learning too
//   scratch             the target game alone for `transfer_samples`, from nothing
// Self-play positions follow from the learner samples (a fixed reuse per game) and the
// simulations per move are fixed, so the self-play compute per game is equal too; the
// report states both, with wall time beside them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "core/rng.h"
#include "games/game.h"

namespace arena::experiment {

inline const std::vector<std::string>& arm_names() {
  static const std::vector<std::string> names = {"shared", "specialist", "transfer-frozen",
                                                 "transfer-finetuned", "scratch"};
  return names;
}

struct Config {
  std::string name = "generalization";
  std::vector<std::string> games;  // game specs
  std::string target;              // the held-out game of the transfer arms (one of games)
  std::vector<uint64_t> seeds = {1, 2, 3};
  std::vector<std::string> arms = arm_names();
  // The network and self-play.
  int blocks = 2;
  int channels = 32;
  int simulations = 32;  // per self-play move
  int actors = 16;
  double reuse = 4;  // learner samples per self-play position, every game
  // Budgets, in learner samples per game.
  int batch_size = 128;
  int64_t samples_per_game = 64000;
  int64_t transfer_samples = 32000;
  // Evaluation: every arm's final checkpoint against every anchor of each game it plays.
  int games_per_pairing = 200;                              // even: colour-paired
  int eval_simulations = 64;                                // the arms' search at evaluation
  std::map<std::string, std::vector<std::string>> anchors;  // per game spec; "random" first
  std::map<std::string, int> opening_plies;                 // random plies before the players, per game
  // Exploitability, in the games small enough to hold whole (Kuhn and Leduc poker): of every
  // arm's final checkpoint and of the anchors whose policy is read exactly (random, cfr);
  // decisions per information set for a policy that must be sampled; 0: none measured.
  int exploitability_samples = 20;
  // Learning curves on the target game: each arm's checkpoints against one anchor.
  std::string curve_anchor;
  int curve_points = 4;  // checkpoints per run, the untrained network included
  int curve_games = 20;
  double curve_threshold = 0.5;  // score for "steps to threshold"
  int bootstrap = 2000;
  int threads = 8;  // evaluation games in flight (the network's batches fill across them)

  Json to_json() const;
};

// Reads and checks a configuration: games registered, the target among them, arms known,
// budgets positive, an even number of games per pairing, anchors for every game. Errors:
// "bad_config".
Result<Config> parse_config(const Json& json);

// A game spec as part of a file name: "go(size=9)" -> "go-size9".
std::string slug(const std::string& spec);

// One training run of the plan.
struct PlannedRun {
  std::string name;  // e.g. "shared-s1", "specialist-kuhn_poker-s2", "heldout-s1"
  std::string arm;   // an arm name, or "held-out" for the transfer arms' starting run
  std::string kind;  // the training run's kind in the store: shared, specialist, transfer, scratch
  uint64_t seed = 0;
  std::vector<std::string> games;
  int64_t steps = 0;
  std::string init_from;  // the planned run whose last checkpoint it starts from ("" none)
  bool freeze_trunk = false;
};

// Every run the arms need, each after the runs it starts from.
std::vector<PlannedRun> plan_runs(const Config& config);

// One evaluation game, as kept in <out>/games.jsonl.
struct GameRecord {
  std::string set;      // "final" (the rating tables) or "curve"
  std::string game;     // spec
  std::string pairing;  // "<player> vs <opponent>"
  std::vector<std::string> seats;
  std::vector<double> returns;
  std::string moves;         // every step (opening and chance included), for finding repeated games
  int64_t pairing_game = 0;  // its index in the pairing: games 2k and 2k + 1 are a pair
  Json to_json() const;
  static Result<GameRecord> from_json(const Json& json);
};

// A state after `plies` uniformly random decisions (chance outcomes drawn from `rng` too),
// stopping early at a terminal state or a simultaneous node.
std::unique_ptr<State> random_opening(const Game& game, int plies, Rng& rng);

// Plays games `first`..`first + count - 1` of the pairing `entrants` (the player rated, then
// its opponent; a one-player game plays each on the same puzzle). Game 2k and 2k + 1 share
// their opening and chance seed with the seats swapped. Agents are made by spec. Games run
// `threads` at a time; an agent's failure is an error.
Result<std::vector<GameRecord>> play_pairing(const std::string& set, const std::string& game_spec,
                                             const std::string& player, const std::string& opponent,
                                             int64_t first, int count, int opening_plies, uint64_t seed,
                                             int threads);

// A player of a game's table.
struct PlayerRow {
  std::string player;
  std::string arm;  // "" for an anchor
  uint64_t seed = 0;
  double rating = 0, low = 0, high = 0;  // Elo, the anchor at 0, 95% interval
  int games = 0;
  double score = 0;  // average pairwise score; the solve rate in a one-player game
};
// An arm: the mean rating of its seeds' checkpoints, the interval from the same bootstrap.
struct ArmRow {
  std::string arm;
  double rating = 0, low = 0, high = 0;
  int seeds = 0;
};
// a minus b, with its interval and the share of resamples in which it is above 0.
struct Difference {
  std::string a, b;
  double value = 0, low = 0, high = 0, above_zero = 0;
};
struct GameTable {
  std::string game;
  std::string anchor;
  int games = 0;       // distinct games rated
  int duplicates = 0;  // games identical to one already counted (same seats, same moves), left
                       // out where the rules have no chance
  std::vector<PlayerRow> players;
  std::vector<ArmRow> arms;
  std::vector<Difference> differences;  // shared - specialist, transfer-* - scratch, ...
};

// Rates one game's "final" records: Bradley-Terry with the Gaussian prior over the distinct
// games (in a game with chance, every game), `bootstrap` resamples for the players' intervals, the arms'
// means and their differences. `arm_of` maps a checkpoint player to (arm, seed); others are anchors.
GameTable rate_game(const std::string& game, const std::vector<GameRecord>& records,
                    const std::map<std::string, std::pair<std::string, uint64_t>>& arm_of,
                    const std::string& anchor, int bootstrap, uint64_t seed);

// Learning curves on the target game.
struct CurvePoint {
  std::string arm;
  uint64_t seed = 0;
  int64_t samples = 0;  // learner samples of the target game so far
  double score = 0;     // against the curve anchor
  int games = 0;
};
struct CurveSummary {
  std::string arm;
  std::vector<std::pair<int64_t, double>> mean;  // (samples, mean score over seeds)
  double auc = 0, auc_low = 0,
         auc_high = 0;  // mean score over training (trapezoid); over seeds: mean, min, max
  int seeds = 0;
  int seeds_reaching = 0;                      // seeds whose score reached the threshold
  std::optional<double> samples_to_threshold;  // mean over the seeds reaching it
};
std::vector<CurveSummary> summarise_curves(const std::vector<CurvePoint>& points, double threshold);

// A player's exploitability in one game, chips per hand (agents/cfr/agent_policy.h).
struct ExploitabilityRow {
  std::string game, player;
  std::string arm;  // "" for an anchor
  uint64_t seed = 0;
  double value = 0, low = 0, high = 0;  // the interval of a sampled policy; the value when exact
  bool exact = true;
};

// An arm's exploitability in one game: the mean over its seeds' checkpoints, and their range.
struct ArmExploitability {
  std::string game, arm;
  double mean = 0, min = 0, max = 0;
  int seeds = 0;
};
std::vector<ArmExploitability> exploitability_by_arm(const std::vector<ExploitabilityRow>& rows);

// The whole report: what report.json holds and report.txt shows.
struct Report {
  Json config;
  Json runs;  // per run: arm, seed, steps, wall seconds, per game samples / positions / simulations
  std::vector<GameTable> games;
  std::vector<CurveSummary> curves;
  std::vector<ExploitabilityRow> exploitability;  // per game: anchors, then the arms' checkpoints
  std::string target;
  Json to_json() const;
};
std::string render_text(const Report& report);
// The figures the browser's report page shows (GET /api/reports/figures reads the runs
// folder's <run>/*.svg): one game's anchors and arms as interval bars, and the learning
// curves on the target game.
std::string game_svg(const GameTable& table);
std::string curves_svg(const std::vector<CurveSummary>& curves, const std::string& target);

}  // namespace arena::experiment
