// The Game/State API: the spine every game family implements and every agent, the arena
// and the server use. Modelled on OpenSpiel's spiel.h, with two differences: bad input
// (an illegal action, unparsable notation, a bad serialization) is an Error value and
// never an abort, and every state renders itself as JSON for a viewer, so that the server
// needs no game knowledge.
//
// Threading: a Game is immutable after construction and may be shared by any threads.
// A State is a plain value: not thread-safe; clone() it to hand a copy to another thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "core/rng.h"
#include "games/params.h"

namespace arena {

using Action = int32_t;
using Player = int32_t;

inline constexpr Action kInvalidAction = -1;
// Values of State::current_player() that are not a seat.
inline constexpr Player kChancePlayer = -1;
inline constexpr Player kSimultaneousPlayer = -2;
inline constexpr Player kTerminalPlayer = -3;
// A viewer without a seat: sees only public information.
inline constexpr Player kSpectator = -4;

enum class RewardModel {
  kTerminal,  // rewards only at the end (returns() are 0 before)
  kPerStep,   // a reward after each step (puzzles: every intermediate step is verified)
};

// What kind of game a family is; shared by every parameterisation of it.
struct GameType {
  std::string name;         // registry name, e.g. "kuhn_poker"
  std::string description;  // one sentence for listings
  bool perfect_information = true;
  bool has_chance = false;
  bool has_simultaneous = false;
  // Whether players may agree a draw (chess); the arena offers it only where this is set.
  bool draw_offers = false;
  RewardModel reward_model = RewardModel::kTerminal;
  std::vector<ParamSpec> params;
};

class State;

// One entry of a state's history: a seat's action, a chance outcome, or a joint step of a
// simultaneous phase with every seat's orders.
struct Step {
  // A seat, kChancePlayer or kSimultaneousPlayer. Read from JSON, a plain step keeps the
  // default: the JSON form stores only the action, and a replay finds who played it.
  Player player = kChancePlayer;
  Action action = kInvalidAction;           // the action or chance outcome (not used for joint steps)
  std::vector<std::vector<Action>> orders;  // joint steps: orders[seat]
  bool operator==(const Step&) const = default;
};

// A game with fixed parameters: its facts, and the factory of its initial state.
class Game : public std::enable_shared_from_this<Game> {
 public:
  Game(GameType type, GameParams params) : type_(std::move(type)), params_(std::move(params)) {}
  virtual ~Game() = default;
  Game(const Game&) = delete;
  Game& operator=(const Game&) = delete;

  const GameType& type() const { return type_; }
  const GameParams& params() const { return params_; }
  // The canonical spec: the name and the parameters that differ from their defaults, in
  // declaration order ("go(size=9)"), so that equal games have equal specs.
  std::string spec() const;

  virtual int num_players() const = 0;
  // Size of the fixed action space: every action is an id in [0, num_distinct_actions()).
  virtual int num_distinct_actions() const = 0;
  // The width of the shared network's policy head. By default one output per action id; a
  // game whose action space is too large to learn an output per id (no-limit hold'em: a bet
  // size per chip) names a small fixed set of policy slots instead, and its states map every
  // legal action onto one (State::policy_slot; several actions may share a slot).
  virtual int num_policy_slots() const { return num_distinct_actions(); }
  // Chance outcomes are ids in [0, max_chance_outcomes()).
  virtual int max_chance_outcomes() const { return 0; }
  // Shape of a player's observation tensor (e.g. {planes, height, width}).
  virtual std::vector<int> observation_shape() const = 0;
  int observation_size() const;
  virtual double min_utility() const = 0;
  virtual double max_utility() const = 0;
  // The sum of all players' returns at the end, when it is the same in every game
  // (0 for zero-sum); nullopt for general-sum games.
  virtual std::optional<double> utility_sum() const = 0;
  // The most steps (decisions, joint steps and chance outcomes) a game can last.
  virtual int max_game_length() const = 0;

  virtual std::unique_ptr<State> new_initial_state() const = 0;
  // Replays a history; every step is checked, so a bad history is an Error.
  Result<std::unique_ptr<State>> state_from_history(const std::vector<Step>& history) const;

  // Games with the same rating group are rated together: the spec without parameters that
  // only pick a starting position (which puzzle). Default: spec().
  virtual std::string rating_group() const { return spec(); }

  // Symmetries of the board that leave the rules unchanged (Go's rotations and reflections,
  // Connect Four's mirror image), so that the network may learn from transformed copies of
  // a position: symmetry k in [0, num_symmetries()) maps an observation (as
  // observation_tensor writes it; `out` is as large) and a policy slot to the transformed
  // position's. 0 is the identity. Exact: playing the transformed moves reaches a position
  // whose observations and legal slots are the transformed ones.
  virtual int num_symmetries() const { return 1; }
  virtual void symmetric_observation(int k, std::span<const float> observation, std::span<float> out) const;
  virtual int symmetric_policy_slot(int /*k*/, int slot) const { return slot; }

  // The facts above as JSON (what `arena games` and GET /api/games list).
  Json describe() const;

