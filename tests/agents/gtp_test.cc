// GTP both ways: the protocol text, GtpEngine against a fake engine (crash, hang, garbage,
// pool reuse, no zombies), GtpAgent and GNU Go, our Go replayed into GNU Go move by move
// (the differential test), and `arena gtp` played to the end by our own GTP client.
// GNU Go is required (scripts/setup installs it): its absence fails these tests.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <set>
#include <sstream>

#include "agents/gtp/engine.h"
#include "agents/gtp/gtp_agent.h"
#include "agents/gtp/gtp_server.h"
#include "agents/gtp/protocol.h"
#include "agents/local_match.h"
#include "agents/random_agent.h"
#include "agents/registry.h"
#include "games/go/go.h"
#include "games/registry.h"

namespace arena {
namespace {

using namespace std::chrono_literals;
using gtp::GtpEngine;

// ---------------------------------------------------------------------------------------
// Helpers

// Whether a process is gone and reaped (a zombie still answers kill(pid, 0)).
bool reaped(pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

std::vector<std::string> fake_engine(std::vector<std::string> args = {}) {
  args.insert(args.begin(), GTP_FAKE_ENGINE);
  return args;
}

std::string gnugo_path() {
  std::optional<std::string> path = gtp::find_executable("gnugo");
  if (!path) {
    ADD_FAILURE() << "GNU Go is required by the GTP tests and was not found on PATH or in /usr/games: "
                     "run scripts/setup";
    return "";
  }
  return *path;
}

std::unique_ptr<GtpEngine> start_gnugo(int level) {
  const std::string path = gnugo_path();
  if (path.empty()) return nullptr;
  Result<std::unique_ptr<GtpEngine>> engine = GtpEngine::start(
      {path, "--mode", "gtp", "--level", std::to_string(level), "--chinese-rules", "--capture-all-dead"});
  EXPECT_TRUE(engine.ok()) << engine.error().message;
  return engine.ok() ? std::move(engine).value() : nullptr;
}

std::shared_ptr<const Game> go_game(const std::string& spec) {
  Result<std::shared_ptr<const Game>> game = make_game(spec);
  EXPECT_TRUE(game.ok()) << spec << ": " << game.error().message;
  return game.ok() ? *game : nullptr;
}

std::set<Action> parse_vertices(int size, const std::string& text) {
  std::set<Action> out;
  std::istringstream words(text);
  for (std::string w; words >> w;) {
    Result<Action> a = parse_go_vertex(size, w);
    EXPECT_TRUE(a.ok()) << w;
    if (a.ok()) out.insert(*a);
  }
  return out;
}

const char* color(Player seat) { return seat == 0 ? "b" : "w"; }

// ---------------------------------------------------------------------------------------
// Protocol

TEST(GtpProtocol, ParsesCommandsWithAndWithoutIds) {
  std::optional<gtp::Command> c = gtp::parse_command("12 genmove b");
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, (gtp::Command{12, "genmove", {"b"}}));
  c = gtp::parse_command("play  white   D4");
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, (gtp::Command{std::nullopt, "play", {"white", "D4"}}));
  // A lone number is a command name, not an id.
  c = gtp::parse_command("42");
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, (gtp::Command{std::nullopt, "42", {}}));
}

TEST(GtpProtocol, PreprocessesLinesAsTheSpecSays) {
  EXPECT_FALSE(gtp::parse_command(""));
  EXPECT_FALSE(gtp::parse_command("   \t "));
  EXPECT_FALSE(gtp::parse_command("# just a comment"));
  EXPECT_FALSE(gtp::parse_command("\r"));
  // HT becomes a space, CR and other control characters go, '#' cuts the rest.
  std::optional<gtp::Command> c = gtp::parse_command("3\tplay\tb\x01 d4 # a comment\r");
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, (gtp::Command{3, "play", {"b", "d4"}}));
  EXPECT_EQ(gtp::preprocess_line("\x7f name\x02\t"), "name");
}

TEST(GtpProtocol, FormatsCommandsAndResponses) {
  EXPECT_EQ(gtp::format_command({7, "play", {"b", "D4"}}), "7 play b D4\n");
  EXPECT_EQ(gtp::format_command({std::nullopt, "quit", {}}), "quit\n");
  EXPECT_EQ(gtp::format_success(1, "D4"), "=1 D4\n\n");
  EXPECT_EQ(gtp::format_success(std::nullopt, ""), "= \n\n");
  EXPECT_EQ(gtp::format_failure(5, "unknown command"), "?5 unknown command\n\n");
  EXPECT_EQ(gtp::format_failure(std::nullopt, "illegal move"), "? illegal move\n\n");
  // Empty lines inside would end the response early: they are dropped.
  EXPECT_EQ(gtp::format_success(std::nullopt, "\nrow 1\n\nrow 2\n\n"), "= \nrow 1\nrow 2\n\n");
}

