#include "core/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>

namespace arena {
namespace {

TEST(ThreadPool, RunsTasksOnItsWorkersAndReturnsResults) {
  ThreadPool pool(2);
  std::vector<std::future<int>> results;
  for (int i = 0; i < 100; ++i) results.push_back(pool.submit([i] { return i * i; }));
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(results[i].get(), i * i);
  }
  EXPECT_NE(pool.submit([] { return std::this_thread::get_id(); }).get(), std::this_thread::get_id());
}

TEST(ThreadPool, DestructorFinishesQueuedWork) {
  std::atomic<int> done{0};
  {
    ThreadPool pool(1);
    for (int i = 0; i < 50; ++i) pool.post([&] { ++done; });
  }
  EXPECT_EQ(done.load(), 50);
}

TEST(ThreadPool, ExceptionsReachTheFuture) {
  ThreadPool pool(1);
  auto f = pool.submit([]() -> int { throw std::runtime_error("boom"); });
  EXPECT_THROW(f.get(), std::runtime_error);
}

}  // namespace
}  // namespace arena
