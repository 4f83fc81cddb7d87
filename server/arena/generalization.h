// The cross-game generalization report: for every rating group a training run trained, the
// Bradley-Terry rating (random = 0) of each run's latest rated checkpoint, in one column per
// kind of run (the shared agent, single-game specialists, transfer with a frozen trunk, and
// the same game from scratch), beside the anchors (random, rollout MCTS). What
// `arena report generalization` prints and GET /api/reports/generalization serves (the JSON
// is server/net/wire.h's generalization_json).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/store.h"

namespace arena {

// A rated player of one rating group: its Bradley-Terry rating with a 95% interval.
struct GeneralizationRating {
  std::string player;  // "random", "mcts(simulations=100,c=1.4,rollouts=1)", "nn:<run>@<step>"
  double rating = 0;   // Elo scale, the group's anchor at 0
  double low = 0, high = 0;
  int games = 0;  // rated games in the group
  // Its stored exploitability in the group (chips per hand), where one is known: games small
  // enough for the exact tree (kuhn_poker, leduc_poker); see refresh_exploitability().
  std::optional<db::ExploitabilityRow> exploitability;
};

// One run's cell in a rating group: its latest checkpoint that has rated games there.
struct GeneralizationCell {
  std::string run;
  int64_t step = 0;  // the checkpoint's learner step
  GeneralizationRating rating;
};

// One row of the report: a rating group and every run that trained a game of it.
struct GeneralizationGroup {
  std::string rating_group;  // "kuhn_poker", "go(size=9)", "game24"
  std::string anchor;        // the player at 0 ("random" when it has played; "" with no match)
  int matches = 0;           // rated matches read
  // random first, then rollout MCTS, best first, then CFR (poker's equilibrium anchor)
  std::vector<GeneralizationRating> anchors;
  // One list per training run kind, in db::training_run_kinds() order (shared, specialist,
  // transfer, scratch). A run with no rated checkpoint in the group is left out.
  std::vector<std::vector<GeneralizationCell>> columns;
  // Why a row has no exploitability where one was tried (an agent that cannot be rebuilt, a
  // sampled estimate past its time), from refresh_exploitability().
  std::vector<std::string> exploitability_notes;
};

// The whole report.
struct GeneralizationReport {
  int bootstrap = 0;  // resamples behind each interval
  std::vector<db::TrainingRunRow> runs;
  std::vector<GeneralizationGroup> groups;  // in the order the runs (oldest first) name them
};

// The rating group of a game spec: the game's own when the spec is registered, else the spec.
std::string rating_group_of(const std::string& spec);

// Reads the training runs and, for each rating group they trained, fits that group's rated
// matches (compute_leaderboard). Blocking (reads the store): call from a worker.
Result<GeneralizationReport> compute_generalization(db::Store& store, int bootstrap_samples,
                                                    uint64_t seed = 1);

// How refresh_exploitability() measures: exact agents (cfr, random) are read whole; any other
// agent is asked `samples` decisions per information set, stopped after `seconds_per_agent`.
struct ExploitabilityRefresh {
  int samples = 10;
  int bootstrap = 200;
  int seconds_per_agent = 60;
  int64_t max_nodes = 100'000;  // the largest game tree built (Leduc has about 10,000 nodes)
  uint64_t seed = 1;
};

// Computes the exploitability of every row of `report` whose group is a two-player zero-sum
// game with hidden information small enough for the exact tree, for the players the agent
// registry can rebuild from their names (anchors and checkpoints), stores each figure
// (Store::upsert_exploitability: what the leaderboard shows) and puts it in the report.
// Rows it cannot measure keep what was stored and get a note. Blocking: the CLI's, never a
// request's.
Status refresh_exploitability(db::Store& store, GeneralizationReport& report,
                              const ExploitabilityRefresh& options);

// The report as plain text: a table with a row per rating group (more where a column has
// several runs) and aligned columns, "-" where a column has no run; then the runs.
std::string render_generalization_text(const GeneralizationReport& report);

}  // namespace arena