TEST(GtpProtocol, ParsesResponses) {
  Result<gtp::Response> r = gtp::parse_response("=7 D4");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (gtp::Response{true, 7, "D4"}));
  r = gtp::parse_response("? illegal move");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (gtp::Response{false, std::nullopt, "illegal move"}));
  r = gtp::parse_response("= ");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (gtp::Response{true, std::nullopt, ""}));
  // A multi-line result keeps its lines and their leading blanks.
  r = gtp::parse_response("=3 \n   A B\n 2 . .  \n 1 . .");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "   A B\n 2 . .\n 1 . .");
  EXPECT_EQ(gtp::parse_response("D4").error().code, "protocol_error");
  EXPECT_FALSE(gtp::parse_response("").ok());
}

TEST(GtpProtocol, ReaderSplitsAByteStreamIntoResponses) {
  gtp::ResponseReader reader;
  reader.feed("\n=1 a");
  EXPECT_FALSE(reader.next());
  reader.feed("\r\n\r");
  EXPECT_FALSE(reader.next());
  reader.feed("\n=2 b\nc\n\n?3 no\n\n=4");
  std::optional<Result<gtp::Response>> r = reader.next();
  ASSERT_TRUE(r && r->ok());
  EXPECT_EQ(**r, (gtp::Response{true, 1, "a"}));
  r = reader.next();
  ASSERT_TRUE(r && r->ok());
  EXPECT_EQ(**r, (gtp::Response{true, 2, "b\nc"}));
  r = reader.next();
  ASSERT_TRUE(r && r->ok());
  EXPECT_EQ(**r, (gtp::Response{false, 3, "no"}));
  EXPECT_FALSE(reader.next());
  EXPECT_EQ(reader.pending(), "=4");
  reader.feed("\n\ngarbage\n\n");
  ASSERT_TRUE(reader.next());
  r = reader.next();
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok());
}

TEST(GtpProtocol, ColoursAndCommandLines) {
  EXPECT_EQ(gtp::parse_color("B"), true);
  EXPECT_EQ(gtp::parse_color("black"), true);
  EXPECT_EQ(gtp::parse_color("White"), false);
  EXPECT_EQ(gtp::parse_color("w"), false);
  EXPECT_EQ(gtp::parse_color("x"), std::nullopt);
  Result<std::vector<std::string>> words = gtp::split_command_line("  /bin/e --a 'b c' \"d \\\"e\" f\\ g ");
  ASSERT_TRUE(words.ok());
  EXPECT_EQ(*words, (std::vector<std::string>{"/bin/e", "--a", "b c", "d \"e", "f g"}));
  EXPECT_FALSE(gtp::split_command_line("x 'open").ok());
  EXPECT_TRUE(gtp::find_executable("sh").has_value());
  EXPECT_FALSE(gtp::find_executable("surely-no-such-engine").has_value());
}

// ---------------------------------------------------------------------------------------
// GtpEngine against the fake engine

TEST(GtpEngine, SendsCommandsAndReadsAnswers) {
  Result<std::unique_ptr<GtpEngine>> engine = GtpEngine::start(fake_engine());
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  Result<std::string> pid = (*engine)->send("pid", 5s);
  ASSERT_TRUE(pid.ok()) << pid.error().message;
  EXPECT_EQ(*pid, std::to_string((*engine)->pid()));
  Result<std::string> move = (*engine)->send("genmove b", 5s);
  ASSERT_TRUE(move.ok());
  EXPECT_EQ(*move, "pass");
  // A failure answer is an Error, and the engine stays usable.
  Result<std::string> failed = (*engine)->send("fail", 5s);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, "gtp_failure");
  EXPECT_NE(failed.error().message.find("failed on purpose"), std::string::npos);
  EXPECT_FALSE((*engine)->failed());
  EXPECT_TRUE((*engine)->send("name", 5s).ok());
  // Destruction sends quit and reaps the process.
  const pid_t p = (*engine)->pid();
  engine->reset();
  EXPECT_TRUE(reaped(p));
}

TEST(GtpEngine, AMissingExecutableIsAnError) {
  Result<std::unique_ptr<GtpEngine>> engine = GtpEngine::start({"/no/such/engine"});
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.error().code, "engine_failed");
  EXPECT_FALSE(GtpEngine::start({}).ok());
}

TEST(GtpEngine, ACrashIsEngineFailedAndTheProcessIsReaped) {
  Result<std::unique_ptr<GtpEngine>> engine = GtpEngine::start(fake_engine({"--crash-on", "genmove"}));
  ASSERT_TRUE(engine.ok());
  const pid_t p = (*engine)->pid();
  EXPECT_TRUE((*engine)->send("boardsize 9", 5s).ok());
  Result<std::string> move = (*engine)->send("genmove b", 5s);
  ASSERT_FALSE(move.ok());
  EXPECT_EQ(move.error().code, "engine_failed");
  EXPECT_NE(move.error().message.find("exit code 3"), std::string::npos) << move.error().message;
  EXPECT_TRUE((*engine)->failed());
  EXPECT_TRUE(reaped(p));
  // Writing to it now (its pipe is closed) is an Error, not SIGPIPE.
  Result<std::string> again = (*engine)->send("name", 5s);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "engine_failed");
}

