// `arena db copy`: an arena recorded in SQLite moves to PostgreSQL and back, and every
// command that reads a database gives the same answers on the copy.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/json.h"
#include "tests/cli/run_arena.h"
#include "tests/support/test_database.h"

namespace arena::testing {
namespace {

// A URL holds '?' and '&': quoted for the shell.
std::string quoted(const std::string& where) { return "'" + where + "'"; }

// The id in the first JSON line `arena play --db` printed.
int64_t first_id(const std::string& out) {
  std::optional<Json> first = parse_json(lines(out).at(0));
  return first && first->contains("id") ? (*first)["id"].get<int64_t>() : -1;
}

TEST(DbCopy, AnArenaMovesToPostgresqlAndBackWithTheSameRowsAndRatings) {
  TestDatabase file(Backend::kSqlite);
  Output r =
      run_arena("play --game kuhn_poker --agents random,always_call --games 30 --seed 2 --db " + file.path());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = run_arena("play --game game24 --agents random --games 8 --seed 3 --db " + file.path());
  ASSERT_EQ(r.exit_code, 0) << r.out;

  TestDatabase postgres(Backend::kPostgres);
  r = run_arena("db copy --from " + file.path() + " --to " + quoted(postgres.where()));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("ratings recomputed from the copied matches: the same"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("DIFFERENT"), std::string::npos) << r.out;
  for (const char* table : {"players", "matches", "seats", "moves", "ratings", "rating_history", "puzzles"}) {
    EXPECT_NE(r.out.find(table), std::string::npos) << table << "\n" << r.out;
  }

  // The same answers from either database.
  for (const std::string& command :
       {std::string("ratings --game kuhn_poker --json --bootstrap 50"),
        std::string("ratings --game game24 --bootstrap 20"), std::string("export --json --match 1"),
        std::string("export --match 31")}) {
    Output on_file = run_arena(command + " --db " + file.path());
    Output on_postgres = run_arena(command + " --db " + quoted(postgres.where()));
    ASSERT_EQ(on_file.exit_code, 0) << command << "\n" << on_file.out;
    EXPECT_EQ(on_postgres.exit_code, 0) << command;
    EXPECT_EQ(on_postgres.out, on_file.out) << command;
  }

  // Copying into a database that holds an arena is refused, and changes nothing.
  r = run_arena("db copy --from " + file.path() + " --to " + quoted(postgres.where()));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("already holds rows"), std::string::npos) << r.out;

  // New matches on the copy take the ids after the copied ones.
  r = run_arena("play --game kuhn_poker --agents random,random --games 2 --seed 4 --db " +
                quoted(postgres.where()));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(first_id(r.out), 39) << r.out;

  // And back into a new file.
  TestDatabase back(Backend::kSqlite);
  r = run_arena("db copy --from " + quoted(postgres.where()) + " --to " + back.path());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("ratings recomputed from the copied matches: the same"), std::string::npos) << r.out;
  Output on_postgres =
      run_arena("ratings --game kuhn_poker --json --bootstrap 50 --db " + quoted(postgres.where()));
  Output on_back = run_arena("ratings --game kuhn_poker --json --bootstrap 50 --db " + back.path());
  ASSERT_EQ(on_back.exit_code, 0) << on_back.out;
  EXPECT_EQ(on_back.out, on_postgres.out);
}

TEST(DbCopy, BadArgumentsAreClearErrors) {
  TestDatabase file(Backend::kSqlite);
  Output r = run_arena("play --game kuhn_poker --agents random,random --games 1 --db " + file.path());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = run_arena("db copy --from " + file.path() + "-missing --to " + file.path());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("no database at"), std::string::npos) << r.out;
  r = run_arena("db copy --from x.db --to x.db");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  r = run_arena("db copy --from " + file.path() + " --to 'postgresql://arena@/nowhere?host=/nonexistent'");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("cannot connect to PostgreSQL"), std::string::npos) << r.out;
  r = run_arena("db frobnicate");
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

}  // namespace
}  // namespace arena::testing
