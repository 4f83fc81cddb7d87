// The generalization report from a store of synthetic rated matches: the right checkpoint
// in the right column, ratings in the right order with intervals, and the text table.
#include "server/arena/generalization.h"

#include <gtest/gtest.h>

#include <sstream>

#include "db/sql_store.h"
#include "server/net/wire.h"
#include "tests/report/report_fixture.h"

namespace arena::testing {
namespace {

constexpr size_t kShared = 0, kSpecialist = 1, kTransfer = 2, kScratch = 3;

class GeneralizationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<db::SqlStore>> s = db::SqlStore::open(db_.path());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    held_out_ = rating_group_of(kHeldOut);
  }
  GeneralizationReport report(int bootstrap = 200) {
    Result<GeneralizationReport> r = compute_generalization(*store_, bootstrap, /*seed=*/7);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : GeneralizationReport{};
  }
  TempDbFile db_;
  std::unique_ptr<db::SqlStore> store_;
  std::string held_out_;
};

void expect_interval(const GeneralizationRating& r) {
  EXPECT_LE(r.low, r.rating) << r.player;
  EXPECT_GE(r.high, r.rating) << r.player;
  EXPECT_LT(r.low, r.high) << r.player << ": a bootstrap over 10-20 games is not a point";
}

TEST(RatingGroupOf, RegisteredSpecsUseTheirGroupAndOthersStayAsTheyAre) {
  EXPECT_EQ(rating_group_of("kuhn_poker"), "kuhn_poker");
  EXPECT_EQ(rating_group_of("game24(puzzle=3)"), "game24");
  EXPECT_EQ(rating_group_of("no_such_game(x=1)"), "no_such_game(x=1)");
}

TEST_F(GeneralizationTest, NoRunsNoGroups) {
  play_rated(*store_, "kuhn_poker", "nn:lonely@1", "random", 5, 10);
  GeneralizationReport r = report();
  EXPECT_TRUE(r.runs.empty());
  EXPECT_TRUE(r.groups.empty());
  EXPECT_NE(render_generalization_text(r).find("no training runs"), std::string::npos);
}

TEST_F(GeneralizationTest, EachRunsLatestCheckpointSitsInItsKindsColumn) {
  fill_scenario(*store_, held_out_);
  GeneralizationReport r = report();
  ASSERT_EQ(r.runs.size(), 4u);
  EXPECT_EQ(r.bootstrap, 200);
  ASSERT_EQ(r.groups.size(), 3u);
  EXPECT_EQ(r.groups[0].rating_group, "kuhn_poker");
  EXPECT_EQ(r.groups[1].rating_group, "game24");
  EXPECT_EQ(r.groups[2].rating_group, held_out_);

  const GeneralizationGroup& kuhn = r.groups[0];
  EXPECT_EQ(kuhn.anchor, "random");
  EXPECT_EQ(kuhn.matches, 50);
  ASSERT_EQ(kuhn.anchors.size(), 2u);
  EXPECT_EQ(kuhn.anchors[0].player, "random");
  EXPECT_EQ(kuhn.anchors[0].rating, 0.0);
  EXPECT_EQ(kuhn.anchors[0].games, 40);
  EXPECT_EQ(kuhn.anchors[1].player, kMcts);
  EXPECT_EQ(kuhn.anchors[1].games, 20);
  ASSERT_EQ(kuhn.columns.size(), 4u);
  ASSERT_EQ(kuhn.columns[kShared].size(), 1u);
  ASSERT_EQ(kuhn.columns[kSpecialist].size(), 1u);
  EXPECT_TRUE(kuhn.columns[kTransfer].empty());
  EXPECT_TRUE(kuhn.columns[kScratch].empty());
  const GeneralizationCell& shared = kuhn.columns[kShared][0];
  const GeneralizationCell& spec = kuhn.columns[kSpecialist][0];
  EXPECT_EQ(shared.run, "multi");
  EXPECT_EQ(shared.step, 100) << "the latest checkpoint, not multi@50";
  EXPECT_EQ(shared.rating.player, "nn:multi@100");
  EXPECT_EQ(shared.rating.games, 20);
  EXPECT_EQ(spec.run, "spec");
  EXPECT_EQ(spec.rating.games, 10);
  // multi@100 beats random 8-2 and MCTS 7-3; MCTS beats random 7-3; spec splits 5-5.
  EXPECT_GT(shared.rating.rating, kuhn.anchors[1].rating);
  EXPECT_GT(kuhn.anchors[1].rating, spec.rating.rating);
  EXPECT_GT(kuhn.anchors[1].rating, 50.0);
  EXPECT_NEAR(spec.rating.rating, 0.0, 1.0) << "an even score against the anchor is 0";
  expect_interval(shared.rating);
  expect_interval(spec.rating);
  expect_interval(kuhn.anchors[1]);
  EXPECT_LT(spec.rating.low, 0.0);
  EXPECT_GT(spec.rating.high, 0.0);

  const GeneralizationGroup& puzzles = r.groups[1];
  EXPECT_EQ(puzzles.matches, 0);
  for (const auto& column : puzzles.columns) EXPECT_TRUE(column.empty());

  const GeneralizationGroup& go = r.groups[2];
  EXPECT_EQ(go.anchor, "random");
  ASSERT_EQ(go.anchors.size(), 1u) << "no MCTS played there";
  EXPECT_TRUE(go.columns[kShared].empty());
  EXPECT_TRUE(go.columns[kSpecialist].empty());
  ASSERT_EQ(go.columns[kTransfer].size(), 1u);
  ASSERT_EQ(go.columns[kScratch].size(), 1u);
  EXPECT_EQ(go.columns[kTransfer][0].run, "xfer");
  EXPECT_EQ(go.columns[kScratch][0].run, "fresh");
  EXPECT_GT(go.columns[kTransfer][0].rating.rating, go.columns[kScratch][0].rating.rating);
  EXPECT_GT(go.columns[kScratch][0].rating.rating, 0.0);
  expect_interval(go.columns[kTransfer][0].rating);
}

