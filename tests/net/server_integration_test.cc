// Integration tests of `arena serve`: the real binary (ARENA_BINARY) with a temporary
// database, driven by real HTTP and WebSocket clients (tests/net/server_harness.h). Each
// test starts its own server and stops it with SIGTERM, checking that it exits cleanly.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "tests/net/server_harness.h"

namespace arena::harness {
namespace {

// Server messages are read through non-const Json: operator[] on a const Json with a missing
// key is undefined behaviour, on a non-const one it gives null, and the check fails cleanly.

[[noreturn]] void fail(const std::string& why) { throw std::runtime_error(why); }

bool is_type(const Json& j, const std::string& type) {
  return j.is_object() && j.contains("type") && j["type"] == type;
}
bool is_error(const Json& j, const std::string& code) {
  return is_type(j, "error") && j.value("code", "") == code;
}

std::string describe(const std::optional<Json>& j) { return j ? j->dump() : "(nothing)"; }

// A registered bot.
struct Bot {
  int64_t id = 0;
  std::string name;
  std::string token;
};

// Chooses a move from a `state` message in which the bot is to act.
using Strategy = std::function<std::string(Json state)>;

// Always checks or calls: every hand of Kuhn poker then ends in a showdown.
std::string check_or_call(Json state) {
  for (const Json& a : state["legal"]) {
    if (a == "check" || a == "call") return a;
  }
  return state["legal"][0];
}

// One bot's side of one match on its connection: it keeps the match's messages and answers
// the states in which its seat is to act. Everything it waits for has a deadline.
class MatchClient {
 public:
  explicit MatchClient(WsClient& ws, int64_t match_id = 0) : ws_(ws), match_id_(match_id) {}

  // Challenges a house agent and waits for the match to start: its match_start and the
  // challenge's ack, which must name the same match.
  void challenge(const std::string& game, const std::string& agent = "random") {
    const std::string ref = "challenge-" + std::to_string(++refs_);
    ws_.send_json({{"type", "challenge"}, {"to", agent}, {"game", game}, {"ref", ref}});
    while (!replies_.count(ref) || start_.is_null()) {
      next();
      if (replies_.count(ref) && !is_type(replies_[ref], "ack"))
        fail("challenge refused: " + replies_[ref].dump());
    }
    if (replies_[ref]["match_id"] != match_id_) {
      fail("the challenge's ack names " + replies_[ref].dump() + " but match_start " + start_.dump());
    }
  }

  // Waits for this match's match_start (when coming back to a match).
  Json wait_start() {
    while (start_.is_null()) next();
    return start_;
  }

  // Waits until the bot is to act; gives that state, or nullopt when the match ended first.
  std::optional<Json> next_turn() {
    while (!turn_ && end_.is_null()) next();
    if (!end_.is_null()) return std::nullopt;
    return turn_;
  }

  // Sends a move and waits for its answer (ack or error).
  Json move(int ply, const std::string& action) {
    const std::string ref = "move-" + std::to_string(++refs_);
    ws_.send_json(
        {{"type", "move"}, {"match_id", match_id_}, {"ply", ply}, {"action", action}, {"ref", ref}});
    while (!replies_.count(ref)) next();
    Json reply = replies_[ref];
    if (is_type(reply, "ack")) {
      ++acked_;
      if (reply["match_id"] != match_id_ || reply["ply"] != ply)
        ADD_FAILURE() << "ack of another move: " << reply;
      if (turn_ && (*turn_)["ply"] == ply) turn_.reset();
    }
    return reply;
  }

  // Plays to the end, every move acknowledged; gives match_end.
  Json play_out(const Strategy& strategy) {
    while (std::optional<Json> turn = next_turn()) {
      const std::string action = strategy(*turn);
      Json reply = move((*turn)["ply"], action);
      if (!is_type(reply, "ack")) fail("move '" + action + "' refused: " + reply.dump());
    }
    return end_;
  }

  int64_t match_id() const { return match_id_; }
  int seat() const { return seat_; }
  Json start() const { return start_; }
  Json end() const { return end_; }
  const std::vector<Json>& states() const { return states_; }
  int acked() const { return acked_; }
  // Messages that were not for this match nor an answer to it.
  const std::vector<Json>& others() const { return others_; }

 private:
  Json next() {
    std::optional<Json> m = ws_.receive_json(10s);
    if (!m) {
      fail("no message within 10 s in match " + std::to_string(match_id_) +
           (ws_.is_open() ? "" : " (connection closed: " + ws_.read_error().message() + ")"));
    }
    handle(*m);
    return *m;
  }

  void handle(Json m) {
    if ((is_type(m, "ack") || is_type(m, "error")) && m.contains("ref")) {
      replies_[m["ref"].is_string() ? m["ref"].get<std::string>() : m["ref"].dump()] = m;
    } else if (is_type(m, "match_start") && (match_id_ == 0 || m["match_id"] == match_id_)) {
      start_ = m;
      match_id_ = m["match_id"];
      seat_ = m["seat"];
    } else if (is_type(m, "state") && m["match_id"] == match_id_ && match_id_ != 0) {
      states_.push_back(m);
      const Json to_act = m["to_act"];
      if (std::find(to_act.begin(), to_act.end(), Json(seat_)) != to_act.end() && !m["legal"].empty()) {
        turn_ = m;
      }
    } else if (is_type(m, "match_end") && m["match_id"] == match_id_) {
      end_ = m;
    } else {
      others_.push_back(m);
    }
  }

  WsClient& ws_;
  int64_t match_id_;
  int seat_ = -1;
  int refs_ = 0;
  int acked_ = 0;
  Json start_;
  Json end_;
  std::optional<Json> turn_;
  std::vector<Json> states_;
  std::map<std::string, Json> replies_;
  std::vector<Json> others_;
};

class ServeTest : public ::testing::Test {
 protected:
  explicit ServeTest(ServerOptions options = {}) : server_(ARENA_BINARY, options) {}
  void SetUp() override { server_.start(); }

  void TearDown() override {
    if (server_.running()) expect_clean_exit(server_.stop());
  }

  static void expect_clean_exit(const ExitInfo& exit) {
    EXPECT_FALSE(exit.killed) << "arena serve did not stop within its grace after SIGTERM:\n" << exit.output;
    EXPECT_TRUE(exit.exited) << "ended by signal " << exit.signal << "\n" << exit.output;
    EXPECT_EQ(exit.code, 0) << exit.output;
    EXPECT_NE(exit.output.find("arena: stopped"), std::string::npos) << exit.output;
  }

  uint16_t port() const { return server_.port(); }

  Bot register_bot(const std::string& name) {
    const HttpResult r = http_post(port(), "/api/bots", Json{{"name", name}}.dump());
    if (r.status != 201) fail("POST /api/bots " + name + ": " + std::to_string(r.status) + " " + r.body);
    Json j = r.json();
    return Bot{j.at("player_id").get<int64_t>(), name, j.at("token").get<std::string>()};
  }