TEST(GtpEngine, AWriteToAnEngineThatExitedIsAnErrorNotSigpipe) {
  Result<std::unique_ptr<GtpEngine>> engine = GtpEngine::start(fake_engine({"--crash-on", "name"}));
  ASSERT_TRUE(engine.ok());
  const pid_t p = (*engine)->pid();
  ASSERT_FALSE((*engine)->send("name", 5s).ok());
  EXPECT_TRUE(reaped(p));
  // The same through a process that exits at once, before our first write.
  Result<std::unique_ptr<GtpEngine>> quick = GtpEngine::start({"/bin/true"});
  ASSERT_TRUE(quick.ok());
  std::this_thread::sleep_for(100ms);
  Result<std::string> r = (*quick)->send("name", 5s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "engine_failed");
}

TEST(GtpEngine, AHangIsATimeoutWithinTheDeadline) {
  Result<std::unique_ptr<GtpEngine>> engine = GtpEngine::start(fake_engine({"--hang-on", "genmove"}));
  ASSERT_TRUE(engine.ok());
  const pid_t p = (*engine)->pid();
  const auto start = gtp::Clock::now();
  Result<std::string> move = (*engine)->send("genmove b", 300ms);
  const auto took = gtp::Clock::now() - start;
  ASSERT_FALSE(move.ok());
  EXPECT_EQ(move.error().code, "timeout");
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 2s);
  EXPECT_TRUE((*engine)->failed());
  EXPECT_TRUE(reaped(p));
}

TEST(GtpEngine, OutputThatIsNotGtpIsEngineFailed) {
  Result<std::unique_ptr<GtpEngine>> engine = GtpEngine::start(fake_engine({"--garbage-on", "genmove"}));
  ASSERT_TRUE(engine.ok());
  const pid_t p = (*engine)->pid();
  Result<std::string> move = (*engine)->send("genmove b", 5s);
  ASSERT_FALSE(move.ok());
  EXPECT_EQ(move.error().code, "engine_failed");
  EXPECT_TRUE(reaped(p));
}

TEST(GtpEnginePool, ReusesIdleEnginesAndDropsFailedOnes) {
  gtp::GtpEnginePool pool;
  const std::vector<std::string> argv = fake_engine({"--crash-on", "crash"});
  Result<std::unique_ptr<GtpEngine>> first = pool.acquire(argv);
  ASSERT_TRUE(first.ok());
  const pid_t p = (*first)->pid();
  pool.release(std::move(first).value());
  EXPECT_EQ(pool.idle(argv), 1u);
  Result<std::unique_ptr<GtpEngine>> second = pool.acquire(argv);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)->pid(), p);
  EXPECT_EQ(pool.idle(argv), 0u);
  // Two at once are two processes.
  Result<std::unique_ptr<GtpEngine>> third = pool.acquire(argv);
  ASSERT_TRUE(third.ok());
  EXPECT_NE((*third)->pid(), p);
  // A failed engine never goes back.
  EXPECT_FALSE((*second)->send("crash", 5s).ok());
  pool.release(std::move(second).value());
  EXPECT_EQ(pool.idle(argv), 0u);
  EXPECT_TRUE(reaped(p));
  pool.release(std::move(third).value());
  EXPECT_EQ(pool.idle(argv), 1u);
  // Different command lines are different engines.
  EXPECT_EQ(pool.idle(fake_engine()), 0u);
}

TEST(GtpEnginePool, AnEngineThatDiedWhileIdleIsNotHandedOut) {
  gtp::GtpEnginePool pool;
  const std::vector<std::string> argv = fake_engine({"--tag", "died-idle"});
  Result<std::unique_ptr<GtpEngine>> engine = pool.acquire(argv);
  ASSERT_TRUE(engine.ok());
  const pid_t p = (*engine)->pid();
  pool.release(std::move(engine).value());
  ::kill(p, SIGKILL);
  std::this_thread::sleep_for(50ms);
  Result<std::unique_ptr<GtpEngine>> next = pool.acquire(argv);
  ASSERT_TRUE(next.ok());
  EXPECT_NE((*next)->pid(), p);
  EXPECT_TRUE(reaped(p));
}

TEST(GtpEnginePool, DestroyingThePoolShutsDownIdleEngines) {
  pid_t p;
  {
    gtp::GtpEnginePool pool;
    Result<std::unique_ptr<GtpEngine>> engine = pool.acquire(fake_engine());
    ASSERT_TRUE(engine.ok());
    p = (*engine)->pid();
    pool.release(std::move(engine).value());
  }
  EXPECT_TRUE(reaped(p));
}

// ---------------------------------------------------------------------------------------
// GtpAgent

