// `arena serve --learn`: self-play and the learner inside the server (agents/nn/train on a
// thread of their own), starting from the shared agent's checkpoint, and a promotion gate
// that makes a better checkpoint the shared agent while the server runs.
//
// Every checkpoint becomes the player nn:<run>@<step> and plays the gate against the shared
// agent: `gate_games` matches in each of the checkpoint's games, through the served arena
// (rated, live for spectators), its seat moving round the table. A match scores the share of
// the other seats whose return the checkpoint's beat (a tie half): a win 1 and a draw 0.5
// in a two-player game, the same in a puzzle (each side solves the same draw alone), and in
// a game of n players an even 0.5 between equals. The checkpoint is promoted when its mean
// over the gate's matches reaches `gate_score`: the alias "shared" then names it, so house
// matches and challenges to the shared agent get it from their next match on. Every gate
// is a line of <runs>/<run>/promotions.jsonl (GET /api/reports/shared shows them).
//
// A server restarted on the same runs folder takes the last promoted checkpoint as the
// shared agent (last_promoted) and, with --learn, resumes the run.
//
// Threading: start() and stop() from one thread; the run calls the arena (thread-safe).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "db/store.h"
#include "server/arena/arena.h"

namespace arena::cli {

class RecordedPlay;

struct LearnOptions {
  std::string run = "arena-learn";  // the run's folder in the runs folder (nn::runs_dir())
  std::string device = "auto";
  int actors = 16;
  int simulations = 32;
  int64_t checkpoint_every = 500;
  int gate_games = 20;  // matches per game
  double gate_score = 0.55;
  uint64_t seed = 1;
};

// One gate's outcome, as a line of promotions.jsonl.
struct GateResult {
  std::string candidate, incumbent;
  int64_t step = 0;
  double score = 0;  // the candidate's mean over the matches played
  int matches = 0, failed = 0;
  std::vector<std::pair<std::string, double>> per_game;  // game spec, mean score there
  bool promoted = false;
};

// Points of the player at `seat` in a match with these returns: the share of the other seats
// whose return it beat, ties counted half.
double share_beaten(const std::vector<double>& returns, int seat);

// The checkpoint the run `run` (in nn::runs_dir()) last promoted, if its file is still there.
std::optional<std::string> last_promoted(const std::string& run);

class ServeLearner {
 public:
  // `alias` names the shared agent in `arena` (ArenaConfig::agent_aliases); the checkpoint it
  // stands for is where a new run starts. Errors: "bad_config" (the alias is no checkpoint,
  // or the run in the folder trains other games), "bad_checkpoint".
  static Result<std::unique_ptr<ServeLearner>> start(Arena& arena, db::Store& store, std::string alias,
                                                     LearnOptions options);
  ~ServeLearner();
  ServeLearner(const ServeLearner&) = delete;
  ServeLearner& operator=(const ServeLearner&) = delete;

  // Ends the run: a gate in progress stops waiting, the self-play phase in progress ends
  // (the run then writes its last checkpoint, ungated), and the thread is joined.
  void stop();

 private:
  ServeLearner(Arena& arena, db::Store& store, std::string alias, LearnOptions options);
  // After each checkpoint, on the run's thread: enters it and plays its gate.
  std::string on_checkpoint(const std::string& path, const std::string& player, int64_t step,
                            const std::vector<std::string>& games);
  GateResult gate(const std::string& candidate, int64_t step, const std::vector<std::string>& games);

  Arena& arena_;
  db::Store& store_;
  const std::string alias_;
  const LearnOptions options_;
  std::unique_ptr<RecordedPlay> recorder_;
  std::atomic<bool> stopping_{false};
  int64_t first_step_ = -1;  // the run's first checkpoint: the incumbent's own weights, not gated
  uint64_t gate_seed_;
  std::thread thread_;
};

}  // namespace arena::cli
