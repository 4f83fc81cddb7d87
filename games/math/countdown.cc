#include "games/math/countdown.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace arena {
namespace {

constexpr char kOpChars[CountdownGame::kOps] = {'+', '-', '*', '/'};
constexpr int64_t kOutcomeNumbers[CountdownGame::kNumberOutcomes] = {1, 2, 3,  4,  5,  6,  7,
                                                                     8, 9, 10, 25, 50, 75, 100};

bool is_large(int64_t n) { return n >= 25; }

// How many of `n` the pool holds: one of each large number, two of each of 1-10.
int pool_count(int64_t n) {
  if (n >= 1 && n <= 10) return 2;
  return (n == 25 || n == 50 || n == 75 || n == 100) ? 1 : 0;
}

// The outcomes of the next number dealt after `dealt`, with their probabilities: the first
// `large` numbers come from the large pool, the others from the small one.
std::vector<std::pair<Action, double>> number_outcomes(const std::vector<int64_t>& dealt, int large) {
  const bool from_large = static_cast<int>(dealt.size()) < large;
  std::vector<std::pair<Action, double>> outcomes;
  int total = 0;
  for (int k = 0; k < CountdownGame::kNumberOutcomes; ++k) {
    const int64_t n = kOutcomeNumbers[k];
    if (is_large(n) != from_large) continue;
    const int left = pool_count(n) - static_cast<int>(std::count(dealt.begin(), dealt.end(), n));
    if (left <= 0) continue;
    outcomes.emplace_back(k, static_cast<double>(left));
    total += left;
  }
  for (auto& [a, p] : outcomes) p /= total;
  return outcomes;
}

std::optional<int> parse_int(std::string_view word) {
  int v = 0;
  auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
  if (ec != std::errc() || end != word.data() + word.size()) return std::nullopt;
  return v;
}

std::string join(const std::vector<int64_t>& numbers) {
  std::string out;
  for (int64_t n : numbers) out += (out.empty() ? "" : " ") + std::to_string(n);
  return out;
}

std::vector<int64_t> descending(std::vector<int64_t> numbers) {
  std::sort(numbers.rbegin(), numbers.rend());
  return numbers;
}

}  // namespace

double countdown_score(int64_t distance) {
  if (distance == 0) return 1.0;
  if (distance <= 5) return 0.7;
  if (distance <= 10) return 0.5;
  return 0.0;
}

int64_t CountdownGame::outcome_number(Action a) {
  return a >= 0 && a < kNumberOutcomes ? kOutcomeNumbers[a] : 0;
}

CountdownGame::CountdownGame(GameType type, GameParams params, int large,
                             std::optional<CountdownPuzzle> fixed)
    : Game(std::move(type), std::move(params)), large_(large), fixed_(fixed) {
  if (fixed_) fixed_solution_ = solve_countdown(fixed_->numbers, fixed_->target);
}

std::unique_ptr<State> CountdownGame::new_initial_state() const {
  return std::make_unique<CountdownState>(shared_from_this());
}

// ---------------------------------------------------------------------------------------

CountdownState::CountdownState(std::shared_ptr<const Game> game) : State(std::move(game)) {
  const auto& g = static_cast<const CountdownGame&>(this->game());
  if (g.fixed()) {
    set_puzzle({g.fixed()->numbers.begin(), g.fixed()->numbers.end()}, g.fixed()->target,
               &*g.fixed_solution());
  }
}

void CountdownState::set_puzzle(const std::vector<int64_t>& numbers, int64_t target,
                                const CountdownSolution* solved) {
  dealt_numbers_ = numbers;
  table_ = numbers;
  std::sort(table_.begin(), table_.end());
  target_ = target;
  const CountdownSolution solution = solved ? *solved : solve_countdown(table_, target_);
  best_ = solution.value;
  best_steps_ = static_cast<int>(solution.steps.size());
}

Player CountdownState::current_player() const {
  if (!dealt()) return kChancePlayer;
  if (stopped_ || table_.size() <= 1) return kTerminalPlayer;
  if (std::find(table_.begin(), table_.end(), target_) != table_.end()) return kTerminalPlayer;
  return 0;
}

int64_t CountdownState::closest() const {
  int64_t best = 0;
  for (int64_t n : table_) {
    if (best == 0 || std::llabs(n - target_) < std::llabs(best - target_)) best = n;
  }
  return best;
}

