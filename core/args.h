// Options: the command line of an `arena` command (or a game family's tool) as one typed
// table. Each option is bound to a variable whose value before parse() is its default;
// parse() fills the variables, checks types, ranges and required options, and prints
// `--help` from the same table, defaults included. Options are "--name value",
// "--name=value" or "--flag"; an unknown option is an error that lists the known ones.
//
// A plain value: build, parse and read it on one thread.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace arena::cli {

class Options {
 public:
  // `command` as typed after "arena" ("train", "go score"); `synopsis` says what it does.
  Options(std::string command, std::string synopsis);

  Options& flag(const std::string& name, bool* out, std::string help);
  Options& text(const std::string& name, std::string* out, std::string help);
  // An option that may be given several times: each value is appended to `out`.
  Options& texts(const std::string& name, std::vector<std::string>* out, std::string help);
  Options& integer(const std::string& name, int64_t* out, std::string help,
                   int64_t min = std::numeric_limits<int64_t>::min(),
                   int64_t max = std::numeric_limits<int64_t>::max());
  Options& integer(const std::string& name, int* out, std::string help,
                   int min = std::numeric_limits<int>::min(), int max = std::numeric_limits<int>::max());
  Options& number(const std::string& name, double* out, std::string help,
                  double min = -std::numeric_limits<double>::infinity(),
                  double max = std::numeric_limits<double>::infinity());
  // The option added last must be given.
  Options& required();
  // What --help shows as the default of the option added last, where the variable's value
  // is not it (a default worked out later: "the number of cores").
  Options& default_text(std::string text);

  // Reads `argv` (the words after the command). nullopt: go on; otherwise the exit code,
  // after printing: 0 for --help (the usage, on stdout), 2 for a usage error (the error
  // and the usage, on stderr).
  std::optional<int> parse(const std::vector<std::string>& argv);
  // Whether the option was on the command line.
  bool given(const std::string& name) const;
  // Prints "arena <command>: <message>" and the usage on stderr; returns 2, the exit code
  // of a usage error found after parsing.
  int usage_error(const std::string& message) const;
  std::string usage() const;

 private:
  enum class Kind { kFlag, kText, kTexts, kInt64, kInt, kDouble };
  struct Option {
    std::string name;
    std::string help;
    Kind kind;
    void* out;
    double min, max;  // integers' bounds fit a double exactly enough for messages
    int64_t imin, imax;
    std::string default_text;
    bool required = false;
    bool given = false;
  };
  Options& add(Option option);
  std::optional<std::string> assign(Option& option, const std::string& value);

  std::string command_;
  std::string synopsis_;
  std::vector<Option> options_;
};

// Splits a list of specs on `separator` outside parentheses ("mcts(a=1,b=2),random" is two
// agents), trimming spaces and dropping empty items.
std::vector<std::string> split_specs(const std::string& text, char separator);

}  // namespace arena::cli
