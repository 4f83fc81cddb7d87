#include "agents/gtp/gtp_server.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <istream>
#include <ostream>

#include "agents/registry.h"
#include "games/registry.h"

namespace arena {
namespace {

const std::vector<std::string>& command_names() {
  static const std::vector<std::string> names = {"protocol_version",
                                                 "name",
                                                 "version",
                                                 "known_command",
                                                 "list_commands",
                                                 "quit",
                                                 "boardsize",
                                                 "clear_board",
                                                 "komi",
                                                 "fixed_handicap",
                                                 "place_free_handicap",
                                                 "set_free_handicap",
                                                 "play",
                                                 "genmove",
                                                 "undo",
                                                 "final_score",
                                                 "showboard"};
  return names;
}

Error gtp_error(std::string message) { return make_error("gtp", std::move(message)); }
Error syntax_error() { return gtp_error("syntax error"); }

std::optional<int> parse_int(std::string_view text) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_double(std::string_view text) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

Player seat_of(bool black) { return black ? 0 : 1; }

// An SGF point ("dd") of an action on a size x size board; "aa" is the top left corner.
std::string sgf_point(int size, Action a) {
  const int col = a % size, row = a / size;
  return {static_cast<char>('a' + col), static_cast<char>('a' + (size - 1 - row))};
}

// The board as the Go game's spectator view draws it, with GTP coordinates around it,
// then whose turn it is ('X' Black, 'O' White).
std::string show_board(const State& state) {
  const Json view = state.view(kSpectator)["state"];
  const std::string columns = view["columns"].get<std::string>();
  const Json& rows = view["board"];  // the top row first
  const int size = static_cast<int>(rows.size());
  std::string letters = "  ";
  for (char c : columns) letters += std::string(" ") + c;
  std::string out = letters + "\n";
  for (int i = 0; i < size; ++i) {
    const std::string number = std::to_string(size - i);
    out += std::string(2 - number.size(), ' ') + number;
    for (char c : rows[i].get<std::string>()) out += std::string(" ") + c;
    out += " " + number + "\n";
  }
  out += letters + "\n";
  const std::string summary = state.to_string();
  return out + summary.substr(summary.rfind('\n') + 1);
}

}  // namespace

Result<std::unique_ptr<GtpServer>> GtpServer::create(std::string agent_spec, uint64_t seed) {
  std::unique_ptr<GtpServer> server(new GtpServer(std::move(agent_spec), seed));
  if (Status s = server->clear(19); !s.ok()) return s.error();
  // The agent is made for the board it plays, at the first genmove. Only a spec that no
  // board can fix is refused now: a network without a head for 19x19 may play the size
  // `boardsize` asks for.
  if (Status playable = can_play(server->agent_spec_, *server->game_);
      !playable.ok() && playable.error().code != "unsupported") {
    return playable.error();
  }
  return server;
}

GtpServer::GtpServer(std::string agent_spec, uint64_t seed)
    : agent_spec_(std::move(agent_spec)), seeds_(seed) {}

void GtpServer::serve(std::istream& in, std::ostream& out) {
  for (std::string line; !quit_ && std::getline(in, line);) {
    const std::string response = handle_line(line);
    if (!response.empty()) out << response << std::flush;
  }
}

std::string GtpServer::handle_line(std::string_view line) {
  std::optional<gtp::Command> command = gtp::parse_command(line);
  if (!command) return "";
  Result<std::string> result = execute(*command);
  return result.ok() ? gtp::format_success(command->id, *result)
                     : gtp::format_failure(command->id, result.error().message);
}

Status GtpServer::rebuild(int size, double komi, int handicap, std::string setup,
                          const std::vector<Step>& history) {
  std::string spec = "go(size=" + std::to_string(size) + ",komi=" + format_param(komi) +
                     ",handicap=" + std::to_string(handicap);
  if (!setup.empty()) spec += ",setup=" + format_param(setup);
  spec += ")";
  Result<std::shared_ptr<const Game>> game = make_game(spec);
  if (!game.ok()) return game.error();
  Result<std::unique_ptr<State>> state = (*game)->state_from_history(history);
  if (!state.ok()) return state.error();
  size_ = size;
  komi_ = komi;
  handicap_ = handicap;
  setup_ = std::move(setup);
  game_ = std::move(game).value();
  state_ = std::move(state).value();
  return ok_status();
}

Status GtpServer::clear(int size) {
  if (Status s = rebuild(size, komi_, 0, "", {}); !s.ok()) return s;
  undo_steps_.clear();
  return ok_status();
}

Result<int> GtpServer::bring_to_move(Player seat) {
  if (state_->is_terminal()) return gtp_error("illegal move");
  if (state_->current_player() == seat) return 0;
  Result<Action> pass = state_->parse_action(state_->current_player(), "pass");
  if (!pass.ok() || !state_->apply(*pass).ok()) return gtp_error("illegal move");
  if (state_->is_terminal()) {
    take_back(1);
    return gtp_error("illegal move");
  }
  return 1;
}

void GtpServer::take_back(int steps) {
  std::vector<Step> history = state_->history();
  history.resize(history.size() - static_cast<size_t>(steps));
  Result<std::unique_ptr<State>> state = game_->state_from_history(history);
  assert(state.ok());  // a prefix of a legal history is legal
  state_ = std::move(state).value();
}

Result<std::string> GtpServer::genmove(Player seat) {
  // After the game's end (two passes, or the move cap) there is nothing left to play.
  Result<int> inserted = bring_to_move(seat);
  if (!inserted.ok()) return std::string("pass");
  if (agent_game_ != game_->spec()) {
    // The agent was made for another board: make one for this (after the old one is
    // gone, so that a GTP agent's engine goes back to the pool first).
    agent_.reset();
    agent_game_.clear();
    Result<std::unique_ptr<Agent>> agent = make_agent(agent_spec_, *game_, seeds_.split());
    if (!agent.ok()) {
      take_back(*inserted);
      return gtp_error(agent.error().message);
    }
    agent_ = std::move(agent).value();
    agent_game_ = game_->spec();
  }
  Result<Decision> decision = agent_->choose(state_->clone(), seat, Budget{}).get();
  if (!decision.ok() || decision->actions.size() != 1) {
    take_back(*inserted);
    if (!decision.ok() && decision.error().code == "resign") return std::string("resign");
    return gtp_error(decision.ok() ? "the agent gave no single move" : decision.error().message);
  }
  const Action action = decision->actions[0];
  const std::string vertex = state_->action_to_string(seat, action);
  if (!state_->apply(action).ok()) {
    take_back(*inserted);
    return gtp_error("the agent chose an illegal move " + vertex);
  }
  undo_steps_.push_back(*inserted + 1);
  return vertex;
}

Result<std::string> GtpServer::handicap(const gtp::Command& command, bool fixed) {
  if (command.args.size() != 1) return syntax_error();
  const std::optional<int> stones = parse_int(command.args[0]);
  if (!stones) return syntax_error();
  if (!state_->history().empty() || handicap_ > 0 || !setup_.empty()) return gtp_error("board not empty");
  if (*stones < 2) return gtp_error("invalid number of stones");
  // place_free_handicap may place fewer stones than asked (GTP allows it): as many of the
  // fixed points as the board has.
  // The Go game places a fixed handicap itself: a count it cannot place is a bad spec.
  int n = fixed ? *stones : std::min(*stones, 9);
  while (n >= 2 && !rebuild(size_, komi_, n, "", {}).ok()) --n;
  if (n < 2 || (fixed && n != *stones)) {
    if (Status s = rebuild(size_, komi_, 0, "", {}); !s.ok()) return gtp_error(s.error().message);
    return gtp_error("invalid number of stones");
  }
  std::string vertices;
  const Json view = state_->view(kSpectator);
  for (const Json& v : view["state"]["setup"]["black"]) {
    vertices += (vertices.empty() ? "" : " ") + v.get<std::string>();
  }
  return vertices;
}

Result<std::string> GtpServer::set_free_handicap(const gtp::Command& command) {
  if (!state_->history().empty() || handicap_ > 0 || !setup_.empty()) return gtp_error("board not empty");
  if (command.args.size() < 2) return gtp_error("bad vertex list");
  std::vector<Action> stones;
  for (const std::string& text : command.args) {
    Result<Action> a = state_->parse_action(state_->current_player(), text);
    if (!a.ok()) return syntax_error();
    if (*a >= size_ * size_ || std::count(stones.begin(), stones.end(), *a))
      return gtp_error("bad vertex list");
    stones.push_back(*a);
  }
  if (stones.size() >= static_cast<size_t>(size_ * size_)) return gtp_error("bad vertex list");
  std::string setup = "AB";
  for (Action a : stones) setup += "[" + sgf_point(size_, a) + "]";
  setup += "PL[W]";
  if (Status s = rebuild(size_, komi_, 0, setup, {}); !s.ok()) return gtp_error("bad vertex list");
  return std::string();
}

Result<std::string> GtpServer::execute(const gtp::Command& command) {
  const std::string& name = command.name;
  const std::vector<std::string>& args = command.args;
  if (name == "protocol_version") return std::string("2");
  if (name == "name") return std::string("Arena");
  if (name == "version") return "agent " + agent_spec_;
  if (name == "known_command") {
    if (args.size() != 1) return syntax_error();
    const auto& names = command_names();
    return std::string(std::count(names.begin(), names.end(), args[0]) ? "true" : "false");
  }
  if (name == "list_commands") {
    std::string out;
    for (const std::string& n : command_names()) out += (out.empty() ? "" : "\n") + n;
    return out;
  }
  if (name == "quit") {
    quit_ = true;
    return std::string();
  }
  if (name == "boardsize") {
    if (args.size() != 1) return syntax_error();
    const std::optional<int> size = parse_int(args[0]);
    if (!size) return syntax_error();
    if (!clear(*size).ok()) return gtp_error("unacceptable size");
    return std::string();
  }
  if (name == "clear_board") {
    if (Status s = clear(size_); !s.ok()) return gtp_error(s.error().message);
    return std::string();
  }
  if (name == "komi") {
    if (args.size() != 1) return syntax_error();
    const std::optional<double> komi = parse_double(args[0]);
    if (!komi) return syntax_error();
    if (Status s = rebuild(size_, *komi, handicap_, setup_, state_->history()); !s.ok()) {
      return gtp_error(s.error().message);
    }
    return std::string();
  }
  if (name == "fixed_handicap") return handicap(command, true);
  if (name == "place_free_handicap") return handicap(command, false);
  if (name == "set_free_handicap") return set_free_handicap(command);
  if (name == "play") {
    if (args.size() != 2) return syntax_error();
    const std::optional<bool> black = gtp::parse_color(args[0]);
    if (!black) return syntax_error();
    const Player seat = seat_of(*black);
    Result<Action> action = state_->parse_action(seat, args[1]);
    if (!action.ok()) return syntax_error();
    Result<int> inserted = bring_to_move(seat);
    if (!inserted.ok()) return inserted.error();
    if (!state_->apply(*action).ok()) {
      take_back(*inserted);
      return gtp_error("illegal move");
    }
    undo_steps_.push_back(*inserted + 1);
    return std::string();
  }
  if (name == "genmove") {
    if (args.size() != 1) return syntax_error();
    const std::optional<bool> black = gtp::parse_color(args[0]);
    if (!black) return syntax_error();
    return genmove(seat_of(*black));
  }
  if (name == "undo") {
    if (undo_steps_.empty()) return gtp_error("cannot undo");
    take_back(undo_steps_.back());
    undo_steps_.pop_back();
    return std::string();
  }
  if (name == "final_score") return state_->view(kSpectator)["state"]["score_text"].get<std::string>();
  if (name == "showboard") return "\n" + show_board(*state_);
  return gtp_error("unknown command");
}

}  // namespace arena
