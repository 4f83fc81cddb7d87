// UCI both ways: the option lines, UciEngine against a fake engine (handshake, crash, hang,
// options put back, pool reuse, no zombies), UciAgent against the fake (the commands it
// sends, a crash or a hang mid-game within the deadline, the failed engine replaced),
// Stockfish as our agent (against random, in Chess960, at an Elo), UciServer driven
// in-process through streams, and `arena uci` driven by our own UCI client and by a pipe.
// Stockfish is required (scripts/setup installs it): its absence fails these tests.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "agents/local_match.h"
#include "agents/random_agent.h"
#include "agents/registry.h"
#include "agents/uci/engine.h"
#include "agents/uci/uci_agent.h"
#include "agents/uci/uci_server.h"
#include "games/registry.h"

namespace arena {
namespace {

using namespace std::chrono_literals;
using uci::UciEngine;

// ---------------------------------------------------------------------------------------
// Helpers

// Whether a process is gone and reaped (a zombie still answers kill(pid, 0)).
bool reaped(pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

std::vector<std::string> fake_engine(std::vector<std::string> args = {}) {
  args.insert(args.begin(), UCI_FAKE_ENGINE);
  return args;
}

// A command line for the `uci(command=...)` spec.
std::string fake_spec(const std::string& args, const std::string& extra = "") {
  return "uci(command='" + std::string(UCI_FAKE_ENGINE) + (args.empty() ? "" : " " + args) + "'" + extra +
         ")";
}

std::string stockfish_path() {
  std::optional<std::string> path = process::find_executable("stockfish");
  if (!path) {
    ADD_FAILURE() << "Stockfish is required by the UCI tests and was not found on PATH or in /usr/games: "
                     "run scripts/setup";
    return "";
  }
  return *path;
}

std::shared_ptr<const Game> game_of(const std::string& spec) {
  Result<std::shared_ptr<const Game>> game = make_game(spec);
  EXPECT_TRUE(game.ok()) << spec << ": " << game.error().message;
  return game.ok() ? *game : nullptr;
}

// A fresh log file for the fake engine.
std::string temp_log(const std::string& name) {
  const std::string path = ::testing::TempDir() + "uci_" + name + "_" + std::to_string(::getpid()) + ".log";
  std::remove(path.c_str());
  return path;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool has_line(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

size_t count_prefix(const std::vector<std::string>& lines, const std::string& prefix) {
  return std::count_if(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

Result<Decision> decide(Agent& agent, const State& state, Budget budget = {}) {
  return agent.choose(state.clone(), state.current_player(), budget).get();
}

// ---------------------------------------------------------------------------------------
// Option lines

TEST(UciProtocol, ParsesOptionLines) {
  std::optional<uci::EngineOption> o =
      uci::parse_option_line("option name Skill Level type spin default 20 min 0 max 20");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->name, "Skill Level");
  EXPECT_EQ(o->type, "spin");
  EXPECT_EQ(o->default_value, "20");
  EXPECT_EQ(o->min, 0);
  EXPECT_EQ(o->max, 20);
  o = uci::parse_option_line("option name UCI_Chess960 type check default false");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->default_value, "false");
  EXPECT_FALSE(o->min);
  o = uci::parse_option_line("option name Debug Log File type string default");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->name, "Debug Log File");
  EXPECT_EQ(o->default_value, "");
  o = uci::parse_option_line("option name Style type combo default Normal var Solid var Normal");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->default_value, "Normal");
  EXPECT_FALSE(uci::parse_option_line("info depth 3"));
  EXPECT_FALSE(uci::parse_option_line("option type spin"));
}

// ---------------------------------------------------------------------------------------
// UciEngine against the fake engine

TEST(UciEngine, HandshakeOptionsAndSearch) {
  const std::string log = temp_log("handshake");
  Result<std::unique_ptr<UciEngine>> engine = UciEngine::start(fake_engine({"--log", log}));
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  EXPECT_EQ((*engine)->name(), "Fake UCI " + std::to_string((*engine)->pid()));
  EXPECT_TRUE((*engine)->has_option("Skill Level"));
  EXPECT_TRUE((*engine)->has_option("UCI_Chess960"));
  EXPECT_EQ((*engine)->options().at("UCI_Elo").min, 1320);
  const auto deadline = uci::Clock::now() + 5s;
  ASSERT_TRUE((*engine)->set_option("Skill Level", "3", deadline).ok());
  ASSERT_TRUE((*engine)->new_game(deadline).ok());
  Result<std::string> best = (*engine)->search("position startpos moves e2e4", "go movetime 10", deadline);
  ASSERT_TRUE(best.ok()) << best.error().message;
  EXPECT_EQ(*best, "e7e5");  // the fake's scripted line, past info lines and a line that is not UCI
  ASSERT_TRUE((*engine)->reset_options(deadline).ok());
  ASSERT_TRUE((*engine)->sync(deadline).ok());
  const pid_t p = (*engine)->pid();
  engine->reset();  // "quit", then reaped
  EXPECT_TRUE(reaped(p));
  const std::vector<std::string> lines = read_lines(log);
  EXPECT_EQ(lines.front(), "uci");
  EXPECT_TRUE(has_line(lines, "setoption name Skill Level value 3"));
  EXPECT_TRUE(has_line(lines, "setoption name Skill Level value 20"));  // put back
  EXPECT_TRUE(has_line(lines, "ucinewgame"));
  EXPECT_TRUE(has_line(lines, "go movetime 10"));
  EXPECT_EQ(lines.back(), "quit");
}

TEST(UciEngine, AMissingOrSilentEngineIsAnErrorAtStart) {
  Result<std::unique_ptr<UciEngine>> missing = UciEngine::start({"/no/such/engine"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "engine_failed");
  const auto start = uci::Clock::now();
  Result<std::unique_ptr<UciEngine>> silent =
      UciEngine::start(fake_engine({"--hang-on", "uci"}), "/dev/null", 300ms);
  ASSERT_FALSE(silent.ok());
  EXPECT_EQ(silent.error().code, "timeout");
  EXPECT_LT(uci::Clock::now() - start, 2s);
  Result<std::unique_ptr<UciEngine>> crashing = UciEngine::start(fake_engine({"--crash-on", "uci"}));
  ASSERT_FALSE(crashing.ok());
  EXPECT_EQ(crashing.error().code, "engine_failed");
  EXPECT_NE(crashing.error().message.find("exit code 3"), std::string::npos) << crashing.error().message;
  // A program that exits at once is no engine either (and no SIGPIPE ends the test).
  Result<std::unique_ptr<UciEngine>> quick = UciEngine::start({"/bin/true"});
  ASSERT_FALSE(quick.ok());
  EXPECT_EQ(quick.error().code, "engine_failed");
}

TEST(UciEngine, ACrashMidGameIsEngineFailedAndTheProcessIsReaped) {
  Result<std::unique_ptr<UciEngine>> engine = UciEngine::start(fake_engine({"--crash-on-go", "2"}));
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  const pid_t p = (*engine)->pid();
  EXPECT_TRUE((*engine)->search("position startpos", "go movetime 10", uci::Clock::now() + 5s).ok());
  Result<std::string> best =
      (*engine)->search("position startpos moves e2e4 e7e5", "go movetime 10", uci::Clock::now() + 5s);
  ASSERT_FALSE(best.ok());
  EXPECT_EQ(best.error().code, "engine_failed");
  EXPECT_NE(best.error().message.find("exit code 4"), std::string::npos) << best.error().message;
  EXPECT_TRUE((*engine)->failed());
  EXPECT_TRUE(reaped(p));
  Result<std::string> again = (*engine)->search("position startpos", "go", uci::Clock::now() + 5s);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "engine_failed");
}

TEST(UciEngine, AHangIsATimeoutWithinTheDeadline) {
  Result<std::unique_ptr<UciEngine>> engine = UciEngine::start(fake_engine({"--hang-on-go", "1"}));
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  const pid_t p = (*engine)->pid();
  const auto start = uci::Clock::now();
  Result<std::string> best = (*engine)->search("position startpos", "go movetime 10", start + 300ms);
  const auto took = uci::Clock::now() - start;
  ASSERT_FALSE(best.ok());
  EXPECT_EQ(best.error().code, "timeout");
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 2s);
  EXPECT_TRUE((*engine)->failed());
  EXPECT_TRUE(reaped(p));
}

TEST(UciEnginePool, ReusesIdleEnginesAndDropsFailedOnes) {
  uci::UciEnginePool pool;
  const std::vector<std::string> argv = fake_engine({"--crash-on-go", "1"});
  Result<std::unique_ptr<UciEngine>> first = pool.acquire(argv);
  ASSERT_TRUE(first.ok());
  const pid_t p = (*first)->pid();
  pool.release(std::move(first).value());
  EXPECT_EQ(pool.idle(argv), 1u);
  Result<std::unique_ptr<UciEngine>> second = pool.acquire(argv);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)->pid(), p);
  EXPECT_FALSE((*second)->search("position startpos", "go", uci::Clock::now() + 5s).ok());
  pool.release(std::move(second).value());
  EXPECT_EQ(pool.idle(argv), 0u);
  EXPECT_TRUE(reaped(p));
  // One that died while idle is not handed out.
  Result<std::unique_ptr<UciEngine>> third = pool.acquire(argv);
  ASSERT_TRUE(third.ok());
  const pid_t q = (*third)->pid();
  pool.release(std::move(third).value());
  ::kill(q, SIGKILL);
  std::this_thread::sleep_for(50ms);
  Result<std::unique_ptr<UciEngine>> fourth = pool.acquire(argv);
  ASSERT_TRUE(fourth.ok());
  EXPECT_NE((*fourth)->pid(), q);
  EXPECT_TRUE(reaped(q));
}

