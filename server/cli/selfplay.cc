// `arena selfplay --server URL --token T`: a self-play worker for a run that a learner
// offers (`arena train --listen`). It asks the learner for the run (GET /api/learn),
// downloads the current checkpoint (GET /api/learn/checkpoint), plays batches of self-play
// games with its own inference service under the run's settings, and uploads each batch as
// a shard (POST /api/learn/shards?step=<the checkpoint that played it>); between batches it
// picks up newer checkpoints. Shards wait in <out>/pending until the learner has taken them:
// a learner that is down or busy loses nothing, a refused shard (stale, bad) is dropped with
// a line saying why.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "agents/nn/train/worker.h"
#include "agents/selfplay/shard.h"
#include "core/args.h"
#include "core/format.h"
#include "server/cli/commands.h"
#include "server/cli/packing_options.h"
#include "server/net/http_client.h"

namespace arena::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::atomic<bool> stopping{false};
extern "C" void on_signal(int) { stopping = true; }

// Sleeps up to `seconds`, waking early on a signal.
void pause_for(double seconds) {
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  while (!stopping && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

std::string step_dir_name(int64_t step) {
  char name[32];
  std::snprintf(name, sizeof name, "step-%08lld", static_cast<long long>(step));
  return name;
}

// The error message of a reply that is not 2xx.
std::string reply_error(const net::HttpReply& r) {
  const std::optional<Json> body = parse_json(r.body);
  if (body && body->contains("error")) return body->at("error").value("message", r.body);
  return "HTTP " + std::to_string(r.status);
}

class Worker {
 public:
  Worker(net::HttpUrl server, std::string token, std::string out, nn::TrainConfig local)
      : server_(std::move(server)),
        token_(std::move(token)),
        out_(std::move(out)),
        local_(std::move(local)) {}

  // One round: the run and its checkpoint, a batch of games, the uploads. Errors are fatal
  // ("unauthorized", a run this build cannot play); a learner out of reach is waited for.
  Status round(int games) {
    Result<bool> reached = follow_run();
    if (!reached.ok()) return reached.error();
    // Out of reach, or no checkpoint yet (follow_run waited): games played now would only
    // go stale. Earlier batches are still offered.
    if (!*reached || !worker_) return upload_pending();
    Result<std::vector<selfplay::Trajectory>> played = worker_->play(games);
    if (!played.ok()) return played.error();
    size_t positions = 0;
    for (const selfplay::Trajectory& t : *played) positions += t.steps.size();
    if (Status s = store_pending(*played); !s.ok()) return s;
    games_ += played->size();
    positions_ += positions;
    return upload_pending();
  }

  uint64_t games() const { return games_; }

  void report(double elapsed) const {
    std::cout << "[" << fixed(elapsed, 0) << " s] step " << step_ << "  games " << games_ << " ("
              << fixed(games_ / std::max(elapsed, 1e-9), 2) << "/s)  positions " << positions_
              << "  uploaded " << uploaded_games_ << " games in " << uploads_ << " shards ("
              << uploaded_bytes_ / 1024 << " KiB)  refused " << refused_ << "  batch "
              << fixed(worker_ ? worker_->service_stats().mean_batch : 0, 1) << std::endl;
  }

 private:
  Result<net::HttpReply> call(const std::string& method, const std::string& target, std::string body = {},
                              bool authorized = false) {
    net::HttpCall c;
    c.method = method;
    c.target = target;
    c.body = std::move(body);
    if (method == "POST") c.headers.emplace_back("Content-Type", "application/octet-stream");
    if (authorized) c.headers.emplace_back("Authorization", "Bearer " + token_);
    c.timeout = std::chrono::seconds(120);
    return net::http_call(server_, c);
  }

  // The learner's run now: new settings make a new worker, a new step a new network.
  // False when the learner is out of reach (after a pause).
  Result<bool> follow_run() {
    Result<net::HttpReply> run = call("GET", "/api/learn");
    if (!run.ok() || run->status >= 500) {
      std::cerr << "arena selfplay: " << server_.text() << " does not answer ("
                << (run.ok() ? reply_error(*run) : run.error().message) << "); trying again in 10 s\n";
      pause_for(10);
      return false;
    }
    if (run->status != 200) return make_error("bad_run", server_.text() + "/api/learn: " + reply_error(*run));
    const std::optional<Json> j = parse_json(run->body);
    if (!j || !j->contains("selfplay") || !j->contains("step") ||
        !(j->at("step").is_null() || j->at("step").is_number_integer()))
      return make_error("bad_run", server_.text() + "/api/learn: not a learner's answer");
    if (j->at("step").is_null()) {
      pause_for(2);  // no checkpoint yet
      return true;
    }
    if (!worker_ || j->at("selfplay") != settings_) {
      Result<nn::TrainConfig> settings = nn::read_selfplay_settings(j->at("selfplay"));
      if (!settings.ok()) return settings.error();
      settings->actors = local_.actors;
      settings->device = local_.device;
      settings->min_batch = local_.min_batch;
      settings->max_wait_us = local_.max_wait_us;
      settings->seed = local_.seed + games_;  // a new worker draws games of its own
      Result<std::unique_ptr<nn::SelfPlayWorker>> made = nn::SelfPlayWorker::create(*settings);
      if (!made.ok()) return made.error();
      worker_ = std::move(*made);
      settings_ = j->at("selfplay");
      step_ = -1;
      std::cout << "arena selfplay: run " << j->value("run", "?") << " on " << settings_.at("games").dump()
                << std::endl;
    }
    const int64_t step = j->at("step").get<int64_t>();
    if (step == step_) return true;
    return download(step);
  }

  // The checkpoint of `step`, played from now on. False when it could not be had now.
  Result<bool> download(int64_t step) {
    Result<net::HttpReply> r = call("GET", "/api/learn/checkpoint?step=" + std::to_string(step));
    if (!r.ok() || r->status != 200) {
      std::cerr << "arena selfplay: checkpoint " << step << ": "
                << (r.ok() ? reply_error(*r) : r.error().message) << "\n";
      return false;
    }
    const fs::path dir = fs::path(out_) / "checkpoints";
    std::error_code ec;
    fs::create_directories(dir, ec);
    const fs::path path = dir / (step_dir_name(step) + ".pt"), temporary = path.string() + ".tmp";
    {
      std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
      file.write(r->body.data(), static_cast<std::streamsize>(r->body.size()));
      if (!file.flush()) return make_error("io", "cannot write " + temporary.string());
    }
    fs::rename(temporary, path, ec);
    if (ec) return make_error("io", "cannot write " + path.string() + ": " + ec.message());
    if (Status s = worker_->load(path.string()); !s.ok()) return s.error();
    if (step_ >= 0) fs::remove(dir / (step_dir_name(step_) + ".pt"), ec);
    step_ = step;
    std::cout << "arena selfplay: playing with the checkpoint of step " << step << " ("
              << r->body.size() / 1024 << " KiB)" << std::endl;
    return true;
  }

  // The batch as one shard in <out>/pending/step-<N>/, until the learner takes it.
  Status store_pending(const std::vector<selfplay::Trajectory>& games) {
    selfplay::ShardWriterOptions options;
    options.dir = (fs::path(out_) / "pending" / step_dir_name(step_)).string();
    options.max_trajectories = 0;
    options.max_bytes = 0;
    Result<std::unique_ptr<selfplay::ShardWriter>> writer = selfplay::ShardWriter::open(options);
    if (!writer.ok()) return writer.error();
    for (const selfplay::Trajectory& t : games) {
      if (Status s = (*writer)->write(t); !s.ok()) return s;
    }
    return (*writer)->close();
  }

  // Every pending shard, oldest step first, until one cannot be delivered now.
  Status upload_pending() {
    std::error_code ec;
    std::vector<fs::path> steps;
    for (const auto& entry : fs::directory_iterator(fs::path(out_) / "pending", ec))
      steps.push_back(entry.path());
    std::sort(steps.begin(), steps.end());
    for (const fs::path& dir : steps) {
      const int64_t step = std::stoll(dir.filename().string().substr(5));
      Result<std::vector<std::string>> shards = selfplay::list_shards(dir.string());
      for (const std::string& shard : shards.ok() ? *shards : std::vector<std::string>{}) {
        std::ifstream in(shard, std::ios::binary);
        std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        const uint64_t size = bytes.size();
        Result<net::HttpReply> r =
            call("POST", "/api/learn/shards?step=" + std::to_string(step), std::move(bytes), true);
        if (!r.ok() || r->status >= 500 || r->status == 429) {  // out of reach, busy, rate-limited: later
          const std::string why = r.ok() ? reply_error(*r) : r.error().message;
          std::cerr << "arena selfplay: upload postponed: " << why << "\n";
          if (r.ok() && r->headers.contains("retry-after"))
            pause_for(std::strtod(r->headers.at("retry-after").c_str(), nullptr));
          return {};
        }
        if (r->status == 401)
          return make_error("unauthorized", "the learner refuses the token: " + reply_error(*r));
        if (r->status == 200) {
          const std::optional<Json> taken = parse_json(r->body);
          uploaded_games_ += taken ? taken->value("games", 0) : 0;
          uploaded_bytes_ += size;
          ++uploads_;
        } else {
          ++refused_;
          std::cerr << "arena selfplay: shard of step " << step << " refused, dropped: " << reply_error(*r)
                    << "\n";
        }
        fs::remove(shard, ec);
      }
      if (dir.filename().string() != step_dir_name(step_)) fs::remove_all(dir, ec);
    }
    return {};
  }

  const net::HttpUrl server_;
  const std::string token_, out_;
  const nn::TrainConfig local_;  // this machine's: actors, device, packing, seed
  Json settings_;
  std::unique_ptr<nn::SelfPlayWorker> worker_;
  int64_t step_ = -1;
  uint64_t games_ = 0, positions_ = 0, uploads_ = 0, uploaded_games_ = 0, uploaded_bytes_ = 0, refused_ = 0;
};

}  // namespace

int run_selfplay(const std::vector<std::string>& argv) {
  std::string url, token, out = "selfplay-worker";
  nn::TrainConfig local;
  local.actors = 16;
  int64_t games_per_upload = 0, max_games = 0, seed = -1;
  double minutes = 0;
  Options options(
      "selfplay",
      "A self-play worker: plays the self-play games of a run that a learner offers (arena train --listen)\n"
      "with the run's current checkpoint on this machine, and uploads them to the learner as shards. It\n"
      "follows the run's newer checkpoints between batches; shards wait in <out>/pending until taken.");
  options.text("server", &url, "the learner, http://HOST:PORT")
      .required()
      .text("token", &token, "this worker's token (a line of the learner's --worker-tokens file)")
      .required()
      .text("out", &out, "the worker's folder: the checkpoint it plays, the shards not yet uploaded")
      .text("device", &local.device, "auto, cpu or cuda")
      .integer("actors", &local.actors, "self-play games in flight at once", 1, 4096)
      .integer("games-per-upload", &games_per_upload, "games per batch, uploaded as one shard", 1)
      .default_text("2 x actors")
      .integer("games", &max_games, "stop after this many games", 1)
      .default_text("no limit")
      .number("minutes", &minutes, "stop after this many minutes", 0)
      .default_text("no limit")
      .integer("seed", &seed, "the first game's seed", 0)
      .default_text("random");
  packing_options(options, local);
  if (std::optional<int> code = options.parse(argv)) return *code;
  Result<net::HttpUrl> server = net::parse_http_url(url);
  if (!server.ok()) return options.usage_error(server.error().message);
  local.seed = seed >= 0 ? static_cast<uint64_t>(seed)
                         : (uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
  const int batch = static_cast<int>(games_per_upload > 0 ? games_per_upload : 2 * local.actors);

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  Worker worker(*server, token, out, local);
  std::cout << "arena selfplay: learner " << server->text() << ", " << local.actors << " actors, seed "
            << local.seed << std::endl;
  const auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  uint64_t played = 0;
  while (!stopping && (max_games == 0 || played < static_cast<uint64_t>(max_games)) &&
         (minutes <= 0 || elapsed() < minutes * 60)) {
    const int n = max_games > 0 ? static_cast<int>(std::min<uint64_t>(batch, max_games - played)) : batch;
    if (Status s = worker.round(n); !s.ok()) {
      std::cerr << "arena selfplay: " << s.error().message << "\n";
      return 1;
    }
    worker.report(elapsed());
    played = worker.games();
  }
  return 0;
}

}  // namespace arena::cli
