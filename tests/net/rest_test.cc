// The REST API against a real store and arena, without sockets; and the OpenAPI document
// checked against the routes the server really has.
#include "server/net/rest.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "agents/registry.h"
#include "server/net/auth.h"
#include "tests/arena/arena_fixture.h"

namespace arena::testing {
namespace {

using net::HttpRequest;
using net::HttpResponse;
using net::RestApi;

class RestTest : public ArenaTest {
 protected:
  void SetUp() override {
    ArenaTest::SetUp();
    open_arena();
    api_ = std::make_unique<RestApi>(*arena_, *store_, stats_, [] { return size_t{0}; });
  }
  void TearDown() override {
    api_.reset();
    ArenaTest::TearDown();
  }
  // A request as the web UI sends it: a body goes as JSON unless the headers say otherwise.
  HttpResponse call(const std::string& method, const std::string& target, const std::string& body = "",
                    std::map<std::string, std::string> headers = {}) {
    if (!body.empty()) headers.emplace("content-type", "application/json");
    return api_->handle(HttpRequest{method, target, std::move(headers), body});
  }
  // The API again, with `browser` as the server's policy for browsers.
  void reopen_api(net::BrowserPolicy browser) {
    api_ = std::make_unique<RestApi>(
        *arena_, *store_, stats_, [] { return size_t{0}; }, std::function<std::string()>(),
        std::filesystem::path(), std::move(browser));
  }
  static Json body(const HttpResponse& r) { return parse_json(r.body).value_or(Json()); }