// ---------------------------------------------------------------------------------------
// UciAgent against the fake engine

TEST(UciAgent, SpecsAndRefusals) {
  std::shared_ptr<const Game> go = game_of("go(size=9)");
  std::shared_ptr<const Game> chess = game_of("chess");
  ASSERT_TRUE(go && chess);
  for (const std::string& spec : {std::string("uci:stockfish"), fake_spec("")}) {
    Result<std::unique_ptr<Agent>> a = make_agent(spec, *go, 1);
    ASSERT_FALSE(a.ok()) << spec;
    EXPECT_EQ(a.error().code, "bad_spec") << spec;
    EXPECT_NE(a.error().message.find("chess"), std::string::npos) << a.error().message;
    EXPECT_EQ(can_play(spec, *go).error().code, "bad_spec");
  }
  EXPECT_EQ(make_agent("uci", *chess, 1).error().code, "bad_spec");  // no command
  EXPECT_EQ(make_agent("uci:stockfish(skill=21)", *chess, 1).error().code, "bad_spec");
  EXPECT_EQ(make_agent("uci:stockfish(movetime=-1)", *chess, 1).error().code, "bad_spec");
  EXPECT_EQ(make_agent("uci:stockfish(depth=3)", *chess, 1).error().code, "bad_spec");
  Result<std::unique_ptr<Agent>> weak = make_agent(fake_spec("", ",movetime=10"), *chess, 1);
  ASSERT_TRUE(weak.ok()) << weak.error().message;
  EXPECT_EQ((*weak)->name().rfind("uci(command=", 0), 0u) << (*weak)->name();
  EXPECT_NE((*weak)->name().find("movetime=10"), std::string::npos) << (*weak)->name();
  // Chess960 needs UCI_Chess960.
  std::shared_ptr<const Game> c960 = game_of("chess(variant=chess960,start=0)");
  ASSERT_TRUE(c960);
  Result<std::unique_ptr<Agent>> no960 = make_agent(fake_spec("--no-chess960"), *c960, 1);
  ASSERT_FALSE(no960.ok());
  EXPECT_EQ(no960.error().code, "bad_spec");
  EXPECT_NE(no960.error().message.find("Chess960"), std::string::npos) << no960.error().message;
}

