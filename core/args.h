// Args: the command line of an `arena` subcommand (or a game family's tool), as "--key value"
// and "--flag" options. Unknown options are an error that lists the known ones.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/result.h"

namespace arena::cli {

struct OptionSpec {
  std::string name;  // without the dashes
  bool takes_value;
  std::string help;
};

class Args {
 public:
  static Result<Args> parse(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  // The option's value as an integer, the fallback when absent, an Error when not a number.
  Result<int64_t> get_int(const std::string& name, int64_t fallback) const;

 private:
  std::map<std::string, std::string> values_;
};

// Splits a list of specs on `separator` outside parentheses ("mcts(a=1,b=2),random" is two
// agents), trimming spaces and dropping empty items.
std::vector<std::string> split_specs(const std::string& text, char separator);

// Parses the options of `arena <command>` (a --help option is added). On --help, prints the
// usage to stdout; on a usage error, prints the error and the usage to stderr; either way
// returns the exit code (0 or 2) instead of Args.
std::variant<Args, int> parse_command(const std::string& command, const std::string& synopsis,
                                      const std::vector<std::string>& argv, std::vector<OptionSpec> specs);

}  // namespace arena::cli