double CountdownState::score() const {
  return dealt() ? countdown_score(std::llabs(closest() - target_)) : 0.0;
}

std::optional<int64_t> CountdownState::combine(int i, int j, int op) const {
  const int n = static_cast<int>(table_.size());
  if (i == j || i < 0 || j < 0 || i >= n || j >= n) return std::nullopt;
  const int64_t a = table_[i];
  const int64_t b = table_[j];
  switch (op) {
    case 0:
      return a + b;
    case 1:
      if (a > b) return a - b;
      return std::nullopt;
    case 2:
      return a * b;
    default:
      if (a % b == 0) return a / b;
      return std::nullopt;
  }
}

std::vector<Action> CountdownState::legal_actions(Player player) const {
  if (player != 0 || current_player() != 0) return {};
  // The larger operand first (the table is ascending, so i > j); equal numbers at different
  // places are one step, the first (i, j) found stands for it.
  std::vector<Action> legal;
  std::vector<std::tuple<int64_t, int64_t, int>> seen;
  const int n = static_cast<int>(table_.size());
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < i; ++j) {
      for (int op = 0; op < CountdownGame::kOps; ++op) {
        if (!combine(i, j, op)) continue;
        auto key = std::make_tuple(table_[i], table_[j], op);
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
        seen.push_back(key);
        legal.push_back(CountdownGame::encode(i, j, op));
      }
    }
  }
  legal.push_back(CountdownGame::kStop);
  std::sort(legal.begin(), legal.end());
  return legal;
}

std::vector<std::pair<Action, double>> CountdownState::chance_outcomes() const {
  if (dealt()) return {};
  const auto& g = static_cast<const CountdownGame&>(game());
  if (dealt_numbers_.size() < CountdownGame::kSlots) return number_outcomes(dealt_numbers_, g.large());
  const int count = CountdownGame::kMaxTarget - CountdownGame::kMinTarget + 1;
  std::vector<std::pair<Action, double>> outcomes;
  outcomes.reserve(count);
  for (int k = 0; k < count; ++k) outcomes.emplace_back(k, 1.0 / count);
  return outcomes;
}

void CountdownState::do_apply(Action action) {
  if (!dealt()) {
    if (dealt_numbers_.size() < CountdownGame::kSlots) {
      dealt_numbers_.push_back(CountdownGame::outcome_number(action));
      table_ = dealt_numbers_;
      std::sort(table_.begin(), table_.end());
    } else {
      set_puzzle(dealt_numbers_, CountdownGame::kMinTarget + action, nullptr);
    }
    return;
  }
  if (action == CountdownGame::kStop) {
    stopped_ = true;
    steps_.push_back(PuzzleStep{"stop", 0, "stopped at " + std::to_string(closest())});
    return;
  }
  const int op = action % CountdownGame::kOps;
  const int j = (action / CountdownGame::kOps) % CountdownGame::kSlots;
  const int i = action / (CountdownGame::kOps * CountdownGame::kSlots);
  const std::string text = action_to_string(0, action);
  const int64_t result = *combine(i, j, op);
  table_.erase(table_.begin() + i);  // i > j
  table_.erase(table_.begin() + j);
  table_.insert(std::upper_bound(table_.begin(), table_.end(), result), result);
  if (result == target_) {
    steps_.push_back(PuzzleStep{text, 1, "solved"});
  } else if (countdown_reachable(table_, best_)) {
    steps_.push_back(PuzzleStep{text, 1, "correct step"});
  } else {
    steps_.push_back(PuzzleStep{text, -1, "not on any solution path"});
  }
}

std::string CountdownState::action_to_string(Player player, Action action) const {
  if (player == kChancePlayer) {
    if (dealt_numbers_.size() < CountdownGame::kSlots && !dealt()) {
      const int64_t n = CountdownGame::outcome_number(action);
      return n > 0 ? "deal " + std::to_string(n) : "deal ?";
    }
    return "target " + std::to_string(CountdownGame::kMinTarget + action);
  }
  if (action == CountdownGame::kStop) return "stop";
  const int op = action % CountdownGame::kOps;
  const int j = (action / CountdownGame::kOps) % CountdownGame::kSlots;
  const int i = action / (CountdownGame::kOps * CountdownGame::kSlots);
  const auto result = combine(i, j, op);
  if (!result) return "step#" + std::to_string(action);  // not a step from this position
  return std::to_string(table_[i]) + kOpChars[op] + std::to_string(table_[j]) + "=" + std::to_string(*result);
}

