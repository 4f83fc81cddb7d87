// Countdown's numbers round: six numbers (0-4 large ones from 25 50 75 100, the rest from
// two each of 1-10) and a target from 101 to 999. One action combines two numbers on the
// table with + - x / into their result (a positive integer: a-b only when a>b, a/b only
// when exact), or stops. Scored at the end by the show's bands on the number on the table
// closest to the target; every step gets an exact verdict from the solver.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "games/family.h"
#include "games/game.h"
#include "games/math/solver.h"

namespace arena {

// A Countdown puzzle: six numbers (as dealt) and a target.
struct CountdownPuzzle {
  std::array<int64_t, 6> numbers;
  int64_t target;
};

// The score of finishing `distance` away from the target, in [0, 1]: the show's 10, 7, 5
// and 0 points (exact, within 5, within 10, further) divided by 10.
double countdown_score(int64_t distance);

class CountdownGame final : public Game {
 public:
  static constexpr int kSlots = 6;
  static constexpr int kOps = 4;  // + - * /
  static constexpr Action kStop = kSlots * kSlots * kOps;
  static constexpr int kNumberOutcomes = 14;  // 1-10, 25, 50, 75, 100
  static constexpr int kMinTarget = 101;
  static constexpr int kMaxTarget = 999;
  static constexpr int kObsRows = kSlots + 1;
  static constexpr int kObsCols = 4;

  CountdownGame(GameType type, GameParams params, int large, std::optional<CountdownPuzzle> fixed);

  int num_players() const override { return 1; }
  int num_distinct_actions() const override { return kStop + 1; }
  int max_chance_outcomes() const override { return kMaxTarget - kMinTarget + 1; }
  std::vector<int> observation_shape() const override { return {kObsRows, kObsCols}; }
  double min_utility() const override { return 0; }
  double max_utility() const override { return 1; }
  std::optional<double> utility_sum() const override { return std::nullopt; }
  // Six numbers and the target dealt, then at most five steps (or fewer and a stop).
  int max_game_length() const override { return kSlots + 1 + kSlots - 1; }
  std::string rating_group() const override { return type().name; }
  std::unique_ptr<State> new_initial_state() const override;

  int large() const { return large_; }
  const std::optional<CountdownPuzzle>& fixed() const { return fixed_; }
  // The solver's answer for the fixed puzzle (computed once).
  const std::optional<CountdownSolution>& fixed_solution() const { return fixed_solution_; }

  // Action ids: (i * 6 + j) * 4 + op over table slots i, j (the table is kept ascending)
  // and op 0-3 (+ - * /); kStop stops.
  static Action encode(int i, int j, int op) { return (i * kSlots + j) * kOps + op; }
  // Chance outcome ids: a number's index in 1-10, 25, 50, 75, 100 while dealing numbers;
  // target - 101 when dealing the target.
  static int64_t outcome_number(Action a);

 private:
  int large_;
  std::optional<CountdownPuzzle> fixed_;
  std::optional<CountdownSolution> fixed_solution_;
};

class CountdownState final : public State {
 public:
  explicit CountdownState(std::shared_ptr<const Game> game);

  Player current_player() const override;
  std::vector<Action> legal_actions(Player player) const override;
  std::vector<std::pair<Action, double>> chance_outcomes() const override;
  std::vector<double> returns() const override { return {is_terminal() ? score() : 0.0}; }
  std::vector<double> rewards() const override { return {is_terminal() ? score() : 0.0}; }
  void observation_tensor(Player player, std::span<float> out) const override;
  std::string information_key(Player) const override { return to_string(); }
  std::string action_to_string(Player player, Action action) const override;
  std::string to_string() const override;
  std::unique_ptr<State> clone() const override { return std::make_unique<CountdownState>(*this); }
  std::optional<PuzzleInfo> puzzle() const override;
  std::vector<PuzzleStep> puzzle_steps() const override;
  std::optional<Action> solver_action() const override;
  std::optional<ExportText> export_text(const ExportInfo& info) const override;

  const std::vector<int64_t>& table() const { return table_; }
  int64_t target() const { return target_; }
  // The number on the table closest to the target (the lower one of two equally close).
  int64_t closest() const;
  // What stopping now scores.
  double score() const;

 protected:
  void do_apply(Action action) override;
  Json do_view(Player viewer) const override;
  Result<Action> do_parse_action(Player player, std::string_view text) const override;

 private:
  void set_puzzle(const std::vector<int64_t>& numbers, int64_t target, const CountdownSolution* solved);
  std::optional<int64_t> combine(int i, int j, int op) const;
  bool dealt() const { return target_ > 0; }
  std::string puzzle_text() const;  // "100 75 50 25 6 3 -> 952"

  std::vector<int64_t> dealt_numbers_;  // as dealt (chance) or given
  std::vector<int64_t> table_;          // ascending
  int64_t target_ = 0;                  // 0 until dealt
  int64_t best_ = 0;                    // the best value reachable from the start
  int best_steps_ = 0;                  // the fewest steps that reach it
  std::vector<PuzzleStep> steps_;
  bool stopped_ = false;
};

GameRegistration countdown_registration();

}  // namespace arena
