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

}  // namespace
}  // namespace arena::testing
