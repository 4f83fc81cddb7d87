// Self-play actors: play games against themselves with PUCT search (one Mcts per seat) and
// turn each game into a Trajectory, the training data of the shared network.
//
// - play_selfplay_game(): one game to the end, repeatable from its seed.
// - SelfPlayActors: several games at once on threads of its own, either continuously into a
//   sink (start/stop) or as a batch of exactly n games whose result does not depend on
//   thread timing (play_batch), which the trainer alternates with learner phases.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agents/cfr/cfr_search.h"
#include "agents/search/evaluator.h"
#include "agents/search/mcts.h"
#include "agents/selfplay/trajectory.h"
#include "core/result.h"
#include "games/game.h"

namespace arena::selfplay {

// A game self-play draws, with its sampling weight.
struct GameChoice {
  std::string spec;            // e.g. "go(size=9)"
  double weight = 1.0;         // relative; non-negative
  int temperature_moves = -1;  // this game's temperature schedule; -1: the config's
};

// Everything that decides how self-play games are played.
struct SelfPlayConfig {
  std::vector<GameChoice> games;
  // The search of every seat: simulations, c_puct, batch_size, rollouts, reuse_tree. Its
  // seed, temperature and Dirichlet fields are ignored: they are set per game from below.
  // A time limit (search.time) makes games depend on the clock, so no longer repeatable.
  // With reuse_tree the root noise is only added where a search starts a fresh root.
  MctsConfig search;
  // The search of two-player zero-sum hidden-information games whose whole tree fits (Kuhn,
  // Leduc): CFR+ from the start of the hand, warm-started by the evaluator's priors.
  cfr::CfrSearchConfig cfr;
  double dirichlet_alpha = 0.3;     // root noise; 0: none (unless dirichlet_scale is set)
  double dirichlet_scale = 0;       // when positive: alpha = scale / legal actions (MctsConfig)
  double dirichlet_epsilon = 0.25;  // share of the noise in the root priors
  // The first temperature_moves seat decisions of a game (all seats counted together) are
  // drawn with probability proportional to visits; later ones take the most visited.
  int temperature_moves = 30;
  // A share of games of two or more seats with a noisy seat (a weaker opponent): in such a
  // game one seat, drawn at random, plays a uniformly random legal move instead of its
  // searched one with probability noisy_moves (its search's visits are still the recorded
  // target). The other seat meets moves self-play never makes, such as a stone played into
  // its territory after it passed. Searched (PUCT) decisions only.
  double noisy_games = 0;
  double noisy_moves = 0.25;
  int threads = 1;    // games played concurrently by SelfPlayActors
  uint64_t seed = 0;  // game i of SelfPlayActors is played with seed + i
};

// Checks a config: at least one game, weights non-negative with a positive sum, positive
// simulations and threads, epsilon in [0, 1]. Errors: "bad_config". Specs are not resolved.
Status validate(const SelfPlayConfig& config);

// Plays one game of `game` to the end. Every seat decision is searched by that seat's own
// Mcts (imperfect information: the search determinizes by itself) and recorded as a
// TrajectoryStep, except in games cfr::whole_tree() takes (Kuhn, Leduc): there one CFR+
// search from the start of the hand (cfr_search.h) gives every decision's policy target and
// the action is drawn from it (an equilibrium mixes, so no temperature schedule applies); chance outcomes are
// drawn by their probabilities; simultaneous steps are played with each acting seat's searched orders and
// kept only in the history. A decision with one legal action is played without a search (policy {1}) but
// still recorded. Repeatable: the same seed and a deterministic evaluator give the same trajectory. `cancel`,
// when given and set, ends the game early with the Error "cancelled". Errors: those of Mcts::search
// ("unsupported"), "bad_game" (a game that outruns its max_game_length() or offers an illegal step),
// "cancelled". Thread-safety: reentrant; `evaluator` must allow whatever concurrency its callers use.
Result<Trajectory> play_selfplay_game(const Game& game, Evaluator& evaluator, const SelfPlayConfig& config,
                                      uint64_t seed, const std::atomic<bool>* cancel = nullptr);

// Makes the evaluator for one game: called at the start of every game, on the thread that
// plays it, with that thread's index and the game's seed. Return one shared thread-safe
// evaluator (the network service) or a fresh one per game (e.g. a RolloutEvaluator seeded
// with game_seed, which keeps play_batch() repeatable whatever the thread count).
using EvaluatorFactory = std::function<std::shared_ptr<Evaluator>(int thread, uint64_t game_seed)>;

// Receives each finished game, on an actor thread; calls may be concurrent, so it must be
// thread-safe (ShardWriter::write and ReplayBuffer::add are).
using TrajectorySink = std::function<void(Trajectory&&)>;

// Counters of one game spec.
struct GameCounts {
  uint64_t games = 0;
  uint64_t positions = 0;  // recorded seat decisions
};

// Counters since construction.
struct ActorStats {
  uint64_t games = 0;
  uint64_t positions = 0;
  uint64_t errors = 0;                         // games that ended in an Error (cancelled ones excluded)
  std::map<std::string, GameCounts> per_game;  // by canonical spec
  std::string last_error;                      // "code: message" of the last error, if any
};

// Runs self-play games on `config.threads` threads of its own. Game i (counted from 0 over
// the actors' life, continuous and batch games alike) is drawn by weight and played from
// seed config.seed + i, so the set of games is fixed by the seed; which thread plays which
// only changes the order in which a sink sees them.
// Thread-safety: every public member may be called from any thread; start() and
// play_batch() exclude each other ("busy").
class SelfPlayActors {
 public:
  // Errors: "bad_config" (see validate()), "bad_spec" (a game spec the registry rejects).
  static Result<std::unique_ptr<SelfPlayActors>> create(SelfPlayConfig config, EvaluatorFactory factory);
  ~SelfPlayActors();  // stop(/*finish_games=*/false)
  SelfPlayActors(const SelfPlayActors&) = delete;
  SelfPlayActors& operator=(const SelfPlayActors&) = delete;

