#include "games/math/tools.h"

#include <charconv>
#include <iostream>
#include <optional>
#include <sstream>

#include "core/args.h"
#include "games/math/solver.h"

namespace arena {
namespace {

// The integers of a line, or an error message.
std::optional<std::vector<int64_t>> read_integers(const std::string& line, std::string* error) {
  std::vector<int64_t> out;
  std::istringstream words(line);
  std::string word;
  while (words >> word) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
    if (ec != std::errc() || end != word.data() + word.size()) {
      *error = "'" + word + "' is not an integer";
      return std::nullopt;
    }
    out.push_back(v);
  }
  return out;
}

// One line's answer, or an error message in *error.
std::optional<std::string> solve_line(bool countdown, const std::string& line, std::string* error) {
  std::optional<std::vector<int64_t>> numbers = read_integers(line, error);
  if (!numbers) return std::nullopt;
  if (!countdown) {
    if (numbers->size() != 4) {
      *error = "expected four numbers, got " + std::to_string(numbers->size());
      return std::nullopt;
    }
    std::vector<Rational> values;
    for (int64_t n : *numbers) {
      if (n < 1 || n > 100) {
        *error = "numbers must be from 1 to 100, got " + std::to_string(n);
        return std::nullopt;
      }
      values.emplace_back(n);
    }
    Solver24 solver;
    std::optional<RationalSolution> solution = solver.solve(values);
    return solution ? solution->expression : "none";
  }
  if (numbers->size() != 7) {
    *error = "expected six numbers and the target, got " + std::to_string(numbers->size()) + " numbers";
    return std::nullopt;
  }
  const int64_t target = numbers->back();
  numbers->pop_back();
  for (int64_t n : *numbers) {
    if (n < 1 || n > 1000) {
      *error = "numbers must be from 1 to 1000, got " + std::to_string(n);
      return std::nullopt;
    }
  }
  if (target < 1 || target > 1'000'000) {
    *error = "the target must be from 1 to 1000000, got " + std::to_string(target);
    return std::nullopt;
  }
  const CountdownSolution solution = solve_countdown(*numbers, target);
  return solution.expression + " = " + std::to_string(solution.value);
}

}  // namespace

int run_solve_tool(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                   std::ostream& err) {
  std::string game;
  cli::Options options(
      "puzzle solve",
      "Reads one puzzle a line on standard input and prints one answer a line, found by an exact solver.\n"
      "  --game game24:    four numbers ('3 3 8 8') -> a solution such as (8/(3-(8/3))), or 'none'\n"
      "  --game countdown: six numbers and the target last ('25 50 75 100 3 6 952') -> the expression\n"
      "                    of the reachable value closest to the target and that value ('... = 952')\n"
      "A bad line gets an error on standard error; the others are still answered (exit code 1).");
  options.text("game", &game, "game24 or countdown").required();
  if (std::optional<int> code = options.parse(args)) return *code;
  if (game != "game24" && game != "countdown") {
    return options.usage_error("unknown --game '" + game + "' (game24 or countdown)");
  }
  const bool countdown = game == "countdown";
  bool bad = false;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string error;
    if (std::optional<std::string> answer = solve_line(countdown, line, &error)) {
      out << *answer << "\n";
    } else {
      err << "arena puzzle solve: line " << number << ": " << error << "\n";
      bad = true;
    }
  }
  out.flush();
  return bad ? 1 : 0;
}

}  // namespace arena
