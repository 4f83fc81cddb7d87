// Arithmetic chains: generated grade-school word problems. A hidden computation graph of 2-8
// operations (+ - * /) over quantities given in a short English story; one action computes a
// new quantity from two known ones. Every step is checked at once (a process reward): a step
// whose value is a node of the graph not produced before earns 1/(number of operations), any
// other step a small penalty, and producing the asked-for quantity solves the problem. With
// reward=outcome the same verdicts are kept as labels, but the only reward is 1 for a solve.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "games/family.h"
#include "games/game.h"

namespace arena {

// What a given quantity is in its story, from the template that wrote it (the observation's
// one-hot); the asked-for quantity is a count or an amount of money.
enum class ChainRole {
  kCount,     // a number of things: 4 boxes, 7 pencils given away
  kMoney,     // an amount of money: $40 at first, a $5 discount
  kPrice,     // money per thing: $3 each
  kPerGroup,  // things per container: 12 pencils in each box
  kRate,      // things or money per unit of time: 6 cranes an hour
  kTime,      // a duration: 3 hours, 2 weeks
  kTimes,     // a multiplier: 3 times as many
  kOther,     // anything else (an age, a distance): only ever a distractor
};
inline constexpr int kChainRoles = 8;

// A quantity the story states.
struct ChainGiven {
  int64_t value;
  std::string label;  // short: "pencils per box"
  ChainRole role;
  bool distractor;  // mentioned, but on no solution path
};

// One operation of the graph: operands are given indices (< givens.size()) or
// givens.size() + the index of an earlier node.
struct ChainNode {
  int lhs;
  int rhs;
  int op;  // 0 + 1 - 2 * 3 /
  int64_t value;
};

// A generated problem: the story, the question, the givens in the order the text mentions
// them, and the graph in topological order (the last node is the answer). Every value,
// given or computed, is a distinct positive integer.
struct ChainProblem {
  std::string text;      // the story, without the question
  std::string question;  // "How many pencils does Mia have now?"
  ChainRole asked;       // kCount or kMoney
  std::vector<ChainGiven> givens;
  std::vector<ChainNode> nodes;
  int64_t answer() const { return nodes.back().value; }
};

// The problem of (steps, seed, distractors), the same on every platform. The graph depends on
// (steps, seed) only; the distractors add sentences (and quantities) to it.
ChainProblem generate_chain_problem(int steps, uint64_t seed, int distractors);

// The training signal: the per-step process reward, or only the outcome (1 solved, else 0).
enum class ChainReward { kProcess, kOutcome };

// The seeds a chance node deals: all, or the training or held-out part, which never meet.
enum class ChainSplit { kAll, kTrain, kTest };

class ArithmeticChain final : public Game {
 public:
  static constexpr int kMinSteps = 2;
  static constexpr int kMaxSteps = 8;
  static constexpr int kMaxDistractors = 3;
  static constexpr int kOps = 4;  // + - * /
  // Given slots: a graph of n operations has n + 1 givens, plus the distractors.
  static constexpr int kMaxGiven = kMaxSteps + 1 + kMaxDistractors;
  // Quantity slots of the action space and the observation: the givens, then one computed
  // quantity per step at most.
  static constexpr int kSlots = kMaxGiven + 2 * kMaxSteps + 2;
  // Per slot: present, log value, given, computed, the role one-hot.
  static constexpr int kFeatures = 4 + kChainRoles;
  // A chance node deals seed 1..kSeedRange (split=all); split=train deals 1..kTrainSeeds and
  // split=test the rest.
  static constexpr int kSeedRange = 10000;
  static constexpr int kTrainSeeds = 9000;
  static constexpr double kWrongStepReward = -0.1;
  // No step may produce more than this (keeps products of known values in 64 bits).
  static constexpr int64_t kMaxValue = 1'000'000'000;

  ArithmeticChain(GameType type, GameParams params, int steps, uint64_t seed, int distractors,
                  ChainReward reward = ChainReward::kProcess, ChainSplit split = ChainSplit::kAll);