Result<Action> CountdownState::do_parse_action(Player player, std::string_view text) const {
  auto fail = [&](const std::string& why) {
    return make_error("parse_error", "'" + std::string(text) + "': " + why);
  };
  std::string s;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) s += c;
  }
  if (player == kChancePlayer) {
    // "deal 25" while the numbers are dealt, then "target 952".
    std::istringstream in{std::string(text)};
    std::string word, number, extra;
    in >> word >> number;
    const bool clean = !(in >> extra);
    const std::optional<int> n = parse_int(number);
    if (dealt_numbers_.size() < CountdownGame::kSlots) {
      if (clean && word == "deal" && n) {
        for (const auto& [a, p] : chance_outcomes()) {
          if (CountdownGame::outcome_number(a) == *n) return a;
        }
      }
      return fail("expected 'deal N' with N a number left in the pool");
    }
    if (clean && word == "target" && n && *n >= CountdownGame::kMinTarget &&
        *n <= CountdownGame::kMaxTarget) {
      return static_cast<Action>(*n - CountdownGame::kMinTarget);
    }
    return fail("expected 'target N' with N from 101 to 999");
  }
  if (s == "stop") return CountdownGame::kStop;
  // a op b [= r], op one of + - * x /.
  size_t pos = 0;
  auto number = [&]() -> std::optional<int64_t> {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data() + pos, s.data() + s.size(), v);
    if (ec != std::errc() || v < 0 || v > 1'000'000'000'000LL) return std::nullopt;
    pos = end - s.data();
    return v;
  };
  auto a = number();
  std::optional<int> op;
  if (a && pos < s.size()) {
    char c = s[pos];
    if (c == 'x' || c == 'X') c = '*';
    for (int k = 0; k < CountdownGame::kOps; ++k) {
      if (kOpChars[k] == c) op = k;
    }
    if (op) ++pos;
  }
  auto b = op ? number() : std::nullopt;
  if (!b) return fail("expected a step such as 75*3, 75x3=225, 100-6 or 'stop'");
  std::optional<int64_t> claimed;
  if (pos < s.size() && s[pos] == '=') {
    ++pos;
    claimed = number();
    if (!claimed) return fail("expected a number after '='");
  }
  if (pos != s.size()) return fail("unexpected text after the step");
  int64_t result = 0;
  switch (*op) {
    case 0:
      result = *a + *b;
      break;
    case 1:
      if (*a <= *b)
        return fail("the result must be a positive integer: subtract the smaller number from the larger");
      result = *a - *b;
      break;
    case 2:
      result = *a * *b;
      break;
    default:
      if (*b == 0) return fail("division by zero");
      if (*a % *b != 0)
        return fail(std::to_string(*a) + " is not a multiple of " + std::to_string(*b) +
                    ": division must be exact");
      result = *a / *b;
  }
  if (claimed && *claimed != result) {
    return fail("the result is " + std::to_string(result) + ", not " + std::to_string(*claimed));
  }
  for (Action action : legal_actions(0)) {
    if (action == CountdownGame::kStop) continue;
    const int aop = action % CountdownGame::kOps;
    const int j = (action / CountdownGame::kOps) % CountdownGame::kSlots;
    const int i = action / (CountdownGame::kOps * CountdownGame::kSlots);
    if (aop != *op) continue;
    const bool commutative = aop == 0 || aop == 2;
    if ((table_[i] == *a && table_[j] == *b) || (commutative && table_[i] == *b && table_[j] == *a))
      return action;
  }
  if (current_player() != 0) return fail("the puzzle is over");
  return fail("those numbers are not both on the table (" + join(table_) + ")");
}