  net::ServerStats stats_;
  std::unique_ptr<RestApi> api_;
};

TEST_F(RestTest, TheOpenApiDocumentDescribesExactlyTheRoutes) {
  std::optional<Json> doc = parse_json(RestApi::openapi_document());
  ASSERT_TRUE(doc) << "the embedded document is not JSON";
  ASSERT_TRUE((*doc)["paths"].is_object());
  std::set<std::pair<std::string, std::string>> documented, served;
  for (const auto& [path, ops] : (*doc)["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert({upper, path});
      EXPECT_TRUE(op.contains("responses")) << path;
    }
  }
  for (const net::Route& r : RestApi::routes()) served.insert({r.method, r.path});
  EXPECT_EQ(documented, served);
  // And every route answers: none of them is a 404 "no such endpoint".
  for (const net::Route& r : RestApi::routes()) {
    std::string target = r.path;
    if (auto at = target.find("{id}"); at != std::string::npos) target.replace(at, 4, "1");
    if (target == "/api/leaderboard") target += "?game=kuhn_poker";
    const HttpResponse res = call(r.method, target, r.method == "POST" ? "{}" : "");
    const Json b = body(res);
    const bool unknown_endpoint =
        res.status == 404 && b.contains("error") && b["error"]["code"] == "not_found";
    EXPECT_FALSE(unknown_endpoint) << r.method << " " << target;
  }
}

TEST_F(RestTest, HealthGamesAndMetrics) {
  HttpResponse r = call("GET", "/api/health");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(body(r)["status"], "ok");
  r = call("GET", "/api/games");
  ASSERT_EQ(r.status, 200u);
  bool kuhn = false;
  for (const Json& g : body(r)) kuhn |= g["name"] == "kuhn_poker";
  EXPECT_TRUE(kuhn);
  r = call("GET", "/metrics");
  EXPECT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("# TYPE arena_live_matches gauge"), std::string::npos);
  EXPECT_EQ(call("POST", "/api/health").status, 405u);
  EXPECT_EQ(call("GET", "/api/nothing").status, 404u);
}

TEST_F(RestTest, BotsRegisterOnceAndChallengeWithTheirToken) {
  HttpResponse r = call("POST", "/api/bots", R"({"name":"deep-kuhn"})");
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string token = body(r)["token"];
  EXPECT_EQ(token.size(), 64u);
  EXPECT_EQ(call("POST", "/api/bots", R"({"name":"deep-kuhn"})").status, 409u);
  EXPECT_EQ(call("POST", "/api/bots", R"({"name":"no spaces please"})").status, 400u);
  EXPECT_EQ(call("POST", "/api/bots", "not json").status, 400u);
  // The token is stored only as its hash.
  EXPECT_TRUE(store_->find_token(net::sha256_hex(token))->has_value());
  EXPECT_FALSE(store_->find_token(token)->has_value());

  r = call("POST", "/api/challenges", R"({"to":"random","game":"kuhn_poker"})");
  EXPECT_EQ(r.status, 401u);
  r = call("POST", "/api/challenges", R"({"to":"random","game":"kuhn_poker"})",
           {{"authorization", "Bearer " + token}});
  ASSERT_EQ(r.status, 201u) << r.body;
  const int64_t match_id = body(r)["match_id"];
  EXPECT_GT(match_id, 0);
  r = call("POST", "/api/challenges", R"({"to":"random","game":"chess9"})",
           {{"authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(body(r)["error"]["code"], "bad_spec");
  r = call("POST", "/api/challenges", R"({"to":"nobody","game":"kuhn_poker"})",
           {{"authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 404u);
}

TEST_F(RestTest, TextThatIsNotUtf8IsABadRequestNotAnInternalError) {
  // Text that is not UTF-8 is refused before any handler sees it. Before, the first target
  // of each list answered 500 with nlohmann's exception text (the text reached an error
  // message, and JSON cannot hold it); the others were refused for some other reason.
  for (const char* target : {"/api/leaderboard?game=%FF", "/api/leaderboard?game=go%28size%3D%C3%29",
                             "/api/matches?status=%ED%A0%80"}) {
    const HttpResponse r = call("GET", target);
    EXPECT_EQ(r.status, 400u) << target << ": " << r.body;
    EXPECT_EQ(body(r)["error"]["code"], "bad_request") << target;
    EXPECT_EQ(body(r)["error"]["message"], "query is not valid UTF-8") << target;
  }
  for (const char* target : {"/api/nothing\xFF", "/api/players/%FF", "/api/%C3"}) {
    const HttpResponse r = call("GET", target);
    EXPECT_EQ(r.status, 400u) << target << ": " << r.body;
    EXPECT_EQ(body(r)["error"]["message"], "path is not valid UTF-8") << target;
  }
  // UTF-8 itself is fine: an unknown game named in it is an ordinary bad_spec.
  const HttpResponse r = call("GET", "/api/leaderboard?game=%C3%A9t%C3%A9");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(body(r)["error"]["code"], "bad_spec");
}

TEST_F(RestTest, AChallengeWithFieldsOfTheWrongTypeIsABadRequest) {
  HttpResponse r = call("POST", "/api/bots", R"({"name":"typed-bot"})");
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::map<std::string, std::string> auth = {
      {"authorization", "Bearer " + body(r)["token"].get<std::string>()}};
  // "rated" and "time_control" of another type used to throw inside the handler: a 500.
  for (const char* bad : {R"({"to":"random","game":"kuhn_poker","rated":"yes"})",
                          R"({"to":"random","game":"kuhn_poker","time_control":60})",
                          R"({"to":"random","game":"kuhn_poker","time_control":null})",
                          R"({"to":1,"game":"kuhn_poker"})", R"(["to","random"])"}) {
    r = call("POST", "/api/challenges", bad, auth);
    EXPECT_EQ(r.status, 400u) << bad << ": " << r.body;
    EXPECT_EQ(body(r)["error"]["code"], "bad_request") << bad;
  }
  r = call("POST", "/api/challenges",
           R"({"to":"random","game":"kuhn_poker","time_control":"99999999999999999s"})", auth);
  EXPECT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(body(r)["error"]["code"], "bad_time_control");
  r = call("POST", "/api/challenges", R"({"to":"random","game":"kuhn_poker","rated":false})", auth);
  EXPECT_EQ(r.status, 201u) << r.body;
}

TEST_F(RestTest, MatchesArePagedAndALiveMatchHidesItsChanceOutcomes) {
  // A live match with a remote seat waiting: the deals are stored but not shown.
  MatchRequest live;
  live.game = "kuhn_poker";
  live.seats = {remote("waiting"), SeatRequest::agent_seat("random")};
  live.seed = 3;
  const int64_t live_id = create(live);
  ASSERT_TRUE(wait_turn(live_id, 0));
  HttpResponse r = call("GET", "/api/matches/" + std::to_string(live_id));
  ASSERT_EQ(r.status, 200u);
  const Json m = body(r);
  EXPECT_EQ(m["status"], "active");
  ASSERT_EQ(m["moves"].size(), 2u);
  EXPECT_TRUE(m["moves"][0]["action"].is_null());
  EXPECT_TRUE(m["moves"][0]["step"].is_null());
  EXPECT_FALSE(m.contains("seed")) << "the seed would give the deals away";
  EXPECT_EQ(call("GET", "/api/matches/" + std::to_string(live_id) + "/export").status, 409u);

  for (uint64_t seed = 10; seed < 15; ++seed) {
    MatchRequest done;
    done.game = "kuhn_poker";
    done.seats = {SeatRequest::agent_seat("random"), SeatRequest::agent_seat("random")};
    done.seed = seed;
    ASSERT_TRUE(wait_end(create(done)));
  }
  store_->flush();
  r = call("GET", "/api/matches?status=finished&limit=3");
  ASSERT_EQ(r.status, 200u);
  Json page = body(r);
  ASSERT_EQ(page["matches"].size(), 3u);
  const int64_t next = page["next_before"];
  r = call("GET", "/api/matches?status=finished&limit=3&before=" + std::to_string(next));
  page = body(r);
  EXPECT_EQ(page["matches"].size(), 2u);
  EXPECT_TRUE(page["next_before"].is_null());
  const int64_t finished_id = page["matches"][0]["id"];
  r = call("GET", "/api/matches/" + std::to_string(finished_id));
  EXPECT_FALSE(body(r)["moves"][0]["action"].is_null()) << "a finished match shows everything";
  r = call("GET", "/api/matches/" + std::to_string(finished_id) + "/export");
  EXPECT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("Kuhn poker hand"), std::string::npos);
  EXPECT_EQ(call("GET", "/api/matches?limit=0").status, 400u);
  EXPECT_EQ(call("GET", "/api/matches?status=sleeping").status, 400u);
  EXPECT_EQ(call("GET", "/api/matches/abc").status, 400u);
  EXPECT_EQ(call("GET", "/api/matches/424242").status, 404u);
}

TEST_F(RestTest, LeaderboardAndPlayerPages) {
  SeatRequest bob = remote("bob");
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    MatchRequest r;
    r.game = "kuhn_poker";
    r.seats = {bob, SeatRequest::agent_seat("random")};
    r.seed = seed;
    const int64_t id = create(r);
    ASSERT_TRUE(wait_turn(id, 0));
    Status s = call_match([&](Match::Done d) { arena_->find(id)->resign(0, d); });
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(wait_end(id));
  }
  store_->flush();
  HttpResponse r = call("GET", "/api/leaderboard?game=kuhn_poker");
  ASSERT_EQ(r.status, 200u) << r.body;
  Json board = body(r);
  EXPECT_EQ(board["anchor"], "random");
  ASSERT_EQ(board["bradley_terry"].size(), 2u);
  EXPECT_EQ(board["bradley_terry"][0]["name"], "random");
  EXPECT_EQ(board["bradley_terry"][0]["elo"], 0.0);
  EXPECT_LT(board["bradley_terry"][1]["elo"].get<double>(), 0.0) << "bob lost every match";
  EXPECT_LE(board["bradley_terry"][1]["low"].get<double>(), board["bradley_terry"][1]["high"].get<double>());
  EXPECT_EQ(board["live"].size(), 2u);
  r = call("GET", "/api/leaderboard?game=kuhn_poker&kind=bots");
  board = body(r);
  ASSERT_EQ(board["bradley_terry"].size(), 1u);
  EXPECT_EQ(board["bradley_terry"][0]["name"], "bob");
  EXPECT_EQ(call("GET", "/api/leaderboard").status, 400u);
  EXPECT_EQ(call("GET", "/api/leaderboard?game=kuhn_poker&kind=robots").status, 400u);

  r = call("GET", "/api/players/" + std::to_string(bob.player_id));
  ASSERT_EQ(r.status, 200u);
  Json player = body(r);
  EXPECT_EQ(player["name"], "bob");
  EXPECT_EQ(player["ratings"].size(), 1u);
  EXPECT_EQ(player["history"]["kuhn_poker"].size(), 3u);
  EXPECT_EQ(call("GET", "/api/players/0").status, 400u);
  EXPECT_EQ(call("GET", "/api/players/99999").status, 404u);
}

// A game's name whose own group has no ratings, and a family's name, answer with the rating
// groups that have some ("go" is 19x19; the ratings are in "go(size=9)").
TEST_F(RestTest, LeaderboardOfANameListsItsRatedGroups) {
  SeatRequest bob = remote("bob");
  for (const char* game : {"go(size=9)", "kuhn_poker"}) {
    MatchRequest r;
    r.game = game;
    r.seats = {bob, SeatRequest::agent_seat("random")};
    r.seed = 7;
    const int64_t id = create(r);
    ASSERT_TRUE(wait_turn(id, 0)) << game;
    Status s = call_match([&](Match::Done d) { arena_->find(id)->resign(0, d); });
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(wait_end(id));
  }
  store_->flush();
  Json board = body(call("GET", "/api/leaderboard?game=go"));
  EXPECT_EQ(board["game"], "go");
  EXPECT_EQ(board["bradley_terry"].size(), 0u);
  EXPECT_EQ(board["related_groups"], Json::array({"go(size=9)"}));
  board = body(call("GET", "/api/leaderboard?game=go(size=9)"));
  EXPECT_EQ(board["bradley_terry"].size(), 2u);
  EXPECT_EQ(board["related_groups"], Json::array());
  board = body(call("GET", "/api/leaderboard?game=poker"));  // the family of kuhn_poker
  EXPECT_TRUE(board["game"].is_null());
  EXPECT_EQ(board["related_groups"], Json::array({"kuhn_poker"}));
  HttpResponse r = call("GET", "/api/leaderboard?game=checkers");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(body(r)["error"]["code"], "bad_spec");
}

// The Set-Cookie value a response sets for `name`, or "" when it sets none.
std::string set_cookie(const HttpResponse& r, const std::string& name) {
  for (const auto& [header, value] : r.headers) {
    if (header == "Set-Cookie" && value.rfind(name + "=", 0) == 0) return value;
  }
  return "";
}

TEST_F(RestTest, PeoplePickANameAndTheirSessionCookieNamesThemAsRatedPlayers) {
  // Nobody yet: a browser without cookies is a guest without a name.
  Json me = body(call("GET", "/api/me"));
  EXPECT_TRUE(me["guest"].get<bool>());
  EXPECT_TRUE(me["name"].is_null());
  EXPECT_TRUE(me["player_id"].is_null());

  HttpResponse r = call("POST", "/api/humans", R"({"name":"alice"})");
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string token = body(r)["token"];
  EXPECT_EQ(body(r)["kind"], "human");
  const std::string cookie = set_cookie(r, net::kSessionCookie);
  const std::string session_id =
      cookie.substr(0, cookie.find(';')).substr(std::string("arena_session=").size());
  EXPECT_EQ(session_id.size(), 64u) << cookie;
  EXPECT_NE(session_id, token) << "the cookie holds a session of its own, never the token";
  EXPECT_NE(cookie.find("Max-Age=2592000"), std::string::npos) << "30 days: " << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "no Secure without --secure-cookies";
  EXPECT_TRUE(store_->find_session(net::sha256_hex(session_id))->has_value()) << "stored as its hash";
  EXPECT_FALSE(store_->find_session(session_id)->has_value());
  EXPECT_TRUE(store_->find_token(net::sha256_hex(token))->has_value()) << "stored as its hash";
  EXPECT_EQ(call("POST", "/api/humans", R"({"name":"alice"})").status, 409u);
  EXPECT_EQ(call("POST", "/api/bots", R"({"name":"alice"})").status, 409u) << "one namespace for players";
  EXPECT_EQ(call("POST", "/api/humans", R"({"name":"guest-0123456789"})").status, 400u)
      << "the guests' names";
  EXPECT_EQ(call("POST", "/api/humans", R"({"name":""})").status, 400u);
  EXPECT_EQ(call("POST", "/api/humans", R"({"nom":"x"})").status, 400u);

  const std::map<std::string, std::string> session = {{"cookie", "theme=dark; arena_session=" + session_id}};
  me = body(call("GET", "/api/me", "", session));
  EXPECT_EQ(me["name"], "alice");
  EXPECT_EQ(me["kind"], "human");
  EXPECT_FALSE(me["guest"].get<bool>());
  EXPECT_EQ(me["player_id"], body(r)["player_id"]);

  // The token is no session: as a cookie it names no one.
  me = body(call("GET", "/api/me", "", {{"cookie", "arena_session=" + token}}));
  EXPECT_TRUE(me["guest"].get<bool>());
  EXPECT_TRUE(me["name"].is_null());

  // A stale session falls back to the guest cookie; a guest is named by its whole hash.
  const std::string guest(64, 'a');
  me = body(call("GET", "/api/me", "", {{"cookie", "arena_session=stale; arena_guest=" + guest}}));
  EXPECT_TRUE(me["guest"].get<bool>());
  EXPECT_EQ(me["name"], "guest-" + net::sha256_hex(guest));
  // A bad bearer token is refused, not taken for a guest.
  EXPECT_EQ(call("GET", "/api/me", "", {{"authorization", "Bearer nope"}}).status, 401u);

  // Signing in elsewhere with the token makes another session; signing out clears the cookie.
  r = call("POST", "/api/session", "{\"token\":\"" + token + "\"}");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body(r)["name"], "alice");
  const std::string other = set_cookie(r, net::kSessionCookie);
  EXPECT_EQ(other.find("arena_session="), 0u) << other;
  EXPECT_EQ(other.find("arena_session=" + token + ";"), std::string::npos) << "never the token";
  EXPECT_EQ(other.find("arena_session=" + session_id + ";"), std::string::npos) << "a new session";
  EXPECT_EQ(call("POST", "/api/session", R"({"token":"wrong"})").status, 401u);
  EXPECT_EQ(call("POST", "/api/session", "[]").status, 400u);
  r = call("DELETE", "/api/session");
  EXPECT_EQ(r.status, 200u);
  EXPECT_NE(set_cookie(r, net::kSessionCookie).find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(call("GET", "/api/session").status, 405u);

  // A signed-in person may challenge over REST too, and plays rated; a guest may not.
  EXPECT_EQ(call("POST", "/api/challenges", R"({"to":"random","game":"kuhn_poker"})",
                 {{"cookie", "arena_guest=" + guest}})
                .status,
            401u);
  r = call("POST", "/api/challenges", R"({"to":"random","game":"kuhn_poker"})", session);
  ASSERT_EQ(r.status, 201u) << r.body;
  Result<std::optional<db::MatchRecord>> match = store_->match(body(r)["match_id"].get<int64_t>());
  ASSERT_TRUE(match.ok() && *match);
  EXPECT_TRUE((*match)->match.rated);
  bool alice_seated = false;
  for (const db::SeatRow& seat : (*match)->seats) alice_seated |= seat.player_name == "alice";
  EXPECT_TRUE(alice_seated);
}

// Signing out revokes the session on the server: the cookie's value names no one after it,
// wherever it was copied to; the person's other sessions go on.
TEST_F(RestTest, ASignedOutSessionNoLongerIdentifiesAnyone) {
  HttpResponse r = call("POST", "/api/humans", R"({"name":"carol"})");
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string token = body(r)["token"];
  auto session_of = [](const std::string& set_cookie_value) {
    return set_cookie_value.substr(0, set_cookie_value.find(';'));
  };
  const std::string first = session_of(set_cookie(r, net::kSessionCookie));
  r = call("POST", "/api/session", "{\"token\":\"" + token + "\"}");
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::string second = session_of(set_cookie(r, net::kSessionCookie));
  ASSERT_NE(first, second);
  for (const std::string& s : {first, second}) {
    EXPECT_EQ(body(call("GET", "/api/me", "", {{"cookie", s}}))["name"], "carol") << s;
  }

  r = call("DELETE", "/api/session", "", {{"cookie", first}});
  ASSERT_EQ(r.status, 200u) << r.body;
  const Json me = body(call("GET", "/api/me", "", {{"cookie", first}}));
  EXPECT_TRUE(me["guest"].get<bool>()) << me;
  EXPECT_TRUE(me["name"].is_null()) << me;
  EXPECT_EQ(
      call("POST", "/api/challenges", R"({"to":"random","game":"kuhn_poker"})", {{"cookie", first}}).status,
      401u)
      << "a signed-out session cannot act";
  EXPECT_EQ(body(call("GET", "/api/me", "", {{"cookie", second}}))["name"], "carol") << "the other browser";
}

TEST_F(RestTest, ATokenRevokedWithItselfIsRefusedFromThenOn) {
  HttpResponse r = call("POST", "/api/bots", R"({"name":"leaky-bot"})");
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string token = body(r)["token"];
  const std::map<std::string, std::string> bearer = {{"authorization", "Bearer " + token}};
  // A person's browser signed in with the token keeps its session.
  r = call("POST", "/api/session", "{\"token\":\"" + token + "\"}");
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::string session =
      set_cookie(r, net::kSessionCookie).substr(0, set_cookie(r, net::kSessionCookie).find(';'));

  EXPECT_EQ(call("DELETE", "/api/token").status, 401u) << "a revocation names its token";
  EXPECT_EQ(call("DELETE", "/api/token", "", {{"authorization", "Bearer nope"}}).status, 401u);
  EXPECT_EQ(body(call("GET", "/api/me", "", bearer))["name"], "leaky-bot");
  r = call("DELETE", "/api/token", "", bearer);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body(r)["revoked"], true);
  EXPECT_EQ(body(r)["name"], "leaky-bot");

  r = call("GET", "/api/me", "", bearer);
  EXPECT_EQ(r.status, 401u) << r.body;
  EXPECT_EQ(body(r)["error"]["code"], "unauthorized");
  EXPECT_EQ(call("POST", "/api/challenges", R"({"to":"random","game":"kuhn_poker"})", bearer).status, 401u);
  EXPECT_EQ(call("POST", "/api/session", "{\"token\":\"" + token + "\"}").status, 401u);
  EXPECT_EQ(call("DELETE", "/api/token", "", bearer).status, 401u) << "revoked once";
  EXPECT_FALSE(store_->find_token(net::sha256_hex(token))->has_value());
  EXPECT_EQ(body(call("GET", "/api/me", "", {{"cookie", session}}))["name"], "leaky-bot")
      << "sessions made with the token may stay";
}

// Of many registrations of one name at once, exactly one gets a token.
TEST_F(RestTest, ConcurrentRegistrationsOfOneNameGiveOneToken) {
  constexpr int kThreads = 16;
  std::atomic<int> ready{0};
  std::vector<std::future<HttpResponse>> answers;
  for (int i = 0; i < kThreads; ++i) {
    answers.push_back(std::async(std::launch::async, [&, i] {
      ++ready;
      while (ready < kThreads) std::this_thread::yield();
      return call("POST", i % 2 ? "/api/bots" : "/api/humans", R"({"name":"contested"})");
    }));
  }
  int tokens = 0;
  for (auto& a : answers) {
    const HttpResponse r = a.get();
    if (r.status == 201) {
      ++tokens;
      EXPECT_EQ(body(r)["token"].get<std::string>().size(), 64u);
    } else {
      EXPECT_EQ(r.status, 409u) << r.body;
      EXPECT_EQ(body(r)["error"]["code"], "conflict") << r.body;
    }
  }
  EXPECT_EQ(tokens, 1);
}

TEST_F(RestTest, HouseAgentAndReservedNamesCannotBeRegistered) {
  // Every registered agent type, in any case, even before the house agent has a row.
  ASSERT_FALSE(agent_registrations().empty());
  for (const AgentRegistration& agent : agent_registrations()) {
    std::string upper = agent.name;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const std::string& name : {agent.name, upper}) {
      if (!net::valid_player_name(name)) continue;
      const HttpResponse r = call("POST", "/api/bots", Json{{"name", name}}.dump());
      EXPECT_EQ(r.status, 400u) << name << ": " << r.body;
      EXPECT_NE(body(r)["error"]["message"].get<std::string>().find("house agent"), std::string::npos)
          << r.body;
    }
  }
  for (const char* name : {"shared", "Admin", "ARENA", "house", "System", "anonymous"}) {
    const HttpResponse r = call("POST", "/api/humans", Json{{"name", name}}.dump());
    EXPECT_EQ(r.status, 400u) << name << ": " << r.body;
    EXPECT_NE(body(r)["error"]["message"].get<std::string>().find("reserved"), std::string::npos) << r.body;
  }
  // The names of existing agent and puzzle rows, in any case.
  ASSERT_TRUE(db::wait([&](db::Store::DoneId d) {
                store_->ensure_player("house-anchor", db::PlayerKind::kAgent, "house-anchor", d);
              }).ok());
  ASSERT_TRUE(db::wait([&](db::Store::DoneId d) { store_->ensure_puzzle("game24", "p24.1", 0.5, d); }).ok());
  for (const char* name : {"house-anchor", "House-Anchor", "P24.1"}) {
    const HttpResponse r = call("POST", "/api/bots", Json{{"name", name}}.dump());
    EXPECT_EQ(r.status, 409u) << name << ": " << r.body;
    EXPECT_EQ(body(r)["error"]["code"], "conflict");
  }
  Result<std::optional<db::PlayerRow>> anchor = store_->find_player("house-anchor");
  ASSERT_TRUE(anchor.ok() && *anchor);
  EXPECT_EQ((*anchor)->kind, db::PlayerKind::kAgent) << "the agent keeps its row";
  EXPECT_EQ(call("POST", "/api/bots", R"({"name":"random-walker"})").status, 201u) << "only whole names";
}

// A page of another site cannot act with the user's cookies; bots and curl send no Origin.
TEST_F(RestTest, PostsAndDeletesFromAForeignOriginAreRefused) {
  const std::map<std::string, std::string> foreign = {{"host", "arena.test:8080"},
                                                      {"origin", "http://evil.example"}};
  HttpResponse r = call("POST", "/api/humans", R"({"name":"dave"})", foreign);
  EXPECT_EQ(r.status, 403u) << r.body;
  EXPECT_EQ(body(r)["error"]["code"], "forbidden");
  EXPECT_NE(body(r)["error"]["message"].get<std::string>().find("evil.example"), std::string::npos);
  EXPECT_FALSE(store_->find_player("dave")->has_value()) << "nothing was done";
  EXPECT_EQ(
      call("POST", "/api/humans", R"({"name":"dave"})", {{"host", "arena.test:8080"}, {"origin", "null"}})
          .status,
      403u);
  EXPECT_EQ(call("GET", "/api/me", "", foreign).status, 200u) << "reads are not refused";

  // The served origin (scheme://Host) may; so may no Origin at all.
  r = call("POST", "/api/humans", R"({"name":"dave"})",
           {{"host", "arena.test:8080"}, {"origin", "http://arena.test:8080"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string session =
      set_cookie(r, net::kSessionCookie).substr(0, set_cookie(r, net::kSessionCookie).find(';'));
  EXPECT_EQ(call("POST", "/api/bots", R"({"name":"curl-bot"})").status, 201u);

  // Signing out from another site is refused: the session stays.
  std::map<std::string, std::string> cross = foreign;
  cross["cookie"] = session;
  EXPECT_EQ(call("DELETE", "/api/session", "", cross).status, 403u);
  EXPECT_EQ(body(call("GET", "/api/me", "", {{"cookie", session}}))["name"], "dave");
  EXPECT_EQ(call("POST", "/api/challenges", R"({"to":"random","game":"kuhn_poker"})", cross).status, 403u);

  // --allowed-origin adds origins; with --secure-cookies the served origin is https.
  reopen_api(net::BrowserPolicy{true, {"https://play.example"}});
  EXPECT_EQ(
      call("POST", "/api/bots", R"({"name":"b1"})", {{"host", "arena.test"}, {"origin", "http://arena.test"}})
          .status,
      403u);
  EXPECT_EQ(call("POST", "/api/bots", R"({"name":"b1"})",
                 {{"host", "arena.test"}, {"origin", "https://arena.test"}})
                .status,
            201u);
  EXPECT_EQ(call("POST", "/api/bots", R"({"name":"b2"})",
                 {{"host", "arena.test"}, {"origin", "https://Play.example"}})
                .status,
            201u);
  EXPECT_EQ(call("POST", "/api/bots", R"({"name":"b3"})",
                 {{"host", "arena.test"}, {"origin", "https://play.example.evil"}})
                .status,
            403u);
}

TEST_F(RestTest, SecureCookiesAreMarkedSecure) {
  reopen_api(net::BrowserPolicy{true, {}});
  HttpResponse r = call("POST", "/api/humans", R"({"name":"erin"})");
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_NE(set_cookie(r, net::kSessionCookie).find("; Secure"), std::string::npos)
      << set_cookie(r, net::kSessionCookie);
  r = call("DELETE", "/api/session");
  EXPECT_NE(set_cookie(r, net::kSessionCookie).find("; Secure"), std::string::npos);
}

TEST_F(RestTest, BodiesOfPostsMustBeJson) {
  HttpResponse r = call("POST", "/api/bots", R"({"name":"typed-bot"})", {{"content-type", "text/plain"}});
  EXPECT_EQ(r.status, 415u) << r.body;
  EXPECT_EQ(body(r)["error"]["code"], "unsupported_media_type");
  EXPECT_EQ(call("POST", "/api/bots", R"({"name":"typed-bot"})",
                 {{"content-type", "application/x-www-form-urlencoded"}})
                .status,
            415u);
  EXPECT_EQ(api_->handle(HttpRequest{"POST", "/api/bots", {}, R"({"name":"typed-bot"})"}).status, 415u)
      << "no Content-Type";
  EXPECT_FALSE(store_->find_player("typed-bot")->has_value());
  EXPECT_EQ(call("POST", "/api/bots", R"({"name":"typed-bot"})",
                 {{"content-type", "Application/JSON; charset=utf-8"}})
                .status,
            201u);
  EXPECT_EQ(api_->handle(HttpRequest{"DELETE", "/api/session", {}, ""}).status, 200u)
      << "no body, no type needed";
}

// A guest is named by the whole SHA-256 of a cookie of the server's making; another cookie
// names no one.
TEST_F(RestTest, GuestsAreNamedByTheWholeHashOfAValidCookie) {
  const std::string cookie = net::random_token();
  Json me = body(call("GET", "/api/me", "", {{"cookie", "arena_guest=" + cookie}}));
  EXPECT_EQ(me["name"], "guest-" + net::sha256_hex(cookie));
  EXPECT_EQ(me["name"].get<std::string>().size(), 6u + 64u);
  EXPECT_TRUE(me["player_id"].is_null()) << "no row until the guest connects";
  std::string upper = cookie;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& bad : {upper, std::string(63, 'a'), std::string(64, 'g'), cookie + "0"}) {
    if (bad == cookie) continue;
    me = body(call("GET", "/api/me", "", {{"cookie", "arena_guest=" + bad}}));
    EXPECT_TRUE(me["name"].is_null()) << bad;
  }
  EXPECT_TRUE(net::valid_guest_cookie(cookie));
  EXPECT_FALSE(net::valid_guest_cookie(std::string(64, 'A')));
}

TEST_F(RestTest, OpenSeeksAreListed) {
  EXPECT_EQ(body(call("GET", "/api/seeks"))["seeks"].size(), 0u);
  SeatRequest carol = remote("carol");
  Seek seek;
  seek.games = {"go(size=5)"};
  Result<TimeControl> tc = TimeControl::parse("60+1");
  ASSERT_TRUE(tc.ok());
  seek.time_controls = {*tc};
  seek.rated = false;
  Result<int64_t> id = arena_->seek(carol, seek);
  ASSERT_TRUE(id.ok());
  Json seeks = body(call("GET", "/api/seeks"))["seeks"];
  ASSERT_EQ(seeks.size(), 1u);
  EXPECT_EQ(seeks[0]["id"], *id);
  EXPECT_EQ(seeks[0]["name"], "carol");
  EXPECT_EQ(seeks[0]["player_id"], carol.player_id);
  EXPECT_EQ(seeks[0]["games"][0].get<std::string>().rfind("go(size=5", 0), 0u);
  EXPECT_EQ(seeks[0]["time_controls"][0], tc->to_string());
  EXPECT_FALSE(seeks[0]["rated"].get<bool>());
  // An equal seek from someone else pairs them, and the list is empty again.
  ASSERT_TRUE(arena_->seek(remote("dave"), seek).ok());
  EXPECT_EQ(body(call("GET", "/api/seeks"))["seeks"].size(), 0u);
  ASSERT_TRUE(arena_->seek(carol, seek).ok());
  ASSERT_EQ(body(call("GET", "/api/seeks"))["seeks"].size(), 1u);
  EXPECT_TRUE(arena_->cancel_seek(body(call("GET", "/api/seeks"))["seeks"][0]["id"].get<int64_t>()));
  EXPECT_EQ(body(call("GET", "/api/seeks"))["seeks"].size(), 0u);
}

TEST_F(RestTest, EachGameListsTheHouseAgentsThatAcceptChallengesInIt) {
  close_arena();
  ArenaConfig config = no_house();
  config.challengeable_agents = {"random", "mcts(simulations=8)", "gtp:gnugo(level=1)"};
  open_arena(config);
  api_ = std::make_unique<RestApi>(*arena_, *store_, stats_, [] { return size_t{0}; });
  std::map<std::string, Json> by_name;
  for (const Json& g : body(call("GET", "/api/games"))) by_name[g["name"]] = g["opponents"];
  ASSERT_TRUE(by_name.count("kuhn_poker") && by_name.count("go"));
  // GNU Go plays Go only.
  EXPECT_EQ(by_name["kuhn_poker"], Json::array({"random", "mcts(simulations=8)"}));
  ASSERT_GE(by_name["go"].size(), 2u);
  EXPECT_EQ(by_name["go"][0], "random");
  EXPECT_EQ(by_name["go"][1], "mcts(simulations=8)");
}

TEST_F(RestTest, AnEndedMatchIsGivenAsItsViewsMoveByMove) {
  MatchRequest request;
  request.game = "kuhn_poker";
  request.seats = {SeatRequest::agent_seat("random"), SeatRequest::agent_seat("random")};
  request.seed = 5;
  const int64_t id = create(request);
  ASSERT_TRUE(wait_end(id));
  store_->flush();
  const std::string base = "/api/matches/" + std::to_string(id);
  const Json match = body(call("GET", base));
  HttpResponse r = call("GET", base + "/views");
  ASSERT_EQ(r.status, 200u) << r.body;
  Json views = body(r)["views"];
  EXPECT_EQ(body(r)["viewer"], "spectator");
  ASSERT_EQ(views.size(), match["moves"].size() + 1);
  for (size_t k = 0; k < views.size(); ++k) EXPECT_EQ(views[k]["ply"], k);
  EXPECT_TRUE(views.back()["terminal"].get<bool>());
  EXPECT_EQ(views.back()["returns"], match["result"]);
  // After the two deals: a spectator sees neither card, seat 0 sees its own only.
  EXPECT_TRUE(views[2]["state"]["cards"][0].is_null());
  EXPECT_TRUE(views[2]["state"]["cards"][1].is_null());
  Json seat0 = body(call("GET", base + "/views?viewer=0"))["views"];
  EXPECT_TRUE(seat0[2]["state"]["cards"][0].is_string());
  EXPECT_TRUE(seat0[2]["state"]["cards"][1].is_null());
  EXPECT_EQ(call("GET", base + "/views?viewer=2").status, 400u);
  EXPECT_EQ(call("GET", base + "/views?viewer=x").status, 400u);
  EXPECT_EQ(call("GET", "/api/matches/99999/views").status, 404u);

  // Go's handicap stones are in the first view; a match in play has no views yet.
  MatchRequest go;
  go.game = "go(size=9,handicap=2)";
  go.seats = {remote("waiting"), SeatRequest::agent_seat("random")};
  go.seed = 1;
  const int64_t go_id = create(go);
  EXPECT_EQ(call("GET", "/api/matches/" + std::to_string(go_id) + "/views").status, 409u);
  Status s = call_match([&](Match::Done d) { arena_->find(go_id)->resign(0, d); });
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(wait_end(go_id));
  store_->flush();
  views = body(call("GET", "/api/matches/" + std::to_string(go_id) + "/views"))["views"];
  ASSERT_GE(views.size(), 1u);
  int black_stones = 0;
  for (const Json& row : views[0]["state"]["board"]) {
    for (char c : row.get<std::string>()) black_stones += c == 'X';
  }
  EXPECT_EQ(black_stones, 2) << views[0].dump();
}

TEST_F(RestTest, TheStepReportIsTheNewestRunsFileOr404) {
  namespace fs = std::filesystem;
  const fs::path runs = fs::temp_directory_path() / ("arena-rest-steps-" + std::to_string(::getpid()));
  fs::remove_all(runs);
  fs::create_directories(runs / "old");
  fs::create_directories(runs / "new");
  fs::create_directories(runs / "empty");
  auto reopen = [&](fs::path root) {
    api_ = std::make_unique<RestApi>(
        *arena_, *store_, stats_, [] { return size_t{0}; }, std::function<std::string()>(), fs::path(),
        net::BrowserPolicy{}, nullptr, std::move(root));
  };
  reopen(runs);
  HttpResponse none = call("GET", "/api/reports/steps");
  EXPECT_EQ(none.status, 404u);
  EXPECT_EQ(body(none)["error"]["code"], "no_report");  // not "not_found": the route exists
  EXPECT_NE(body(none)["error"]["message"].get<std::string>().find("arena report steps"), std::string::npos);

  auto write = [](const fs::path& file, const std::string& text) { std::ofstream(file) << text; };
  write(runs / "old" / "step_auc.json",
        R"({"report": "steps", "scorers": [{"scorer": "nn:old@1", "rows": []}]})");
  write(runs / "new" / "step_auc.json",
        R"({"report": "steps", "scorers": [{"scorer": "nn:new@9", "rows": []}]})");
  fs::last_write_time(runs / "old" / "step_auc.json",
                      fs::file_time_type::clock::now() - std::chrono::hours(1));
  HttpResponse newest = call("GET", "/api/reports/steps");
  ASSERT_EQ(newest.status, 200u) << newest.body;
  EXPECT_EQ(body(newest)["run"], "new");
  EXPECT_EQ(body(newest)["scorers"][0]["scorer"], "nn:new@9");

  write(runs / "new" / "step_auc.json", "{not json");
  HttpResponse broken = call("GET", "/api/reports/steps");
  EXPECT_EQ(broken.status, 500u);
  EXPECT_NE(body(broken)["error"]["message"].get<std::string>().find("new"), std::string::npos);

  reopen(fs::path());  // no runs folder configured
  EXPECT_EQ(call("GET", "/api/reports/steps").status, 404u);
  fs::remove_all(runs);
}

TEST_F(RestTest, TheRunsFiguresAreListedNewestFirstWithTheirSvg) {
  namespace fs = std::filesystem;
  const fs::path runs = fs::temp_directory_path() / ("arena-rest-figures-" + std::to_string(::getpid()));
  fs::remove_all(runs);
  fs::create_directories(runs / "pvo-1");
  fs::create_directories(runs / "shared-1" / "checkpoints");
  api_ = std::make_unique<RestApi>(
      *arena_, *store_, stats_, [] { return size_t{0}; }, std::function<std::string()>(), fs::path(),
      net::BrowserPolicy{}, nullptr, runs);
  HttpResponse none = call("GET", "/api/reports/figures");
  ASSERT_EQ(none.status, 200u) << none.body;
  EXPECT_EQ(body(none)["figures"], Json::array());

  auto write = [](const fs::path& file, const std::string& text) { std::ofstream(file) << text; };
  write(runs / "pvo-1" / "process-vs-outcome.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>new</text></svg>");
  write(runs / "shared-1" / "curve.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>old</text></svg>");
  write(runs / "shared-1" / "notes.txt", "not a figure");
  write(runs / "shared-1" / "checkpoints" / "deep.svg", "<svg/>");  // only <run>/*.svg
  fs::last_write_time(runs / "shared-1" / "curve.svg",
                      fs::file_time_type::clock::now() - std::chrono::hours(1));
  write(runs / "pvo-1" / "huge.svg", std::string((1 << 20) + 1, ' '));
  fs::last_write_time(runs / "pvo-1" / "huge.svg", fs::file_time_type::clock::now() - std::chrono::hours(2));

  HttpResponse listed = call("GET", "/api/reports/figures");
  ASSERT_EQ(listed.status, 200u) << listed.body;
  const Json listing = body(listed);
  const Json& figures = listing["figures"];
  ASSERT_EQ(figures.size(), 3u) << listed.body;
  EXPECT_EQ(figures[0]["run"], "pvo-1");
  EXPECT_EQ(figures[0]["name"], "process-vs-outcome.svg");
  EXPECT_NE(figures[0]["svg"].get<std::string>().find("new"), std::string::npos);
  EXPECT_EQ(figures[1]["name"], "curve.svg");
  EXPECT_EQ(figures[2]["name"], "huge.svg");
  EXPECT_TRUE(figures[2]["svg"].is_null()) << "a file over 1 MiB is listed without its text";
  EXPECT_EQ(figures[2]["bytes"], (1 << 20) + 1);
  fs::remove_all(runs);
}

TEST_F(RestTest, TheRunsTrainingMetricsAreThinnedNewestFirst) {
  namespace fs = std::filesystem;
  const fs::path runs = fs::temp_directory_path() / ("arena-rest-training-" + std::to_string(::getpid()));
  fs::remove_all(runs);
  fs::create_directories(runs / "old");
  fs::create_directories(runs / "long");
  api_ = std::make_unique<RestApi>(
      *arena_, *store_, stats_, [] { return size_t{0}; }, std::function<std::string()>(), fs::path(),
      net::BrowserPolicy{}, nullptr, runs);
  EXPECT_EQ(body(call("GET", "/api/reports/training"))["runs"], Json::array());

  auto line = [](int step) {
    return Json{
        {"step", step},
        {"elapsed_s", step / 10.0},
        {"positions_per_s", 100},
        {"learning_rate", 1e-3},
        {"games", 7},
        {"per_game",
         {{"kuhn_poker",
           {{"policy_loss", 1.0 / (step + 1)}, {"value_loss", 0.5}, {"policy_kl", 0.1}, {"reuse", 4}}}}}}
        .dump();
  };
  {
    std::ofstream old(runs / "old" / "metrics.jsonl");
    old << line(10) << "\n" << line(20) << "\n{\"step\": 3";  // the last line cut short
  }
  fs::last_write_time(runs / "old" / "metrics.jsonl",
                      fs::file_time_type::clock::now() - std::chrono::hours(1));
  {
    std::ofstream long_run(runs / "long" / "metrics.jsonl");
    for (int step = 1; step <= 1000; ++step) long_run << line(step) << "\n";
  }
  HttpResponse r = call("GET", "/api/reports/training");
  ASSERT_EQ(r.status, 200u) << r.body;
  const Json listing = body(r);
  ASSERT_EQ(listing["runs"].size(), 2u) << r.body;
  const Json& first = listing["runs"][0];
  EXPECT_EQ(first["run"], "long");
  EXPECT_EQ(first["lines"], 1000);
  const Json& points = first["points"];
  ASSERT_LE(points.size(), 200u);
  ASSERT_GE(points.size(), 100u);
  EXPECT_EQ(points.front()["step"], 1);
  EXPECT_EQ(points.back()["step"], 1000) << "the last line is always kept";
  EXPECT_DOUBLE_EQ(points.back()["per_game"]["kuhn_poker"]["policy_loss"].get<double>(), 1.0 / 1001);
  EXPECT_FALSE(points.back()["per_game"]["kuhn_poker"].contains("reuse")) << "only the plotted fields";
  EXPECT_FALSE(points.back().contains("games"));
  const Json& second = listing["runs"][1];
  EXPECT_EQ(second["run"], "old");
  EXPECT_EQ(second["lines"], 2) << "a line cut short is passed over";
  EXPECT_EQ(second["points"][1]["step"], 20);
  fs::remove_all(runs);
}

// The learner's routes over a learner that keeps what it is given: the routes name the worker
// by its token, limit its uploads, pass the step and the bytes through, and map the
// learner's errors to statuses.
class FakeLearner final : public net::LearnEndpoint {
 public:
  std::optional<std::string> worker_of(std::string_view token) const override {
    if (token == "good-token") return "w1";
    return std::nullopt;
  }
  Json describe() const override { return {{"run", "fake"}, {"step", 7}}; }
  Result<std::string> checkpoint(std::optional<int64_t> step, int64_t& served) const override {
    if (step && *step != 7) return make_error("not_found", "no such checkpoint");
    served = 7;
    return std::string("weights\0bytes", 13);
  }
  Result<Json> upload(const std::string& worker, int64_t step, const std::string& bytes) override {
    if (step < 7) return make_error("stale", "too old");
    if (bytes == "full") return make_error("busy", "later");
    uploads.push_back(worker + "@" + std::to_string(step) + ":" + bytes);
    return Json{{"games", 1}};
  }
  std::vector<std::string> uploads;
};

TEST_F(RestTest, TheLearnerRoutesCheckTokensLimitUploadsAndMapTheLearnersErrors) {
  EXPECT_EQ(body(call("GET", "/api/learn"))["error"]["code"],
            "no_learner");  // no learner: the route is there
  FakeLearner learner;
  api_ = std::make_unique<RestApi>(
      *arena_, *store_, stats_, [] { return size_t{0}; }, std::function<std::string()>(),
      std::filesystem::path(), net::BrowserPolicy{}, nullptr, std::filesystem::path(),
      net::LearnRoutes{&learner, 3});
  EXPECT_EQ(body(call("GET", "/api/learn"))["run"], "fake");
  HttpResponse file = call("GET", "/api/learn/checkpoint");
  ASSERT_EQ(file.status, 200u);
  EXPECT_EQ(file.content_type, "application/octet-stream");
  EXPECT_EQ(file.body, std::string("weights\0bytes", 13));
  EXPECT_EQ(call("GET", "/api/learn/checkpoint?step=8").status, 404u);
  EXPECT_EQ(call("GET", "/api/learn/checkpoint?step=-1").status, 400u);

  auto upload = [&](const std::string& target, const std::string& bytes, const std::string& token) {
    std::map<std::string, std::string> headers = {{"content-type", "application/octet-stream"}};
    if (!token.empty()) headers["authorization"] = "Bearer " + token;
    return api_->handle(HttpRequest{"POST", target, headers, bytes, "10.0.0.1"});
  };
  EXPECT_EQ(upload("/api/learn/shards?step=7", "g1", "").status, 401u);
  EXPECT_EQ(upload("/api/learn/shards?step=7", "g1", "bad-token").status, 401u);
  EXPECT_EQ(call("POST", "/api/learn/shards?step=7", "{}", {{"authorization", "Bearer good-token"}}).status,
            415u);
  EXPECT_EQ(upload("/api/learn/shards?step=7", "g1", "good-token").status, 200u);
  EXPECT_EQ(upload("/api/learn/shards?step=3", "g2", "good-token").status, 409u);  // stale
  HttpResponse busy = upload("/api/learn/shards?step=7", "full", "good-token");
  EXPECT_EQ(busy.status, 503u);
  EXPECT_EQ(body(busy)["error"]["code"], "busy");
  // Three uploads a minute, in bursts of three: the fourth waits.
  HttpResponse limited = upload("/api/learn/shards?step=7", "g3", "good-token");
  EXPECT_EQ(limited.status, 429u);
  bool retry_after = false;
  for (const auto& [name, value] : limited.headers)
    retry_after |= name == "Retry-After" && std::stoi(value) >= 1;
  EXPECT_TRUE(retry_after);
  EXPECT_EQ(learner.uploads, std::vector<std::string>{"w1@7:g1"});
}

}  // namespace
}  // namespace arena::testing