TEST(UciAgent, SendsThePositionFromTheStartAndOneNewGamePerGame) {
  std::shared_ptr<const Game> chess = game_of("chess");
  ASSERT_TRUE(chess);
  const std::string log = temp_log("agent");
  Result<std::unique_ptr<Agent>> agent = make_agent(fake_spec("--log " + log), *chess, 1);
  ASSERT_TRUE(agent.ok()) << agent.error().message;
  std::unique_ptr<State> state = chess->new_initial_state();
  for (const char* expected : {"e2e4", "e7e5", "g1f3", "b8c6"}) {
    Result<Decision> d = decide(**agent, *state, Budget{500ms});
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(state->action_to_string(state->current_player(), d->actions[0]), expected);
    ASSERT_TRUE(state->apply(d->actions[0]).ok());
  }
  // A new game from the start: one more ucinewgame.
  std::unique_ptr<State> fresh = chess->new_initial_state();
  ASSERT_TRUE(decide(**agent, *fresh).ok());
  agent->reset();
  const std::vector<std::string> lines = read_lines(log);
  const std::string start = "position fen rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1";
  EXPECT_TRUE(has_line(lines, start));
  EXPECT_TRUE(has_line(lines, start + " moves e2e4 e7e5 g1f3"));
  EXPECT_TRUE(has_line(lines, "go movetime 450"));   // a little under the 500 ms budget
  EXPECT_TRUE(has_line(lines, "go movetime 1000"));  // no budget: the default
  EXPECT_TRUE(has_line(lines, "setoption name UCI_Chess960 value false"));
  EXPECT_EQ(count_prefix(lines, "ucinewgame"), 2u);
  EXPECT_EQ(count_prefix(lines, "go "), 5u);
}

