#include "agents/uci/engine.h"

#include <charconv>
#include <sstream>

namespace arena::uci {
namespace {

constexpr auto kQuitGrace = std::chrono::milliseconds(500);

std::string first_word(std::string_view line) {
  const size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) return "";
  const size_t end = line.find_first_of(" \t", start);
  return std::string(line.substr(start, end == std::string_view::npos ? end : end - start));
}

std::optional<int64_t> parse_int(const std::string& text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<EngineOption> parse_option_line(std::string_view line) {
  std::istringstream words{std::string(line)};
  std::string word;
  if (!(words >> word) || word != "option") return std::nullopt;
  // Each field runs up to the next keyword; names and string defaults may hold blanks.
  EngineOption option;
  std::string* field = nullptr;
  std::string min, max;
  while (words >> word) {
    if (word == "name") {
      field = &option.name;
    } else if (word == "type") {
      field = &option.type;
    } else if (word == "default") {
      field = &option.default_value;
    } else if (word == "min") {
      field = &min;
    } else if (word == "max") {
      field = &max;
    } else if (word == "var") {
      field = nullptr;
    } else if (field) {
      if (!field->empty()) *field += ' ';
      *field += word;
    }
  }
  if (option.name.empty()) return std::nullopt;
  option.min = parse_int(min);
  option.max = parse_int(max);
  return option;
}

Result<std::unique_ptr<UciEngine>> UciEngine::start(const std::vector<std::string>& argv,
                                                    const std::string& stderr_path,
                                                    std::chrono::milliseconds timeout) {
  Result<std::unique_ptr<process::ChildProcess>> child = process::ChildProcess::start(argv, stderr_path);
  if (!child.ok()) return child.error();
  std::unique_ptr<UciEngine> engine(new UciEngine(std::move(child).value()));
  const auto deadline = Clock::now() + timeout;
  if (Status s = engine->send("uci", deadline); !s.ok()) return s.error();
  for (;;) {
    Result<std::string> line = engine->process_->read_line(deadline, "'uci' (the handshake)");
    if (!line.ok()) return line.error();
    const std::string word = first_word(*line);
    if (word == "uciok") break;
    if (word == "id") {
      std::istringstream words(*line);
      std::string id, key;
      words >> id >> key;
      if (key == "name") {
        std::getline(words >> std::ws, engine->name_);
      }
    } else if (std::optional<EngineOption> option = parse_option_line(*line)) {
      engine->options_[option->name] = *option;
    }
  }
  return engine;
}

UciEngine::UciEngine(std::unique_ptr<process::ChildProcess> process) : process_(std::move(process)) {}

UciEngine::~UciEngine() { process_->shutdown("quit\n", kQuitGrace); }

Status UciEngine::send(std::string_view line, Clock::time_point deadline) {
  if (line.find('\n') != std::string_view::npos)
    return make_error("bad_request", "a UCI command is one line");
  return process_->write(std::string(line) + "\n", deadline);
}

Result<std::string> UciEngine::read_until(std::string_view word, std::string_view waiting_for,
                                          Clock::time_point deadline) {
  for (;;) {
    Result<std::string> line = process_->read_line(deadline, waiting_for);
    if (!line.ok()) return line.error();
    if (first_word(*line) == word) return line;
  }
}

Status UciEngine::set_option(const std::string& name, const std::string& value, Clock::time_point deadline) {
  if (Status s = send("setoption name " + name + " value " + value, deadline); !s.ok()) return s;
  changed_[name] = value;
  return ok_status();
}

Status UciEngine::reset_options(Clock::time_point deadline) {
  std::map<std::string, std::string> changed;
  changed.swap(changed_);
  for (const auto& [name, value] : changed) {
    auto it = options_.find(name);
    if (it == options_.end() || it->second.default_value == value) continue;
    if (Status s = send("setoption name " + name + " value " + it->second.default_value, deadline); !s.ok()) {
      return s;
    }
  }
  return ok_status();
}

Status UciEngine::sync(Clock::time_point deadline) {
  if (Status s = send("isready", deadline); !s.ok()) return s;
  Result<std::string> ready = read_until("readyok", "'isready'", deadline);
  if (!ready.ok()) return ready.error();
  return ok_status();
}

Status UciEngine::new_game(Clock::time_point deadline) {
  if (Status s = send("ucinewgame", deadline); !s.ok()) return s;
  return sync(deadline);
}

Result<std::string> UciEngine::search(std::string_view position, std::string_view go,
                                      Clock::time_point deadline) {
  if (Status s = send(position, deadline); !s.ok()) return s.error();
  if (Status s = send(go, deadline); !s.ok()) return s.error();
  Result<std::string> line = read_until("bestmove", "'" + std::string(go) + "'", deadline);
  if (!line.ok()) return line.error();
  std::istringstream words(*line);
  std::string bestmove, move;
  words >> bestmove >> move;
  if (move.empty()) {
    return process_->fail(
        make_error("engine_failed", "'bestmove' without a move after '" + std::string(go) + "'"));
  }
  return move;
}

}  // namespace arena::uci