TEST(GtpAgent, SpecsAndRefusals) {
  std::shared_ptr<const Game> go = go_game("go(size=9)");
  ASSERT_TRUE(go);
  Result<std::shared_ptr<const Game>> kuhn = make_game("kuhn_poker");
  ASSERT_TRUE(kuhn.ok());
  Result<std::unique_ptr<Agent>> a = make_agent("gtp:gnugo", **kuhn, 1);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, "bad_spec");
  EXPECT_NE(a.error().message.find("size"), std::string::npos) << a.error().message;
  a = make_agent("gtp", *go, 1);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, "bad_spec");
  a = make_agent("gtp:nosuchengine", *go, 1);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, "bad_spec");
  EXPECT_NE(a.error().message.find("gtp:gnugo"), std::string::npos) << a.error().message;
  EXPECT_NE(a.error().message.find("random"), std::string::npos) << a.error().message;
  a = make_agent("gtp:gnugo(level=11)", *go, 1);
  EXPECT_FALSE(a.ok());
  a = make_agent("gtp:gnugo(strength=1)", *go, 1);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("level"), std::string::npos) << a.error().message;
  a = make_agent("bad family:gnugo", *go, 1);
  EXPECT_FALSE(a.ok());
  a = make_agent("gtp(command=\"/no/such/engine --gtp\")", *go, 1);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, "engine_failed");

  const std::string spec = std::string("gtp(command=\"") + GTP_FAKE_ENGINE + " --tag specs\")";
  a = make_agent(spec, *go, 1);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ((*a)->name(), spec);
  a = make_agent("gtp:gnugo(level=3)", *go, 1);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ((*a)->name(), "gtp:gnugo(level=3)");
  a = make_agent(" gtp:gnugo ", *go, 1);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ((*a)->name(), "gtp:gnugo");
}

TEST(GtpAgent, SendsOnlyTheNewMovesWithinAMatch) {
  std::shared_ptr<const Game> go = go_game("go(size=9,komi=5.5,handicap=2)");
  ASSERT_TRUE(go);
  const std::string log = ::testing::TempDir() + "gtp_fake_log_" + std::to_string(::getpid());
  std::remove(log.c_str());
  Result<std::unique_ptr<GtpAgent>> fake = GtpAgent::create(*go, "fake", fake_engine({"--log", log}));
  ASSERT_TRUE(fake.ok()) << fake.error().message;
  RandomAgent random(3);
  // The fake plays White (it moves first after the handicap) and always passes.
  Rng chance(1);
  Result<MatchOutcome> m = play_local_match(*go, {&random, fake->get()}, chance);
  ASSERT_TRUE(m.ok()) << m.error().message;
  int white_decisions = 0;
  for (const Step& s : m->history) white_decisions += s.player == 1;
  std::ifstream in(log);
  int boardsize = 0, clear = 0, komi = 0, handicap = 0, plays = 0, genmoves = 0;
  for (std::string line; std::getline(in, line);) {
    boardsize += line.find(" boardsize 9") != std::string::npos;
    clear += line.find(" clear_board") != std::string::npos;
    komi += line.find(" komi 5.5") != std::string::npos;
    handicap += line.find(" fixed_handicap 2") != std::string::npos;
    genmoves += line.find(" genmove w") != std::string::npos;
    plays += line.find(" play b ") != std::string::npos;
    EXPECT_EQ(line.find(" play w "), std::string::npos) << "the engine's own move was sent back: " << line;
  }
  EXPECT_EQ(boardsize, 1);
  EXPECT_EQ(clear, 1);
  EXPECT_EQ(komi, 1);
  EXPECT_EQ(handicap, 1);
  EXPECT_EQ(genmoves, white_decisions);
  const int black_moves = static_cast<int>(m->history.size()) - white_decisions;
  EXPECT_GE(plays, black_moves - 1);
  EXPECT_LE(plays, black_moves);
  std::remove(log.c_str());
}

TEST(GtpAgent, ResignCrashAndHangAreErrorsWithTheirCodes) {
  std::shared_ptr<const Game> go = go_game("go(size=9)");
  ASSERT_TRUE(go);
  std::unique_ptr<State> state = go->new_initial_state();

  Result<std::unique_ptr<GtpAgent>> resigner = GtpAgent::create(*go, "fake", fake_engine({"--resign"}));
  ASSERT_TRUE(resigner.ok());
  Result<Decision> d = (*resigner)->choose(state->clone(), 0, {}).get();
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, "resign");

  Result<std::unique_ptr<GtpAgent>> crasher =
      GtpAgent::create(*go, "fake", fake_engine({"--crash-on", "genmove"}));
  ASSERT_TRUE(crasher.ok());
  pid_t p = (*crasher)->engine_pid();
  d = (*crasher)->choose(state->clone(), 0, {}).get();
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, "engine_failed");
  EXPECT_TRUE(reaped(p));

  Result<std::unique_ptr<GtpAgent>> hanger =
      GtpAgent::create(*go, "fake", fake_engine({"--hang-on", "genmove"}));
  ASSERT_TRUE(hanger.ok());
  p = (*hanger)->engine_pid();
  const auto start = gtp::Clock::now();
  d = (*hanger)->choose(state->clone(), 0, Budget{200ms}).get();
  const auto took = gtp::Clock::now() - start;
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, "timeout");
  EXPECT_LT(took, 200ms + GtpAgent::kMargin + 1s);
  EXPECT_TRUE(reaped(p));
}