TEST_F(GeneralizationTest, TheJsonHasEveryColumnAndRun) {
  fill_scenario(*store_, held_out_);
  const Json j = net::generalization_json(report(50));
  EXPECT_EQ(j["bootstrap"], 50);
  EXPECT_EQ(j["columns"], Json({"shared", "specialist", "transfer", "scratch"}));
  ASSERT_EQ(j["runs"].size(), 4u);
  EXPECT_EQ(j["runs"][2]["name"], "xfer");
  EXPECT_EQ(j["runs"][2]["frozen_trunk"], true);
  EXPECT_EQ(j["runs"][0]["games"], Json({"kuhn_poker", "game24"}));
  ASSERT_EQ(j["groups"].size(), 3u);
  const Json& kuhn = j["groups"][0];
  EXPECT_EQ(kuhn["rating_group"], "kuhn_poker");
  EXPECT_EQ(kuhn["anchors"][0]["player"], "random");
  ASSERT_EQ(kuhn["columns"]["shared"].size(), 1u);
  EXPECT_EQ(kuhn["columns"]["shared"][0]["player"], "nn:multi@100");
  EXPECT_EQ(kuhn["columns"]["shared"][0]["step"], 100);
  EXPECT_TRUE(kuhn["columns"]["shared"][0]["elo"].is_number());
  EXPECT_LE(kuhn["columns"]["shared"][0]["low"].get<double>(),
            kuhn["columns"]["shared"][0]["high"].get<double>());
  EXPECT_TRUE(kuhn["columns"]["transfer"].is_array());
  EXPECT_TRUE(kuhn["columns"]["transfer"].empty());
}

TEST_F(GeneralizationTest, TwoRunsOfOneKindShareTheirColumn) {
  fill_scenario(*store_, held_out_);
  ASSERT_TRUE(upsert(*store_, run_row("spec2", {"kuhn_poker"}, "specialist", 10)).ok());
  play_rated(*store_, "kuhn_poker", "nn:spec2@10", "random", 2, 10);
  store_->flush();
  GeneralizationReport r = report();
  const auto& column = r.groups[0].columns[kSpecialist];
  ASSERT_EQ(column.size(), 2u);
  EXPECT_EQ(column[0].run, "spec");
  EXPECT_EQ(column[1].run, "spec2");
  EXPECT_LT(column[1].rating.rating, column[0].rating.rating);
  const std::string text = render_generalization_text(r);
  EXPECT_NE(text.find("spec2@10: "), std::string::npos);
}

