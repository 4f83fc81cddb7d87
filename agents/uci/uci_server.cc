#include "agents/uci/uci_server.h"

#include <algorithm>
#include <charconv>
#include <istream>
#include <ostream>
#include <sstream>

#include "agents/registry.h"
#include "games/registry.h"

namespace arena {
namespace {

// The commands a line may start with; leading unknown words are skipped, as UCI asks.
const std::vector<std::string>& command_names() {
  static const std::vector<std::string> names = {"uci",      "debug",      "isready",  "setoption",
                                                 "register", "ucinewgame", "position", "go",
                                                 "stop",     "ponderhit",  "quit"};
  return names;
}

std::vector<std::string> split_words(std::string_view line) {
  std::istringstream in{std::string(line)};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(std::move(w));
  return words;
}

std::optional<int64_t> parse_int(const std::string& text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// One line of text for "info string": no line breaks.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// What a "go" command asks for.
struct GoLimits {
  std::optional<int64_t> movetime, wtime, btime, winc, binc, movestogo;
  bool hold = false;  // infinite or ponder: the bestmove waits for stop (or ponderhit)
};

GoLimits parse_go(const std::vector<std::string>& words) {
  GoLimits g;
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    auto value = [&]() -> std::optional<int64_t> {
      return i + 1 < words.size() ? parse_int(words[++i]) : std::nullopt;
    };
    if (w == "movetime")
      g.movetime = value();
    else if (w == "wtime")
      g.wtime = value();
    else if (w == "btime")
      g.btime = value();
    else if (w == "winc")
      g.winc = value();
    else if (w == "binc")
      g.binc = value();
    else if (w == "movestogo")
      g.movestogo = value();
    else if (w == "infinite" || w == "ponder")
      g.hold = true;
    // depth, nodes, mate, searchmoves: our agents have no such limits; their own default.
  }
  return g;
}

// The agent's budget for `limits` when `seat` (0 White, 1 Black) is to move.
Budget budget_of(const GoLimits& g, Player seat) {
  using std::chrono::milliseconds;
  if (g.movetime && *g.movetime > 0) return Budget{milliseconds(*g.movetime)};
  const std::optional<int64_t> time = seat == 0 ? g.wtime : g.btime;
  if (time && !g.hold) {
    const int64_t left = std::max<int64_t>(*time, 1);
    const int64_t inc = std::max<int64_t>((seat == 0 ? g.winc : g.binc).value_or(0), 0);
    const int64_t moves = g.movestogo && *g.movestogo > 0 ? *g.movestogo : 30;
    // A share of the clock plus most of the increment, never more than half of what is left.
    const int64_t share = std::min(left / moves + inc * 3 / 4, std::max<int64_t>(left / 2, 1));
    return Budget{milliseconds(std::max<int64_t>(share, 1))};
  }
  return Budget{};
}

}  // namespace

Result<std::unique_ptr<UciServer>> UciServer::create(std::string agent_spec, uint64_t seed) {
  Result<std::shared_ptr<const Game>> chess = make_game("chess");
  if (!chess.ok()) return chess.error();
  if (Status s = can_play(agent_spec, **chess); !s.ok()) return s.error();
  return std::unique_ptr<UciServer>(new UciServer(std::move(agent_spec), seed));
}

UciServer::UciServer(std::string agent_spec, uint64_t seed)
    : agent_spec_(std::move(agent_spec)), seeds_(seed) {}

UciServer::~UciServer() {
  // The decision's callback uses this object: wait for it (its bestmove is not printed).
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return !searching_ || result_.has_value(); });
}

void UciServer::serve(std::istream& in, std::ostream& out) {
  for (std::string line; std::getline(in, line);) {
    if (!handle_line(line, out)) return;
  }
  finish_search();
}

void UciServer::write_line(std::ostream& out, const std::string& line) {
  std::lock_guard lock(mutex_);
  out << line << "\n" << std::flush;
}

bool UciServer::handle_line(std::string_view line, std::ostream& out) {
  {
    std::lock_guard lock(mutex_);
    out_ = &out;
  }
  std::vector<std::string> words = split_words(line);
  const auto& names = command_names();
  auto known = std::find_if(words.begin(), words.end(), [&](const std::string& w) {
    return std::count(names.begin(), names.end(), w) > 0;
  });
  words.erase(words.begin(), known);
  if (words.empty()) return true;
  const std::string& command = words[0];
  if (command == "uci") {
    std::lock_guard lock(mutex_);
    out << "id name Arena " << agent_spec_ << "\n"
        << "id author the Arena developers\n"
        << "option name UCI_Chess960 type check default false\n"
        << "uciok\n"
        << std::flush;
  } else if (command == "isready") {
    write_line(out, "readyok");
  } else if (command == "setoption") {
    // "setoption name <id> [value <x>]"; the name may hold blanks.
    std::string name, value;
    std::string* field = nullptr;
    for (size_t i = 1; i < words.size(); ++i) {
      if (words[i] == "name")
        field = &name;
      else if (words[i] == "value")
        field = &value;
      else if (field)
        *field += (field->empty() ? "" : " ") + words[i];
    }
    if (lower(name) == "uci_chess960") {
      chess960_ = lower(value) == "true";
    } else {
      write_line(out, "info string ignored option '" + name + "'");
    }
  } else if (command == "ucinewgame") {
    finish_search();
    agent_.reset();
    agent_game_.reset();
    state_.reset();
  } else if (command == "position") {
    finish_search();
    position(words, out);
  } else if (command == "go") {
    go(words, out);
  } else if (command == "stop" || command == "ponderhit") {
    std::lock_guard lock(mutex_);
    infinite_ = false;
    flush_bestmove_locked();
  } else if (command == "quit") {
    finish_search();
    return false;
  }
  // debug, register: nothing to do.
  return true;
}

