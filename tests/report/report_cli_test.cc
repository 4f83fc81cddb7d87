// `arena report` as its command function: usage errors, a missing database, text and JSON.
#include <gtest/gtest.h>

#include <filesystem>

#include "db/sql_store.h"
#include "server/arena/generalization.h"
#include "server/cli/commands.h"
#include "tests/report/report_fixture.h"

namespace arena::testing {
namespace {

struct Ran {
  int code = 0;
  std::string out, err;
};

Ran report(const std::vector<std::string>& args) {
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  Ran r;
  r.code = cli::run_report(args);
  r.out = ::testing::internal::GetCapturedStdout();
  r.err = ::testing::internal::GetCapturedStderr();
  return r;
}

TEST(ReportCli, UsageErrorsExitTwo) {
  Ran r = report({});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("generalization"), std::string::npos) << "the usage lists the reports";
  EXPECT_EQ(report({"elo-inflation"}).code, 2);
  EXPECT_EQ(report({"generalization", "--no-such-option"}).code, 2);
  EXPECT_EQ(report({"generalization", "--bootstrap", "many"}).code, 2);
  EXPECT_EQ(report({"generalization", "--bootstrap", "-3"}).code, 2);
  r = report({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("generalization"), std::string::npos);
  r = report({"generalization", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--bootstrap"), std::string::npos);
  EXPECT_NE(r.out.find("--json"), std::string::npos);
}

TEST(ReportCli, AMissingDatabaseIsAnErrorAndIsNotCreated) {
  TempDbFile db;
  Ran r = report({"generalization", "--db", db.path()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no database"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(db.path()));
}

TEST(ReportCli, PrintsTheTableAndTheJson) {
  TempDbFile db;
  const std::string held_out = rating_group_of(kHeldOut);
  {
    Result<std::unique_ptr<db::SqlStore>> store = db::SqlStore::open(db.path());
    ASSERT_TRUE(store.ok());
    fill_scenario(**store, held_out);
  }
  Ran text = report({"generalization", "--db", db.path(), "--bootstrap", "20"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("(20 resamples)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("\nkuhn_poker "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("multi@100: "), std::string::npos);
  EXPECT_NE(text.out.find("xfer@40: "), std::string::npos);

  Ran json = report({"generalization", "--db", db.path(), "--bootstrap", "20", "--json"});
  ASSERT_EQ(json.code, 0) << json.err;
  std::optional<Json> j = parse_json(json.out);
  ASSERT_TRUE(j) << json.out;
  EXPECT_EQ((*j)["bootstrap"], 20);
  ASSERT_EQ((*j)["groups"].size(), 3u);
  EXPECT_EQ((*j)["groups"][2]["rating_group"], held_out);
  EXPECT_EQ((*j)["groups"][2]["columns"]["scratch"][0]["run"], "fresh");
}

TEST(ReportCli, ShowsExploitabilityBesideEloInPoker) {
  TempDbFile db;
  {
    Result<std::unique_ptr<db::SqlStore>> store = db::SqlStore::open(db.path());
    ASSERT_TRUE(store.ok());
    fill_scenario(**store, rating_group_of(kHeldOut));
    play_rated(**store, "kuhn_poker", "cfr(iterations=300)", "random", 6, 10);
  }
  Ran text =
      report({"generalization", "--db", db.path(), "--bootstrap", "20", "--exploitability-samples", "4"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("e = exploitability in chips per hand"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(" e=0.4583"), std::string::npos) << "random, read exactly:\n" << text.out;
  EXPECT_NE(text.out.find("cfr(iterations=300): "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("]/4"), std::string::npos) << "rollout MCTS, sampled 4 times:\n" << text.out;

  // The figures were stored: with no samples nothing is computed, and the JSON carries them.
  Ran json = report(
      {"generalization", "--db", db.path(), "--bootstrap", "20", "--json", "--exploitability-samples", "0"});
  ASSERT_EQ(json.code, 0) << json.err;
  std::optional<Json> j = parse_json(json.out);
  ASSERT_TRUE(j) << json.out;
  const Json& kuhn = (*j)["groups"][0];
  ASSERT_EQ(kuhn["rating_group"], "kuhn_poker");
  ASSERT_EQ(kuhn["anchors"].size(), 3u) << kuhn.dump();
  EXPECT_EQ(kuhn["anchors"][0]["player"], "random");
  EXPECT_NEAR(kuhn["anchors"][0]["exploitability"]["value"].get<double>(), 11.0 / 24, 1e-9);
  EXPECT_EQ(kuhn["anchors"][0]["exploitability"]["method"], "exact");
  EXPECT_EQ(kuhn["anchors"][2]["player"], "cfr(iterations=300)");
  EXPECT_LT(kuhn["anchors"][2]["exploitability"]["value"].get<double>(), 0.01);
  EXPECT_EQ(kuhn["anchors"][1]["exploitability"]["samples"], 4);
  EXPECT_TRUE(kuhn["exploitability_notes"].empty()) << "nothing was tried: " << kuhn.dump();
}

TEST(ReportCli, ExploitabilityOptionsAreChecked) {
  EXPECT_EQ(report({"generalization", "--exploitability-samples", "-1"}).code, 2);
  EXPECT_EQ(report({"generalization", "--exploitability-seconds", "0"}).code, 2);
}

}  // namespace
}  // namespace arena::testing