// The lines of `text` as a vector.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST_F(GeneralizationTest, TheTextTableHasARowPerGameWithAlignedColumns) {
  fill_scenario(*store_, held_out_);
  const std::string text = render_generalization_text(report());
  const std::vector<std::string> lines = lines_of(text);
  auto line_starting = [&](const std::string& prefix) -> std::string {
    for (const std::string& l : lines) {
      if (l.rfind(prefix, 0) == 0) return l;
    }
    ADD_FAILURE() << "no line starts with '" << prefix << "' in:\n" << text;
    return "";
  };
  const std::string head = line_starting("game ");
  const std::string kuhn = line_starting("kuhn_poker ");
  const std::string puzzles = line_starting("game24 ");
  const std::string go = line_starting(held_out_ + " ");
  ASSERT_FALSE(head.empty() || kuhn.empty() || puzzles.empty() || go.empty());
  for (const char* title :
       {"random", "rollout MCTS", "shared agent", "specialist", "transfer (frozen trunk)", "scratch"}) {
    EXPECT_NE(head.find(title), std::string::npos) << title;
  }
  // Each cell starts where its column's title does.
  const size_t shared_at = head.find("shared agent");
  const size_t specialist_at = head.find("specialist");
  const size_t transfer_at = head.find("transfer (frozen trunk)");
  const size_t scratch_at = head.find("scratch");
  EXPECT_EQ(kuhn.find("multi@100: "), shared_at) << head << "\n" << kuhn;
  EXPECT_EQ(kuhn.find("spec@100: "), specialist_at) << head << "\n" << kuhn;
  EXPECT_EQ(kuhn.substr(transfer_at, 2), "- ");
  EXPECT_EQ(kuhn.substr(scratch_at), "-");
  EXPECT_EQ(go.find("xfer@40: "), transfer_at) << head << "\n" << go;
  EXPECT_EQ(go.find("fresh@40: "), scratch_at) << head << "\n" << go;
  EXPECT_EQ(go.substr(shared_at, 2), "- ");
  EXPECT_EQ(puzzles.substr(shared_at, 2), "- ");
  EXPECT_NE(kuhn.find(std::string(kMcts) + ": "), std::string::npos);
  EXPECT_EQ(kuhn.find("multi@50"), std::string::npos) << "only the latest checkpoint";
  EXPECT_NE(kuhn.find(" n=20"), std::string::npos);
  EXPECT_NE(text.find("note: game24: no rated match yet"), std::string::npos);
  // The runs, below the table.
  const std::string xfer = line_starting("xfer ");
  EXPECT_NE(xfer.find("transfer"), std::string::npos);
  EXPECT_NE(xfer.find("runs/multi/checkpoints/step-00000100.pt"), std::string::npos);
  EXPECT_NE(xfer.find("yes"), std::string::npos);
}