void UciServer::position(const std::vector<std::string>& words, std::ostream& out) {
  state_.reset();
  size_t i = 1;
  std::string spec;
  if (i < words.size() && words[i] == "startpos") {
    spec = chess960_ ? "chess(variant=chess960,start=518)" : "chess";
    ++i;
  } else if (i < words.size() && words[i] == "fen") {
    std::string fen;
    for (++i; i < words.size() && words[i] != "moves"; ++i) fen += (fen.empty() ? "" : " ") + words[i];
    spec = std::string("chess(") + (chess960_ ? "variant=chess960," : "") + "fen=" + format_param(fen) + ")";
  } else {
    write_line(out, "info string error position needs startpos or fen");
    return;
  }
  Result<std::shared_ptr<const Game>> game = make_game(spec);
  if (!game.ok()) {
    write_line(out, "info string error bad position: " + one_line(game.error().message));
    return;
  }
  std::unique_ptr<State> state = (*game)->new_initial_state();
  if (i < words.size() && words[i] == "moves") {
    for (++i; i < words.size(); ++i) {
      const Player mover = state->current_player();
      Result<Action> action = mover >= 0 ? state->parse_action(mover, words[i])
                                         : Result<Action>(make_error("illegal", "the game is over"));
      Status applied = action.ok() ? state->apply(*action) : Status(action.error());
      if (!applied.ok()) {
        write_line(out,
                   "info string error bad move '" + words[i] + "': " + one_line(applied.error().message));
        return;
      }
    }
  }
  state_ = std::move(state);
}

void UciServer::go(const std::vector<std::string>& words, std::ostream& out) {
  {
    std::lock_guard lock(mutex_);
    if (searching_) {
      out << "info string error go while searching\n" << std::flush;
      return;
    }
  }
  if (!state_) {
    write_line(out, "info string error no position (send position startpos or position fen)");
    write_line(out, "bestmove 0000");
    return;
  }
  const Player seat = state_->current_player();
  if (seat < 0) {
    write_line(out, "bestmove (none)");
    return;
  }
  if (!agent_ || agent_game_->spec() != state_->game().spec()) {
    // Made for another game (another start position or variant): drop it first, so that
    // an engine agent's engine goes back to the pool before the next one is taken.
    agent_.reset();
    agent_game_.reset();
    Result<std::unique_ptr<Agent>> agent = make_agent(agent_spec_, state_->game(), seeds_.split());
    if (!agent.ok()) {
      write_line(out, "info string error " + one_line(agent.error().message));
      write_line(out, "bestmove 0000");
      return;
    }
    agent_ = std::move(agent).value();
    agent_game_ = state_->game_ptr();
  }
  const GoLimits limits = parse_go(words);
  {
    std::lock_guard lock(mutex_);
    searching_ = true;
    infinite_ = limits.hold;
    result_.reset();
  }
  std::shared_ptr<const State> at = state_->clone();
  // Not under the lock: an agent that decides inline calls back on this thread.
  agent_->choose_async(
      state_->clone(), seat, budget_of(limits, seat), [this, at, seat](Result<Decision> decision) {
        std::string text;
        if (decision.ok() && decision->actions.size() == 1) {
          text = "bestmove " + at->action_to_string(seat, decision->actions[0]);
        } else {
          const std::string why = decision.ok() ? "the agent gave no single move" : decision.error().message;
          text = "info string error " + one_line(why) + "\nbestmove 0000";
        }
        std::lock_guard lock(mutex_);
        result_ = std::move(text);
        flush_bestmove_locked();
        done_.notify_all();
      });
}

void UciServer::flush_bestmove_locked() {
  if (!searching_ || !result_ || infinite_) return;
  if (out_) *out_ << *result_ << "\n" << std::flush;
  result_.reset();
  searching_ = false;
  done_.notify_all();
}

void UciServer::finish_search() {
  std::unique_lock lock(mutex_);
  infinite_ = false;
  flush_bestmove_locked();
  done_.wait(lock, [&] { return !searching_; });
}

}  // namespace arena