 private:
  GameType type_;
  GameParams params_;
};

// What a match export needs besides the moves: who played and how it ended.
struct ExportInfo {
  std::vector<std::string> players;  // by seat
  std::string date;                  // "2026-11-26"
  std::string site;                  // e.g. "Arena"
  std::string round;                 // e.g. the match id
  std::string termination;           // "normal", "resign", "flag", ...
  std::vector<double> returns;       // final returns by seat (a forfeit's included)
  // The clock the match was played with: Fischer (a starting time, plus an increment after
  // each move) or a fixed time for each move; all zero when it was untimed.
  int64_t clock_initial_ms = 0;
  int64_t clock_increment_ms = 0;
  int64_t clock_per_move_ms = 0;
};

// A match in its game's standard format.
struct ExportText {
  std::string format;        // "pgn", "sgf", "hand-history", "puzzle-steps", ...
  std::string content_type;  // e.g. "application/x-chess-pgn"
  std::string text;
};

// A single-player puzzle being solved, which the arena rates as the solver's opponent.
struct PuzzleInfo {
  std::string spec;     // the spec that sets up exactly this puzzle, e.g. "game24(puzzle=17)"
  double difficulty;    // a prior: larger is harder (the 24 game: people's mean seconds)
  std::string problem;  // the problem as text: "Make 24 from 4 7 8 8 with + - * /."
  std::string answer;   // the verified answer a solution ends with: "24"
  // The attempt's own answer so far: the number it stands on (the last number left in the
  // 24 game, the number closest to the target in Countdown); empty before any step.
  std::string attempt_answer = {};
};

// One step of a puzzle attempt with its exact verdict: what the step-labelled export writes
// (ratings on PRM800K's scale) and what a step scorer is measured against.
struct PuzzleStep {
  std::string text;     // the step in the game's notation: "8*3=24"
  int rating = 0;       // +1 on a solution path, -1 on none, 0 neutral (stopping, say)
  std::string verdict;  // "correct step", "not on any solution path" or "solved"
  bool operator==(const PuzzleStep&) const = default;
};

// A position in a game, with its history. Public entry points check their input and
// record history, then call the protected do_* hooks that a game implements.
class State {
 public:
  explicit State(std::shared_ptr<const Game> game) : game_(std::move(game)) {}
  virtual ~State() = default;

  const Game& game() const { return *game_; }
  const std::shared_ptr<const Game>& game_ptr() const { return game_; }

  // --- Whose turn -------------------------------------------------------------------
  // A seat (0-based), kChancePlayer, kSimultaneousPlayer or kTerminalPlayer.
  virtual Player current_player() const = 0;
  bool is_terminal() const { return current_player() == kTerminalPlayer; }
  bool is_chance_node() const { return current_player() == kChancePlayer; }
  bool is_simultaneous_node() const { return current_player() == kSimultaneousPlayer; }
  // The seats that must act now: the player to move, or at a simultaneous node every
  // seat with at least one order group. Empty at chance and terminal nodes.
  std::vector<Player> players_to_act() const;

  // --- Actions ------------------------------------------------------------------------
  // Legal actions of `player` now, ascending. At a sequential node only the player to
  // move has any; at a simultaneous node this is the union of the player's order groups.
  virtual std::vector<Action> legal_actions(Player player) const = 0;
  // Legal actions of the player to move, or the chance outcomes at a chance node.
  std::vector<Action> legal_actions() const;
  // Whether `action` is legal for the player to move (or a possible chance outcome).
  // Games may override with something faster than a search of legal_actions().
  virtual bool is_legal(Action action) const;
  // The actions a random playout picks among; never empty where legal_actions() is not.
  // A subset of legal_actions() that leaves out moves no sensible player makes (Go: filling
  // one's own eye), so that random games end and mean something. Default: legal_actions().
  virtual std::vector<Action> playout_actions() const { return legal_actions(); }
  // The policy slot of a legal action of the player to move, in [0, Game::num_policy_slots()):
  // the action itself unless the game names slots of its own.
  virtual int policy_slot(Action action) const { return action; }
  // At a chance node: each possible outcome with its probability (they sum to 1).
  virtual std::vector<std::pair<Action, double>> chance_outcomes() const { return {}; }
  // At a simultaneous node: a seat's orders are one action from each group, in order
  // (Diplomacy: one group per unit). Default: one group, the seat's legal actions.
  virtual std::vector<std::vector<Action>> order_groups(Player player) const;

  // Applies the action of the player to move, or a chance outcome. Illegal or out of
  // range: an "illegal_action" Error, and the state is unchanged.
  Status apply(Action action);
  // Applies a simultaneous step: orders[seat] for every seat (empty for seats that do not
  // act). Checked like apply().
  Status apply_orders(const std::vector<std::vector<Action>>& orders);
  // Applies one history step: apply_orders() for a joint step, apply() for any other.
  Status apply_step(const Step& step);
  // Whether `orders` is a valid order list for `player` at this simultaneous node.
  Status check_orders(Player player, const std::vector<Action>& orders) const;

