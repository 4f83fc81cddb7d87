#include "agents/uci/uci_agent.h"

#include <algorithm>

namespace arena {
namespace {

// How long a decision limited by nodes alone (no budget, no movetime) may take.
constexpr std::chrono::milliseconds kNodesOnlyTimeout{30'000};
// How long setting options and "ucinewgame" may take.
constexpr std::chrono::milliseconds kSetupTimeout{10'000};

// The start position of `game` as FEN: the "fen" of its initial state's view.
Result<std::string> start_fen(const Game& game) {
  const Json view = game.new_initial_state()->view(kSpectator);
  if (!view.contains("state") || !view["state"].contains("fen") || !view["state"]["fen"].is_string()) {
    return make_error("bad_spec", game.spec() + " shows no FEN in its view");
  }
  return view["state"]["fen"].get<std::string>();
}

// The moves of `state` since its start in the game's notation (UCI's for chess), each
// written in the position it was played in.
Result<std::vector<std::string>> moves_since_start(const State& state) {
  std::unique_ptr<State> replay = state.game().new_initial_state();
  std::vector<std::string> moves;
  moves.reserve(state.history().size());
  for (const Step& step : state.history()) {
    if (step.player < 0) return make_error("bad_state", "a step of no seat in a chess game");
    moves.push_back(replay->action_to_string(step.player, step.action));
    if (Status s = replay->apply_step(step); !s.ok()) return s.error();
  }
  return moves;
}

// An engine's failure as this agent reports it.
Error agent_error(const std::string& name, const Error& e) {
  return make_error(e.code, name + ": " + e.message);
}

}  // namespace

Status uci_can_play_game(const Game& game) {
  if (game.type().name != "chess") {
    return make_error("bad_spec", "uci agents play chess (standard or Chess960); not " + game.spec());
  }
  Result<std::string> fen = start_fen(game);
  if (!fen.ok()) return fen.error();
  return ok_status();
}

Result<std::unique_ptr<UciAgent>> UciAgent::create(const Game& game, std::string name,
                                                   std::vector<std::string> argv, UciSettings settings,
                                                   uci::UciEnginePool& pool) {
  if (Status s = uci_can_play_game(game); !s.ok())
    return make_error("bad_spec", name + ": " + s.error().message);
  const bool chess960 = game.params().get_string("variant") == "chess960";
  std::unique_ptr<UciAgent> agent(new UciAgent(std::move(name), chess960, settings, pool));
  Result<std::unique_ptr<uci::UciEngine>> engine = pool.acquire(argv);
  if (!engine.ok()) return agent_error(agent->name_, engine.error());
  agent->engine_ = std::move(engine).value();
  if (Status s = agent->configure(uci::Clock::now() + kSetupTimeout); !s.ok()) {
    return agent_error(agent->name_, s.error());
  }
  return agent;
}

UciAgent::UciAgent(std::string name, bool chess960, UciSettings settings, uci::UciEnginePool& pool)
    : Agent(process::engine_io_pool()),
      name_(std::move(name)),
      chess960_(chess960),
      settings_(settings),
      pool_(pool) {}

UciAgent::~UciAgent() {
  std::lock_guard lock(mutex_);
  pool_.release(std::move(engine_));
}

pid_t UciAgent::engine_pid() const {
  std::lock_guard lock(mutex_);
  return engine_ ? engine_->pid() : -1;
}

Status UciAgent::configure(uci::Clock::time_point deadline) {
  uci::UciEngine& engine = *engine_;
  const std::string engine_name = engine.name().empty() ? "the engine" : engine.name();
  if (Status s = engine.reset_options(deadline); !s.ok()) return s;
  if (settings_.skill) {
    if (!engine.has_option("Skill Level"))
      return make_error("bad_spec", engine_name + " has no Skill Level option");
    if (Status s = engine.set_option("Skill Level", std::to_string(*settings_.skill), deadline); !s.ok())
      return s;
  }
  if (settings_.elo) {
    auto elo = engine.options().find("UCI_Elo");
    if (elo == engine.options().end() || !engine.has_option("UCI_LimitStrength")) {
      return make_error("bad_spec", engine_name + " cannot limit its strength (no UCI_Elo option)");
    }
    if ((elo->second.min && *settings_.elo < *elo->second.min) ||
        (elo->second.max && *settings_.elo > *elo->second.max)) {
      return make_error("bad_spec", engine_name + " plays at Elo " +
                                        std::to_string(elo->second.min.value_or(0)) + ".." +
                                        std::to_string(elo->second.max.value_or(0)) + ", not " +
                                        std::to_string(*settings_.elo));
    }
    if (Status s = engine.set_option("UCI_LimitStrength", "true", deadline); !s.ok()) return s;
    if (Status s = engine.set_option("UCI_Elo", std::to_string(*settings_.elo), deadline); !s.ok()) return s;
  }
  if (engine.has_option("UCI_Chess960")) {
    if (Status s = engine.set_option("UCI_Chess960", chess960_ ? "true" : "false", deadline); !s.ok())
      return s;
  } else if (chess960_) {
    return make_error("bad_spec", engine_name + " does not play Chess960 (no UCI_Chess960 option)");
  }
  synced_start_.clear();
  synced_moves_.clear();
  return engine.sync(deadline);
}

std::string UciAgent::go_command(Budget budget, std::chrono::milliseconds* allowed) const {
  std::string go = "go";
  int64_t movetime = settings_.movetime_ms;
  if (movetime <= 0 && budget.time.count() > 0) {
    // A little under the budget: the engine overshoots by a few milliseconds, and the pipe.
    const int64_t b = budget.time.count();
    movetime = std::max<int64_t>(1, b - std::min<int64_t>(b / 10, 200));
  }
  if (movetime <= 0 && settings_.nodes <= 0) movetime = kDefaultMovetime.count();
  if (settings_.nodes > 0) go += " nodes " + std::to_string(settings_.nodes);
  if (movetime > 0) go += " movetime " + std::to_string(movetime);
  *allowed = (movetime > 0 ? std::chrono::milliseconds(movetime) : kNodesOnlyTimeout) + kMargin;
  return go;
}

Result<Decision> UciAgent::decide(const State& state, Player seat, Budget budget) {
  std::lock_guard lock(mutex_);
  if (state.current_player() != seat) {
    return make_error("not_your_turn", "seat " + std::to_string(seat) + " is not to move");
  }
  Result<std::string> start = start_fen(state.game());
  if (!start.ok()) return agent_error(name_, start.error());
  Result<std::vector<std::string>> moves = moves_since_start(state);
  if (!moves.ok()) return agent_error(name_, moves.error());
  std::chrono::milliseconds allowed{0};
  const std::string go = go_command(budget, &allowed);
  const auto deadline = uci::Clock::now() + allowed;

  // An engine that failed in an earlier decision is replaced by a fresh one.
  if (engine_->failed()) {
    Result<std::unique_ptr<uci::UciEngine>> engine = pool_.acquire(engine_->argv());
    if (!engine.ok()) return agent_error(name_, engine.error());
    engine_ = std::move(engine).value();
    if (Status s = configure(deadline); !s.ok()) return agent_error(name_, s.error());
  }
  const bool continues = !synced_start_.empty() && synced_start_ == *start &&
                         synced_moves_.size() <= moves->size() &&
                         std::equal(synced_moves_.begin(), synced_moves_.end(), moves->begin());
  if (!continues) {
    synced_start_.clear();
    if (Status s = engine_->new_game(deadline); !s.ok()) return agent_error(name_, s.error());
  }
  std::string position = "position fen " + *start;
  if (!moves->empty()) {
    position += " moves";
    for (const std::string& m : *moves) position += " " + m;
  }
  Result<std::string> best = engine_->search(position, go, deadline);
  if (!best.ok()) {
    synced_start_.clear();
    return agent_error(name_, best.error());
  }
  synced_start_ = *start;
  synced_moves_ = std::move(moves).value();
  if (*best == "(none)" || *best == "0000") {
    return make_error("engine_failed",
                      name_ + ": the engine found no move (answered 'bestmove " + *best + "')");
  }
  Result<Action> action = state.parse_action(seat, *best);
  if (!action.ok() || !state.is_legal(*action)) {
    synced_start_.clear();
    return make_error("engine_failed", name_ + ": bestmove '" + *best + "' is not a legal move here" +
                                           (action.ok() ? "" : ": " + action.error().message));
  }
  synced_moves_.push_back(*best);
  return Decision{{*action}};
}

namespace {

// The settings of a spec's parameters, checked.
Result<UciSettings> settings_of(const GameParams& params, const std::string& family, bool stockfish) {
  UciSettings s;
  s.movetime_ms = params.get_int("movetime");
  s.nodes = params.get_int("nodes");
  if (s.movetime_ms < 0) return make_error("bad_spec", family + ": movetime must be >= 0 (milliseconds)");
  if (s.nodes < 0) return make_error("bad_spec", family + ": nodes must be >= 0");
  if (stockfish) {
    const int64_t skill = params.get_int("skill");
    if (skill < 0 || skill > 20) return make_error("bad_spec", family + ": skill must be 0..20");
    s.skill = skill;
    if (const int64_t elo = params.get_int("elo"); elo != 0) {
      if (elo < 0) return make_error("bad_spec", family + ": elo must be positive (0: full strength)");
      s.elo = elo;
    }
  }
  return s;
}

Result<std::vector<std::string>> uci_command(const GameParams& params) {
  Result<std::vector<std::string>> argv = process::split_command_line(params.get_string("command"));
  if (!argv.ok()) return make_error("bad_spec", "uci: " + argv.error().message);
  if (argv->empty()) {
    return make_error("bad_spec",
                      "uci: give the engine's command line, e.g. uci(command='/usr/games/stockfish')");
  }
  return argv;
}

Result<std::vector<std::string>> stockfish_command() {
  std::optional<std::string> path = process::find_executable("stockfish");
  if (!path) {
    return make_error(
        "engine_failed",
        "uci:stockfish: Stockfish is not installed (looked on PATH and in /usr/games); run scripts/setup");
  }
  return std::vector<std::string>{*path};
}

std::vector<ParamSpec> limit_params() {
  return {{"movetime", int64_t{0}, "milliseconds per move (0: from the decision's budget)"},
          {"nodes", int64_t{0}, "nodes per move (0: no limit)"}};
}

AgentRegistration registration(std::string family, std::string description, std::vector<ParamSpec> specs,
                               bool stockfish) {
  AgentRegistration r;
  r.name = family;
  r.description = std::move(description);
  r.params = specs;
  auto argv_of = [stockfish](const GameParams& params) {
    return stockfish ? stockfish_command() : uci_command(params);
  };
  r.create = [family, specs, stockfish, argv_of](const GameParams& params, const Game& game,
                                                 uint64_t) -> Result<std::unique_ptr<Agent>> {
    Result<UciSettings> settings = settings_of(params, family, stockfish);
    if (!settings.ok()) return settings.error();
    Result<std::vector<std::string>> argv = argv_of(params);
    if (!argv.ok()) return argv.error();
    Result<std::unique_ptr<UciAgent>> agent =
        UciAgent::create(game, params.canonical_spec(family, specs), std::move(argv).value(), *settings);
    if (!agent.ok()) return agent.error();
    return std::unique_ptr<Agent>(std::move(agent).value());
  };
  r.can_play = [family, stockfish, argv_of](const GameParams& params, const Game& game) -> Status {
    Result<UciSettings> settings = settings_of(params, family, stockfish);
    if (!settings.ok()) return settings.error();
    Result<std::vector<std::string>> argv = argv_of(params);
    if (!argv.ok()) return argv.error();
    if (Status s = uci_can_play_game(game); !s.ok())
      return make_error("bad_spec", family + ": " + s.error().message);
    return ok_status();
  };
  return r;
}

}  // namespace

std::vector<AgentRegistration> uci_agent_registrations() {
  std::vector<ParamSpec> any = {
      {"command", std::string(), "the engine's command line, e.g. '/usr/games/stockfish' (required)"}};
  for (ParamSpec& p : limit_params()) any.push_back(std::move(p));
  std::vector<ParamSpec> stockfish = {
      {"skill", int64_t{20}, "Stockfish's Skill Level, 0..20"},
      {"elo", int64_t{0},
       "play at this Elo (UCI_LimitStrength + UCI_Elo, within the engine's range); 0: full strength"}};
  for (ParamSpec& p : limit_params()) stockfish.push_back(std::move(p));
  return {
      registration("uci", "any UCI engine, started from a command line, for chess and Chess960", any, false),
      registration("uci:stockfish",
                   "Stockfish over UCI (found on PATH or in /usr/games), for chess and Chess960", stockfish,
                   true)};
}

}  // namespace arena
