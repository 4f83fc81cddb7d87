// The REST API against a real store and arena, without sockets; and the OpenAPI document
// checked against the routes the server really has.
#include "server/net/rest.h"

#include <gtest/gtest.h>

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
  HttpResponse call(const std::string& method, const std::string& target, const std::string& body = "",
                    std::map<std::string, std::string> headers = {}) {
    return api_->handle(HttpRequest{method, target, std::move(headers), body});
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
    const bool unknown_endpoint = res.status == 404 && b.contains("error") && b["error"]["code"] == "not_found";
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
  r = call("POST", "/api/challenges", R"({"to":"random","game":"kuhn_poker"})", {{"authorization", "Bearer " + token}});
  ASSERT_EQ(r.status, 201u) << r.body;
  const int64_t match_id = body(r)["match_id"];
  EXPECT_GT(match_id, 0);
  r = call("POST", "/api/challenges", R"({"to":"random","game":"chess9"})", {{"authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(body(r)["error"]["code"], "bad_spec");
  r = call("POST", "/api/challenges", R"({"to":"nobody","game":"kuhn_poker"})", {{"authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 404u);
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

}  // namespace
}  // namespace arena::testing