void CountdownState::observation_tensor(Player, std::span<float> out) const {
  assert(static_cast<int>(out.size()) == game().observation_size());
  std::fill(out.begin(), out.end(), 0.0f);
  auto scaled = [](int64_t x) { return static_cast<float>(std::min<int64_t>(x, 1000)) / 1000.0f; };
  for (size_t k = 0; k < table_.size() && k < CountdownGame::kSlots; ++k) {
    float* row = out.data() + CountdownGame::kObsCols * k;
    row[0] = 1.0f;
    row[1] = scaled(table_[k]);
    row[2] = static_cast<float>(std::log10(static_cast<double>(table_[k])) / 10.0);
    row[3] = dealt() ? scaled(std::llabs(table_[k] - target_)) : 0.0f;
  }
  float* row = out.data() + CountdownGame::kObsCols * CountdownGame::kSlots;
  row[0] = dealt() ? 1.0f : 0.0f;
  row[1] = scaled(target_);
  row[2] = static_cast<float>(steps_.size()) / (CountdownGame::kSlots - 1);
  row[3] = dealt() ? scaled(std::llabs(closest() - target_)) : 0.0f;
}

Json CountdownState::do_view(Player) const {
  Json moves = Json::array();
  for (const PuzzleStep& s : steps_) {
    moves.push_back(
        {{"step", s.text}, {"verdict", s.verdict}, {"rating", s.rating}, {"still_solvable", s.rating > 0}});
  }
  Json j = {{"numbers", table_}, {"target", target_}, {"moves", moves}};
  if (dealt()) {
    j["best"] = closest();
    j["solved"] = closest() == target_;
    j["score"] = score();
  } else {
    j["best"] = nullptr;
    j["solved"] = false;
    j["score"] = 0.0;
  }
  return j;
}

std::string CountdownState::puzzle_text() const {
  return join(descending(dealt_numbers_)) + " -> " + std::to_string(target_);
}

std::string CountdownState::to_string() const {
  if (!dealt()) return "dealing: " + join(dealt_numbers_);
  std::string out = "puzzle: " + puzzle_text() + " | table: " + join(table_) + " | steps:";
  for (const PuzzleStep& s : steps_) out += " " + s.text;
  return out;
}

std::optional<PuzzleInfo> CountdownState::puzzle() const {
  if (!dealt()) return std::nullopt;
  const std::string numbers = join(descending(dealt_numbers_));
  PuzzleInfo info;
  info.spec = "countdown(numbers=" + format_param(numbers) + ",target=" + std::to_string(target_) + ")";
  // Larger is harder: the fewest steps of a best solution (1-5), plus 5 when the target
  // cannot be made exactly.
  info.difficulty = best_steps_ + (best_ == target_ ? 0 : 5);
  const std::string t = std::to_string(target_);
  info.problem = "Make " + t + " from " + numbers +
                 " using + - x /, each number at most once and every intermediate result a positive "
                 "integer; if " +
                 t + " cannot be made, get as close to it as you can.";
  info.answer = std::to_string(best_);
  if (!steps_.empty()) info.attempt_answer = std::to_string(closest());
  return info;
}

std::vector<PuzzleStep> CountdownState::puzzle_steps() const { return steps_; }

std::optional<Action> CountdownState::solver_action() const {
  if (current_player() != 0) return std::nullopt;
  const CountdownSolution solution = solve_countdown(table_, target_);
  if (solution.steps.empty()) return CountdownGame::kStop;
  const IntStep& first = solution.steps.front();
  Result<Action> action = parse_action(0, first.text());
  assert(action.ok());
  return action.ok() ? std::optional<Action>(*action) : std::nullopt;
}

std::optional<ExportText> CountdownState::export_text(const ExportInfo& info) const {
  std::string out = "Puzzle: " + puzzle_text() + " (best reachable: " + std::to_string(best_) + ")\n";
  if (!info.players.empty()) out += "Solver: " + info.players[0] + "\n";
  for (size_t i = 0; i < steps_.size(); ++i) {
    const PuzzleStep& s = steps_[i];
    out += std::to_string(i + 1) + ". " + s.text + "  " + s.verdict + " " +
           (s.rating > 0   ? "+1"
            : s.rating < 0 ? "-1"
                           : "0") +
           "\n";
  }
  if (dealt()) {
    const int64_t c = closest();
    out += "Result: " + (c == target_ ? std::string("solved")
                                      : "closest " + std::to_string(c) + " (" +
                                            std::to_string(std::llabs(c - target_)) + " away)");
  } else {
    out += "Result: not dealt";
  }
  if (!info.termination.empty() && info.termination != "normal") out += " (" + info.termination + ")";
  char total[32];
  std::snprintf(total, sizeof total, "%.4g", info.returns.empty() ? returns()[0] : info.returns[0]);
  out += ", return " + std::string(total) + "\n";
  return ExportText{"puzzle-steps", "text/plain; charset=utf-8", out};
}