  int num_players() const override { return 1; }
  int num_distinct_actions() const override { return kSlots * kSlots * kOps; }
  int max_chance_outcomes() const override { return seed_ == 0 ? dealt_seeds() : 0; }
  std::vector<int> observation_shape() const override { return {kSlots + 1, kFeatures}; }
  double min_utility() const override {
    return reward_ == ChainReward::kOutcome ? 0.0 : kWrongStepReward * step_limit();
  }
  double max_utility() const override { return 1; }
  std::optional<double> utility_sum() const override { return std::nullopt; }
  int max_game_length() const override { return step_limit() + (seed_ == 0 ? 1 : 0); }
  // Every problem is rated in one pool: the parameters only pick the start.
  std::string rating_group() const override { return type().name; }
  std::unique_ptr<State> new_initial_state() const override;

  int steps() const { return steps_; }
  uint64_t seed() const { return seed_; }  // 0: dealt by a chance node
  int distractors() const { return distractors_; }
  ChainReward reward() const { return reward_; }
  ChainSplit split() const { return split_; }
  // The seeds a chance node deals: first_dealt_seed() .. first_dealt_seed() + dealt_seeds() - 1.
  uint64_t first_dealt_seed() const { return split_ == ChainSplit::kTest ? kTrainSeeds + 1 : 1; }
  int dealt_seeds() const {
    return split_ == ChainSplit::kAll     ? kSeedRange
           : split_ == ChainSplit::kTrain ? kTrainSeeds
                                          : kSeedRange - kTrainSeeds;
  }
  // The game ends unsolved after this many steps: twice the operations, plus two.
  int step_limit() const { return 2 * steps_ + 2; }
  // The spec of exactly the problem of `seed` with these parameters.
  std::string problem_spec(uint64_t seed) const;

  static Action encode(int i, int j, int op) { return (i * kSlots + j) * kOps + op; }

 private:
  int steps_;
  uint64_t seed_;
  int distractors_;
  ChainReward reward_;
  ChainSplit split_;
};

class ArithmeticChainState final : public State {
 public:
  explicit ArithmeticChainState(std::shared_ptr<const Game> game);

  Player current_player() const override;
  std::vector<Action> legal_actions(Player player) const override;
  std::vector<std::pair<Action, double>> chance_outcomes() const override;
  std::vector<double> returns() const override { return {total_}; }
  std::vector<double> rewards() const override { return {last_reward_}; }
  void observation_tensor(Player player, std::span<float> out) const override;
  std::string information_key(Player) const override { return to_string(); }
  std::string action_to_string(Player player, Action action) const override;
  std::string to_string() const override;
  std::unique_ptr<State> clone() const override { return std::make_unique<ArithmeticChainState>(*this); }
  std::optional<PuzzleInfo> puzzle() const override;
  std::vector<PuzzleStep> puzzle_steps() const override;
  std::optional<Action> solver_action() const override;
  // The problem and each step with its verdict, one per line.
  std::optional<ExportText> export_text(const ExportInfo& info) const override;

  // The problem being solved; nullptr before the chance node deals it.
  const ChainProblem* problem() const { return problem_.get(); }
  // Known values: the givens in text order, then each new computed value.
  const std::vector<int64_t>& known() const { return known_; }
  bool solved() const { return solved_; }

 protected:
  void do_apply(Action action) override;
  Json do_view(Player viewer) const override;
  Result<Action> do_parse_action(Player player, std::string_view text) const override;

 private:
  enum class Verdict { kCorrect, kOffPath, kSolved };
  struct Move {
    std::string text;  // "12*4=48"
    Verdict verdict;
    double reward;
  };
  void deal(uint64_t seed);
  std::optional<int64_t> combine(int i, int j, int op) const;
  int slot_of(int64_t value) const;  // -1 when not known

  std::shared_ptr<const ChainProblem> problem_;
  uint64_t seed_ = 0;
  std::vector<int64_t> known_;
  std::vector<bool> produced_;  // by graph node
  std::vector<Move> moves_;
  bool solved_ = false;
  double total_ = 0;
  double last_reward_ = 0;
};

// The registration of arithmetic_chain (its type, factory and example specs).
GameRegistration arithmetic_chain_registration();

}  // namespace arena