  // Starts the threads, each looping: take the next game index, play it, hand the
  // trajectory to `sink`. A thread whose game fails records the error in stats() and
  // stops (an error such as "unsupported" would repeat). Errors: "busy" (already running
  // or a batch is being played).
  Status start(TrajectorySink sink);
  // Ends continuous play and joins the threads. finish_games: the games in progress are
  // played to the end and delivered to the sink (may take as long as one game); otherwise
  // they are cancelled at their next decision and dropped (their indices are not reused).
  // Idempotent; a no-op when not running.
  void stop(bool finish_games = true);
  bool running() const;

  // Plays exactly n games, indices next_index() .. next_index() + n - 1, over the threads
  // and returns them in index order. The result depends only on the config, the indices
  // and the evaluators (not on thread timing). On an error, the first failing game's
  // Error (the indices are still consumed). Errors: "busy", "bad_argument" (n < 0), and
  // those of play_selfplay_game().
  Result<std::vector<Trajectory>> play_batch(int n);

  // The index of the next game; set it to resume a run (not while running).
  uint64_t next_index() const { return next_index_.load(); }
  void set_next_index(uint64_t index) { next_index_.store(index); }

  ActorStats stats() const;
  const SelfPlayConfig& config() const { return config_; }
  // The game that game `index` plays (drawn by weight from its seed).
  const Game& game_for_index(uint64_t index) const;
  // New draw weights, one per config game (a trainer balancing its games' data between
  // batches). Errors: "busy" (while running or playing a batch), "bad_config".
  Status set_weights(std::vector<double> weights);

 private:
  SelfPlayActors(SelfPlayConfig config, EvaluatorFactory factory,
                 std::vector<std::shared_ptr<const Game>> games);
  // Plays game `index` on thread `thread`, updating the counters.
  Result<Trajectory> play_index(uint64_t index, int thread, const std::atomic<bool>* cancel);
  void record_error(const Error& error);

  const SelfPlayConfig config_;
  const EvaluatorFactory factory_;
  const std::vector<std::shared_ptr<const Game>> games_;  // by config_.games
  std::vector<double> weights_;
  std::atomic<uint64_t> next_index_{0};

  enum class Mode { kIdle, kRunning, kStopping, kBatch };
  mutable std::mutex mutex_;      // guards what follows
  std::condition_variable idle_;  // signalled when mode_ returns to kIdle
  Mode mode_ = Mode::kIdle;
  std::vector<std::thread> threads_;
  ActorStats stats_;
  // Read by the actor threads between games (stopping_) and between decisions (cancel_).
  std::atomic<bool> stopping_{false};
  std::atomic<bool> cancel_{false};
};

}  // namespace arena::selfplay