TEST(GtpAgent, AFailedEngineIsReplacedAtTheNextDecision) {
  std::shared_ptr<const Game> go = go_game("go(size=9)");
  ASSERT_TRUE(go);
  std::unique_ptr<State> start = go->new_initial_state();
  std::unique_ptr<State> after_one = start->clone();
  ASSERT_TRUE(after_one->apply(40).ok());
  Result<std::unique_ptr<GtpAgent>> agent =
      GtpAgent::create(*go, "fake", fake_engine({"--crash-on", "play"}));
  ASSERT_TRUE(agent.ok());
  const pid_t first = (*agent)->engine_pid();
  ASSERT_TRUE((*agent)->choose(start->clone(), 0, {}).get().ok());
  Result<Decision> d = (*agent)->choose(after_one->clone(), 1, {}).get();
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, "engine_failed");
  EXPECT_TRUE(reaped(first));
  EXPECT_EQ((*agent)->engine_pid(), -1);
  ASSERT_TRUE((*agent)->choose(start->clone(), 0, {}).get().ok());
  EXPECT_GT((*agent)->engine_pid(), 0);
  EXPECT_NE((*agent)->engine_pid(), first);
}

TEST(GtpAgent, AgentsTakeTheSameEngineInTurn) {
  std::shared_ptr<const Game> go = go_game("go(size=9)");
  ASSERT_TRUE(go);
  std::unique_ptr<State> state = go->new_initial_state();
  const std::vector<std::string> argv = fake_engine({"--tag", "reuse"});
  pid_t first_pid;
  {
    Result<std::unique_ptr<GtpAgent>> a = GtpAgent::create(*go, "fake", argv);
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE((*a)->choose(state->clone(), 0, {}).get().ok());
    first_pid = (*a)->engine_pid();
  }
  EXPECT_EQ(gtp::GtpEnginePool::shared().idle(argv), 1u);
  Result<std::unique_ptr<GtpAgent>> b = GtpAgent::create(*go, "fake", argv);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->engine_pid(), first_pid);
  ASSERT_TRUE((*b)->choose(state->clone(), 0, {}).get().ok());
  // Two agents at once hold two engines.
  Result<std::unique_ptr<GtpAgent>> c = GtpAgent::create(*go, "fake", argv);
  ASSERT_TRUE(c.ok());
  EXPECT_NE((*c)->engine_pid(), first_pid);
}

TEST(GtpAgent, GnuGoBeatsRandomOnNineByNine) {
  ASSERT_FALSE(gnugo_path().empty());
  std::shared_ptr<const Game> go = go_game("go(size=9)");
  ASSERT_TRUE(go);
  for (Player gnugo_seat : {0, 1}) {
    Result<std::unique_ptr<Agent>> gnugo = make_agent("gtp:gnugo(level=1)", *go, 1);
    ASSERT_TRUE(gnugo.ok()) << gnugo.error().message;
    RandomAgent random(7);
    std::vector<Agent*> seats = {gnugo->get(), &random};
    if (gnugo_seat == 1) std::swap(seats[0], seats[1]);
    Rng chance(2);
    Result<MatchOutcome> m = play_local_match(*go, seats, chance);
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m->returns[gnugo_seat], 1.0) << "GNU Go lost to random as seat " << gnugo_seat;
    Result<std::unique_ptr<State>> replay = go->state_from_history(m->history);
    ASSERT_TRUE(replay.ok());
    EXPECT_TRUE((*replay)->is_terminal());
  }
}

TEST(GtpAgent, GnuGoPlaysItselfToTheEnd) {
  ASSERT_FALSE(gnugo_path().empty());
  std::shared_ptr<const Game> go = go_game("go(size=9,handicap=3)");
  ASSERT_TRUE(go);
  Result<std::unique_ptr<Agent>> black = make_agent("gtp:gnugo(level=1)", *go, 1);
  Result<std::unique_ptr<Agent>> white = make_agent("gtp:gnugo(level=1)", *go, 2);
  ASSERT_TRUE(black.ok() && white.ok());
  EXPECT_NE(static_cast<GtpAgent&>(**black).engine_pid(), static_cast<GtpAgent&>(**white).engine_pid());
  Rng chance(3);
  Result<MatchOutcome> m = play_local_match(*go, {black->get(), white->get()}, chance);
  if (!m.ok()) {
    // GNU Go may resign a lost game; anything else is a failure.
    EXPECT_EQ(m.error().code, "resign") << m.error().message;
    return;
  }
  EXPECT_EQ(m->returns[0] + m->returns[1], 0.0);
  EXPECT_GT(m->history.size(), 20u);
}

