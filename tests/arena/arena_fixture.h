// A real arena on a temporary SQLite file, with its io_context on two threads, and a
// recorder of every event it publishes, for the arena's tests.
#pragma once

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <thread>

#include "db/sql_store.h"
#include "server/arena/arena.h"
#include "tests/games/test_games.h"

namespace arena::testing {

class EventLog {
 public:
  void push(const ArenaEvent& e) {
    {
      std::lock_guard lock(mutex_);
      events_.push_back(e);
    }
    changed_.notify_all();
  }

  // The first event of type T that satisfies `pred`, waiting up to `timeout`.
  template <typename T, typename Pred>
  std::optional<T> wait_for(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    std::optional<T> found;
    changed_.wait_for(lock, timeout, [&] {
      for (const ArenaEvent& e : events_) {
        if (const T* t = std::get_if<T>(&e); t && pred(*t)) {
          found = *t;
          return true;
        }
      }
      return false;
    });
    return found;
  }

  // Waits until at least `n` events of type T have arrived.
  template <typename T>
  bool wait_count(int n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
      int seen = 0;
      for (const ArenaEvent& e : events_) seen += std::holds_alternative<T>(e);
      return seen >= n;
    });
  }

  template <typename T, typename Pred>
  int count(Pred pred) {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const ArenaEvent& e : events_) {
      if (const T* t = std::get_if<T>(&e); t && pred(*t)) ++n;
    }
    return n;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<ArenaEvent> events_;
};

class ArenaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    register_test_games();
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("arena_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++) + ".db");
    remove_files();
    open_store();
  }
  void TearDown() override {
    close_arena();
    store_.reset();
    remove_files();
  }

  void open_store() {
    auto s = db::SqlStore::open(path_.string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
  }

  void open_arena(ArenaConfig config = no_house()) {
    work_.emplace(asio::make_work_guard(io_));
    arena_ = std::make_unique<Arena>(io_, *store_, config);
    arena_->subscribe([this](const ArenaEvent& e) { events_.push(e); });
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }

  void close_arena() {
    if (arena_) arena_->stop();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    arena_.reset();
    io_.restart();
    if (store_) store_->flush();
  }

  static ArenaConfig no_house() {
    ArenaConfig c;
    c.house_matches = 0;
    c.seed = 42;
    return c;
  }

  // A remote player on record.
  SeatRequest remote(const std::string& name) {
    Result<int64_t> id =
        db::wait([&](db::Store::DoneId d) { store_->ensure_player(name, db::PlayerKind::kBot, "", d); });
    EXPECT_TRUE(id.ok());
    SeatRequest s;
    s.player_id = *id;
    s.name = name;
    s.kind = db::PlayerKind::kBot;
    return s;
  }

  int64_t create(MatchRequest request) {
    std::promise<Result<int64_t>> p;
    arena_->create_match(std::move(request), [&p](Result<int64_t> r) { p.set_value(std::move(r)); });
    Result<int64_t> id = p.get_future().get();
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
    return id.ok() ? *id : -1;
  }

  std::optional<MatchEnded> wait_end(int64_t id) {
    return events_.wait_for<MatchEnded>([id](const MatchEnded& e) { return e.match_id == id; });
  }

  // The state event that asks `seat` to act, at ply `min_ply` or later.
  std::optional<StateChanged> wait_turn(int64_t id, int seat, int min_ply = 0) {
    return events_.wait_for<StateChanged>([id, seat, min_ply](const StateChanged& e) {
      return e.match_id == id && e.ply >= min_ply &&
             std::find(e.to_act.begin(), e.to_act.end(), seat) != e.to_act.end();
    });
  }

  static Status call_match(std::function<void(Match::Done)> f) {
    std::promise<Status> p;
    f([&p](Status s) { p.set_value(std::move(s)); });
    return p.get_future().get();
  }

  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }

  static inline int counter_ = 0;
  std::filesystem::path path_;
  std::unique_ptr<db::SqlStore> store_;
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::unique_ptr<Arena> arena_;
  EventLog events_;
};

}  // namespace arena::testing
