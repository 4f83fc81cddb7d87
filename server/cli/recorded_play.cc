#include "server/cli/recorded_play.h"

#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>

namespace arena::cli {

Status register_checkpoint(db::Store& store, const std::string& player, const std::string& run, int64_t step,
                           const std::string& path) {
  std::promise<Result<int64_t>> player_id;
  store.ensure_player(player, db::PlayerKind::kAgent, player,
                      [&](Result<int64_t> id) { player_id.set_value(std::move(id)); });
  Result<int64_t> id = player_id.get_future().get();
  if (!id.ok()) return id.error();
  std::promise<Result<int64_t>> version;
  store.add_agent_version(*id, run, step, path, [&](Result<int64_t> v) { version.set_value(std::move(v)); });
  Result<int64_t> v = version.get_future().get();
  if (!v.ok()) return v.error();
  return {};
}

Result<std::unique_ptr<RecordedPlay>> RecordedPlay::open(const std::string& db_path) {
  Result<std::unique_ptr<db::SqlStore>> store = db::SqlStore::open(db_path);
  if (!store.ok()) return store.error();
  return std::unique_ptr<RecordedPlay>(new RecordedPlay(std::move(store).value()));
}

std::unique_ptr<RecordedPlay> RecordedPlay::over(Arena& arena, db::Store& store) {
  return std::unique_ptr<RecordedPlay>(new RecordedPlay(arena, store));
}

RecordedPlay::RecordedPlay(std::unique_ptr<db::SqlStore> store)
    : owned_store_(std::move(store)), store_(owned_store_.get()) {
  ArenaConfig config;
  config.house_matches = 0;
  owned_arena_ = std::make_unique<Arena>(io_, *store_, config);
  arena_ = owned_arena_.get();
  thread_ = std::thread([this] {
    auto work = asio::make_work_guard(io_);
    io_.run();
  });
}

RecordedPlay::RecordedPlay(Arena& arena, db::Store& store) : store_(&store), arena_(&arena) {}

RecordedPlay::~RecordedPlay() {
  if (!owned_arena_) return;
  io_.stop();
  thread_.join();
  owned_arena_.reset();
  store_->flush();
}

Result<RecordedPlay::Outcome> RecordedPlay::play(const std::string& game,
                                                 const std::vector<std::string>& seat_agents, uint64_t seed) {
  MatchRequest request;
  request.game = game;
  for (const std::string& spec : seat_agents) request.seats.push_back(SeatRequest::agent_seat(spec));
  request.rated = true;
  request.seed = seed;

  // Listen for the end before creating the match, so it cannot be missed. The listener runs
  // on the arena's thread and must not block it (other plays may run concurrently): it only
  // files every end under its match id, and this thread waits for its own.
  struct Ends {
    std::mutex mutex;
    std::condition_variable changed;
    std::map<int64_t, MatchEnded> by_id;
  };
  auto ends = std::make_shared<Ends>();
  const int subscription = arena_->subscribe([ends](const ArenaEvent& e) {
    if (const auto* end = std::get_if<MatchEnded>(&e)) {
      std::lock_guard lock(ends->mutex);
      ends->by_id.emplace(end->match_id, *end);
      ends->changed.notify_all();
    }
  });
  std::promise<Result<int64_t>> created;
  arena_->create_match(request, [&created](Result<int64_t> r) { created.set_value(std::move(r)); });
  Result<int64_t> match_id = created.get_future().get();
  if (!match_id.ok()) {
    arena_->unsubscribe(subscription);
    return match_id.error();
  }
  MatchEnded end;
  {
    std::unique_lock lock(ends->mutex);
    while (!ends->changed.wait_for(lock, std::chrono::milliseconds(200),
                                   [&] { return ends->by_id.count(*match_id) > 0; })) {
      if (cancelled_) {
        lock.unlock();
        arena_->unsubscribe(subscription);
        return make_error("cancelled", "match " + std::to_string(*match_id) + " still in play");
      }
    }
    end = ends->by_id.at(*match_id);
  }
  arena_->unsubscribe(subscription);
  Result<std::optional<db::MatchRecord>> record = store_->match(*match_id);
  if (!record.ok()) return record.error();
  if (end.status != "finished") {
    return make_error("match_failed", "match " + std::to_string(*match_id) + " ended " + end.status + " (" +
                                          end.termination + ")");
  }
  return Outcome{*match_id, end.returns, (*record) ? (*record)->moves.size() : 0, end.termination};
}

}  // namespace arena::cli
