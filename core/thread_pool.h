// ThreadPool: a fixed set of worker threads draining one FIFO queue of tasks. Agents run
// their searches here so that the caller (a match loop, a network thread) never blocks.
// Thread-safe: submit() may be called from any thread. The destructor finishes the tasks
// already queued, then joins.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace arena {

class ThreadPool {
 public:
  explicit ThreadPool(size_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Queues f and returns a future of its result.
  template <typename F>
  auto submit(F f) -> std::future<std::invoke_result_t<F>> {
    using R = std::invoke_result_t<F>;
    auto task = std::make_shared<std::packaged_task<R()>>(std::move(f));
    std::future<R> future = task->get_future();
    post([task] { (*task)(); });
    return future;
  }

  // Queues a job whose result nobody waits for (it reports through its own channel).
  void post(std::function<void()> job);

  size_t size() const { return workers_.size(); }

  // A process-wide pool sized to the hardware, created on first use.
  static ThreadPool& shared();

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace arena