TEST(UciAgent, ACrashMidGameIsAnErrorAndTheEngineIsReplaced) {
  std::shared_ptr<const Game> chess = game_of("chess");
  ASSERT_TRUE(chess);
  const std::string spec = fake_spec("--crash-on-go 2 --tag crash-mid-game");
  Result<std::unique_ptr<Agent>> agent = make_agent(spec, *chess, 1);
  ASSERT_TRUE(agent.ok()) << agent.error().message;
  auto* uci_agent = dynamic_cast<UciAgent*>(agent->get());
  ASSERT_TRUE(uci_agent);
  const pid_t p = uci_agent->engine_pid();
  std::unique_ptr<State> state = chess->new_initial_state();
  Result<Decision> first = decide(**agent, *state, Budget{100ms});
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE(state->apply(first->actions[0]).ok());
  const auto start = uci::Clock::now();
  Result<Decision> second = decide(**agent, *state, Budget{100ms});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "engine_failed");
  EXPECT_LT(uci::Clock::now() - start, 2s);
  EXPECT_TRUE(reaped(p));
  // The next decision runs on a fresh engine (its first go), which answers.
  Result<Decision> third = decide(**agent, *state, Budget{100ms});
  ASSERT_TRUE(third.ok()) << third.error().message;
  EXPECT_NE(uci_agent->engine_pid(), p);
  EXPECT_EQ(state->action_to_string(1, third->actions[0]), "e7e5");
}

TEST(UciAgent, AHangIsATimeoutWithinTheBudgetAndItsMargin) {
  std::shared_ptr<const Game> chess = game_of("chess");
  ASSERT_TRUE(chess);
  uci::UciEnginePool pool;
  const std::vector<std::string> argv = fake_engine({"--hang-on-go", "1"});
  Result<std::unique_ptr<UciAgent>> agent = UciAgent::create(*chess, "hanging", argv, UciSettings{}, pool);
  ASSERT_TRUE(agent.ok()) << agent.error().message;
  const pid_t p = (*agent)->engine_pid();
  std::unique_ptr<State> state = chess->new_initial_state();
  const auto start = uci::Clock::now();
  Result<Decision> d = decide(**agent, *state, Budget{200ms});
  const auto took = uci::Clock::now() - start;
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, "timeout");
  EXPECT_GE(took, 180ms + UciAgent::kMargin - 20ms);
  EXPECT_LT(took, 200ms + UciAgent::kMargin + 1s);
  EXPECT_TRUE(reaped(p));
  agent->reset();
  EXPECT_EQ(pool.idle(argv), 0u);  // the hung engine never goes back
}

TEST(UciAgent, AgentsTakeTheSameEngineInTurnWithTheirOwnOptions) {
  std::shared_ptr<const Game> chess = game_of("chess");
  ASSERT_TRUE(chess);
  uci::UciEnginePool pool;
  const std::string log = temp_log("options");
  const std::vector<std::string> argv = fake_engine({"--log", log});
  UciSettings weak;
  weak.skill = 3;
  weak.elo = 1500;
  pid_t p = -1;
  {
    Result<std::unique_ptr<UciAgent>> a = UciAgent::create(*chess, "weak", argv, weak, pool);
    ASSERT_TRUE(a.ok()) << a.error().message;
    p = (*a)->engine_pid();
  }
  EXPECT_EQ(pool.idle(argv), 1u);
  {
    Result<std::unique_ptr<UciAgent>> b = UciAgent::create(*chess, "full", argv, UciSettings{}, pool);
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ((*b)->engine_pid(), p);
  }
  UciSettings out_of_range;
  out_of_range.elo = 100;
  Result<std::unique_ptr<UciAgent>> c = UciAgent::create(*chess, "too weak", argv, out_of_range, pool);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "bad_spec");
  EXPECT_NE(c.error().message.find("1320"), std::string::npos) << c.error().message;
  const std::vector<std::string> lines = read_lines(log);
  EXPECT_TRUE(has_line(lines, "setoption name Skill Level value 3"));
  EXPECT_TRUE(has_line(lines, "setoption name UCI_LimitStrength value true"));
  EXPECT_TRUE(has_line(lines, "setoption name UCI_Elo value 1500"));
  // The second agent put the first one's options back.
  EXPECT_TRUE(has_line(lines, "setoption name Skill Level value 20"));
  EXPECT_TRUE(has_line(lines, "setoption name UCI_LimitStrength value false"));
  EXPECT_TRUE(has_line(lines, "setoption name UCI_Elo value 1320"));
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "uci"), 1);  // one handshake: the engine was reused
}

