#include "core/args.h"

#include <charconv>
#include <cstdio>

namespace arena::cli {

Result<Args> Args::parse(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs) {
  Args args;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (word.rfind("--", 0) != 0) return make_error("usage", "unexpected argument '" + word + "'");
    std::string name = word.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const OptionSpec* spec = nullptr;
    for (const OptionSpec& s : specs) {
      if (s.name == name) spec = &s;
    }
    if (!spec) {
      std::string known;
      for (const OptionSpec& s : specs) known += (known.empty() ? "--" : ", --") + s.name;
      return make_error("usage",
                        "unknown option '--" + name + "'; known: " + (known.empty() ? "none" : known));
    }
    if (!spec->takes_value) {
      if (inline_value) return make_error("usage", "--" + name + " takes no value");
      args.values_[name] = "true";
    } else if (inline_value) {
      args.values_[name] = *inline_value;
    } else if (i + 1 < argv.size()) {
      args.values_[name] = argv[++i];
    } else {
      return make_error("usage", "--" + name + " needs a value");
    }
  }
  return args;
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

Result<int64_t> Args::get_int(const std::string& name, int64_t fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  int64_t v = 0;
  const std::string& s = it->second;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) {
    return make_error("usage", "--" + name + " expects an integer, got '" + s + "'");
  }
  return v;
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

std::variant<Args, int> parse_command(const std::string& command, const std::string& synopsis,
                                      const std::vector<std::string>& argv, std::vector<OptionSpec> specs) {
  specs.push_back({"help", false, "show this help"});
  std::string usage = "usage: arena " + command + " [options]\n" + synopsis + "\n\noptions:\n";
  for (const OptionSpec& s : specs) {
    std::string left = "  --" + s.name + (s.takes_value ? " VALUE" : "");
    if (left.size() < 24) left.resize(24, ' ');
    usage += left + " " + s.help + "\n";
  }
  Result<Args> args = Args::parse(argv, specs);
  if (!args.ok()) {
    std::fprintf(stderr, "arena %s: %s\n\n%s", command.c_str(), args.error().message.c_str(), usage.c_str());
    return 2;
  }
  if (args->has("help")) {
    std::fputs(usage.c_str(), stdout);
    return 0;
  }
  return std::move(args).value();
}

}  // namespace arena::cli