  // --- Outcome ------------------------------------------------------------------------
  // Total reward per seat so far; the final utilities at a terminal state.
  virtual std::vector<double> returns() const = 0;
  // Reward per seat from the last step. Default: the returns at a terminal state, zeros
  // before it (right for games with RewardModel::kTerminal).
  virtual std::vector<double> rewards() const;
  // Final returns when `loser` forfeits now (resigns, flags, leaves). Default: the loser
  // gets min_utility() and the others share what makes the declared sum (or get
  // max_utility() in a general-sum game). Poker overrides it: a forfeit is a fold.
  virtual std::vector<double> forfeit_returns(Player loser) const;
  // Final returns of an agreed draw: an equal share for every seat.
  std::vector<double> draw_returns() const;

  // --- What players see ---------------------------------------------------------------
  // Writes `player`'s observation (game().observation_shape(), row-major) into `out`,
  // whose size must be game().observation_size(). Plain writes, no allocation.
  virtual void observation_tensor(Player player, std::span<float> out) const = 0;
  std::vector<float> observation_tensor(Player player) const;
  // Everything `viewer` (a seat or kSpectator) knows, as a string: two states with the
  // same key for a viewer must look the same to it. Views are checked against it.
  virtual std::string information_key(Player viewer) const = 0;
  // The state as `viewer` may see it: common fields ("game", "ply", "to_move",
  // "terminal", "returns" at the end) and the game's own under "state". Hidden cards and
  // orders stay hidden. With perfect information every viewer sees the same view (the
  // arena renders it once for the seats and the spectators).
  Json view(Player viewer) const;

  // --- Notation -----------------------------------------------------------------------
  // `action` by `player` (a seat or kChancePlayer) in the game's standard notation.
  virtual std::string action_to_string(Player player, Action action) const = 0;
  // Reads notation in the context of this state. Text that names no action here is an
  // Error ("parse_error"); legality is apply()'s business.
  Result<Action> parse_action(Player player, std::string_view text) const;

  // --- Records ------------------------------------------------------------------------
  // The match so far in the game's standard format; nullopt where the game has none (the
  // arena then exports JSON).
  virtual std::optional<ExportText> export_text(const ExportInfo&) const { return std::nullopt; }
  // For single-player puzzles, the puzzle being solved once it is known.
  virtual std::optional<PuzzleInfo> puzzle() const { return std::nullopt; }
  // For puzzles: every step so far with its exact verdict (empty for other games).
  virtual std::vector<PuzzleStep> puzzle_steps() const { return {}; }
  // For puzzles with an exact solver: the solver's action here, one step of a best
  // solution (the `solver` agent plays it). nullopt where the game has no solver, and at
  // chance and terminal nodes.
  virtual std::optional<Action> solver_action() const { return std::nullopt; }
  // Whether `action` is a pass the mover should not make now: in Go, a pass while the board
  // as it stands (every stone alive, as area scoring counts it) does not win for the mover,
  // or wins but the opponent has not just passed and a move other than filling an own eye
  // is left (a pass would hand the opponent a free stone in the mover's area).
  // A search skips such an action at its root while another legal one remains (the
  // conservative pass of Leela Zero and KataGo). Default: no action is guarded.
  virtual bool pass_guarded(Action /*action*/) const { return false; }

  // --- Identity -----------------------------------------------------------------------
  const std::vector<Step>& history() const { return history_; }
  int ply() const { return static_cast<int>(history_.size()); }
  // {"game": spec, "history": [...]}: a joint step is {"orders": [[...], ...]}.
  std::string serialize() const;
  // A human-readable rendering of the full state (for logs and debugging).
  virtual std::string to_string() const = 0;
  virtual std::unique_ptr<State> clone() const = 0;
  // A state consistent with everything `viewer` knows (the same information_key(viewer)),
  // its hidden information drawn from its distribution given what the viewer has seen:
  // the determinization that information-set search plays from. Default: clone() where the
  // game has perfect information, nullptr otherwise (the game does not support it).
  virtual std::unique_ptr<State> resample_from_infostate(Player /*viewer*/, Rng& /*rng*/) const {
    return game().type().perfect_information ? clone() : nullptr;
  }

 protected:
  // Hooks, called only with checked input.
  virtual void do_apply(Action action) = 0;
  virtual void do_apply_orders(const std::vector<std::vector<Action>>& orders);
  virtual Json do_view(Player viewer) const = 0;
  virtual Result<Action> do_parse_action(Player player, std::string_view text) const = 0;

 private:
  std::shared_ptr<const Game> game_;
  std::vector<Step> history_;
};

// A chance outcome of `state` (a chance node) drawn with its probability: one draw of
// rng.sample_index() over chance_outcomes(), so seeded runs repeat exactly.
Action sample_chance(const State& state, Rng& rng);

// Writes a history as JSON (the "history" field of State::serialize()).
Json history_to_json(const std::vector<Step>& history);
// Reads one; shape errors are a "bad_state" Error (legality is checked when replayed).
Result<std::vector<Step>> history_from_json(const Json& j);
// Reads one entry of it: an action id, or {"orders": [[...], ...]} for a joint step.
Result<Step> step_from_json(const Json& item);

}  // namespace arena
