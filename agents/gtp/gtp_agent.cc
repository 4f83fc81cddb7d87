#include "agents/gtp/gtp_agent.h"

#include <algorithm>

namespace arena {
namespace {

bool has_param(const Game& game, const std::string& name) {
  const auto& params = game.type().params;
  return std::any_of(params.begin(), params.end(), [&](const ParamSpec& p) { return p.name == name; });
}

// The commands that set up an empty board of `game` on a GTP engine, or a "bad_spec" Error
// for a game GTP cannot express.
Result<std::vector<std::string>> setup_commands(const Game& game) {
  const std::string spec = game.spec();
  for (const char* p : {"size", "komi", "handicap"}) {
    if (!has_param(game, p)) {
      return make_error("bad_spec", "gtp agents play Go-like games (with size, komi and handicap); " + spec +
                                        " has no '" + p + "' parameter");
    }
  }
  if (game.num_players() != 2 || !game.type().perfect_information || game.type().has_chance) {
    return make_error("bad_spec", "gtp agents play two-player games of perfect information; not " + spec);
  }
  if (has_param(game, "setup") && !game.params().get_string("setup").empty()) {
    return make_error("bad_spec", "gtp agents cannot play from a setup position (" + spec + ")");
  }
  if (!game.new_initial_state()->parse_action(0, "pass").ok()) {
    return make_error("bad_spec", spec + " does not write its moves as GTP vertices");
  }
  std::vector<std::string> commands = {"boardsize " + std::to_string(game.params().get_int("size")),
                                       "clear_board",
                                       "komi " + format_param(game.params().get_double("komi"))};
  if (const int64_t handicap = game.params().get_int("handicap"); handicap > 0) {
    commands.push_back("fixed_handicap " + std::to_string(handicap));
  }
  return commands;
}

const char* color_of(Player seat) { return gtp::color_name(seat == 0); }

// An engine's failure as this agent reports it.
Error agent_error(const std::string& name, const Error& e) {
  const std::string code = e.code == "gtp_failure" ? "engine_rejected" : e.code;
  return make_error(code, name + ": " + e.message);
}

}  // namespace

Result<std::unique_ptr<GtpAgent>> GtpAgent::create(const Game& game, std::string name,
                                                   std::vector<std::string> argv, gtp::GtpEnginePool& pool) {
  Result<std::vector<std::string>> setup = setup_commands(game);
  if (!setup.ok()) return make_error("bad_spec", name + ": " + setup.error().message);
  Result<std::unique_ptr<gtp::GtpEngine>> engine = pool.acquire(argv);
  if (!engine.ok()) return agent_error(name, engine.error());
  return std::unique_ptr<GtpAgent>(new GtpAgent(std::move(name), pool, std::move(engine).value()));
}

GtpAgent::GtpAgent(std::string name, gtp::GtpEnginePool& pool, std::unique_ptr<gtp::GtpEngine> engine)
    : Agent(process::engine_io_pool()), name_(std::move(name)), pool_(pool), engine_(std::move(engine)) {}

GtpAgent::~GtpAgent() {
  std::lock_guard lock(mutex_);
  pool_.release(std::move(engine_));
}

pid_t GtpAgent::engine_pid() const {
  std::lock_guard lock(mutex_);
  return engine_ ? engine_->pid() : -1;
}

Status GtpAgent::sync(const std::vector<std::string>& setup, const std::vector<std::string>& moves,
                      gtp::Clock::time_point deadline) {
  const bool continues = synced_setup_ == setup && synced_moves_.size() <= moves.size() &&
                         std::equal(synced_moves_.begin(), synced_moves_.end(), moves.begin());
  if (!continues) {
    synced_setup_.clear();
    synced_moves_.clear();
    for (const std::string& command : setup) {
      if (Result<std::string> r = engine_->send(command, deadline); !r.ok()) return r.error();
    }
    synced_setup_ = setup;
  }
  for (size_t i = synced_moves_.size(); i < moves.size(); ++i) {
    if (Result<std::string> r = engine_->send("play " + moves[i], deadline); !r.ok()) return r.error();
    synced_moves_.push_back(moves[i]);
  }
  return ok_status();
}

Result<Decision> GtpAgent::decide(const State& state, Player seat, Budget budget) {
  std::lock_guard lock(mutex_);
  if (state.current_player() != seat) {
    return make_error("not_your_turn", "seat " + std::to_string(seat) + " is not to move");
  }
  const auto deadline =
      gtp::Clock::now() + (budget.time.count() > 0 ? budget.time + kMargin : kDefaultTimeout);
  Result<std::vector<std::string>> setup = setup_commands(state.game());
  if (!setup.ok()) return make_error("bad_spec", name_ + ": " + setup.error().message);
  std::vector<std::string> moves;
  for (const Step& step : state.history()) {
    if (step.player != 0 && step.player != 1) return make_error("bad_state", name_ + ": a step of no seat");
    moves.push_back(std::string(color_of(step.player)) + " " +
                    state.action_to_string(step.player, step.action));
  }
  // An engine that failed in an earlier decision is replaced by a fresh one.
  if (engine_->failed()) {
    Result<std::unique_ptr<gtp::GtpEngine>> engine = pool_.acquire(engine_->argv());
    if (!engine.ok()) return agent_error(name_, engine.error());
    engine_ = std::move(engine).value();
    synced_setup_.clear();
    synced_moves_.clear();
  }

  Status synced = sync(*setup, moves, deadline);
  if (!synced.ok()) {
    synced_setup_.clear();  // the engine's board is unknown now
    return agent_error(name_, synced.error());
  }
  Result<std::string> answer = engine_->send(std::string("genmove ") + color_of(seat), deadline);
  if (!answer.ok()) {
    synced_setup_.clear();
    return agent_error(name_, answer.error());
  }
  std::string text = *answer;
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  if (text == "resign") return make_error("resign", name_ + " resigns");
  Result<Action> action = state.parse_action(seat, *answer);
  if (!action.ok()) {
    synced_setup_.clear();
    return make_error("engine_failed",
                      name_ + ": genmove answered '" + *answer + "': " + action.error().message);
  }
  synced_moves_.push_back(std::string(color_of(seat)) + " " + state.action_to_string(seat, *action));
  return Decision{{*action}};
}

namespace {

// The engine's command line of a `gtp` agent, checked.
Result<std::vector<std::string>> gtp_command(const GameParams& params) {
  const std::string& command = params.get_string("command");
  Result<std::vector<std::string>> argv = gtp::split_command_line(command);
  if (!argv.ok()) return make_error("bad_spec", "gtp: " + argv.error().message);
  if (argv->empty()) {
    return make_error("bad_spec",
                      "gtp: give the engine's command line, e.g. gtp(command=\"gnugo --mode gtp\")");
  }
  return argv;
}

// GNU Go's command line at the level of a `gtp:gnugo` agent, checked: area scoring without
// dead-stone removal, as our Go scores, so GNU Go must know the rules and capture dead
// stones before it passes.
Result<std::vector<std::string>> gnugo_command(const GameParams& params) {
  const int64_t level = params.get_int("level");
  if (level < 0 || level > 10) return make_error("bad_spec", "gtp:gnugo: level must be 0..10");
  std::optional<std::string> path = gtp::find_executable("gnugo");
  if (!path) {
    return make_error(
        "engine_failed",
        "gtp:gnugo: GNU Go is not installed (looked on PATH and in /usr/games); run scripts/setup");
  }
  return std::vector<std::string>{
      *path, "--mode", "gtp", "--level", std::to_string(level), "--chinese-rules", "--capture-all-dead"};
}

// Whether a GTP engine with this command line can play `game` (checked without starting it).
Status gtp_can_play(const Result<std::vector<std::string>>& argv, const std::string& name, const Game& game) {
  if (!argv.ok()) return argv.error();
  Result<std::vector<std::string>> setup = setup_commands(game);
  if (!setup.ok()) return make_error("bad_spec", name + ": " + setup.error().message);
  return ok_status();
}

}  // namespace

std::vector<AgentRegistration> gtp_agent_registrations() {
  std::vector<AgentRegistration> r;
  r.push_back({"gtp",
               "any GTP engine, started from a command line, for Go",
               {{"command", std::string(),
                 "the engine's command line, e.g. \"/usr/games/gnugo --mode gtp\" (required)"}},
               [](const GameParams& params, const Game& game, uint64_t) -> Result<std::unique_ptr<Agent>> {
                 Result<std::vector<std::string>> argv = gtp_command(params);
                 if (!argv.ok()) return argv.error();
                 const std::string name = "gtp(command=" + format_param(params.get_string("command")) + ")";
                 Result<std::unique_ptr<GtpAgent>> agent =
                     GtpAgent::create(game, name, std::move(argv).value());
                 if (!agent.ok()) return agent.error();
                 return std::unique_ptr<Agent>(std::move(agent).value());
               },
               [](const GameParams& params, const Game& game) {
                 return gtp_can_play(gtp_command(params), "gtp", game);
               }});
  r.push_back({"gtp:gnugo",
               "GNU Go over GTP (Chinese rules, captures dead stones before passing), for Go",
               {{"level", int64_t{10}, "GNU Go's strength, 0..10"}},
               [](const GameParams& params, const Game& game, uint64_t) -> Result<std::unique_ptr<Agent>> {
                 Result<std::vector<std::string>> argv = gnugo_command(params);
                 if (!argv.ok()) return argv.error();
                 const int64_t level = params.get_int("level");
                 const std::string name =
                     level == 10 ? "gtp:gnugo" : "gtp:gnugo(level=" + std::to_string(level) + ")";
                 Result<std::unique_ptr<GtpAgent>> agent =
                     GtpAgent::create(game, name, std::move(argv).value());
                 if (!agent.ok()) return agent.error();
                 return std::unique_ptr<Agent>(std::move(agent).value());
               },
               [](const GameParams& params, const Game& game) {
                 return gtp_can_play(gnugo_command(params), "gtp:gnugo", game);
               }});
  return r;
}

}  // namespace arena