  // A connection with the bot's token; checks the welcome.
  std::unique_ptr<WsClient> connect(const Bot& bot) {
    auto ws = std::make_unique<WsClient>();
    if (ErrorCode ec = ws->connect(port(), {{"Authorization", "Bearer " + bot.token}})) {
      fail("cannot connect " + bot.name + ": " + ec.message());
    }
    std::optional<Json> welcome = ws->receive_json();
    if (!welcome || !is_type(*welcome, "welcome")) fail("expected welcome, got " + describe(welcome));
    EXPECT_EQ((*welcome)["player"]["name"], bot.name);
    EXPECT_EQ((*welcome)["player"]["id"], bot.id);
    EXPECT_EQ((*welcome)["player"]["kind"], "bot");
    EXPECT_EQ((*welcome)["player"]["guest"], false);
    return ws;
  }

  // A guest connection (no token); checks the welcome.
  std::unique_ptr<WsClient> connect_guest() {
    auto ws = std::make_unique<WsClient>();
    if (ErrorCode ec = ws->connect(port())) fail("cannot connect a guest: " + ec.message());
    std::optional<Json> welcome = ws->receive_json();
    if (!welcome || !is_type(*welcome, "welcome")) fail("expected welcome, got " + describe(welcome));
    EXPECT_EQ((*welcome)["player"]["guest"], true);
    return ws;
  }

  // The stored record of a match (GET /api/matches/<id>).
  Json stored_match(int64_t id) {
    const HttpResult r = http_get(port(), "/api/matches/" + std::to_string(id));
    if (r.status != 200)
      fail("GET /api/matches/" + std::to_string(id) + ": " + std::to_string(r.status) + " " + r.body);
    return r.json();
  }

  // Solves 3 3 8 8 (8/3, 3-8/3 = 1/3, 8/(1/3) = 24); gives the finished match's end.
  static Json solve_3388(MatchClient& match) {
    match.challenge("game24(numbers='3 3 8 8')");
    for (const char* step : {"8/3", "3-(8/3)", "8/(1/3)"}) {
      std::optional<Json> turn = match.next_turn();
      if (!turn) fail(std::string("the puzzle ended before ") + step + ": " + match.end().dump());
      Json reply = match.move((*turn)["ply"], step);
      if (!is_type(reply, "ack")) fail(std::string("step ") + step + " refused: " + reply.dump());
    }
    if (match.next_turn()) fail("the puzzle still asks for a move after 8/(1/3)");
    return match.end();
  }

  ServerProcess server_;
};

// Every state the spectator got shows no hole card before the showdown, and both at it.
void expect_no_hole_cards(const std::vector<Json>& states) {
  for (Json s : states) {
    Json view = s["state"]["state"];
    EXPECT_TRUE(s["seat"].is_null()) << s;
    EXPECT_EQ(s["legal"], Json::array()) << s;
    if (view["showdown"] == true) {
      EXPECT_FALSE(view["cards"][0].is_null() || view["cards"][1].is_null())
          << "showdown without cards: " << s;
    } else {
      EXPECT_EQ(view["cards"], Json::array({nullptr, nullptr})) << "a hole card shown to a spectator: " << s;
    }
  }
}

int count_moves_of_seat(Json record, int seat) {
  int n = 0;
  for (Json m : record["moves"]) n += m["seat"] == seat ? 1 : 0;
  return n;
}

// A person who picked a name is named by the session cookie on /ws, and plays rated; the same
// browser as a guest plays unrated.
TEST_F(ServeTest, APersonsSessionCookieNamesThemOnTheWebSocketAndTheirMatchesAreRated) {
  const HttpResult r = http_post(port(), "/api/humans", R"({"name":"alice"})");
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string set_cookie = r.header("set-cookie");
  const std::string session = set_cookie.substr(0, set_cookie.find(';'));
  ASSERT_EQ(session.rfind("arena_session=", 0), 0u) << set_cookie;
  ASSERT_NE(session, "arena_session=" + r.json()["token"].get<std::string>()) << "a session, not the token";

  auto play_kuhn = [&](WsClient& ws) {
    MatchClient match(ws);
    match.challenge("kuhn_poker");
    match.play_out([](const Json& turn) { return turn["legal"][0].get<std::string>(); });
    return stored_match(match.match_id());
  };
  WsClient person;
  ASSERT_FALSE(person.connect(port(), {{"Cookie", session}}));
  std::optional<Json> welcome = person.receive_json();
  ASSERT_TRUE(welcome && is_type(*welcome, "welcome")) << describe(welcome);
  EXPECT_EQ((*welcome)["player"]["name"], "alice");
  EXPECT_EQ((*welcome)["player"]["kind"], "human");
  EXPECT_EQ((*welcome)["player"]["guest"], false);
  const Json rated = play_kuhn(person);
  EXPECT_TRUE(rated["rated"].get<bool>());
  EXPECT_TRUE(rated["seats"][0]["name"] == "alice" || rated["seats"][1]["name"] == "alice") << rated;

  std::unique_ptr<WsClient> guest = connect_guest();
  EXPECT_FALSE(play_kuhn(*guest)["rated"].get<bool>()) << "guests play unrated";
}

// The first column of the first row of `sql` on the served database (read beside the
// server: WAL lets a reader in), as text; "" when there is no row.
std::string query_db(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    fail("cannot open " + path.string());
  }
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> guard(db, &sqlite3_close);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) fail(sqlite3_errmsg(db));
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    if (const unsigned char* text = sqlite3_column_text(stmt, 0)) out = reinterpret_cast<const char*>(text);
  }
  sqlite3_finalize(stmt);
  return out;
}

// A guest's row is written only once its WebSocket handshake has succeeded: upgrades that
// Beast refuses (a bad version, a bad key) leave no player behind.
TEST_F(ServeTest, ARefusedWebSocketHandshakeLeavesNoGuestRow) {
  const std::string guests = "SELECT COUNT(*) FROM players WHERE name LIKE 'guest-%'";
  const Headers upgrade = {{"Connection", "Upgrade"}, {"Upgrade", "websocket"}};
  const std::vector<Headers> bad = {
      {{"Sec-WebSocket-Version", "12"}, {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}},
      {{"Sec-WebSocket-Version", "13"}},                                               // no key
      {{"Sec-WebSocket-Version", "13"}, {"Sec-WebSocket-Key", std::string(64, 'k')}},  // a key too long
  };
  for (const Headers& extra : bad) {
    Headers headers = upgrade;
    headers.insert(headers.end(), extra.begin(), extra.end());
    const HttpResult r = http_request(port(), "GET", "/ws", "", headers);
    EXPECT_GE(r.status, 400u) << r.status << " " << r.body;
  }
  // Let any write the refused upgrades might have queued land before looking.
  EXPECT_EQ(http_get(port(), "/api/health").status, 200u);
  EXPECT_EQ(query_db(server_.db_path(), guests), "0");

  // A good handshake does make the guest's row, named by the whole hash of its cookie.
  std::unique_ptr<WsClient> guest = std::make_unique<WsClient>();
  ASSERT_FALSE(guest->connect(port()));
  std::optional<Json> welcome = guest->receive_json();
  ASSERT_TRUE(welcome && is_type(*welcome, "welcome")) << describe(welcome);
  const std::string name = (*welcome)["player"]["name"];
  EXPECT_EQ(name.size(), 6u + 64u) << name;
  EXPECT_EQ(name.find_first_not_of("0123456789abcdef", 6), std::string::npos) << name;
  ASSERT_TRUE((*welcome)["player"]["id"].is_number_integer()) << *welcome;
  EXPECT_EQ(query_db(server_.db_path(), "SELECT id FROM players WHERE name = '" + name + "'"),
            std::to_string((*welcome)["player"]["id"].get<int64_t>()));
  EXPECT_EQ(query_db(server_.db_path(), guests), "1");
}