// ---------------------------------------------------------------------------------------
// Stockfish

TEST(UciStockfish, HandshakeAndOptions) {
  const std::string path = stockfish_path();
  ASSERT_FALSE(path.empty());
  Result<std::unique_ptr<UciEngine>> engine = UciEngine::start({path});
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  EXPECT_NE((*engine)->name().find("Stockfish"), std::string::npos) << (*engine)->name();
  for (const char* option : {"Skill Level", "UCI_Chess960", "UCI_LimitStrength", "UCI_Elo"}) {
    EXPECT_TRUE((*engine)->has_option(option)) << option;
  }
  Result<std::string> best =
      (*engine)->search("position startpos moves f2f3 e7e5 g2g4", "go depth 5", uci::Clock::now() + 10s);
  ASSERT_TRUE(best.ok()) << best.error().message;
  EXPECT_EQ(*best, "d8h4");  // fool's mate
}

TEST(UciStockfish, BeatsRandomWithEitherColour) {
  ASSERT_FALSE(stockfish_path().empty());
  std::shared_ptr<const Game> chess = game_of("chess");
  ASSERT_TRUE(chess);
  for (Player stockfish_seat : {0, 1}) {
    Result<std::unique_ptr<Agent>> stockfish = make_agent("uci:stockfish(movetime=20)", *chess, 1);
    ASSERT_TRUE(stockfish.ok()) << stockfish.error().message;
    EXPECT_EQ((*stockfish)->name(), "uci:stockfish(movetime=20)");
    RandomAgent random(7);
    std::vector<Agent*> seats = {stockfish->get(), &random};
    if (stockfish_seat == 1) std::swap(seats[0], seats[1]);
    Rng chance(2);
    Result<MatchOutcome> m = play_local_match(*chess, seats, chance);
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m->returns[stockfish_seat], 1.0) << "Stockfish did not beat random as seat " << stockfish_seat;
  }
}

TEST(UciStockfish, PlaysChess960AndAtAnElo) {
  ASSERT_FALSE(stockfish_path().empty());
  // Chess960 start 0 (bbqnnrkr): Stockfish castles king-takes-rook, which our game reads.
  for (const std::string& spec : {std::string("uci:stockfish(skill=3,movetime=10)"),
                                  std::string("uci:stockfish(elo=1500,nodes=2000)")}) {
    for (const std::string& game_spec :
         {std::string("chess(variant=chess960,start=0)"), std::string("chess")}) {
      std::shared_ptr<const Game> game = game_of(game_spec);
      ASSERT_TRUE(game);
      Result<std::unique_ptr<Agent>> white = make_agent(spec, *game, 1);
      Result<std::unique_ptr<Agent>> black = make_agent(spec, *game, 2);
      ASSERT_TRUE(white.ok() && black.ok()) << spec;
      std::unique_ptr<State> state = game->new_initial_state();
      for (int ply = 0; ply < 40 && !state->is_terminal(); ++ply) {
        Agent& mover = state->current_player() == 0 ? **white : **black;
        Result<Decision> d = decide(mover, *state);
        ASSERT_TRUE(d.ok()) << spec << " in " << game_spec << ": " << d.error().message;
        ASSERT_TRUE(state->apply(d->actions[0]).ok());
      }
      // Twenty plies read and played, or a game that ended sooner by the rules (two weak
      // engines on a 10 ms clock once reached a result at ply 16 under the sanitizers).
      EXPECT_TRUE(state->ply() >= 20 || state->is_terminal())
          << spec << " in " << game_spec << " at ply " << state->ply();
    }
  }
}

// ---------------------------------------------------------------------------------------
// UciServer, in-process

