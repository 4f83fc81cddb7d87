#include "server/cli/learn_front.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "agents/nn/train/worker.h"
#include "agents/selfplay/shard.h"
#include "games/registry.h"
#include "server/net/auth.h"

namespace arena::cli {
namespace {

// "<name> <token>" lines: worker by its token's SHA-256.
Result<std::map<std::string, std::string>> read_tokens(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error("io", "cannot read the worker tokens in " + path);
  std::map<std::string, std::string> workers;
  std::set<std::string> names;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::istringstream words(line);
    std::string name, token, extra;
    if (!(words >> name) || name[0] == '#') continue;
    const std::string at = path + ":" + std::to_string(number) + ": ";
    if (!(words >> token) || (words >> extra)) return make_error("bad_tokens", at + "not '<name> <token>'");
    if (!net::valid_player_name(name))
      return make_error("bad_tokens", at + "'" + name + "' is not a valid name");
    if (token.size() < 16) return make_error("bad_tokens", at + "a token of fewer than 16 characters");
    if (!names.insert(name).second) return make_error("bad_tokens", at + name + " twice");
    if (!workers.emplace(net::sha256_hex(token), name).second)
      return make_error("bad_tokens", at + "a token given twice");
  }
  if (workers.empty()) return make_error("bad_tokens", path + " names no worker");
  return workers;
}

}  // namespace

Result<std::unique_ptr<LearnFront>> LearnFront::create(const nn::TrainConfig& run,
                                                       const std::string& tokens_file,
                                                       LearnFrontOptions options) {
  std::map<std::string, std::shared_ptr<const Game>> games;
  for (const std::string& spec : run.games) {
    Result<std::shared_ptr<const Game>> game = make_game(spec);
    if (!game.ok()) return make_error("bad_config", game.error().message);
    games.emplace((*game)->spec(), *game);
  }
  Result<std::map<std::string, std::string>> workers = read_tokens(tokens_file);
  if (!workers.ok()) return workers.error();
  std::error_code ec;
  std::filesystem::create_directories(options.incoming_dir, ec);
  if (ec) return make_error("io", "cannot create " + options.incoming_dir + ": " + ec.message());
  return std::unique_ptr<LearnFront>(
      new LearnFront(nn::selfplay_settings(run), std::move(games), std::move(*workers), std::move(options)));
}

LearnFront::LearnFront(Json settings, std::map<std::string, std::shared_ptr<const Game>> games,
                       std::map<std::string, std::string> workers, LearnFrontOptions options)
    : settings_(std::move(settings)),
      games_(std::move(games)),
      workers_(std::move(workers)),
      options_(std::move(options)) {}

void LearnFront::publish(int64_t step, const std::string& path) {
  std::lock_guard lock(mutex_);
  checkpoints_[step] = path;
  // Older ones than any upload may still use are no longer offered.
  std::erase_if(checkpoints_, [&](const auto& c) { return c.first < step - options_.max_lag_steps; });
}

std::vector<selfplay::Trajectory> LearnFront::collect(double wait_s) {
  std::unique_lock lock(mutex_);
  arrived_.wait_for(lock, std::chrono::duration<double>(wait_s), [this] { return !queue_.empty(); });
  std::vector<selfplay::Trajectory> out(std::make_move_iterator(queue_.begin()),
                                        std::make_move_iterator(queue_.end()));
  queue_.clear();
  queued_positions_ = 0;
  return out;
}

std::optional<std::string> LearnFront::worker_of(std::string_view token) const {
  auto it = workers_.find(net::sha256_hex(token));
  if (it == workers_.end()) return std::nullopt;
  return it->second;
}

Json LearnFront::describe() const {
  std::lock_guard lock(mutex_);
  Json workers = Json::object();
  for (const auto& [name, c] : counts_) {
    workers[name] = {
        {"uploads", c.uploads}, {"refused", c.refused}, {"games", c.games}, {"positions", c.positions}};
  }
  return {{"run", options_.run},
          {"step", checkpoints_.empty() ? Json(nullptr) : Json(checkpoints_.rbegin()->first)},
          {"max_lag_steps", options_.max_lag_steps},
          {"queued_positions", queued_positions_},
          {"selfplay", settings_},
          {"workers", std::move(workers)}};
}

Result<std::string> LearnFront::checkpoint(std::optional<int64_t> step, int64_t& served) const {
  std::string path;
  {
    std::lock_guard lock(mutex_);
    if (checkpoints_.empty()) return make_error("not_found", "the run has written no checkpoint yet");
    auto it = step ? checkpoints_.find(*step) : std::prev(checkpoints_.end());
    if (it == checkpoints_.end())
      return make_error("not_found",
                        "no checkpoint of step " + std::to_string(*step) + " to play (any more)");
    served = it->first;
    path = it->second;
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in.good() && !in.eof()) return make_error("io", "cannot read " + path);
  return bytes;
}

std::optional<Error> LearnFront::admission(int64_t step) const {
  std::lock_guard lock(mutex_);
  if (checkpoints_.empty() || step > checkpoints_.rbegin()->first)
    return make_error("not_found", "no checkpoint of step " + std::to_string(step) + " was published");
  const int64_t newest = checkpoints_.rbegin()->first;
  if (step < newest - options_.max_lag_steps) {
    return make_error("stale", "played with the checkpoint of step " + std::to_string(step) + ", more than " +
                                   std::to_string(options_.max_lag_steps) + " steps behind the newest (" +
                                   std::to_string(newest) + "); download it from /api/learn/checkpoint");
  }
  if (queued_positions_ >= options_.max_queued_positions) {
    return make_error("busy", "the learner has " + std::to_string(queued_positions_) +
                                  " positions waiting; upload again later");
  }
  return std::nullopt;
}

Result<Json> LearnFront::upload(const std::string& worker, int64_t step, const std::string& bytes) {
  auto refuse = [&](Error e) -> Result<Json> {
    std::lock_guard lock(mutex_);
    ++counts_[worker].refused;
    return e;
  };
  if (std::optional<Error> e = admission(step)) return refuse(*e);
  // The shard reader reads files: the upload goes through one of its own.
  const std::string path =
      options_.incoming_dir + "/upload-" + std::to_string(++uploads_) + "-" + worker + ".arena.gz";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) return make_error("io", "cannot write " + path);
  }
  Result<std::vector<selfplay::Trajectory>> games = selfplay::read_shard(path);
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (!games.ok()) return refuse(games.error());
  if (games->empty()) return refuse(make_error("bad_request", "the shard holds no game"));
  size_t positions = 0;
  for (size_t i = 0; i < games->size(); ++i) {
    const selfplay::Trajectory& t = (*games)[i];
    auto game = games_.find(t.game);
    if (game == games_.end())
      return refuse(make_error(
          "wrong_game", "game " + std::to_string(i) + " is " + t.game + ", which the run does not train"));
    if (Status s = selfplay::check_trajectory(*game->second, t); !s.ok())
      return refuse(make_error(s.error().code, "game " + std::to_string(i) + ": " + s.error().message));
    positions += t.steps.size();
  }
  std::lock_guard lock(mutex_);
  WorkerCounts& c = counts_[worker];
  ++c.uploads;
  c.games += games->size();
  c.positions += positions;
  queued_positions_ += positions;
  for (selfplay::Trajectory& t : *games) queue_.push_back(std::move(t));
  arrived_.notify_all();
  return Json{{"games", games->size()}, {"positions", positions}, {"step", checkpoints_.rbegin()->first}};
}

std::map<std::string, LearnFront::WorkerCounts> LearnFront::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

}  // namespace arena::cli
