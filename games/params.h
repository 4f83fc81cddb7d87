// Game specifications: "go(size=9,komi=7.5)" parsed into a name and typed parameters,
// checked against the parameters a game declares.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/json.h"
#include "core/result.h"

namespace arena {

using ParamValue = std::variant<bool, int64_t, double, std::string>;

// One parameter a game accepts, with its type (taken from the default) and a line of help.
struct ParamSpec {
  std::string name;
  ParamValue default_value;
  std::string help;
};

// A spec as written: a name and raw "key=value" texts, not yet checked against a game.
struct RawSpec {
  std::string name;
  std::vector<std::pair<std::string, std::string>> params;
};

// Parses "name" or "name(k=v,k2=v2)". Values may be quoted ("..." or '...') to hold
// commas or parentheses. Whitespace around tokens is ignored.
Result<RawSpec> parse_spec(std::string_view text);

// Checked parameters of one game: every declared parameter has a value of its type.
class GameParams {
 public:
  GameParams() = default;

  // Fills defaults and checks each given value's name and type against `specs`.
  static Result<GameParams> resolve(const std::vector<ParamSpec>& specs,
                                    const std::vector<std::pair<std::string, std::string>>& given);

  bool get_bool(const std::string& name) const;
  int64_t get_int(const std::string& name) const;
  double get_double(const std::string& name) const;
  const std::string& get_string(const std::string& name) const;

  // Values in declaration order, as "k=v" text (the canonical spec's parameter list).
  const std::vector<std::pair<std::string, ParamValue>>& values() const { return values_; }
  // The canonical spec of game `name` with these values: the parameters that differ from
  // their defaults in `specs`, in declaration order ("go(size=9)"); just `name` when none do.
  std::string canonical_spec(const std::string& name, const std::vector<ParamSpec>& specs) const;

 private:
  const ParamValue& find(const std::string& name) const;
  std::vector<std::pair<std::string, ParamValue>> values_;
};

// "true", "42", "7.5", or the string itself (quoted when it needs to be).
std::string format_param(const ParamValue& value);
// "bool", "int", "double" or "string".
std::string param_type_name(const ParamValue& value);
// [{"name", "type", "default", "help"}, ...] for listings.
Json describe_params(const std::vector<ParamSpec>& specs);

}  // namespace arena