// ---------------------------------------------------------------------------------------

GameRegistration countdown_registration() {
  GameType type;
  type.name = "countdown";
  type.description =
      "Countdown's numbers round: combine six numbers with + - x / (positive integers only) to get as "
      "close as possible to a target from 101 to 999; each step is verified exactly";
  type.perfect_information = true;
  type.has_chance = true;
  type.reward_model = RewardModel::kPerStep;
  type.params = {
      {"large", int64_t{1}, "how many of the six numbers are large (25 50 75 100), 0 to 4"},
      {"seed", int64_t{0}, "nonzero: a fixed deal drawn from this seed (no chance node); 0 deals at random"},
      {"numbers", std::string(),
       "six numbers from the pool (25 50 75 100 once each, 1-10 twice each), e.g. '25 50 75 100 3 6'; needs "
       "target"},
      {"target", int64_t{0}, "the target, 101 to 999, with numbers"},
  };
  GameFactory create = [type](const GameParams& params) -> Result<std::shared_ptr<const Game>> {
    const int64_t large = params.get_int("large");
    const int64_t seed = params.get_int("seed");
    const std::string& text = params.get_string("numbers");
    const int64_t target = params.get_int("target");
    if (large < 0 || large > 4) return make_error("bad_spec", "countdown: large must be from 0 to 4");
    std::optional<CountdownPuzzle> fixed;
    if (!text.empty() || target != 0) {
      if (text.empty()) return make_error("bad_spec", "countdown: target needs numbers (six of them)");
      if (seed != 0)
        return make_error("bad_spec", "countdown: give either seed or numbers and target, not both");
      if (target < CountdownGame::kMinTarget || target > CountdownGame::kMaxTarget) {
        return make_error("bad_spec", "countdown: target must be from 101 to 999 (with numbers), got " +
                                          std::to_string(target));
      }
      const std::string what =
          "countdown: numbers must be six numbers from the pool (25 50 75 100 once each, 1-10 twice each), "
          "got '" +
          text + "'";
      CountdownPuzzle puzzle{{}, target};
      int count = 0;
      std::istringstream in(text);
      std::string token;
      while (in >> token) {
        const std::optional<int> n = parse_int(token);
        if (!n || pool_count(*n) == 0 || count == CountdownGame::kSlots) return make_error("bad_spec", what);
        puzzle.numbers[count++] = *n;
      }
      if (count != CountdownGame::kSlots) return make_error("bad_spec", what);
      for (int64_t n : puzzle.numbers) {
        if (std::count(puzzle.numbers.begin(), puzzle.numbers.end(), n) > pool_count(n)) {
          return make_error("bad_spec", what + ": " + std::to_string(n) + " is in the pool only " +
                                            (pool_count(n) == 1 ? "once" : "twice"));
        }
      }
      fixed = puzzle;
    } else if (seed != 0) {
      // The same deal as the chance nodes', drawn from the seed.
      Rng rng(static_cast<uint64_t>(seed));
      std::vector<int64_t> dealt;
      while (dealt.size() < CountdownGame::kSlots) {
        const auto outcomes = number_outcomes(dealt, static_cast<int>(large));
        std::vector<double> weights;
        for (const auto& [a, p] : outcomes) weights.push_back(p);
        dealt.push_back(CountdownGame::outcome_number(outcomes[rng.sample_index(weights)].first));
      }
      CountdownPuzzle puzzle{{}, 0};
      std::copy(dealt.begin(), dealt.end(), puzzle.numbers.begin());
      puzzle.target =
          CountdownGame::kMinTarget +
          static_cast<int64_t>(rng.uniform(CountdownGame::kMaxTarget - CountdownGame::kMinTarget + 1));
      fixed = puzzle;
    }
    return std::shared_ptr<const Game>(
        std::make_shared<CountdownGame>(type, params, static_cast<int>(large), fixed));
  };
  return {type,
          create,
          {"countdown", "countdown(large=4)", "countdown(seed=7)",
           "countdown(numbers='25 50 75 100 3 6',target=952)", "countdown(large=0,seed=3)"}};
}

}  // namespace arena