// Exploitability beside Elo: exact for random and cfr, sampled for rollout MCTS, nothing for
// players the registry cannot rebuild (a note says why) or perfect-information groups; the
// figures are stored, so a report that computes nothing shows them again.
TEST_F(GeneralizationTest, ExploitabilityIsComputedWhereTheTreeIsExactAndStored) {
  fill_scenario(*store_, held_out_);
  play_rated(*store_, "kuhn_poker", "cfr(iterations=300)", "random", 6, 10);
  GeneralizationReport r = report(20);
  ASSERT_EQ(r.groups.size(), 3u);
  for (const GeneralizationRating& a : r.groups[0].anchors) EXPECT_FALSE(a.exploitability) << a.player;

  ExploitabilityRefresh refresh;
  refresh.samples = 3;
  ASSERT_TRUE(refresh_exploitability(*store_, r, refresh).ok());
  const GeneralizationGroup& kuhn = r.groups[0];
  ASSERT_EQ(kuhn.anchors.size(), 3u);
  EXPECT_EQ(kuhn.anchors[0].player, "random");
  ASSERT_TRUE(kuhn.anchors[0].exploitability);
  EXPECT_TRUE(kuhn.anchors[0].exploitability->exact);
  EXPECT_NEAR(kuhn.anchors[0].exploitability->value, 0.4583, 1e-4);
  EXPECT_EQ(kuhn.anchors[0].exploitability->low, kuhn.anchors[0].exploitability->value);
  EXPECT_EQ(kuhn.anchors[1].player, kMcts);
  ASSERT_TRUE(kuhn.anchors[1].exploitability);
  EXPECT_FALSE(kuhn.anchors[1].exploitability->exact);
  EXPECT_EQ(kuhn.anchors[1].exploitability->samples, 3);
  EXPECT_LE(kuhn.anchors[1].exploitability->low, kuhn.anchors[1].exploitability->value);
  EXPECT_GE(kuhn.anchors[1].exploitability->high, kuhn.anchors[1].exploitability->value);
  EXPECT_EQ(kuhn.anchors[2].player, "cfr(iterations=300)");
  ASSERT_TRUE(kuhn.anchors[2].exploitability);
  EXPECT_LT(kuhn.anchors[2].exploitability->value, 0.01);
  EXPECT_FALSE(kuhn.anchors[2].exploitability->computed_at.empty());
  // The checkpoints' files do not exist here: no figure, and a note naming each.
  EXPECT_FALSE(kuhn.columns[kShared][0].rating.exploitability);
  ASSERT_EQ(kuhn.exploitability_notes.size(), 2u);
  EXPECT_EQ(kuhn.exploitability_notes[0].rfind("nn:multi@100: ", 0), 0u) << kuhn.exploitability_notes[0];
  // go(size=5) has perfect information, game24 one player: neither is tried.
  EXPECT_TRUE(r.groups[1].exploitability_notes.empty());
  EXPECT_TRUE(r.groups[2].exploitability_notes.empty());
  EXPECT_FALSE(r.groups[2].anchors.empty());
  EXPECT_FALSE(r.groups[2].anchors[0].exploitability);
  EXPECT_NE(render_generalization_text(r).find("n=50 e=0.4583"), std::string::npos)
      << render_generalization_text(r);

  // Stored: the next report reads the figures back without computing anything.
  GeneralizationReport again = report(20);
  ASSERT_TRUE(again.groups[0].anchors[0].exploitability);
  EXPECT_NEAR(again.groups[0].anchors[0].exploitability->value, 11.0 / 24, 1e-9);
  ASSERT_TRUE(again.groups[0].anchors[2].exploitability);
  EXPECT_TRUE(again.groups[0].exploitability_notes.empty());
}

TEST_F(GeneralizationTest, TheStoreRefusesBadExploitabilityRows) {
  auto put = [&](db::ExploitabilityRow row) {
    return db::wait_status([&](db::Store::Done d) { store_->upsert_exploitability(row, d); });
  };
  EXPECT_EQ(put({"", "random", 0.5, 0.5, 0.5, true, 0, ""}).error().code, "bad_request");
  EXPECT_EQ(put({"kuhn_poker", "", 0.5, 0.5, 0.5, true, 0, ""}).error().code, "bad_request");
  EXPECT_EQ(put({"kuhn_poker", "random", -0.1, -0.1, -0.1, true, 0, ""}).error().code, "bad_request");
  EXPECT_EQ(put({"kuhn_poker", "random", 0.5, 0.6, 0.4, false, 3, ""}).error().code, "bad_request");
  ASSERT_TRUE(put({"kuhn_poker", "random", 0.5, 0.5, 0.5, true, 0, ""}).ok());
  ASSERT_TRUE(put({"kuhn_poker", "random", 0.4, 0.3, 0.45, false, 7, ""}).ok());  // replaces
  Result<std::vector<db::ExploitabilityRow>> rows = store_->exploitability("kuhn_poker");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].value, 0.4);
  EXPECT_FALSE((*rows)[0].exact);
  EXPECT_EQ((*rows)[0].samples, 7);
  EXPECT_TRUE(store_->exploitability("leduc_poker")->empty());
}

}  // namespace
}  // namespace arena::testing