// ---------------------------------------------------------------------------------------
// The differential test: our Go against GNU Go's rules

// Replays seeded random games of our Go into GNU Go: every move must be accepted; every few
// plies the legal points must agree (apart from superko, which GNU Go does not check) and
// GNU Go's own move (at every third check) must be legal in ours; at the end the stones must
// be the same.
void replay_random_games(int size, int handicap, int games) {
  std::unique_ptr<GtpEngine> gnugo = start_gnugo(1);
  ASSERT_TRUE(gnugo);
  const std::string spec = "go(size=" + std::to_string(size) + ",handicap=" + std::to_string(handicap) + ")";
  std::shared_ptr<const Game> game = go_game(spec);
  ASSERT_TRUE(game);
  const auto& go = static_cast<const GoGame&>(*game);
  auto send = [&](const std::string& command) {
    Result<std::string> r = gnugo->send(command, 30s);
    EXPECT_TRUE(r.ok()) << spec << ": '" << command << "': " << r.error().message;
    return r.ok() ? *r : std::string();
  };
  for (int g = 0; g < games; ++g) {
    SCOPED_TRACE(spec + " game " + std::to_string(g));
    send("boardsize " + std::to_string(size));
    send("clear_board");
    send("komi 7.5");
    if (handicap > 0) {
      const std::set<Action> theirs =
          parse_vertices(size, send("fixed_handicap " + std::to_string(handicap)));
      Result<std::vector<Action>> ours = fixed_handicap_points(size, handicap);
      ASSERT_TRUE(ours.ok());
      EXPECT_EQ(theirs, std::set<Action>(ours->begin(), ours->end()));
    }
    Rng rng(1000 * size + 10 * handicap + g);
    std::unique_ptr<State> state = game->new_initial_state();
    int checks = 0;
    while (!state->is_terminal()) {
      const Player seat = state->current_player();
      const auto& go_state = static_cast<const GoState&>(*state);
      if (state->ply() % 9 == 0) {
        ++checks;
        const go::Color c = seat == 0 ? go::kBlack : go::kWhite;
        for (Action a = 0; a < size * size; ++a) {
          const go::Illegal ours = go_state.board().check(go.to_point(a), c);
          if (ours == go::Illegal::kSuperko) continue;
          const std::string vertex = go_vertex(size, a);
          const bool theirs = send(std::string("is_legal ") + color(seat) + " " + vertex) == "1";
          ASSERT_EQ(ours == go::Illegal::kNone, theirs)
              << color(seat) << " " << vertex << " at ply " << state->ply() << "\n"
              << state->to_string();
        }
        // GNU Go's genmove is slow on 13x13: asked at every third check.
        const std::string answer = checks % 3 == 1 ? send(std::string("genmove ") + color(seat)) : "resign";
        if (answer != "resign") {
          Result<Action> a = state->parse_action(seat, answer);
          ASSERT_TRUE(a.ok()) << answer;
          EXPECT_TRUE(state->is_legal(*a))
              << "GNU Go's " << answer << " is illegal in ours at ply " << state->ply() << "\n"
              << state->to_string();
          send("undo");
        }
      }
      const std::vector<Action> moves = state->playout_actions();
      const Action a = moves[rng.uniform(moves.size())];
      const std::string vertex = state->action_to_string(seat, a);
      Result<std::string> r = gnugo->send(std::string("play ") + color(seat) + " " + vertex, 30s);
      ASSERT_TRUE(r.ok()) << "GNU Go refused our " << color(seat) << " " << vertex << " at ply "
                          << state->ply() << ": " << r.error().message << "\n"
                          << state->to_string();
      ASSERT_TRUE(state->apply(a).ok());
    }
    EXPECT_GT(checks, 3);
    // The same stones on both boards (captures agree).
    const auto& board = static_cast<const GoState&>(*state).board();
    std::set<Action> black, white;
    for (Action a = 0; a < size * size; ++a) {
      if (board.at(go.to_point(a)) == go::kBlack) black.insert(a);
      if (board.at(go.to_point(a)) == go::kWhite) white.insert(a);
    }
    EXPECT_EQ(parse_vertices(size, send("list_stones black")), black);
    EXPECT_EQ(parse_vertices(size, send("list_stones white")), white);
  }
}

TEST(GtpDifferential, RandomGamesNineByNine) { replay_random_games(9, 0, 4); }
TEST(GtpDifferential, RandomGamesNineByNineHandicap) { replay_random_games(9, 4, 3); }
TEST(GtpDifferential, RandomGamesThirteenByThirteen) { replay_random_games(13, 0, 2); }
TEST(GtpDifferential, RandomGamesThirteenByThirteenHandicap) { replay_random_games(13, 5, 2); }

// ---------------------------------------------------------------------------------------
// GtpServer

std::unique_ptr<GtpServer> server(const std::string& agent = "random") {
  Result<std::unique_ptr<GtpServer>> s = GtpServer::create(agent, 1);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return s.ok() ? std::move(s).value() : nullptr;
}

