// EnginePool<Engine>: engines are costly to start (GNU Go reads its pattern databases,
// Stockfish fills its tables), so the process keeps idle engines keyed by command line; an
// agent takes an idle one when there is one and gives it back when it is done. A failed
// engine never goes back, and one that died while idle is never handed out.
//
// `Engine` is a protocol layer over a ChildProcess (GtpEngine, UciEngine) with
//   static Result<std::unique_ptr<Engine>> start(const std::vector<std::string>& argv);
//   bool failed() const;  bool alive();  const std::vector<std::string>& argv() const;
// and a destructor that shuts the process down.
//
// Thread-safety: thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"

namespace arena::process {

template <class Engine>
class EnginePool {
 public:
  // Idle engines kept per command line; more given back are shut down.
  static constexpr size_t kMaxIdlePerCommand = 4;

  EnginePool() = default;
  ~EnginePool() {  // shuts down every idle engine
    std::lock_guard lock(mutex_);
    idle_.clear();
  }
  EnginePool(const EnginePool&) = delete;
  EnginePool& operator=(const EnginePool&) = delete;

  // The process-wide pool of this kind of engine (its idle engines are shut down at exit).
  static EnginePool& shared() {
    static EnginePool pool;
    return pool;
  }

  // An idle engine started with `argv`, or a newly started one.
  Result<std::unique_ptr<Engine>> acquire(const std::vector<std::string>& argv) {
    std::vector<std::unique_ptr<Engine>> dead;  // shut down outside the lock
    {
      std::lock_guard lock(mutex_);
      auto it = idle_.find(argv);
      while (it != idle_.end() && !it->second.empty()) {
        std::unique_ptr<Engine> engine = std::move(it->second.back());
        it->second.pop_back();
        if (engine->alive()) return engine;
        dead.push_back(std::move(engine));
      }
    }
    return Engine::start(argv);
  }

  // Gives an engine back for reuse; a failed one (or one beyond the idle limit) is shut
  // down instead.
  void release(std::unique_ptr<Engine> engine) {
    if (!engine || engine->failed()) return;
    {
      std::lock_guard lock(mutex_);
      std::vector<std::unique_ptr<Engine>>& idle = idle_[engine->argv()];
      if (idle.size() < kMaxIdlePerCommand) {
        idle.push_back(std::move(engine));
        return;
      }
    }
    // `engine` shuts down here, outside the lock (it may wait for the engine to quit).
  }

  // How many idle engines wait for `argv`.
  size_t idle(const std::vector<std::string>& argv) const {
    std::lock_guard lock(mutex_);
    auto it = idle_.find(argv);
    return it == idle_.end() ? 0 : it->second.size();
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::vector<std::unique_ptr<Engine>>> idle_;
};

}  // namespace arena::process