std::vector<std::string> serve(UciServer& server, const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out;
  server.serve(in, out);
  std::vector<std::string> lines;
  std::istringstream text(out.str());
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  return lines;
}

std::string bestmove_of(const std::vector<std::string>& lines) {
  for (const std::string& l : lines) {
    if (l.rfind("bestmove ", 0) == 0) return l.substr(9);
  }
  return "";
}

TEST(UciServer, AnswersTheHandshakeAndPlaysALegalMove) {
  Result<std::unique_ptr<UciServer>> server = UciServer::create("random", 3);
  ASSERT_TRUE(server.ok()) << server.error().message;
  const std::vector<std::string> lines =
      serve(**server, "uci\nisready\nposition startpos moves e2e4\ngo movetime 100\nquit\n");
  EXPECT_TRUE(has_line(lines, "id name Arena random"));
  EXPECT_TRUE(has_line(lines, "option name UCI_Chess960 type check default false"));
  EXPECT_TRUE(has_line(lines, "uciok"));
  EXPECT_TRUE(has_line(lines, "readyok"));
  const std::string best = bestmove_of(lines);
  std::shared_ptr<const Game> chess = game_of("chess");
  ASSERT_TRUE(chess);
  std::unique_ptr<State> state = chess->new_initial_state();
  ASSERT_TRUE(state->apply(*state->parse_action(0, "e2e4")).ok());
  Result<Action> a = state->parse_action(1, best);
  ASSERT_TRUE(a.ok()) << best;
  EXPECT_TRUE(state->is_legal(*a)) << best;
}

TEST(UciServer, BadInputIsAnInfoStringAndTheServerGoesOn) {
  Result<std::unique_ptr<UciServer>> server = UciServer::create("random", 3);
  ASSERT_TRUE(server.ok());
  const std::vector<std::string> lines = serve(**server,
                                               "go\n"
                                               "position fen not/a/fen w - - 0 1\n"
                                               "position startpos moves e2e5\n"
                                               "xyzzy\n"
                                               "position\n"
                                               "isready\n"
                                               "junk position startpos moves e2e4\n"
                                               "go wtime 1000 btime 1000 winc 10 binc 10\n"
                                               "quit\n");
  EXPECT_EQ(count_prefix(lines, "info string error"), 4u);
  EXPECT_TRUE(has_line(lines, "bestmove 0000"));  // the go without a position
  EXPECT_TRUE(has_line(lines, "readyok"));
  ASSERT_TRUE((*server)->state());
  EXPECT_EQ((*server)->state()->ply(), 1);  // the leading unknown word was skipped
  EXPECT_EQ(count_prefix(lines, "bestmove"), 2u);
  EXPECT_NE(bestmove_of(std::vector<std::string>(lines.end() - 1, lines.end())), "0000");
}

TEST(UciServer, GoInfiniteHoldsItsBestmoveUntilStop) {
  Result<std::unique_ptr<UciServer>> server = UciServer::create("random", 3);
  ASSERT_TRUE(server.ok());
  std::ostringstream out;
  ASSERT_TRUE((*server)->handle_line("position startpos", out));
  ASSERT_TRUE((*server)->handle_line("go infinite", out));
  std::this_thread::sleep_for(50ms);
  ASSERT_TRUE((*server)->handle_line("isready", out));
  EXPECT_EQ(out.str(), "readyok\n");
  ASSERT_TRUE((*server)->handle_line("stop", out));
  EXPECT_NE(out.str().find("bestmove "), std::string::npos) << out.str();
  EXPECT_FALSE((*server)->handle_line("quit", out));
}

TEST(UciServer, Chess960PositionsAndTerminalPositions) {
  Result<std::unique_ptr<UciServer>> server = UciServer::create("random", 3);
  ASSERT_TRUE(server.ok());
  // Start 0 of Chess960; with UCI_Chess960 castling is king-takes-rook.
  std::vector<std::string> lines =
      serve(**server,
            "setoption name UCI_Chess960 value true\n"
            "position fen bbqnnrkr/pppppppp/8/8/8/8/PPPPPPPP/BBQNNRKR w HFhf - 0 1 "
            "moves g2g3 g7g6\n"
            "go movetime 10\n");
  ASSERT_TRUE((*server)->state());
  EXPECT_NE((*server)->state()->game().spec().find("chess960"), std::string::npos);
  EXPECT_EQ((*server)->state()->ply(), 2);
  EXPECT_NE(bestmove_of(lines), "");
  // Fool's mate: the game is over, nothing to play.
  lines = serve(**server,
                "setoption name UCI_Chess960 value false\n"
                "position startpos moves f2f3 e7e5 g2g4 d8h4\ngo\n");
  EXPECT_TRUE(has_line(lines, "bestmove (none)"));
}