TEST(GtpServer, AnswersTheAdministrativeCommands) {
  std::unique_ptr<GtpServer> s = server();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->handle_line("1 protocol_version"), "=1 2\n\n");
  EXPECT_EQ(s->handle_line("name"), "= Arena\n\n");
  EXPECT_EQ(s->handle_line("version"), "= agent random\n\n");
  EXPECT_EQ(s->handle_line("known_command genmove"), "= true\n\n");
  EXPECT_EQ(s->handle_line("known_command fly"), "= false\n\n");
  EXPECT_EQ(s->handle_line("7 fly"), "?7 unknown command\n\n");
  EXPECT_EQ(s->handle_line("# nothing"), "");
  EXPECT_EQ(s->handle_line("   "), "");
  const std::string list = s->handle_line("list_commands");
  for (const char* c : {"boardsize", "clear_board", "komi", "play", "genmove", "undo", "final_score",
                        "showboard", "fixed_handicap", "place_free_handicap", "set_free_handicap", "quit"}) {
    EXPECT_NE(list.find(std::string("\n") + c + "\n"), std::string::npos) << c;
  }
  EXPECT_FALSE(s->quit_requested());
  EXPECT_EQ(s->handle_line("quit"), "= \n\n");
  EXPECT_TRUE(s->quit_requested());
  EXPECT_FALSE(GtpServer::create("nosuchagent", 1).ok());
}

TEST(GtpServer, PlaysUndoesAndScores) {
  std::unique_ptr<GtpServer> s = server();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->handle_line("boardsize 4"), "? unacceptable size\n\n");
  EXPECT_EQ(s->handle_line("boardsize nine"), "? syntax error\n\n");
  EXPECT_EQ(s->handle_line("boardsize 9"), "= \n\n");
  EXPECT_EQ(s->handle_line("komi 6.5"), "= \n\n");
  EXPECT_EQ(s->state().game().spec(), "go(size=9,komi=6.5)");
  EXPECT_EQ(s->handle_line("final_score"), "= W+6.5\n\n");
  EXPECT_EQ(s->handle_line("play b d4"), "= \n\n");
  EXPECT_EQ(s->handle_line("play w D4"), "? illegal move\n\n");
  EXPECT_EQ(s->handle_line("play w Z4"), "? syntax error\n\n");
  EXPECT_EQ(s->handle_line("play x D5"), "? syntax error\n\n");
  EXPECT_EQ(s->state().ply(), 1);
  // Black again: White passes in between.
  EXPECT_EQ(s->handle_line("play black E5"), "= \n\n");
  EXPECT_EQ(s->state().ply(), 3);
  EXPECT_EQ(s->handle_line("undo"), "= \n\n");
  EXPECT_EQ(s->state().ply(), 1);
  const std::string reply = s->handle_line("genmove w");
  ASSERT_EQ(reply.substr(0, 2), "= ") << reply;
  EXPECT_EQ(s->state().ply(), 2);
  const std::string vertex = reply.substr(2, reply.size() - 4);
  EXPECT_EQ(s->state().action_to_string(1, s->state().history().back().action), vertex);
  const std::string board = s->handle_line("showboard");
  EXPECT_EQ(board.substr(0, 3), "= \n") << board;
  EXPECT_NE(board.find('X'), std::string::npos) << board;
  EXPECT_EQ(s->handle_line("undo"), "= \n\n");
  EXPECT_EQ(s->handle_line("undo"), "= \n\n");
  EXPECT_EQ(s->handle_line("undo"), "? cannot undo\n\n");
  // Komi mid-game keeps the moves.
  EXPECT_EQ(s->handle_line("play b E5"), "= \n\n");
  EXPECT_EQ(s->handle_line("komi 0"), "= \n\n");
  EXPECT_EQ(s->state().ply(), 1);
  // One black stone and nothing else: Black owns the board.
  EXPECT_EQ(s->handle_line("final_score"), "= B+81\n\n");
  // Two passes end the game; genmove then passes.
  EXPECT_EQ(s->handle_line("play w pass"), "= \n\n");
  EXPECT_EQ(s->handle_line("play b pass"), "= \n\n");
  EXPECT_TRUE(s->state().is_terminal());
  EXPECT_EQ(s->handle_line("genmove w"), "= pass\n\n");
  EXPECT_EQ(s->handle_line("play w C3"), "? illegal move\n\n");
  EXPECT_EQ(s->handle_line("clear_board"), "= \n\n");
  EXPECT_EQ(s->state().ply(), 0);
}

