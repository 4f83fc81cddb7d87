// The training_runs table: migration 2 on a version-1 file and on a fresh one, and the
// store's upsert and reads.
#include <gtest/gtest.h>

#include "db/migrations.h"
#include "db/sql_store.h"
#include "db/sqlite.h"
#include "tests/report/report_fixture.h"

namespace arena::testing {
namespace {

using Connection = db::SqliteConnection;
using db::SqlStore;
using db::TrainingRunRow;

bool has_table(Connection& c, const std::string& table) {
  Result<db::SqliteStatement> s =
      c.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
  if (!s.ok()) return false;
  s->bind(1, table);
  Result<bool> row = s->step();
  return row.ok() && *row && s->column_int(0) == 1;
}

std::unique_ptr<SqlStore> open_store(const std::string& path) {
  Result<std::unique_ptr<SqlStore>> s = SqlStore::open(path);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(s).value() : nullptr;
}

TEST(TrainingRunsMigration, AVersionOneFileGainsTheTableAndKeepsItsData) {
  TempDbFile db;
  {
    // A file as an arena from before training runs left it: schema version 1, a player,
    // and a checkpoint in agent_versions.
    Result<std::unique_ptr<Connection>> c = Connection::open(db.path(), /*create=*/true);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(db::migrate(**c, 1).ok());
    ASSERT_TRUE(
        (*c)->exec("INSERT INTO players (id, name, kind, spec) VALUES (7, 'nn:old@5', 'agent', 'nn:old@5');"
                   "INSERT INTO agent_versions (player_id, run, step, checkpoint_path) "
                   "VALUES (7, 'old', 5, '/runs/old/5.pt')")
            .ok());
    Result<int> v = db::schema_version(**c);
    ASSERT_TRUE(v.ok());
    ASSERT_EQ(*v, 1);
    EXPECT_FALSE(has_table(**c, "training_runs"));
  }
  std::unique_ptr<SqlStore> store = open_store(db.path());
  ASSERT_TRUE(store);
  Result<std::optional<db::PlayerRow>> p = store->find_player("nn:old@5");
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->has_value());
  EXPECT_EQ((*p)->id, 7);
  Result<std::vector<TrainingRunRow>> runs = store->training_runs();
  ASSERT_TRUE(runs.ok()) << runs.error().message;
  EXPECT_TRUE(runs->empty());
  ASSERT_TRUE(upsert(*store, run_row("old", {"kuhn_poker"}, "specialist", 5)).ok());
  store.reset();

  Result<std::unique_ptr<Connection>> c = Connection::open(db.path(), /*create=*/false);
  ASSERT_TRUE(c.ok());
  Result<int> v = db::schema_version(**c);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, static_cast<int>(db::migrations().size()));
  EXPECT_TRUE(has_table(**c, "training_runs"));
}

TEST(TrainingRunsMigration, AFreshFileHasTheTable) {
  TempDbFile db;
  std::unique_ptr<SqlStore> store = open_store(db.path());
  ASSERT_TRUE(store);
  Result<std::vector<TrainingRunRow>> runs = store->training_runs();
  ASSERT_TRUE(runs.ok()) << runs.error().message;
  EXPECT_TRUE(runs->empty());
  store.reset();
  Result<std::unique_ptr<Connection>> c = Connection::open(db.path(), /*create=*/false);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_table(**c, "training_runs"));
  // The kind is checked by the schema too, not only by the store.
  EXPECT_FALSE(
      (*c)->exec("INSERT INTO training_runs (name, games, kind) VALUES ('x', '[\"chess\"]', 'magic')").ok());
  EXPECT_TRUE(
      (*c)->exec("INSERT INTO training_runs (name, games, kind) VALUES ('x', '[\"chess\"]', 'scratch')")
          .ok());
}

class TrainingRunsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_store(db_.path());
    ASSERT_TRUE(store_);
  }
  Result<int64_t> write(const TrainingRunRow& run) {
    return db::wait([&](db::Store::DoneId d) { store_->upsert_training_run(run, d); });
  }
  TempDbFile db_;
  std::unique_ptr<SqlStore> store_;
};

TEST_F(TrainingRunsTest, UpsertCreatesThenUpdatesTheSameRow) {
  TrainingRunRow multi = run_row("multi", {"kuhn_poker", "go(size=9)"}, "shared", 0);
  multi.device = "cuda:0";
  multi.budget_steps = 5000;
  Result<int64_t> id = write(multi);
  ASSERT_TRUE(id.ok()) << id.error().message;
  TrainingRunRow xfer = run_row("xfer", {"go(size=5)"}, "transfer", 0);
  xfer.init_from = "runs/multi/checkpoints/step-00000100.pt";
  xfer.frozen_trunk = true;
  Result<int64_t> xfer_id = write(xfer);
  ASSERT_TRUE(xfer_id.ok());
  EXPECT_NE(*xfer_id, *id);

  Result<std::optional<TrainingRunRow>> before = store_->find_training_run("multi");
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(before->has_value());
  const std::string created_at = (*before)->created_at;
  EXPECT_FALSE(created_at.empty());

  multi.steps = 1200;  // the learner got further
  Result<int64_t> again = write(multi);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *id) << "an upsert of a known name updates its row";

  Result<std::vector<TrainingRunRow>> runs = store_->training_runs();
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  const TrainingRunRow& m = (*runs)[0];
  EXPECT_EQ(m.id, *id);
  EXPECT_EQ(m.name, "multi");
  EXPECT_EQ(m.games, (std::vector<std::string>{"kuhn_poker", "go(size=9)"}));
  EXPECT_EQ(m.kind, "shared");
  EXPECT_EQ(m.steps, 1200);
  EXPECT_EQ(m.budget_steps, 5000);
  EXPECT_EQ(m.device, "cuda:0");
  EXPECT_EQ(m.init_from, "");
  EXPECT_FALSE(m.frozen_trunk);
  EXPECT_EQ(m.created_at, created_at);
  EXPECT_GE(m.updated_at, m.created_at);
  const TrainingRunRow& x = (*runs)[1];
  EXPECT_EQ(x.name, "xfer");
  EXPECT_EQ(x.kind, "transfer");
  EXPECT_TRUE(x.frozen_trunk);
  EXPECT_EQ(x.init_from, "runs/multi/checkpoints/step-00000100.pt");
  EXPECT_EQ(x.games, std::vector<std::string>{"go(size=5)"});

  Result<std::optional<TrainingRunRow>> none = store_->find_training_run("nope");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(TrainingRunsTest, BadRunsAreRefusedAndStoreNothing) {
  TrainingRunRow bad_kind = run_row("a", {"kuhn_poker"}, "generalist", 0);
  Result<int64_t> r = write(bad_kind);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_request");
  EXPECT_NE(r.error().message.find("specialist"), std::string::npos) << "the error lists the kinds";
  r = write(run_row("b", {}, "shared", 0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_request");
  r = write(run_row("", {"kuhn_poker"}, "shared", 0));
  EXPECT_FALSE(r.ok());
  r = write(run_row("c", {"kuhn_poker"}, "shared", -1));
  EXPECT_FALSE(r.ok());
  // A good write queued beside the bad ones still commits.
  ASSERT_TRUE(write(run_row("good", {"kuhn_poker"}, "specialist", 3)).ok());
  Result<std::vector<TrainingRunRow>> runs = store_->training_runs();
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].name, "good");
}

}  // namespace
}  // namespace arena::testing