TEST(UciServer, ABadAgentSpecIsAnError) {
  EXPECT_FALSE(UciServer::create("no_such_agent", 1).ok());
  EXPECT_FALSE(UciServer::create("gtp:gnugo", 1).ok());  // a Go engine plays no chess
}

// ---------------------------------------------------------------------------------------
// `arena uci`, the real binary

TEST(ArenaUci, APipedSessionPrintsUciokReadyokAndALegalBestmove) {
  const std::string command =
      std::string("printf 'uci\\nisready\\nposition startpos moves e2e4\\ngo movetime 100\\nquit\\n' | ") +
      ARENA_BINARY + " uci --agent random";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_TRUE(pipe);
  std::string output;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
  EXPECT_EQ(::pclose(pipe), 0);
  std::vector<std::string> lines;
  std::istringstream text(output);
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  EXPECT_TRUE(has_line(lines, "uciok")) << output;
  EXPECT_TRUE(has_line(lines, "readyok")) << output;
  std::shared_ptr<const Game> chess = game_of("chess");
  ASSERT_TRUE(chess);
  std::unique_ptr<State> state = chess->new_initial_state();
  ASSERT_TRUE(state->apply(*state->parse_action(0, "e2e4")).ok());
  Result<Action> a = state->parse_action(1, bestmove_of(lines));
  ASSERT_TRUE(a.ok()) << output;
  EXPECT_TRUE(state->is_legal(*a)) << output;
}

TEST(ArenaUci, AnUnknownAgentOrAGameItCannotPlayIsAnErrorAtStart) {
  for (const std::string agent : {"nosuchagent", "gtp:gnugo"}) {
    const std::string command = std::string(ARENA_BINARY) + " uci --agent " + agent + " < /dev/null 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_TRUE(pipe);
    std::string output;
    char buf[512];
    while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
    const int status = ::pclose(pipe);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << agent << ": " << output;
    EXPECT_NE(output.find("arena uci: "), std::string::npos) << output;
    EXPECT_EQ(output.find("uciok"), std::string::npos) << output;
  }
}

TEST(ArenaUci, PlaysAFullGameAgainstStockfishThroughOurUciClient) {
  const std::string path = stockfish_path();
  ASSERT_FALSE(path.empty());
  Result<std::unique_ptr<UciEngine>> stockfish = UciEngine::start({path});
  ASSERT_TRUE(stockfish.ok()) << stockfish.error().message;
  Result<std::unique_ptr<UciEngine>> arena =
      UciEngine::start({ARENA_BINARY, "uci", "--agent", "random", "--seed", "5"});
  ASSERT_TRUE(arena.ok()) << arena.error().message;
  EXPECT_EQ((*arena)->name(), "Arena random");
  EXPECT_TRUE((*arena)->has_option("UCI_Chess960"));
  std::shared_ptr<const Game> chess = game_of("chess");
  ASSERT_TRUE(chess);
  std::unique_ptr<State> state = chess->new_initial_state();
  for (UciEngine* e : {stockfish->get(), arena->get()})
    ASSERT_TRUE(e->new_game(uci::Clock::now() + 10s).ok());
  std::string position = "position startpos moves";
  while (!state->is_terminal() && state->ply() < 400) {
    const Player seat = state->current_player();
    UciEngine* mover = seat == 0 ? arena->get() : stockfish->get();  // arena plays White
    Result<std::string> best = mover->search(position, "go movetime 20", uci::Clock::now() + 10s);
    ASSERT_TRUE(best.ok()) << best.error().message;
    Result<Action> a = state->parse_action(seat, *best);
    ASSERT_TRUE(a.ok()) << *best;
    ASSERT_TRUE(state->apply(*a).ok()) << *best;
    position += " " + *best;
  }
  EXPECT_TRUE(state->is_terminal());
  EXPECT_EQ(state->returns()[1], 1.0) << "random beat Stockfish?";
  const pid_t p = (*arena)->pid();
  arena->reset();
  EXPECT_TRUE(reaped(p));
}

}  // namespace
}  // namespace arena