// Another site's page cannot open /ws with the user's cookies; the served origin can.
TEST_F(ServeTest, AWebSocketFromAForeignOriginIsRefused) {
  WsClient foreign;
  EXPECT_TRUE(foreign.connect(port(), {{"Origin", "http://evil.example"}}));
  EXPECT_EQ(foreign.upgrade_response().status, 403u);
  EXPECT_NE(foreign.upgrade_response().body.find("forbidden"), std::string::npos)
      << foreign.upgrade_response().body;

  WsClient own;
  ASSERT_FALSE(own.connect(port(), {{"Origin", "http://127.0.0.1:" + std::to_string(port())}}));
  std::optional<Json> welcome = own.receive_json();
  EXPECT_TRUE(welcome && is_type(*welcome, "welcome")) << describe(welcome);
  EXPECT_EQ(query_db(server_.db_path(), "SELECT COUNT(*) FROM players WHERE name LIKE 'guest-%'"), "1")
      << "the refused browser got no row";
}

// ---------------------------------------------------------------------------------------
// 1. Registration, a welcome, several matches against the house agent, the record, the
//    leaderboard.

TEST_F(ServeTest, BotRegistersPlaysSeveralKuhnMatchesAndIsOnTheLeaderboard) {
  const Bot bot = register_bot("integration-bot");
  EXPECT_GT(bot.id, 0);
  EXPECT_EQ(bot.token.size(), 64u);

  const HttpResult again = http_post(port(), "/api/bots", Json{{"name", bot.name}}.dump());
  EXPECT_EQ(again.status, 409u) << again.body;
  EXPECT_EQ(again.json()["error"]["code"], "conflict") << again.body;

  std::unique_ptr<WsClient> ws = connect(bot);
  std::mt19937 rng(7);
  const Strategy random_move = [&rng](Json state) {
    const Json legal = state["legal"];
    return legal[std::uniform_int_distribution<size_t>(0, legal.size() - 1)(rng)].get<std::string>();
  };

  constexpr int kMatches = 4;
  std::set<int64_t> ids;
  for (int i = 0; i < kMatches; ++i) {
    SCOPED_TRACE("match " + std::to_string(i));
    MatchClient match(*ws);
    match.challenge("kuhn_poker");
    ids.insert(match.match_id());
    Json start = match.start();
    EXPECT_EQ(start["game"], "kuhn_poker");
    ASSERT_EQ(start["seats"].size(), 2u) << start;
    EXPECT_EQ(start["seats"][match.seat()]["name"], bot.name) << start;
    EXPECT_EQ(start["seats"][1 - match.seat()]["name"], "random") << start;

    Json end = match.play_out(random_move);
    EXPECT_EQ(end["status"], "finished") << end;
    EXPECT_EQ(end["reason"], "normal") << end;
    ASSERT_EQ(end["result"].size(), 2u) << end;
    EXPECT_EQ(end["result"][0].get<double>() + end["result"][1].get<double>(), 0.0) << end;
    EXPECT_GE(match.acked(), 1);
    EXPECT_TRUE(match.others().empty()) << match.others().front();

    // The bot saw its own card, never the agent's, whenever it was to act; the last state
    // it got is the end, with the same returns.
    for (Json s : match.states()) {
      if (s["legal"].empty()) continue;
      Json cards = s["state"]["state"]["cards"];
      EXPECT_TRUE(cards[match.seat()].is_string()) << s;
      EXPECT_TRUE(cards[1 - match.seat()].is_null()) << s;
    }
    ASSERT_FALSE(match.states().empty());
    EXPECT_EQ(match.states().back()["state"]["terminal"], true) << match.states().back();
    EXPECT_EQ(match.states().back()["state"]["returns"], end["result"]) << match.states().back();

    Json record = stored_match(match.match_id());
    EXPECT_EQ(record["status"], "finished") << record;
    EXPECT_EQ(record["result"], end["result"]) << record;
    EXPECT_EQ(record["termination"], "normal") << record;
    EXPECT_EQ(record["seats"][match.seat()]["name"], bot.name) << record;
    EXPECT_EQ(count_moves_of_seat(record, match.seat()), match.acked()) << record;
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kMatches));

  const HttpResult board = http_get(port(), "/api/leaderboard?game=kuhn_poker");
  ASSERT_EQ(board.status, 200u) << board.body;
  Json table = board.json();
  bool ranked = false, live = false;
  for (Json row : table["bradley_terry"]) {
    if (row["name"] != bot.name) continue;
    ranked = true;
    EXPECT_EQ(row["player_id"], bot.id) << row;
    EXPECT_EQ(row["games"], kMatches) << row;
  }
  for (Json row : table["live"]) {
    if (row["name"] != bot.name) continue;
    live = true;
    EXPECT_EQ(row["games"], kMatches) << row;
  }
  EXPECT_TRUE(ranked) << table;
  EXPECT_TRUE(live) << table;
}

// With the repository's models/ (and no training runs), the shipped shared agent is the
// arena's: offered as an opponent in every game, seated in the house matches, rated with
// intervals, and it accepts a bot's challenge.
class ServeShippedModelTest : public ServeTest {
 protected:
  static ServerOptions options() {
    ServerOptions o;
    o.shipped_models = true;
    o.house_matches = 2;
    o.extra_args = {"--house-games", "connect_four;kuhn_poker"};
    return o;
  }
  ServeShippedModelTest() : ServeTest(options()) {}
};

