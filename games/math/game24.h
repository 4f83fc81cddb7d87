// The 24 game: four numbers from 1 to 13; combine two of them with + - * / into their
// result, three times, and make 24. One action is one step "a op b"; every step is checked
// exactly with rationals and scored at once (a process reward): a step earns 1/3 when 24 can
// still be reached from what is left, so the return is 1 exactly when the puzzle is solved.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "games/family.h"
#include "games/game.h"
#include "games/math/rational.h"

namespace arena {

// One puzzle of the ranked set (games/math/data/24.csv, MIT): rank 1 is the fastest solved.
struct Puzzle24 {
  int rank;
  std::array<int, 4> numbers;
  double mean_solve_seconds;  // human average: the difficulty prior
};
const std::vector<Puzzle24>& puzzles24();

// Whether `numbers` can be combined into `target` with + - * / (each number used once).
bool can_make(const std::vector<Rational>& numbers, Rational target);

// Every multiset of four numbers 1-13 (1,820, ascending, in lexicographic order) with the
// probability that four independent uniform draws give it.
struct Deal24 {
  std::array<int, 4> numbers;
  double probability;
};
const std::vector<Deal24>& all_deals24();

class Game24 final : public Game {
 public:
  static constexpr int kNumbers = 4;
  static constexpr int kOps = 4;  // + - * /
  static constexpr int kTarget = 24;

  // `random_deals`: the chance node deals any four numbers 1-13 (all_deals24()) rather than
  // a puzzle of the ranked set.
  Game24(GameType type, GameParams params, std::optional<std::array<int, 4>> fixed, int rank,
         bool random_deals);

  int num_players() const override { return 1; }
  int num_distinct_actions() const override { return kNumbers * kNumbers * kOps; }
  int max_chance_outcomes() const override {
    return static_cast<int>(random_deals_ ? all_deals24().size() : puzzles24().size());
  }
  std::vector<int> observation_shape() const override { return {kNumbers, 4}; }
  double min_utility() const override { return 0; }
  double max_utility() const override { return 1; }
  std::optional<double> utility_sum() const override { return std::nullopt; }
  int max_game_length() const override { return 1 + kNumbers - 1; }
  // Every puzzle is rated in one pool: the puzzle parameters only pick the start.
  std::string rating_group() const override { return type().name; }
  std::unique_ptr<State> new_initial_state() const override;

  // The fixed start, or nullopt when a chance node deals a puzzle from the ranked set.
  const std::optional<std::array<int, 4>>& fixed_numbers() const { return fixed_; }
  int fixed_rank() const { return rank_; }  // 0 when not from the set
  bool random_deals() const { return random_deals_; }

  static Action encode(int i, int j, int op) { return (i * kNumbers + j) * kOps + op; }

 private:
  std::optional<std::array<int, 4>> fixed_;
  int rank_;
  bool random_deals_;
};

class Game24State final : public State {
 public:
  explicit Game24State(std::shared_ptr<const Game> game);

  Player current_player() const override;
  std::vector<Action> legal_actions(Player player) const override;
  std::vector<std::pair<Action, double>> chance_outcomes() const override;
  std::vector<double> returns() const override { return {total_}; }
  std::vector<double> rewards() const override { return {last_reward_}; }
  void observation_tensor(Player player, std::span<float> out) const override;
  std::string information_key(Player) const override { return to_string(); }
  std::string action_to_string(Player player, Action action) const override;
  std::string to_string() const override;
  std::unique_ptr<State> clone() const override { return std::make_unique<Game24State>(*this); }
  std::optional<PuzzleInfo> puzzle() const override;
  // Each step: "correct step" (+1) while 24 can still be made, "solved" (+1) for the step
  // that makes it, "not on any solution path" (-1) otherwise.
  std::vector<PuzzleStep> puzzle_steps() const override;
  // The first step of a solution from here; where there is none, the first legal step.
  std::optional<Action> solver_action() const override;
  // The puzzle and each step with its verdict, one per line.
  std::optional<ExportText> export_text(const ExportInfo& info) const override;

  const std::vector<Rational>& numbers() const { return numbers_; }

 protected:
  void do_apply(Action action) override;
  Json do_view(Player viewer) const override;
  Result<Action> do_parse_action(Player player, std::string_view text) const override;

 private:
  struct Move {
    std::string text;  // "8*3=24"
    bool still_solvable;
    bool solved;  // this step made 24
  };
  static PuzzleStep puzzle_step(const Move& m);
  void deal(const std::array<int, 4>& numbers, int rank);
  std::optional<Rational> combine(int i, int j, int op) const;

  std::vector<Rational> numbers_;  // ascending
  std::vector<Rational> start_;    // the four dealt numbers, ascending
  bool dealt_ = false;
  int rank_ = 0;
  std::vector<Move> moves_;
  double total_ = 0;
  double last_reward_ = 0;
};

// The registration of game24 (its type, factory and example specs).
GameRegistration game24_registration();

}  // namespace arena