TEST(GtpServer, Handicaps) {
  std::unique_ptr<GtpServer> s = server();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->handle_line("boardsize 9"), "= \n\n");
  const std::string fixed = s->handle_line("fixed_handicap 2");
  Result<std::vector<Action>> points = fixed_handicap_points(9, 2);
  ASSERT_TRUE(points.ok());
  EXPECT_EQ(parse_vertices(9, fixed.substr(2)), std::set<Action>(points->begin(), points->end())) << fixed;
  EXPECT_EQ(s->state().current_player(), 1);
  EXPECT_EQ(s->handle_line("fixed_handicap 2"), "? board not empty\n\n");
  EXPECT_EQ(s->handle_line("clear_board"), "= \n\n");
  EXPECT_EQ(s->handle_line("fixed_handicap 1"), "? invalid number of stones\n\n");
  EXPECT_EQ(s->handle_line("fixed_handicap 10"), "? invalid number of stones\n\n");
  // place_free_handicap may place fewer than asked.
  const std::string free = s->handle_line("place_free_handicap 12");
  EXPECT_EQ(parse_vertices(9, free.substr(2)).size(), 9u) << free;
  EXPECT_EQ(s->handle_line("clear_board"), "= \n\n");
  EXPECT_EQ(s->handle_line("set_free_handicap D4 F6 A1"), "= \n\n");
  EXPECT_EQ(s->state().current_player(), 1);
  EXPECT_EQ(s->handle_line("play w D4"), "? illegal move\n\n");
  EXPECT_EQ(s->handle_line("play w A2"), "= \n\n");
  EXPECT_EQ(s->handle_line("komi 0"), "= \n\n");
  EXPECT_EQ(s->state().ply(), 1);
  EXPECT_EQ(s->handle_line("clear_board"), "= \n\n");
  EXPECT_EQ(s->handle_line("set_free_handicap D4 D4"), "? bad vertex list\n\n");
  EXPECT_EQ(s->handle_line("set_free_handicap D4"), "? bad vertex list\n\n");
}

TEST(GtpServer, ServesAStreamAndAnswersResignation) {
  std::unique_ptr<GtpServer> s = server(std::string("gtp(command=\"") + GTP_FAKE_ENGINE + " --resign\")");
  ASSERT_TRUE(s);
  std::istringstream in("1 boardsize 9\n# a comment\n\n2 genmove b\n3 quit\n4 name\n");
  std::ostringstream out;
  s->serve(in, out);
  EXPECT_EQ(out.str(), "=1 \n\n=2 resign\n\n=3 \n\n");
}

// `arena gtp --agent random` against GNU Go, both driven by our own GTP client.
TEST(GtpServer, ArenaGtpPlaysAFullGameAgainstGnuGo) {
  std::unique_ptr<GtpEngine> gnugo = start_gnugo(1);
  ASSERT_TRUE(gnugo);
  Result<std::unique_ptr<GtpEngine>> arena =
      GtpEngine::start({ARENA_BINARY, "gtp", "--agent", "random", "--seed", "5"});
  ASSERT_TRUE(arena.ok()) << arena.error().message;
  std::shared_ptr<const Game> game = go_game("go(size=9)");
  ASSERT_TRUE(game);
  for (GtpEngine* e : {gnugo.get(), arena->get()}) {
    for (const char* c : {"boardsize 9", "clear_board", "komi 7.5"}) {
      Result<std::string> r = e->send(c, 30s);
      ASSERT_TRUE(r.ok()) << c << ": " << r.error().message;
    }
  }
  Result<std::string> v = (*arena)->send("protocol_version", 10s);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, "2");
  std::unique_ptr<State> state = game->new_initial_state();
  bool resigned = false;
  while (!state->is_terminal()) {
    const Player seat = state->current_player();
    GtpEngine* mover = seat == 0 ? arena->get() : gnugo.get();  // arena plays Black
    GtpEngine* other = seat == 0 ? gnugo.get() : arena->get();
    Result<std::string> answer = mover->send(std::string("genmove ") + color(seat), 30s);
    ASSERT_TRUE(answer.ok()) << answer.error().message;
    if (*answer == "resign") {
      resigned = true;
      break;
    }
    Result<Action> a = state->parse_action(seat, *answer);
    ASSERT_TRUE(a.ok()) << *answer;
    ASSERT_TRUE(state->apply(*a).ok()) << *answer;
    Result<std::string> played = other->send(std::string("play ") + color(seat) + " " + *answer, 30s);
    ASSERT_TRUE(played.ok()) << played.error().message;
  }
  EXPECT_GT(state->ply(), 20);
  Result<std::string> score = (*arena)->send("final_score", 10s);
  ASSERT_TRUE(score.ok());
  EXPECT_EQ(*score, format_score(area_score(static_cast<const GoState&>(*state))));
  if (!resigned) {
    EXPECT_EQ(score->substr(0, 2), "W+") << "random beat GNU Go?";
  }
  Result<std::string> board = (*arena)->send("showboard", 10s);
  ASSERT_TRUE(board.ok());
  EXPECT_NE(board->find('O'), std::string::npos);
  const pid_t p = (*arena)->pid();
  Result<std::string> quit = (*arena)->send("quit", 10s);
  EXPECT_TRUE(quit.ok());
  arena->reset();
  EXPECT_TRUE(reaped(p));
}

}  // namespace
}  // namespace arena
