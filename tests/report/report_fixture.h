// Helpers for the report tests: a temporary database file, and a store filled with
// synthetic rated matches between training-run checkpoints and the anchors.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "db/store.h"

namespace arena::testing {

// A database path in the test temp folder, removed (with its WAL files) before and after.
class TempDbFile {
 public:
  TempDbFile() {
    static std::atomic<int> counter{0};
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = ::testing::TempDir() + "arena_report_" + (test ? test->name() : "none") + "_" +
            std::to_string(getpid()) + "_" + std::to_string(counter++) + ".db";
    remove_files();
  }
  ~TempDbFile() { remove_files(); }
  TempDbFile(const TempDbFile&) = delete;
  TempDbFile& operator=(const TempDbFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  void remove_files() const {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path_ + suffix).c_str());
  }
  std::string path_;
};

inline int64_t player_id(db::Store& store, const std::string& name) {
  Result<int64_t> id =
      db::wait([&](db::Store::DoneId d) { store.ensure_player(name, db::PlayerKind::kAgent, name, d); });
  EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
  return id.ok() ? *id : 0;
}

// Stores `games` finished rated two-player matches of `group` between `a` and `b` (seats
// alternating), of which `a` wins `a_wins` and loses the rest.
inline void play_rated(db::Store& store, const std::string& group, const std::string& a, const std::string& b,
                       int a_wins, int games) {
  const int64_t ia = player_id(store, a), ib = player_id(store, b);
  for (int g = 0; g < games; ++g) {
    const bool a_first = g % 2 == 0;
    const bool a_won = g < a_wins;
    db::MatchRow m;
    m.game = group;
    m.rating_group = group;
    m.rated = true;
    m.status = "active";
    m.seed = static_cast<uint64_t>(g + 1);
    m.time_control = "untimed";
    std::vector<db::SeatRow> seats = {{0, a_first ? ia : ib, "", db::PlayerKind::kAgent},
                                      {1, a_first ? ib : ia, "", db::PlayerKind::kAgent}};
    Result<int64_t> id = db::wait([&](db::Store::DoneId d) { store.create_match(m, seats, d); });
    ASSERT_TRUE(id.ok()) << id.error().message;
    db::MatchEnd end;
    end.match_id = *id;
    end.termination = "normal";
    const double first = (a_won == a_first) ? 1.0 : -1.0;
    end.result = {first, -first};
    Status s = db::wait_status([&](db::Store::Done d) { store.finish_match(end, d); });
    ASSERT_TRUE(s.ok()) << s.error().message;
  }
}

inline Status upsert(db::Store& store, const db::TrainingRunRow& run) {
  Result<int64_t> id = db::wait([&](db::Store::DoneId d) { store.upsert_training_run(run, d); });
  return id.ok() ? ok_status() : Status(id.error());
}

inline db::TrainingRunRow run_row(const std::string& name, std::vector<std::string> games,
                                  const std::string& kind, int64_t steps) {
  db::TrainingRunRow r;
  r.name = name;
  r.games = std::move(games);
  r.kind = kind;
  r.budget_steps = 1000;
  r.steps = steps;
  r.device = "cpu";
  return r;
}

constexpr const char* kMcts = "mcts(simulations=100,c=1.4,rollouts=1)";
constexpr const char* kHeldOut = "go(size=5)";

// The scenario of the report tests:
//   shared run "multi" (kuhn_poker, game24), specialist "spec" (kuhn_poker), and on the
//   held-out go(size=5) a transfer run "xfer" (frozen trunk, from multi@100) and "fresh"
//   from scratch. kuhn_poker: multi@50 wins 5 of 10 against random, multi@100 8 of 10,
//   spec@100 5 of 10, rollout MCTS 7 of 10 against random and 3 of 10 against multi@100.
//   go(size=5): xfer@40 wins 9 of 10 against random, fresh@40 6 of 10. game24: no match.
inline void fill_scenario(db::Store& store, const std::string& held_out_group) {
  ASSERT_TRUE(upsert(store, run_row("multi", {"kuhn_poker", "game24"}, "shared", 100)).ok());
  ASSERT_TRUE(upsert(store, run_row("spec", {"kuhn_poker"}, "specialist", 100)).ok());
  db::TrainingRunRow xfer = run_row("xfer", {kHeldOut}, "transfer", 40);
  xfer.init_from = "runs/multi/checkpoints/step-00000100.pt";
  xfer.frozen_trunk = true;
  ASSERT_TRUE(upsert(store, xfer).ok());
  ASSERT_TRUE(upsert(store, run_row("fresh", {kHeldOut}, "scratch", 40)).ok());

  play_rated(store, "kuhn_poker", "nn:multi@50", "random", 5, 10);
  play_rated(store, "kuhn_poker", "nn:multi@100", "random", 8, 10);
  play_rated(store, "kuhn_poker", "nn:spec@100", "random", 5, 10);
  play_rated(store, "kuhn_poker", kMcts, "random", 7, 10);
  play_rated(store, "kuhn_poker", kMcts, "nn:multi@100", 3, 10);
  play_rated(store, held_out_group, "nn:xfer@40", "random", 9, 10);
  play_rated(store, held_out_group, "nn:fresh@40", "random", 6, 10);
  store.flush();
}

}  // namespace arena::testing
