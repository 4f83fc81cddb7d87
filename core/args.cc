#include "core/args.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

namespace arena::cli {
namespace {

std::string format_number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

}  // namespace

Options::Options(std::string command, std::string synopsis)
    : command_(std::move(command)), synopsis_(std::move(synopsis)) {}

Options& Options::add(Option option) {
  options_.push_back(std::move(option));
  return *this;
}

Options& Options::flag(const std::string& name, bool* out, std::string help) {
  return add({name, std::move(help), Kind::kFlag, out, 0, 0, 0, 0, ""});
}

Options& Options::text(const std::string& name, std::string* out, std::string help) {
  return add({name, std::move(help), Kind::kText, out, 0, 0, 0, 0, *out});
}

Options& Options::texts(const std::string& name, std::vector<std::string>* out, std::string help) {
  std::string shown;
  for (const std::string& v : *out) shown += (shown.empty() ? "" : " ") + v;
  return add({name, std::move(help) + " (may be repeated)", Kind::kTexts, out, 0, 0, 0, 0, shown});
}

Options& Options::integer(const std::string& name, int64_t* out, std::string help, int64_t min, int64_t max) {
  return add({name, std::move(help), Kind::kInt64, out, 0, 0, min, max, std::to_string(*out)});
}

Options& Options::integer(const std::string& name, int* out, std::string help, int min, int max) {
  return add({name, std::move(help), Kind::kInt, out, 0, 0, min, max, std::to_string(*out)});
}

Options& Options::number(const std::string& name, double* out, std::string help, double min, double max) {
  return add({name, std::move(help), Kind::kDouble, out, min, max, 0, 0, format_number(*out)});
}

Options& Options::required() {
  options_.back().required = true;
  options_.back().default_text.clear();
  return *this;
}

Options& Options::default_text(std::string text) {
  options_.back().default_text = std::move(text);
  return *this;
}

bool Options::given(const std::string& name) const {
  for (const Option& o : options_) {
    if (o.name == name) return o.given;
  }
  return false;
}

std::string Options::usage() const {
  std::string out = "usage: arena " + command_ + " [options]\n" + synopsis_ + "\n\noptions:\n";
  auto line = [&](const std::string& left, const std::string& help) {
    std::string padded = "  " + left;
    if (padded.size() < 24) padded.resize(24, ' ');
    out += padded + " " + help + "\n";
  };
  for (const Option& o : options_) {
    std::string help = o.help;
    if (o.required) {
      help += " (required)";
    } else if (o.kind != Kind::kFlag && !o.default_text.empty()) {
      help += " (default " + o.default_text + ")";
    }
    line("--" + o.name + (o.kind == Kind::kFlag ? "" : " VALUE"), help);
  }
  line("--help", "show this help");
  return out;
}

int Options::usage_error(const std::string& message) const {
  std::fprintf(stderr, "arena %s: %s\n\n%s", command_.c_str(), message.c_str(), usage().c_str());
  return 2;
}

std::optional<std::string> Options::assign(Option& o, const std::string& value) {
  const std::string name = "--" + o.name;
  switch (o.kind) {
    case Kind::kFlag:
      *static_cast<bool*>(o.out) = true;
      return std::nullopt;
    case Kind::kText:
      *static_cast<std::string*>(o.out) = value;
      return std::nullopt;
    case Kind::kTexts:
      if (!o.given) static_cast<std::vector<std::string>*>(o.out)->clear();  // given: not the default
      static_cast<std::vector<std::string>*>(o.out)->push_back(value);
      return std::nullopt;
    case Kind::kInt64:
    case Kind::kInt: {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || end != value.data() + value.size()) {
        return name + " expects an integer, got '" + value + "'";
      }
      if (v < o.imin || v > o.imax) {
        const bool no_max = o.kind == Kind::kInt ? o.imax == std::numeric_limits<int>::max()
                                                 : o.imax == std::numeric_limits<int64_t>::max();
        return name +
               (no_max ? " must be at least " + std::to_string(o.imin)
                       : " is from " + std::to_string(o.imin) + " to " + std::to_string(o.imax)) +
               ", got " + value;
      }
      if (o.kind == Kind::kInt) {
        *static_cast<int*>(o.out) = static_cast<int>(v);
      } else {
        *static_cast<int64_t*>(o.out) = v;
      }
      return std::nullopt;
    }
    case Kind::kDouble: {
      double v = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(v)) {
        return name + " expects a number, got '" + value + "'";
      }
      if (v < o.min || v > o.max) {
        return name +
               (std::isinf(o.max) ? " must be at least " + format_number(o.min)
                                  : " is from " + format_number(o.min) + " to " + format_number(o.max)) +
               ", got " + value;
      }
      *static_cast<double*>(o.out) = v;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<int> Options::parse(const std::vector<std::string>& argv) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (word == "--help" || word == "-h") {
      std::fputs(usage().c_str(), stdout);
      return 0;
    }
    if (word.rfind("--", 0) != 0) return usage_error("unexpected argument '" + word + "'");
    std::string name = word.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    Option* option = nullptr;
    for (Option& o : options_) {
      if (o.name == name) option = &o;
    }
    if (!option) {
      std::string known;
      for (const Option& o : options_) known += (known.empty() ? "--" : ", --") + o.name;
      return usage_error("unknown option '--" + name + "'; known: " + (known.empty() ? "none" : known));
    }
    std::string value;
    if (option->kind == Kind::kFlag) {
      if (inline_value) return usage_error("--" + name + " takes no value");
    } else if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < argv.size()) {
      value = argv[++i];
    } else {
      return usage_error("--" + name + " needs a value");
    }
    if (std::optional<std::string> error = assign(*option, value)) return usage_error(*error);
    option->given = true;
  }
  for (const Option& o : options_) {
    if (o.required && !o.given) return usage_error("--" + o.name + " is required");
  }
  return std::nullopt;
}

std::vector<std::string> split_specs(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::string current;
  int depth = 0;
  auto finish = [&] {
    const size_t first = current.find_first_not_of(' ');
    if (first != std::string::npos)
      out.push_back(current.substr(first, current.find_last_not_of(' ') - first + 1));
    current.clear();
  };
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == separator && depth == 0) {
      finish();
    } else {
      current += c;
    }
  }
  finish();
  return out;
}

}  // namespace arena::cli