TEST_F(ServeShippedModelTest, TheSharedAgentPlaysHouseMatchesAndAcceptsAChallenge) {
  const std::string out = server_.output();
  const size_t at = out.find("the shared agent is ");
  ASSERT_NE(at, std::string::npos) << out;
  const std::string shared = out.substr(at + 20, out.find('\n', at) - at - 20);
  ASSERT_EQ(shared.rfind("nn:", 0), 0u) << shared;

  std::optional<Json> games = parse_json(http_get(port(), "/api/games").body);
  ASSERT_TRUE(games && games->is_array());
  for (const Json& g : *games) {
    bool offered = false;
    for (const Json& o : g["opponents"]) offered = offered || o == shared;
    EXPECT_TRUE(offered) << g["name"] << " does not offer " << shared << ": " << g["opponents"];
  }

  // A bot challenges it in Kuhn poker and plays to the end.
  const Bot bot = register_bot("shipped-bot");
  std::unique_ptr<WsClient> ws = connect(bot);
  std::mt19937 rng(3);
  MatchClient match(*ws);
  match.challenge("kuhn_poker", shared);
  Json start = match.start();
  EXPECT_EQ(start["seats"][1 - match.seat()]["name"], shared) << start;
  Json end = match.play_out([&rng](Json state) {
    const Json legal = state["legal"];
    return legal[std::uniform_int_distribution<size_t>(0, legal.size() - 1)(rng)].get<std::string>();
  });
  EXPECT_EQ(end["status"], "finished") << end;

  // House matches seat it: within a while, it has rated games in both house games, each
  // row with an interval.
  for (const std::string game : {"connect_four", "kuhn_poker"}) {
    SCOPED_TRACE(game);
    bool rated = false;
    Json table;
    for (int tries = 0; tries < 600 && !rated; ++tries) {
      table = http_get(port(), "/api/leaderboard?game=" + game).json();
      for (const Json& row : table["bradley_terry"]) {
        if (row["name"] != shared || row["games"].get<int>() < (game == "kuhn_poker" ? 2 : 1)) continue;
        rated = true;
        EXPECT_TRUE(row.contains("low") && row.contains("high")) << row;
      }
      if (!rated) std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(rated) << table;
  }
}

// Started from a folder without web/ and no --web, the server finds the web UI of the tree
// it was built from, says so, and serves each game family's board from its folder.
TEST(ServeWithoutWebFlag, FindsTheWebUiAndTheFamiliesBoards) {
  ServerOptions options;
  options.web_flag = false;
  options.house_matches = 0;
  ServerProcess server(ARENA_BINARY, options);
  server.start();
  HttpResult index = http_get(server.port(), "/");
  EXPECT_EQ(index.status, 200u) << index.body;
  EXPECT_NE(index.body.find("<main"), std::string::npos);
  EXPECT_NE(server.output().find("web UI from "), std::string::npos) << server.output();
  std::optional<Json> games = parse_json(http_get(server.port(), "/api/games").body);
  ASSERT_TRUE(games && games->is_array());
  int boards = 0;
  for (const Json& g : *games) {
    ASSERT_TRUE(g.contains("board")) << g;
    if (g["board"].is_null()) continue;
    const std::string url = g["board"];
    EXPECT_EQ(url, "/games/" + g["family"].get<std::string>() + "/board.js");
    HttpResult board = http_get(server.port(), url);
    EXPECT_EQ(board.status, 200u) << url;
    EXPECT_NE(board.header("content-type").find("javascript"), std::string::npos) << url;
    ++boards;
  }
  EXPECT_GT(boards, 0);
  // Only registered families' folders, and only their web/ folder.
  EXPECT_EQ(http_get(server.port(), "/games/nosuchfamily/board.js").status, 404u);
  EXPECT_EQ(http_get(server.port(), "/games/go/go.cc").status, 404u);
  EXPECT_NE(http_get(server.port(), "/games/go/../../README.md").status, 200u);
}

// Runs a shell command; its exit status (as pclose gives it) and its output.
std::pair<int, std::string> run_shell(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return {-1, "cannot run " + command};
  std::string out;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  return {::pclose(pipe), out};
}

// A second server on the same database file refuses to start and says why; the first
// goes on serving.
TEST_F(ServeTest, ASecondServerOnTheSameDatabaseRefusesToStart) {
  const std::string command = "timeout 20 " + std::string(ARENA_BINARY) + " serve --port 0 --db " +
                              server_.db_path().string() + " --web " + server_.web_dir().string() + " 2>&1";
  const auto [status, out] = run_shell(command);
  ASSERT_TRUE(WIFEXITED(status)) << out;
  EXPECT_EQ(WEXITSTATUS(status), 1) << out;  // 124: it served, the timeout stopped it
  EXPECT_NE(out.find("is served by another arena serve"), std::string::npos) << out;
  EXPECT_EQ(http_get(server_.port(), "/api/health").status, 200);
}

// `arena serve --learn`: from the shared agent (here a two-step run of Kuhn poker and Connect
// Four in the runs folder), self-play and the learner run in the server; each checkpoint
// plays its promotion gate through the arena (rated matches) and, at --gate-score 0, becomes
// the shared agent: the games offer it, GET /api/reports/shared lists the gate with its
// ratings. Restarted on the same runs folder, the server takes the promoted checkpoint as
// the shared agent and resumes the run.
TEST(ServeLearn, ACheckpointThatPassesTheGateBecomesTheSharedAgentAndStaysItAfterARestart) {
  const std::filesystem::path runs = std::filesystem::path(::testing::TempDir()) / "serve_learn_runs";
  std::filesystem::remove_all(runs);
  const auto [trained, train_out] = run_shell(
      std::string(ARENA_BINARY) + " train --games 'kuhn_poker;connect_four' --out " +
      (runs / "tiny").string() + " --steps 2 --blocks 1 --channels 8 --actors 2 --simulations 4 " +
      "--checkpoint-every 2 --eval-games 0 --device cpu --db " + (runs / "train.db").string() + " 2>&1");
  ASSERT_EQ(trained, 0) << train_out;
  ServerOptions options;
  options.house_matches = 1;
  options.extra_args = {"--runs",
                        runs.string(),
                        "--house-games",
                        "kuhn_poker;connect_four",
                        "--learn",
                        "on",
                        "--learn-device",
                        "cpu",
                        "--learn-actors",
                        "2",
                        "--learn-simulations",
                        "4",
                        "--learn-checkpoint-every",
                        "3",
                        "--gate-games",
                        "2",
                        "--gate-score",
                        "0"};
  ServerProcess server(ARENA_BINARY, options);
  server.start();
  EXPECT_NE(server.output().find("the shared agent is nn:tiny@2"), std::string::npos) << server.output();

  // The first gated checkpoint: promoted, with its matches rated.
  Json report;
  for (int tries = 0; tries < 1200; ++tries) {
    report = http_get(server.port(), "/api/reports/shared").json();
    if (!report["gates"].empty()) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_FALSE(report["gates"].empty()) << report << "\n" << server.output();
  const Json gate = report["gates"][0];
  EXPECT_EQ(report["run"], "arena-learn");
  EXPECT_EQ(report["start"]["player"], "nn:tiny@2") << report;
  EXPECT_EQ(gate["previous"], "nn:tiny@2") << gate;
  EXPECT_EQ(gate["player"], "nn:arena-learn@" + std::to_string(gate["step"].get<int>())) << gate;
  EXPECT_EQ(gate["matches"], 4) << gate;  // 2 per game
  EXPECT_TRUE(gate["promoted"]) << gate;
  EXPECT_GE(gate["score"].get<double>(), 0.0);
  EXPECT_LE(gate["score"].get<double>(), 1.0);
  std::set<std::string> rated;
  for (const Json& r : gate["ratings"]) rated.insert(r["game"].get<std::string>());
  EXPECT_EQ(rated, (std::set<std::string>{"connect_four", "kuhn_poker"})) << gate;

  // The games offer the promoted checkpoint now (or a later one, promoted since).
  const std::string promoted = gate["player"];
  report = http_get(server.port(), "/api/reports/shared").json();
  const std::string shared = report["shared"];
  EXPECT_EQ(shared.rfind("nn:arena-learn@", 0), 0u) << report;
  Json games = http_get(server.port(), "/api/games").json();
  for (const Json& g : games) {
    if (g["name"] != "kuhn_poker" && g["name"] != "connect_four") continue;
    bool offered = false;
    for (const Json& o : g["opponents"])
      offered = offered || o.get<std::string>().rfind("nn:arena-learn@", 0) == 0;
    EXPECT_TRUE(offered) << g;
  }
  const ExitInfo first = server.stop();
  EXPECT_TRUE(first.exited && first.code == 0) << first.output;

  server.start();
  const std::string out = server.output();
  const size_t at = out.find("the shared agent is ");
  ASSERT_NE(at, std::string::npos) << out;
  EXPECT_EQ(out.substr(at + 20, out.find('\n', at) - at - 20).rfind("nn:arena-learn@", 0), 0u) << out;
  EXPECT_NE(out.find("(resumed)"), std::string::npos) << out;
  const ExitInfo second = server.stop();
  EXPECT_TRUE(second.exited && second.code == 0) << second.output;
  std::filesystem::remove_all(runs);
}

// A house game that is no game is a usage error at start (exit 2), before the database
// is touched.
TEST(ServeOptions, AHouseGameThatIsNoGameIsAUsageError) {
  const std::string command =
      "timeout 20 " + std::string(ARENA_BINARY) +
      " serve --port 0 --db /nonexistent/arena.db --house-games 'go(size=9);nosuchgame' 2>&1";
  const auto [status, out] = run_shell(command);
  ASSERT_TRUE(WIFEXITED(status)) << out;
  EXPECT_EQ(WEXITSTATUS(status), 2) << out;
  EXPECT_NE(out.find("--house-games"), std::string::npos) << out;
  EXPECT_NE(out.find("nosuchgame"), std::string::npos) << out;
}

// ---------------------------------------------------------------------------------------
// 2. A one-player puzzle.

TEST_F(ServeTest, BotSolvesAGame24Puzzle) {
  const Bot bot = register_bot("puzzle-solver-bot");
  std::unique_ptr<WsClient> ws = connect(bot);
  MatchClient match(*ws);
  Json end = solve_3388(match);

  EXPECT_EQ(match.seat(), 0);
  ASSERT_EQ(match.start()["seats"].size(), 1u) << match.start();
  EXPECT_EQ(match.start()["seats"][0]["name"], bot.name);
  EXPECT_EQ(match.acked(), 3);
  EXPECT_EQ(end["status"], "finished") << end;
  EXPECT_EQ(end["reason"], "normal") << end;
  EXPECT_EQ(end["result"], Json::array({1.0})) << end;
  ASSERT_FALSE(match.states().empty());
  EXPECT_EQ(match.states().back()["state"]["state"]["solved"], true) << match.states().back();
  EXPECT_EQ(match.states().back()["state"]["state"]["numbers"], Json::array({"24"})) << match.states().back();

  const HttpResult text = http_get(port(), "/api/matches/" + std::to_string(match.match_id()) + "/export");
  ASSERT_EQ(text.status, 200u) << text.body;
  EXPECT_EQ(text.header("content-type").rfind("text/plain", 0), 0u) << text.header("content-type");
  EXPECT_NE(text.body.find("Result: solved"), std::string::npos) << text.body;
  EXPECT_NE(text.body.find("Solver: " + bot.name), std::string::npos) << text.body;

  Json record = stored_match(match.match_id());
  EXPECT_EQ(record["result"], Json::array({1.0})) << record;
  EXPECT_EQ(record["moves"].size(), 3u) << record;
}

// ---------------------------------------------------------------------------------------
// 3. A guest spectates the bot's matches: every move, and no hole card before the showdown.

TEST_F(ServeTest, GuestSpectatorSeesEveryMoveButNoHoleCardBeforeTheShowdown) {
  const Bot bot = register_bot("watched-bot");
  std::unique_ptr<WsClient> ws = connect(bot);

  auto guest = std::make_unique<WsClient>();
  ASSERT_FALSE(guest->connect(port()));
  const std::string cookie(guest->upgrade_response().header("set-cookie"));
  EXPECT_EQ(cookie.rfind("arena_guest=", 0), 0u) << "Set-Cookie: " << cookie;
  std::optional<Json> welcome = guest->receive_json();
  ASSERT_TRUE(welcome && is_type(*welcome, "welcome")) << describe(welcome);
  EXPECT_EQ((*welcome)["player"]["guest"], true);
  EXPECT_EQ((*welcome)["player"]["kind"], "human");

  std::mt19937 rng(11);
  const Strategy random_move = [&rng](Json state) {
    const Json legal = state["legal"];
    return legal[std::uniform_int_distribution<size_t>(0, legal.size() - 1)(rng)].get<std::string>();
  };
  int showdowns = 0;
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE("match " + std::to_string(i));
    MatchClient match(*ws);
    match.challenge("kuhn_poker");
    // The match waits for the bot: the spectator joins now.
    std::optional<Json> turn = match.next_turn();
    ASSERT_TRUE(turn);
    const int joined_at = (*turn)["ply"];
    const std::string ref = "watch-" + std::to_string(i);
    guest->send_json({{"type", "spectate"}, {"match_id", match.match_id()}, {"ref", ref}});
    std::vector<Json> seen;
    std::optional<Json> ack =
        guest->receive_until([&](const Json& m) { return has_ref(m, ref); }, 10s, &seen);
    ASSERT_TRUE(ack && is_type(*ack, "ack")) << describe(ack);
    EXPECT_EQ((*ack)["spectating"], true);
    if (std::none_of(seen.begin(), seen.end(), [](const Json& m) { return is_type(m, "state"); })) {
      std::optional<Json> snapshot =
          guest->receive_until([](const Json& m) { return is_type(m, "state"); }, 10s, &seen);
      ASSERT_TRUE(snapshot) << "no snapshot after spectate";
      seen.push_back(*snapshot);
    }

    // Half the matches check or call to the end, so that some end in a showdown.
    Json end = match.play_out(i % 2 == 0 ? Strategy(check_or_call) : random_move);
    std::optional<Json> spectator_end = guest->receive_until(
        [&](const Json& m) {
          return is_type(m, "match_end") && m.contains("match_id") && m["match_id"] == match.match_id();
        },
        10s, &seen);
    ASSERT_TRUE(spectator_end) << "the spectator got no match_end";
    EXPECT_EQ((*spectator_end)["result"], end["result"]);

    std::vector<Json> states;
    for (Json& m : seen) {
      if (is_type(m, "state")) {
        EXPECT_EQ(m["match_id"], match.match_id()) << m;
        states.push_back(m);
      } else {
        ADD_FAILURE() << "unexpected message to the spectator: " << m;
      }
    }
    // One state per ply, from the one it joined at to the end.
    Json record = stored_match(match.match_id());
    const int last_ply = static_cast<int>(record["moves"].size());
    ASSERT_EQ(states.size(), static_cast<size_t>(last_ply - joined_at + 1));
    for (size_t k = 0; k < states.size(); ++k)
      EXPECT_EQ(states[k]["ply"], joined_at + static_cast<int>(k)) << states[k];
    Json final_view = states.back()["state"];
    EXPECT_EQ(final_view["terminal"], true) << final_view;
    EXPECT_EQ(final_view["returns"], end["result"]) << final_view;
    EXPECT_EQ(final_view["state"]["bets"].size(), record["moves"].size() - 2)
        << final_view;  // all but the deals
    expect_no_hole_cards(states);
    showdowns += final_view["state"]["showdown"] == true ? 1 : 0;
  }
  EXPECT_GE(showdowns, 2) << "check-or-call always ends in a showdown";
}

// ---------------------------------------------------------------------------------------
// 4. Refused moves leave the match as it was.

TEST_F(ServeTest, IllegalStaleAndForeignMovesAreRefusedAndTheMatchGoesOn) {
  const Bot bot = register_bot("careless-bot");
  const Bot other = register_bot("other-bot");
  std::unique_ptr<WsClient> ws = connect(bot);
  std::unique_ptr<WsClient> intruder = connect(other);

  MatchClient match(*ws);
  match.challenge("kuhn_poker");
  std::optional<Json> turn = match.next_turn();
  ASSERT_TRUE(turn);
  const int ply = (*turn)["ply"];
  const std::string legal = (*turn)["legal"][0];

  Json illegal = match.move(ply, "raise 300");
  EXPECT_TRUE(is_error(illegal, "illegal_action")) << illegal;
  EXPECT_FALSE(illegal.value("message", "").empty()) << illegal;
  Json behind = match.move(ply - 1, legal);
  EXPECT_TRUE(is_error(behind, "stale_ply")) << behind;
  Json ahead = match.move(ply + 3, legal);
  EXPECT_TRUE(is_error(ahead, "stale_ply")) << ahead;

  // Another bot's move in this match, and in a match that does not exist.
  intruder->send_json(
      {{"type", "move"}, {"match_id", match.match_id()}, {"ply", ply}, {"action", legal}, {"ref", "x1"}});
  std::optional<Json> refused = intruder->receive_until([](const Json& m) { return has_ref(m, "x1"); });
  ASSERT_TRUE(refused);
  EXPECT_TRUE(is_error(*refused, "not_your_turn") || is_error(*refused, "unknown_match")) << *refused;
  intruder->send_json({{"type", "move"}, {"match_id", 999999}, {"ply", 0}, {"action", "bet"}, {"ref", "x2"}});
  refused = intruder->receive_until([](const Json& m) { return has_ref(m, "x2"); });
  ASSERT_TRUE(refused);
  EXPECT_TRUE(is_error(*refused, "unknown_match")) << *refused;

  // A house match (agents only) is someone else's match too.
  const HttpResult active = http_get(port(), "/api/matches?status=active");
  ASSERT_EQ(active.status, 200u) << active.body;
  Json active_matches = active.json()["matches"];
  for (Json m : active_matches) {
    if (m["id"] == match.match_id()) continue;
    intruder->send_json(
        {{"type", "move"}, {"match_id", m["id"]}, {"ply", 0}, {"action", "bet"}, {"ref", "x3"}});
    refused = intruder->receive_until([](const Json& r) { return has_ref(r, "x3"); });
    ASSERT_TRUE(refused);
    EXPECT_TRUE(is_error(*refused, "not_your_turn") || is_error(*refused, "unknown_match")) << *refused;
    break;
  }

  // None of that moved the match: the legal move at the same ply is taken.
  Json ok = match.move(ply, legal);
  EXPECT_TRUE(is_type(ok, "ack")) << ok;
  Json end = match.play_out(check_or_call);
  EXPECT_EQ(end["status"], "finished") << end;
  EXPECT_EQ(end["reason"], "normal") << end;
  Json record = stored_match(match.match_id());
  EXPECT_EQ(count_moves_of_seat(record, match.seat()), match.acked()) << record;

  // After the end the match is gone from play.
  Json late = match.move(ply, legal);
  EXPECT_TRUE(is_error(late, "unknown_match") || is_error(late, "match_over")) << late;
}

// ---------------------------------------------------------------------------------------
// 5. A bot whose connection drops comes back to its match within the grace period.

TEST_F(ServeTest, DroppedConnectionResumesTheMatchWithinTheGracePeriod) {
  const Bot bot = register_bot("flaky-bot");
  std::unique_ptr<WsClient> first = connect(bot);
  MatchClient before(*first);
  before.challenge("kuhn_poker");
  std::optional<Json> turn = before.next_turn();
  ASSERT_TRUE(turn);
  first->drop();  // mid-match, no close frame

  std::unique_ptr<WsClient> second = connect(bot);
  MatchClient after(*second, before.match_id());
  Json start = after.wait_start();
  EXPECT_EQ(start["seat"], before.seat()) << start;
  EXPECT_EQ(start["seats"], before.start()["seats"]) << start;
  std::optional<Json> resumed = after.next_turn();
  ASSERT_TRUE(resumed) << "no state to act in after reconnecting; ended: " << after.end();
  EXPECT_EQ((*resumed)["ply"], (*turn)["ply"]) << *resumed;
  EXPECT_EQ((*resumed)["legal"], (*turn)["legal"]) << *resumed;
  EXPECT_EQ((*resumed)["state"]["state"]["cards"], (*turn)["state"]["state"]["cards"]) << *resumed;

  Json end = after.play_out(check_or_call);
  EXPECT_EQ(end["status"], "finished") << end;
  EXPECT_EQ(end["reason"], "normal") << end;
  EXPECT_EQ(stored_match(before.match_id())["termination"], "normal");
}

// ---------------------------------------------------------------------------------------
// 6. Bad input.

TEST_F(ServeTest, MalformedMessagesAreBadMessagesAndTheConnectionStaysUsable) {
  std::unique_ptr<WsClient> ws = connect(register_bot("sloppy-bot"));
  const std::vector<std::string> bad = {"{not json",
                                        "[1, 2, 3]",
                                        R"({"no_type": 1})",
                                        R"({"type": "fly"})",
                                        R"({"type": "move", "ref": 5})",
                                        R"({"type": "challenge", "to": 3})"};
  for (const std::string& text : bad) {
    ws->send_text(text);
    std::optional<Json> reply = ws->receive_json();
    ASSERT_TRUE(reply) << "no answer to " << text;
    EXPECT_TRUE(is_error(*reply, "bad_message")) << text << " -> " << *reply;
  }
  ws->send_json({{"type", "ping"}, {"ref", "still-here"}});
  std::optional<Json> pong = ws->receive_json();
  ASSERT_TRUE(pong);
  EXPECT_TRUE(is_type(*pong, "pong")) << *pong;
  EXPECT_EQ((*pong)["ref"], "still-here") << *pong;
}

TEST_F(ServeTest, AnOversizedFrameClosesOnlyThatConnection) {
  std::unique_ptr<WsClient> big = connect(register_bot("big-bot"));
  std::unique_ptr<WsClient> bystander = connect_guest();

  big->send_json({{"type", "ping"}, {"padding", std::string(70 * 1024, 'x')}});
  std::vector<Json> before;
  ASSERT_TRUE(big->wait_closed(10s, &before)) << "the server kept a connection that sent 70 KiB";
  const bool said_why =
      std::any_of(before.begin(), before.end(), [](const Json& m) { return is_type(m, "error"); });
  EXPECT_TRUE(big->close_reason().code == kCloseTooBig || said_why)
      << "close code " << big->close_reason().code << ", " << big->read_error().message();
  for (const Json& m : before) EXPECT_FALSE(is_type(m, "pong")) << "the oversized ping was answered";

  bystander->send_json({{"type", "ping"}, {"ref", 1}});
  std::optional<Json> pong = bystander->receive_json();
  ASSERT_TRUE(pong);
  EXPECT_TRUE(is_type(*pong, "pong")) << *pong;
  const HttpResult health = http_get(port(), "/api/health");
  EXPECT_EQ(health.status, 200u) << health.body;
}

TEST_F(ServeTest, AnUnknownTokenIsRefusedWith401) {
  const Headers upgrade = {{"Upgrade", "websocket"},
                           {"Connection", "Upgrade"},
                           {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                           {"Sec-WebSocket-Version", "13"}};
  for (const std::string& authorization : {std::string("Bearer no-such-token"), std::string("Basic abc")}) {
    Headers headers = upgrade;
    headers.emplace_back("Authorization", authorization);
    const HttpResult r = http_get(port(), "/ws", headers);
    EXPECT_EQ(r.status, 401u) << authorization << ": " << r.body;
    EXPECT_EQ(r.json()["error"]["code"], "unauthorized") << r.body;
    EXPECT_TRUE(r.json()["error"]["message"].is_string()) << r.body;
  }
  WsClient ws;
  EXPECT_TRUE(ws.connect(port(), {{"Authorization", "Bearer no-such-token"}}));
  EXPECT_EQ(ws.upgrade_response().status, 401u);
}

TEST_F(ServeTest, BadHttpRequestsGetTheirStatus) {
  const HttpResult huge = http_post(port(), "/api/bots", Json{{"name", std::string(70 * 1024, 'a')}}.dump());
  EXPECT_EQ(huge.status, 413u) << huge.body;
  EXPECT_EQ(huge.json()["error"]["code"], "too_large") << huge.body;

  const HttpResult word = http_get(port(), "/api/players/abc");
  EXPECT_EQ(word.status, 400u) << word.body;
  EXPECT_EQ(word.json()["error"]["code"], "bad_request") << word.body;
  const HttpResult missing = http_get(port(), "/api/matches/999999");
  EXPECT_EQ(missing.status, 404u) << missing.body;
  EXPECT_EQ(missing.json()["error"]["code"], "unknown_match") << missing.body;
  const HttpResult bad_name = http_post(port(), "/api/bots", R"({"name": "no spaces"})");
  EXPECT_EQ(bad_name.status, 400u) << bad_name.body;
  const HttpResult not_json = http_post(port(), "/api/bots", "name=x");
  EXPECT_EQ(not_json.status, 400u) << not_json.body;

  // The server is still up.
  EXPECT_EQ(http_get(port(), "/api/health").status, 200u);
}

TEST_F(ServeTest, ABurstIsRateLimitedAndTheConnectionRecovers) {
  std::unique_ptr<WsClient> ws = connect(register_bot("chatty-bot"));
  // A small burst first: every ping is answered, in order (and the batched frames are sound).
  std::vector<std::string> few;
  for (int i = 0; i < 20; ++i)
    few.push_back(Json{{"type", "ping"}, {"ref", "few-" + std::to_string(i)}}.dump());
  ws->send_burst(few);
  for (int i = 0; i < 20; ++i) {
    std::optional<Json> pong = ws->receive_json();
    ASSERT_TRUE(pong && is_type(*pong, "pong")) << describe(pong);
    EXPECT_EQ((*pong)["ref"], "few-" + std::to_string(i));
  }

  constexpr int kBurst = 1000;
  std::vector<std::string> pings;
  for (int i = 0; i < kBurst; ++i) pings.push_back(Json{{"type", "ping"}, {"ref", i}}.dump());
  ws->send_burst(pings);  // all at once, in one TCP write
  int pongs = 0, limited = 0;
  double longest_wait = 0;
  std::set<int> answered;  // every ping is answered once: a pong echoes its ref
  while (pongs + limited < kBurst) {
    std::optional<Json> m = ws->receive_json();
    ASSERT_TRUE(m) << "only " << pongs << " pongs and " << limited << " rate_limited errors for " << kBurst
                   << " pings; close code " << ws->close_reason().code << " '" << ws->close_reason().reason
                   << "'";
    if (is_type(*m, "pong")) {
      EXPECT_TRUE((*m)["ref"].is_number_integer() && answered.insert((*m)["ref"].get<int>()).second) << *m;
      ++pongs;
    } else if (is_error(*m, "rate_limited")) {
      // A refused message is not read: its refusal echoes nothing and stays small.
      EXPECT_TRUE((*m)["ref"].is_null()) << *m;
      EXPECT_LT(m->dump().size(), 160u) << *m;
      ++limited;
      ASSERT_TRUE((*m)["retry_after_s"].is_number()) << *m;
      EXPECT_GT((*m)["retry_after_s"].get<double>(), 0.0) << *m;
      longest_wait = std::max(longest_wait, (*m)["retry_after_s"].get<double>());
    } else {
      ADD_FAILURE() << "unexpected: " << *m;
    }
  }
  EXPECT_GT(pongs, 0);
  EXPECT_GT(limited, 0);
  EXPECT_LE(longest_wait, 1.0);
  EXPECT_EQ(metric(http_get(port(), "/metrics").body, "arena_rate_limited_total"), limited);

  std::this_thread::sleep_for(std::chrono::duration<double>(std::min(longest_wait, 1.0)) + 20ms);
  ws->send_json({{"type", "ping"}, {"ref", "after"}});
  std::optional<Json> pong = ws->receive_json();
  ASSERT_TRUE(pong);
  EXPECT_TRUE(is_type(*pong, "pong")) << *pong;
  EXPECT_EQ((*pong)["ref"], "after") << *pong;
}

// ---------------------------------------------------------------------------------------
// 7. REST basics, static files and the OpenAPI document.

TEST_F(ServeTest, RestBasicsMetricsAndStaticFiles) {
  const HttpResult health = http_get(port(), "/api/health");
  ASSERT_EQ(health.status, 200u) << health.body;
  EXPECT_EQ(health.json()["status"], "ok") << health.body;
  EXPECT_EQ(health.header("content-type").rfind("application/json", 0), 0u);

  const HttpResult games = http_get(port(), "/api/games");
  ASSERT_EQ(games.status, 200u) << games.body;
  std::set<std::string> names;
  for (const Json& g : games.json()) names.insert(g.value("name", ""));
  EXPECT_TRUE(names.count("kuhn_poker")) << games.body;
  EXPECT_TRUE(names.count("game24")) << games.body;

  std::unique_ptr<WsClient> guest = connect_guest();
  const HttpResult metrics = http_get(port(), "/metrics");
  ASSERT_EQ(metrics.status, 200u) << metrics.body;
  EXPECT_EQ(metrics.header("content-type").rfind("text/plain", 0), 0u) << metrics.header("content-type");
  EXPECT_NE(metrics.body.find("# TYPE arena_websocket_connections gauge\n"), std::string::npos)
      << metrics.body;
  EXPECT_EQ(metric(metrics.body, "arena_websocket_connections"), 1) << metrics.body;

  {
    std::ofstream(server_.web_dir() / "hello.txt") << "hello from the web folder\n";
    std::ofstream(server_.web_dir() / "index.html") << "<!doctype html><title>arena</title>\n";
  }
  const HttpResult text = http_get(port(), "/hello.txt");
  ASSERT_EQ(text.status, 200u) << text.body;
  EXPECT_EQ(text.header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(text.body, "hello from the web folder\n");
  const HttpResult index = http_get(port(), "/");
  ASSERT_EQ(index.status, 200u) << index.body;
  EXPECT_EQ(index.header("content-type").rfind("text/html", 0), 0u) << index.header("content-type");
  EXPECT_EQ(index.body, "<!doctype html><title>arena</title>\n");
  EXPECT_EQ(http_get(port(), "/no-such-file.txt").status, 404u);
}

TEST_F(ServeTest, EveryPathOfTheOpenApiDocumentAnswers) {
  // Ids that exist: a bot, and a finished match of it.
  const Bot bot = register_bot("documented-bot");
  std::unique_ptr<WsClient> ws = connect(bot);
  MatchClient match(*ws);
  solve_3388(match);

  const HttpResult doc = http_get(port(), "/api/openapi.json");
  ASSERT_EQ(doc.status, 200u) << doc.body;
  std::optional<Json> openapi = parse_json(doc.body);
  ASSERT_TRUE(openapi) << "the OpenAPI document is not JSON";
  ASSERT_TRUE((*openapi)["paths"].is_object() && !(*openapi)["paths"].empty()) << doc.body;

  int checked = 0;
  for (const auto& [path, operations] : (*openapi)["paths"].items()) {
    std::string target = path;
    if (const size_t open = target.find('{'); open != std::string::npos) {
      const size_t close = target.find('}', open);
      ASSERT_NE(close, std::string::npos) << path;
      const int64_t id = path.rfind("/api/players/", 0) == 0   ? bot.id
                         : path.rfind("/api/matches/", 0) == 0 ? match.match_id()
                                                               : -1;
      ASSERT_GT(id, 0) << "no id to put in " << path;
      target.replace(open, close - open + 1, std::to_string(id));
      ASSERT_EQ(target.find('{'), std::string::npos) << path;
    }
    for (const auto& [method, operation] : operations.items()) {
      if (method != "get" && method != "post") continue;
      const HttpResult r = method == "get" ? http_get(port(), target) : http_post(port(), target, "{}");
      SCOPED_TRACE(method + " " + target);
      // A route may answer 404 of its own (a report not written yet), never the router's.
      if (r.status == 404u) {
        std::optional<Json> error = parse_json(r.body);
        EXPECT_TRUE(error && error->contains("error") && (*error)["error"].value("code", "") != "not_found")
            << r.body;
      }
      EXPECT_NE(r.status, 405u) << r.body;
      EXPECT_LT(r.status, 500u) << r.body;
      ++checked;
    }
  }
  EXPECT_GE(checked, 1);
  // The check can fail: a path the document does not have is not found.
  const HttpResult unknown = http_get(port(), "/api/not-in-the-document");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.json()["error"]["code"], "not_found") << unknown.body;
}

// ---------------------------------------------------------------------------------------
// 8. SIGTERM: connections get "going away", the process exits 0, the database is whole.

TEST_F(ServeTest, SigtermClosesConnectionsWithGoingAwayAndLeavesTheDatabaseWhole) {
  const Bot bot = register_bot("last-bot");
  std::unique_ptr<WsClient> ws = connect(bot);
  MatchClient match(*ws);
  match.challenge("kuhn_poker");
  ASSERT_TRUE(match.next_turn());  // mid-match
  std::unique_ptr<WsClient> guest = connect_guest();

  server_.terminate();
  EXPECT_TRUE(ws->wait_closed(5s)) << "no close within 5 s of SIGTERM";
  EXPECT_TRUE(ws->closed_cleanly()) << ws->read_error().message();
  EXPECT_EQ(ws->close_reason().code, kCloseGoingAway);
  EXPECT_TRUE(guest->wait_closed(5s));
  EXPECT_EQ(guest->close_reason().code, kCloseGoingAway);
  const ExitInfo exit = server_.wait(5s);
  expect_clean_exit(exit);
  EXPECT_LT(exit.took, 5s);

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(server_.db_path().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> guard(db, &sqlite3_close);
  auto query = [db](const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    std::string out;
    if (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
      if (const unsigned char* text = sqlite3_column_text(stmt, 0)) out = reinterpret_cast<const char*>(text);
    }
    sqlite3_finalize(stmt);
    return out;
  };
  EXPECT_EQ(query("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(query("SELECT kind FROM players WHERE id = " + std::to_string(bot.id)), "bot");
  EXPECT_EQ(query("SELECT game FROM matches WHERE id = " + std::to_string(match.match_id())), "kuhn_poker");
}

}  // namespace
}  // namespace arena::harness
