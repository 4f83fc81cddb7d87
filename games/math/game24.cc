#include "games/math/game24.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <sstream>

#include "games/math/solver.h"

namespace arena {
namespace {

constexpr char kOpChars[Game24::kOps] = {'+', '-', '*', '/'};
bool commutative(int op) { return op == 0 || op == 2; }

Rational apply_op(Rational a, Rational b, int op) {
  switch (op) {
    case 0:
      return a + b;
    case 1:
      return a - b;
    case 2:
      return a * b;
    default:
      return a / b;
  }
}

// An operand as written in a step: plain when a non-negative integer, else in parentheses.
std::string operand_text(Rational r) {
  return r.is_integer() && r.num() >= 0 ? r.to_string() : "(" + r.to_string() + ")";
}

// A small reader over a step's text: "8*3", "(8/3) - 1 = 5/3".
class StepReader {
 public:
  explicit StepReader(std::string_view text) : s_(text) {}

  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool eat(char c) {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool at_end() {
    skip_space();
    return pos_ == s_.size();
  }
  std::optional<int64_t> integer() {
    skip_space();
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s_.data() + pos_, s_.data() + s_.size(), v);
    if (ec != std::errc() || v > 1'000'000) return std::nullopt;
    pos_ = end - s_.data();
    return v;
  }
  // ["-"] INT ["/" INT]
  std::optional<Rational> fraction() {
    const bool negative = eat('-');
    auto n = integer();
    if (!n) return std::nullopt;
    int64_t d = 1;
    if (eat('/')) {
      auto den = integer();
      if (!den || *den == 0) return std::nullopt;
      d = *den;
    }
    return Rational(negative ? -*n : *n, d);
  }
  // ["-"] INT | "(" fraction ")"
  std::optional<Rational> operand() {
    if (eat('(')) {
      auto r = fraction();
      if (!r || !eat(')')) return std::nullopt;
      return r;
    }
    const bool negative = eat('-');
    auto n = integer();
    if (!n) return std::nullopt;
    return Rational(negative ? -*n : *n);
  }
  std::optional<int> op() {
    skip_space();
    if (pos_ >= s_.size()) return std::nullopt;
    char c = s_[pos_];
    if (c == 'x' || c == 'X') c = '*';
    for (int i = 0; i < Game24::kOps; ++i) {
      if (kOpChars[i] == c) {
        ++pos_;
        return i;
      }
    }
    return std::nullopt;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// Ranked puzzle set, generated at configure time from games/math/data/24.csv.
const std::vector<Puzzle24> kPuzzles = {
#include "games/math/puzzles24.inc"
};

}  // namespace

const std::vector<Puzzle24>& puzzles24() { return kPuzzles; }

const std::vector<Deal24>& all_deals24() {
  static const std::vector<Deal24> deals = [] {
    std::vector<Deal24> out;
    for (int a = 1; a <= 13; ++a) {
      for (int b = a; b <= 13; ++b) {
        for (int c = b; c <= 13; ++c) {
          for (int d = c; d <= 13; ++d) {
            // Orderings of the four draws that give this multiset: 4! / (each count!).
            const std::array<int, 4> n = {a, b, c, d};
            double orderings = 24;
            for (int k = 0, run = 1; k < 4; ++k, ++run) {
              if (k == 3 || n[k + 1] != n[k]) {
                for (int f = 2; f <= run; ++f) orderings /= f;
                run = 0;
              }
            }
            out.push_back(Deal24{n, orderings / (13.0 * 13 * 13 * 13)});
          }
        }
      }
    }
    return out;
  }();
  return deals;
}

namespace {

// The rank of `numbers` (ascending) in the ranked set, 0 when it is not there.
int rank_of(const std::array<int, 4>& numbers) {
  for (const Puzzle24& p : puzzles24()) {
    if (p.numbers == numbers) return p.rank;
  }
  return 0;
}

}  // namespace

bool can_make(const std::vector<Rational>& numbers, Rational target) {
  const size_t n = numbers.size();
  if (n == 0) return false;
  if (n == 1) return numbers[0] == target;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      std::vector<Rational> rest;
      rest.reserve(n - 1);
      for (size_t k = 0; k < n; ++k) {
        if (k != i && k != j) rest.push_back(numbers[k]);
      }
      for (int op = 0; op < Game24::kOps; ++op) {
        if (commutative(op) && j < i) continue;
        if (op == 3 && numbers[j] == Rational(0)) continue;
        rest.push_back(apply_op(numbers[i], numbers[j], op));
        if (can_make(rest, target)) return true;
        rest.pop_back();
      }
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------

Game24::Game24(GameType type, GameParams params, std::optional<std::array<int, 4>> fixed, int rank,
               bool random_deals)
    : Game(std::move(type), std::move(params)), fixed_(fixed), rank_(rank), random_deals_(random_deals) {}

std::unique_ptr<State> Game24::new_initial_state() const {
  return std::make_unique<Game24State>(shared_from_this());
}

Game24State::Game24State(std::shared_ptr<const Game> game) : State(std::move(game)) {
  const auto& g = static_cast<const Game24&>(this->game());
  if (g.fixed_numbers()) deal(*g.fixed_numbers(), g.fixed_rank());
}

void Game24State::deal(const std::array<int, 4>& numbers, int rank) {
  numbers_.assign(numbers.begin(), numbers.end());
  std::sort(numbers_.begin(), numbers_.end());
  start_ = numbers_;
  rank_ = rank;
  dealt_ = true;
}

Player Game24State::current_player() const {
  if (!dealt_) return kChancePlayer;
  return numbers_.size() > 1 ? 0 : kTerminalPlayer;
}

std::optional<Rational> Game24State::combine(int i, int j, int op) const {
  const int n = static_cast<int>(numbers_.size());
  if (i == j || i >= n || j >= n) return std::nullopt;
  if (op == 3 && numbers_[j] == Rational(0)) return std::nullopt;
  return apply_op(numbers_[i], numbers_[j], op);
}

std::vector<Action> Game24State::legal_actions(Player player) const {
  if (player != 0 || current_player() != 0) return {};
  // One action per distinct step text: equal numbers at different places, and the two
  // orders of + and *, are the same step; the first (i, j) found stands for it.
  std::vector<Action> legal;
  std::vector<std::tuple<Rational, Rational, int>> seen;
  const int n = static_cast<int>(numbers_.size());
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      for (int op = 0; op < Game24::kOps; ++op) {
        if (commutative(op) && j < i) continue;
        if (!combine(i, j, op)) continue;
        auto key = std::make_tuple(numbers_[i], numbers_[j], op);
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
        seen.push_back(key);
        legal.push_back(Game24::encode(i, j, op));
      }
    }
  }
  std::sort(legal.begin(), legal.end());
  return legal;
}

std::vector<std::pair<Action, double>> Game24State::chance_outcomes() const {
  if (dealt_) return {};
  if (static_cast<const Game24&>(game()).random_deals()) {
    std::vector<std::pair<Action, double>> outcomes;
    outcomes.reserve(all_deals24().size());
    for (size_t i = 0; i < all_deals24().size(); ++i) {
      outcomes.emplace_back(static_cast<Action>(i), all_deals24()[i].probability);
    }
    return outcomes;
  }
  const double p = 1.0 / static_cast<double>(puzzles24().size());
  std::vector<std::pair<Action, double>> outcomes;
  outcomes.reserve(puzzles24().size());
  for (size_t i = 0; i < puzzles24().size(); ++i) outcomes.emplace_back(static_cast<Action>(i), p);
  return outcomes;
}

void Game24State::do_apply(Action action) {
  if (!dealt_) {
    if (static_cast<const Game24&>(game()).random_deals()) {
      const std::array<int, 4>& numbers = all_deals24()[action].numbers;
      deal(numbers, rank_of(numbers));
      return;
    }
    const Puzzle24& puzzle = puzzles24()[action];
    deal(puzzle.numbers, puzzle.rank);
    return;
  }
  const int op = action % Game24::kOps;
  const int j = (action / Game24::kOps) % Game24::kNumbers;
  const int i = action / (Game24::kOps * Game24::kNumbers);
  const std::string text = action_to_string(0, action);
  const Rational result = *combine(i, j, op);
  numbers_.erase(numbers_.begin() + std::max(i, j));
  numbers_.erase(numbers_.begin() + std::min(i, j));
  numbers_.insert(std::upper_bound(numbers_.begin(), numbers_.end(), result), result);
  const bool solvable = can_make(numbers_, Rational(Game24::kTarget));
  last_reward_ = solvable ? 1.0 / (Game24::kNumbers - 1) : 0.0;
  total_ += last_reward_;
  moves_.push_back(Move{text, solvable, solvable && numbers_.size() == 1});
}

std::string Game24State::action_to_string(Player player, Action action) const {
  if (player == kChancePlayer) {
    if (action < 0 || action >= game().max_chance_outcomes()) return "deal ?";
    const std::array<int, 4>& n = static_cast<const Game24&>(game()).random_deals()
                                      ? all_deals24()[action].numbers
                                      : puzzles24()[action].numbers;
    return "deal " + std::to_string(n[0]) + " " + std::to_string(n[1]) + " " + std::to_string(n[2]) + " " +
           std::to_string(n[3]);
  }
  const int op = action % Game24::kOps;
  const int j = (action / Game24::kOps) % Game24::kNumbers;
  const int i = action / (Game24::kOps * Game24::kNumbers);
  const auto result = combine(i, j, op);
  if (!result) return "step#" + std::to_string(action);  // not a step from this position
  return operand_text(numbers_[i]) + kOpChars[op] + operand_text(numbers_[j]) + "=" + result->to_string();
}

Result<Action> Game24State::do_parse_action(Player player, std::string_view text) const {
  auto fail = [&](const std::string& why) {
    return make_error("parse_error", "'" + std::string(text) + "': " + why);
  };
  if (player == kChancePlayer) {
    // "deal a b c d", exactly as action_to_string writes it.
    std::array<int, 4> numbers{};
    int count = 0;
    std::istringstream in{std::string(text)};
    std::string word;
    bool well_formed = (in >> word) && word == "deal";
    while (well_formed && in >> word) {
      auto [end, ec] =
          std::from_chars(word.data(), word.data() + word.size(), numbers[count < 4 ? count : 3]);
      well_formed = ec == std::errc() && end == word.data() + word.size() && ++count <= 4;
    }
    if (well_formed && count == 4) {
      std::sort(numbers.begin(), numbers.end());
      if (static_cast<const Game24&>(game()).random_deals()) {
        for (size_t k = 0; k < all_deals24().size(); ++k) {
          if (all_deals24()[k].numbers == numbers) return static_cast<Action>(k);
        }
        return fail("not four numbers from 1 to 13 (write 'deal a b c d')");
      }
      for (size_t k = 0; k < puzzles24().size(); ++k) {
        if (puzzles24()[k].numbers == numbers) return static_cast<Action>(k);
      }
    }
    return fail("not a puzzle of the ranked set (write 'deal a b c d')");
  }
  StepReader reader(text);
  auto a = reader.operand();
  auto op = a ? reader.op() : std::nullopt;
  auto b = op ? reader.operand() : std::nullopt;
  if (!b) return fail("expected a step such as 8*3 or (8/3)-1=5/3");
  std::optional<Rational> claimed;
  if (reader.eat('=')) {
    claimed = reader.fraction();
    if (!claimed) return fail("expected a number after '='");
  }
  if (!reader.at_end()) return fail("unexpected text after the step");
  if (*op == 3 && *b == Rational(0)) return fail("division by zero");
  const Rational result = apply_op(*a, *b, *op);
  if (claimed && !(*claimed == result)) {
    return fail("the result is " + result.to_string() + ", not " + claimed->to_string());
  }
  for (Action action : legal_actions(0)) {
    const int aop = action % Game24::kOps;
    const int j = (action / Game24::kOps) % Game24::kNumbers;
    const int i = action / (Game24::kOps * Game24::kNumbers);
    if (aop != *op) continue;
    if ((numbers_[i] == *a && numbers_[j] == *b) ||
        (commutative(aop) && numbers_[i] == *b && numbers_[j] == *a)) {
      return action;
    }
  }
  std::string have;
  for (const Rational& r : numbers_) have += (have.empty() ? "" : " ") + r.to_string();
  return fail("those numbers are not both on the table (" + have + ")");
}

void Game24State::observation_tensor(Player, std::span<float> out) const {
  assert(static_cast<int>(out.size()) == game().observation_size());
  std::fill(out.begin(), out.end(), 0.0f);
  for (size_t k = 0; k < numbers_.size() && k < Game24::kNumbers; ++k) {
    float* slot = out.data() + 4 * k;
    slot[0] = 1.0f;
    slot[1] = static_cast<float>(numbers_[k].to_double() / Game24::kTarget);
    slot[2] = numbers_[k].is_integer() ? 1.0f : 0.0f;
    slot[3] = static_cast<float>(1.0 / static_cast<double>(numbers_[k].den()));
  }
}

Json Game24State::do_view(Player) const {
  Json numbers = Json::array();
  for (const Rational& r : numbers_) numbers.push_back(r.to_string());
  Json moves = Json::array();
  for (const Move& m : moves_) {
    moves.push_back({{"step", m.text},
                     {"still_solvable", m.still_solvable},
                     {"reward", m.still_solvable ? 1.0 / (Game24::kNumbers - 1) : 0.0},
                     {"verdict", puzzle_step(m).verdict}});
  }
  Json j = {{"numbers", numbers},
            {"target", Game24::kTarget},
            {"moves", moves},
            {"solved", numbers_.size() == 1 && numbers_[0] == Rational(Game24::kTarget)}};
  j["puzzle"] = rank_ > 0 ? Json(rank_) : Json(nullptr);
  return j;
}

std::string Game24State::to_string() const {
  std::ostringstream out;
  if (!dealt_) return "not dealt";
  out << "numbers:";
  for (const Rational& r : numbers_) out << ' ' << r.to_string();
  out << " | steps:";
  for (const Move& m : moves_) out << ' ' << m.text;
  if (rank_ > 0) out << " | puzzle " << rank_;
  return out.str();
}

std::optional<PuzzleInfo> Game24State::puzzle() const {
  if (!dealt_) return std::nullopt;
  std::string numbers;
  for (const Rational& r : start_) numbers += (numbers.empty() ? "" : " ") + r.to_string();
  const std::string problem = "Make 24 from " + numbers + " using + - * /, each number once.";
  // The attempt's answer: the number its last step made ("8*3=24": 24).
  const std::string made = moves_.empty() ? "" : moves_.back().text.substr(moves_.back().text.rfind('=') + 1);
  if (rank_ > 0) {
    return PuzzleInfo{"game24(puzzle=" + std::to_string(rank_) + ")",
                      puzzles24()[rank_ - 1].mean_solve_seconds, problem, "24", made};
  }
  // A start outside the ranked set cannot make 24: as hard as the hardest ranked one, and
  // its answer is that there is none.
  return PuzzleInfo{"game24(numbers=\"" + numbers + "\")", puzzles24().back().mean_solve_seconds, problem,
                    "none", made};
}

PuzzleStep Game24State::puzzle_step(const Move& m) {
  if (m.solved) return PuzzleStep{m.text, 1, "solved"};
  if (m.still_solvable) return PuzzleStep{m.text, 1, "correct step"};
  return PuzzleStep{m.text, -1, "not on any solution path"};
}

std::vector<PuzzleStep> Game24State::puzzle_steps() const {
  std::vector<PuzzleStep> steps;
  for (const Move& m : moves_) steps.push_back(puzzle_step(m));
  return steps;
}

std::optional<Action> Game24State::solver_action() const {
  if (current_player() != 0) return std::nullopt;
  Solver24 solver;
  if (std::optional<RationalSolution> solution = solver.solve(numbers_)) {
    Result<Action> action = parse_action(0, solution->steps.front().text());
    assert(action.ok());
    if (action.ok()) return *action;
  }
  return legal_actions(0).front();
}

std::optional<ExportText> Game24State::export_text(const ExportInfo& info) const {
  std::string out = "Puzzle: ";
  for (const Rational& r : start_) out += r.to_string() + " ";
  out += "-> " + std::to_string(Game24::kTarget);
  if (rank_ > 0) out += " (rank " + std::to_string(rank_) + " of " + std::to_string(puzzles24().size()) + ")";
  out += "\n";
  if (!info.players.empty()) out += "Solver: " + info.players[0] + "\n";
  for (size_t i = 0; i < moves_.size(); ++i) {
    out += std::to_string(i + 1) + ". " + moves_[i].text + "  " +
           (moves_[i].still_solvable ? "ok (24 still reachable) +1/3" : "dead end +0") + "\n";
  }
  const bool solved = numbers_.size() == 1 && numbers_[0] == Rational(Game24::kTarget);
  out += std::string("Result: ") + (solved ? "solved" : "not solved");
  if (!info.termination.empty() && info.termination != "normal") out += " (" + info.termination + ")";
  char total[32];
  std::snprintf(total, sizeof total, "%.4g", info.returns.empty() ? total_ : info.returns[0]);
  out += ", return " + std::string(total) + "\n";
  return ExportText{"puzzle-steps", "text/plain; charset=utf-8", out};
}

// ---------------------------------------------------------------------------------------

GameRegistration game24_registration() {
  GameType type;
  type.name = "game24";
  type.description =
      "The 24 game: combine four numbers from 1 to 13 with + - * / to make 24; each step is "
      "verified exactly and rewarded at once";
  type.perfect_information = true;
  type.has_chance = true;
  type.reward_model = RewardModel::kPerStep;
  type.params = {
      {"puzzle", int64_t{0},
       "rank in the ranked set of solvable puzzles (1 = easiest for people); 0 deals one at random"},
      {"numbers", std::string(), "four numbers 1-13 separated by spaces, e.g. '3 3 8 8'; overrides puzzle"},
      {"seed", int64_t{0},
       "nonzero: four numbers drawn uniformly from 1-13 with this seed (may have no solution); overrides "
       "puzzle"},
      {"source", std::string("ranked"),
       "what the chance node deals: 'ranked' (a puzzle of the ranked set, uniformly) or 'random' (four "
       "uniform draws from 1-13, solvable or not)"},
  };
  GameFactory create = [type](const GameParams& params) -> Result<std::shared_ptr<const Game>> {
    std::optional<std::array<int, 4>> fixed;
    int rank = 0;
    const std::string& text = params.get_string("numbers");
    const int64_t puzzle = params.get_int("puzzle");
    const int64_t seed = params.get_int("seed");
    const std::string& source = params.get_string("source");
    if (source != "ranked" && source != "random") {
      return make_error("bad_spec", "game24: source must be 'ranked' or 'random', got '" + source + "'");
    }
    if (!text.empty()) {
      std::istringstream in(text);
      std::array<int, 4> numbers{};
      int count = 0;
      std::string token;
      while (in >> token) {
        int v = 0;
        auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
        if (ec != std::errc() || end != token.data() + token.size() || v < 1 || v > 13 || count == 4) {
          return make_error("bad_spec",
                            "game24: numbers must be four integers from 1 to 13, got '" + text + "'");
        }
        numbers[count++] = v;
      }
      if (count != 4) {
        return make_error("bad_spec",
                          "game24: numbers must be four integers from 1 to 13, got '" + text + "'");
      }
      fixed = numbers;
      std::array<int, 4> sorted = numbers;
      std::sort(sorted.begin(), sorted.end());
      for (const Puzzle24& p : puzzles24()) {
        if (p.numbers == sorted) rank = p.rank;
      }
    } else if (seed != 0) {
      Rng rng(static_cast<uint64_t>(seed));
      std::array<int, 4> numbers{};
      for (int& n : numbers) n = 1 + static_cast<int>(rng.uniform(13));
      fixed = numbers;
      std::array<int, 4> sorted = numbers;
      std::sort(sorted.begin(), sorted.end());
      rank = rank_of(sorted);
    } else if (puzzle != 0) {
      if (puzzle < 1 || puzzle > static_cast<int64_t>(puzzles24().size())) {
        return make_error("bad_spec", "game24: puzzle must be from 1 to " +
                                          std::to_string(puzzles24().size()) + " (or 0 for a random deal)");
      }
      fixed = puzzles24()[puzzle - 1].numbers;
      rank = static_cast<int>(puzzle);
    }
    return std::shared_ptr<const Game>(
        std::make_shared<Game24>(type, params, fixed, rank, source == "random"));
  };
  return {type,
          create,
          {"game24", "game24(puzzle=1)", "game24(numbers='1 5 5 5')", "game24(numbers='1 1 1 1')",
           "game24(source=random)", "game24(seed=5)"}};
}

}  // namespace arena
