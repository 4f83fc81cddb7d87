// GET /api/reports/generalization through the REST API (no sockets), on a real store.
#include <gtest/gtest.h>

#include "server/arena/generalization.h"
#include "server/net/rest.h"
#include "server/net/wire.h"
#include "tests/arena/arena_fixture.h"
#include "tests/report/report_fixture.h"

namespace arena::testing {
namespace {

class ReportRestTest : public ArenaTest {
 protected:
  void SetUp() override {
    ArenaTest::SetUp();
    open_arena();
    api_ = std::make_unique<net::RestApi>(*arena_, *store_, stats_, [] { return size_t{0}; });
  }
  void TearDown() override {
    api_.reset();
    ArenaTest::TearDown();
  }
  net::HttpResponse get(const std::string& target, const std::string& method = "GET") {
    return api_->handle(net::HttpRequest{method, target, {}, ""});
  }
  net::ServerStats stats_;
  std::unique_ptr<net::RestApi> api_;
};

TEST_F(ReportRestTest, ServesTheReport) {
  net::HttpResponse empty = get("/api/reports/generalization");
  ASSERT_EQ(empty.status, 200u) << empty.body;
  std::optional<Json> e = parse_json(empty.body);
  ASSERT_TRUE(e);
  EXPECT_TRUE((*e)["runs"].empty());
  EXPECT_TRUE((*e)["groups"].empty());

  const std::string held_out = rating_group_of(kHeldOut);
  fill_scenario(*store_, held_out);
  net::HttpResponse r = get("/api/reports/generalization?bootstrap=30");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  std::optional<Json> j = parse_json(r.body);
  ASSERT_TRUE(j) << r.body;
  EXPECT_EQ((*j)["bootstrap"], 30);
  ASSERT_EQ((*j)["runs"].size(), 4u);
  ASSERT_EQ((*j)["groups"].size(), 3u);
  const Json& kuhn = (*j)["groups"][0];
  EXPECT_EQ(kuhn["rating_group"], "kuhn_poker");
  EXPECT_EQ(kuhn["anchor"], "random");
  ASSERT_EQ(kuhn["columns"]["shared"].size(), 1u);
  ASSERT_EQ(kuhn["columns"]["specialist"].size(), 1u);
  EXPECT_GT(kuhn["columns"]["shared"][0]["elo"].get<double>(),
            kuhn["columns"]["specialist"][0]["elo"].get<double>());
  // The same numbers as the report computed directly with the same resamples.
  Result<GeneralizationReport> direct = compute_generalization(*store_, 30);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(*j, net::generalization_json(*direct));
}

TEST_F(ReportRestTest, BadRequestsAreErrors) {
  EXPECT_EQ(get("/api/reports/generalization?bootstrap=lots").status, 400u);
  EXPECT_EQ(get("/api/reports/generalization?bootstrap=-1").status, 400u);
  EXPECT_EQ(get("/api/reports/generalization?bootstrap=1000000").status, 400u);
  EXPECT_EQ(get("/api/reports/generalization", "POST").status, 405u);
  EXPECT_EQ(get("/api/reports/elsewhere").status, 404u);
}

TEST_F(ReportRestTest, TheRouteIsDocumented) {
  std::optional<Json> doc = parse_json(net::RestApi::openapi_document());
  ASSERT_TRUE(doc);
  EXPECT_TRUE((*doc)["paths"]["/api/reports/generalization"]["get"].contains("responses"));
  bool routed = false;
  for (const net::Route& route : net::RestApi::routes()) {
    routed |= route.method == "GET" && route.path == "/api/reports/generalization";
  }
  EXPECT_TRUE(routed);
}

// The leaderboard shows a stored exploitability beside Elo, computes none itself, and says
// null where none is known.
TEST_F(ReportRestTest, TheLeaderboardCarriesStoredExploitability) {
  fill_scenario(*store_, rating_group_of(kHeldOut));
  const db::ExploitabilityRow row{"kuhn_poker", "random", 11.0 / 24, 11.0 / 24, 11.0 / 24, true, 0, ""};
  ASSERT_TRUE(db::wait_status([&](db::Store::Done d) { store_->upsert_exploitability(row, d); }).ok());
  const db::ExploitabilityRow sampled{"kuhn_poker", kMcts, 0.17, 0.16, 0.18, false, 20, ""};
  ASSERT_TRUE(db::wait_status([&](db::Store::Done d) { store_->upsert_exploitability(sampled, d); }).ok());
  net::HttpResponse r = get("/api/leaderboard?game=kuhn_poker");
  ASSERT_EQ(r.status, 200u) << r.body;
  std::optional<Json> j = parse_json(r.body);
  ASSERT_TRUE(j) << r.body;
  int seen = 0;
  for (const Json& e : (*j)["bradley_terry"]) {
    if (e["name"] == "random") {
      ++seen;
      EXPECT_NEAR(e["exploitability"]["value"].get<double>(), 0.458333, 1e-6);
      EXPECT_EQ(e["exploitability"]["method"], "exact");
      EXPECT_FALSE(e["exploitability"]["computed_at"].get<std::string>().empty());
    } else if (e["name"] == kMcts) {
      ++seen;
      EXPECT_EQ(e["exploitability"]["value"], 0.17);
      EXPECT_EQ(e["exploitability"]["low"], 0.16);
      EXPECT_EQ(e["exploitability"]["high"], 0.18);
      EXPECT_EQ(e["exploitability"]["samples"], 20);
      EXPECT_EQ(e["exploitability"]["method"], "sampled");
    } else {
      EXPECT_TRUE(e["exploitability"].is_null()) << e.dump();
    }
  }
  EXPECT_EQ(seen, 2) << r.body;
}

}  // namespace
}  // namespace arena::testing
