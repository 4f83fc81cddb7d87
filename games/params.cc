#include "games/params.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace arena {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool valid_identifier(std::string_view s, bool hyphens = false) {
  if (s.empty() || s.front() == '-' || s.back() == '-') return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (hyphens && c == '-'))) return false;
  }
  return true;
}

Error bad_spec(std::string message) { return make_error("bad_spec", std::move(message)); }

// Parses one value's text as the type of `like`.
Result<ParamValue> parse_value(const std::string& key, const std::string& text, const ParamValue& like) {
  auto type_error = [&] {
    return bad_spec("parameter '" + key + "' expects " + param_type_name(like) + ", got '" + text + "'");
  };
  if (std::holds_alternative<bool>(like)) {
    if (text == "true" || text == "1") return ParamValue(true);
    if (text == "false" || text == "0") return ParamValue(false);
    return type_error();
  }
  if (std::holds_alternative<int64_t>(like)) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return type_error();
    return ParamValue(v);
  }
  if (std::holds_alternative<double>(like)) {
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return type_error();
    return ParamValue(v);
  }
  return ParamValue(text);
}

}  // namespace

Result<RawSpec> parse_spec(std::string_view text) {
  text = trim(text);
  RawSpec spec;
  const size_t open = text.find('(');
  spec.name = std::string(trim(text.substr(0, open)));
  // A name may also hold inner hyphens ("nn-policy"); parameter names may not.
  if (!valid_identifier(spec.name, /*hyphens=*/true)) {
    return bad_spec("name '" + spec.name + "' must be letters, digits, underscores and inner hyphens");
  }
  if (open == std::string_view::npos) return spec;
  if (text.back() != ')') return bad_spec("spec '" + std::string(text) + "' must end with ')'");
  std::string_view body = text.substr(open + 1, text.size() - open - 2);

  // Split on commas outside quotes.
  std::vector<std::string> parts;
  std::string current;
  char quote = 0;
  for (char c : body) {
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else {
        current += c;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ',') {
      parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (quote) return bad_spec("unterminated quote in spec '" + std::string(text) + "'");
  if (!trim(current).empty() || !parts.empty()) parts.push_back(current);

  for (const std::string& part : parts) {
    const size_t eq = part.find('=');
    if (eq == std::string::npos) return bad_spec("parameter '" + part + "' must be key=value");
    std::string key(trim(std::string_view(part).substr(0, eq)));
    std::string value(trim(std::string_view(part).substr(eq + 1)));
    if (!valid_identifier(key)) return bad_spec("bad parameter name '" + key + "'");
    for (const auto& [k, v] : spec.params) {
      if (k == key) return bad_spec("parameter '" + key + "' given twice");
    }
    spec.params.emplace_back(std::move(key), std::move(value));
  }
  return spec;
}

std::string GameParams::canonical_spec(const std::string& name, const std::vector<ParamSpec>& specs) const {
  std::string list;
  for (size_t i = 0; i < specs.size() && i < values_.size(); ++i) {
    const auto& [key, value] = values_[i];
    if (value == specs[i].default_value) continue;
    list += (list.empty() ? "" : ",") + key + "=" + format_param(value);
  }
  return list.empty() ? name : name + "(" + list + ")";
}

Result<GameParams> GameParams::resolve(const std::vector<ParamSpec>& specs,
                                       const std::vector<std::pair<std::string, std::string>>& given) {
  GameParams params;
  for (const ParamSpec& spec : specs) params.values_.emplace_back(spec.name, spec.default_value);
  for (const auto& [key, text] : given) {
    // By name, not by the structured binding: clang 14 (the fuzz build) cannot capture one.
    auto it = std::find_if(params.values_.begin(), params.values_.end(),
                           [&name = key](const auto& kv) { return kv.first == name; });
    if (it == params.values_.end()) {
      std::string valid;
      for (const ParamSpec& spec : specs) valid += (valid.empty() ? "" : ", ") + spec.name;
      return bad_spec("unknown parameter '" + key + "'; valid: " + (valid.empty() ? "none" : valid));
    }
    auto value = parse_value(key, text, it->second);
    if (!value.ok()) return value.error();
    it->second = std::move(value).value();
  }
  return params;
}

const ParamValue& GameParams::find(const std::string& name) const {
  for (const auto& [k, v] : values_) {
    if (k == name) return v;
  }
  assert(false && "parameter not declared by the game");
  static const ParamValue missing;
  return missing;
}

bool GameParams::get_bool(const std::string& name) const { return std::get<bool>(find(name)); }
int64_t GameParams::get_int(const std::string& name) const { return std::get<int64_t>(find(name)); }
double GameParams::get_double(const std::string& name) const { return std::get<double>(find(name)); }
const std::string& GameParams::get_string(const std::string& name) const {
  return std::get<std::string>(find(name));
}

std::string format_param(const ParamValue& value) {
  struct Formatter {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", d);
      // Shortest text that reads back as the same double.
      for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, d);
        if (std::strtod(buf, nullptr) == d) break;
      }
      std::string s = buf;
      if (s.find_first_of(".eE") == std::string::npos) s += ".0";
      return s;
    }
    std::string operator()(const std::string& s) const {
      const bool needs_quotes = s.empty() || s.find_first_of(",()'\" ") != std::string::npos;
      if (!needs_quotes) return s;
      return (s.find('"') == std::string::npos ? "\"" + s + "\"" : "'" + s + "'");
    }
  };
  return std::visit(Formatter{}, value);
}

std::string param_type_name(const ParamValue& value) {
  static const char* names[] = {"bool", "int", "double", "string"};
  return names[value.index()];
}

Json describe_params(const std::vector<ParamSpec>& specs) {
  Json out = Json::array();
  for (const ParamSpec& p : specs) {
    Json value;
    std::visit([&](const auto& v) { value = v; }, p.default_value);
    out.push_back(
        {{"name", p.name}, {"type", param_type_name(p.default_value)}, {"default", value}, {"help", p.help}});
  }
  return out;
}

}  // namespace arena
