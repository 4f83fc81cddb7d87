// `arena serve`: the main job. HTTP and WebSocket on one port, the store, the arena with
// its house matches; SIGINT/SIGTERM stop it cleanly (connections closed, writes finished,
// the store closed).
#include <malloc.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "agents/nn/nn_agents.h"
#include "core/args.h"
#include "db/serve_lock.h"
#include "db/sql_store.h"
#include "games/registry.h"
#include "server/cli/commands.h"
#include "server/cli/serve_learn.h"
#include "server/cluster/broker.h"
#include "server/net/beast.h"
#include "server/net/cluster_link.h"
#include "server/net/server.h"

namespace arena::cli {
namespace {

// glibc hands freed memory back to the kernel eagerly (heap trims, madvise on its thread
// arenas, mmap for every large buffer); under load that becomes page faults and TLB
// shootdowns on every core. A server keeps its working set: return memory only above
// 64 MiB of slack, and mmap only blocks of 4 MiB and more. (Where the build links
// tcmalloc, which keeps freed memory itself, these are no-ops.)
void keep_freed_memory() {
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
}

// The web UI's folder without --web: installed beside the binary (<prefix>/share/arena/web),
// else the source tree the binary was built from, else ./web; the first that has an
// index.html. Empty when none has.
std::filesystem::path find_web_root(std::vector<std::filesystem::path>& tried) {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) tried.push_back(exe.parent_path().parent_path() / "share" / "arena" / "web");
  tried.push_back(std::filesystem::path(ARENA_SOURCE_DIR) / "web");
  tried.push_back(std::filesystem::current_path(ec) / "web");
  for (const std::filesystem::path& dir : tried) {
    if (std::filesystem::is_regular_file(dir / "index.html", ec)) return dir;
  }
  return {};
}

// The game families' folders (each family's web/board.js): beside the web folder, as in the
// source tree and an installation, else the source tree's.
std::filesystem::path find_games_root(const std::filesystem::path& web_root) {
  std::error_code ec;
  const std::filesystem::path beside = web_root.parent_path() / "games";
  if (std::filesystem::is_directory(beside, ec)) return beside;
  return std::filesystem::path(ARENA_SOURCE_DIR) / "games";
}

// Agents (specs) from a ';' list; "anchors" stands for every game family's anchor agents.
std::vector<std::string> agent_list(const std::string& text) {
  std::vector<std::string> out;
  for (const std::string& spec : split_specs(text, ';')) {
    if (spec != "anchors") {
      out.push_back(spec);
      continue;
    }
    for (const GameFamily& family : GameRegistry::instance().families()) {
      out.insert(out.end(), family.anchors.begin(), family.anchors.end());
    }
  }
  return out;
}

// A node's watch over the others (arena serve --node), on a thread of its own: each second
// it tries the house lock (the house matches start on the node that gets it, and it becomes
// the lobby, where every node places its seeks: ClusterLink) and the locks
// of the other nodes with live matches; a lock it gets is a dead node's, whose matches it
// takes over (Arena::take_over) before letting the lock go.
class NodeWatch {
 public:
  NodeWatch(db::NodeLocks& locks, Arena& arena, net::ClusterLink& link, int64_t node)
      : locks_(locks), arena_(arena), link_(link), node_(node), thread_([this] { run(); }) {}
  ~NodeWatch() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      watch_once();
      lock.lock();
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
    }
  }

  void watch_once() {
    if (!house_) {
      Result<bool> house = locks_.try_take_house();
      if (house.ok() && *house) {
        house_ = true;
        std::cout << "arena: node " << node_ << " runs the house matches and holds the seeks" << std::endl;
        link_.become_lobby();
        arena_.start_house_matches();
      }
    }
    Result<std::vector<int64_t>> nodes = locks_.nodes_with_live_matches();
    if (!nodes.ok()) {
      std::cerr << "arena: node " << node_ << ": " << nodes.error().message << "\n";
      return;
    }
    for (int64_t other : *nodes) {
      // A single server's matches (node 0) are the house node's to adopt: no single server
      // runs beside nodes (db::lock_node), so they are orphans.
      if (other == 0 && !house_) continue;
      if (other != 0) {
        Result<bool> dead = locks_.try_take(other);
        if (!dead.ok() || !*dead) continue;
      }
      Result<std::vector<int64_t>> taken = arena_.take_over(other);
      if (other != 0) (void)locks_.release(other);
      if (!taken.ok()) {
        std::cerr << "arena: node " << node_ << ": taking over node " << other << ": "
                  << taken.error().message << "\n";
        continue;
      }
      std::cout << "arena: node " << node_ << " took over " << taken->size() << " live matches of node "
                << other << std::endl;
      if (other != 0) link_.node_down(other);
    }
  }

  db::NodeLocks& locks_;
  Arena& arena_;
  net::ClusterLink& link_;
  const int64_t node_;
  bool house_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last
};

}  // namespace

int run_serve(const std::vector<std::string>& argv) {
  std::string bind = "127.0.0.1", db = "arena.db", web, runs, models;
  std::string house_games;  // empty: every game's showcase
  std::string house_agents = "random;anchors;shared",
              opponents = "random;mcts(simulations=200);anchors;shared";
  int port = 8080, house = 2, interval = 500;
  double rating_period_hours = 24;
  std::string metrics = "on";
  const net::ServerConfig defaults;
  int max_connections = static_cast<int>(defaults.max_connections);
  int max_connections_per_address = static_cast<int>(defaults.max_connections_per_address);
  int max_websockets = static_cast<int>(defaults.max_websockets);
  int max_websockets_per_address = static_cast<int>(defaults.max_websockets_per_address);
  int registrations_per_minute = static_cast<int>(defaults.abuse.registrations_per_minute);
  int messages_per_second = static_cast<int>(defaults.messages_per_second);
  int threads = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  bool secure_cookies = false;
  std::vector<std::string> allowed_origins;
  std::string learn = "auto";
  int node = 0;
  std::string broker_url;
  LearnOptions learning;
  int64_t learn_seed = 1;
  Options options(
      "serve",
      "Serves the arena: REST under /api, the WebSocket protocol at /ws, the web UI, all on one port.\n"
      "Stops cleanly on SIGINT or SIGTERM.");
  options.text("bind", &bind, "address to listen on")
      .integer("port", &port, "port; 0 picks a free one, printed at start", 0, 65535)
      .text("db", &db, "SQLite file or postgresql:// URL (one server at a time, or several --node ones)")
      .integer("node", &node,
               "this server's number among several serving one PostgreSQL --db as one arena (1 to 1023), "
               "with --broker; 0: the only server",
               0, static_cast<int>(kMaxNodes - 1))
      .text("broker", &broker_url,
            "with --node: how the nodes reach each other, redis://host:port, redis:///path.sock or a "
            "postgresql:// URL (LISTEN/NOTIFY)")
      .integer("threads", &threads, "network threads", 1, 256)
      .default_text("the number of cores, at least 2")
      .text("web", &web, "folder of the web UI")
      .default_text("the installed one, else the source tree's, else ./web; printed at start")
      .integer("house-matches", &house, "agent-vs-agent matches kept running for people to watch", 0)
      .integer("house-interval-ms", &interval, "pause before each house agent move, so people can follow", 0)
      .number("rating-period", &rating_period_hours,
              "hours of a Glicko-2 rating period (each game rated against the opponents' ratings at its "
              "start; idle people and bots grow less certain each period); 0: every match its own period",
              0)
      .text("house-games", &house_games, "games of the house matches, specs separated by ';'")
      .default_text("every game's showcase")
      .text("house-agents", &house_agents,
            "agents that play house matches for people to watch, separated by ';'; 'anchors' is every game "
            "family's anchor agents (GNU Go for Go, the exact solver for puzzles), 'shared' the shared "
            "agent (the latest run of several games in --runs, else the shipped model; left out while there "
            "is none); each game gets the ones that can play it")
      .text("opponents", &opponents,
            "agents that accept challenges from people and bots, separated by ';'; 'anchors' and 'shared' "
            "as for --house-agents")
      .text("runs", &runs, "folder of training runs, where nn:<run>@<step> names are found")
      .default_text("$ARENA_RUNS or ./runs")
      .text("models", &models,
            "folder of shipped models (laid out as a runs folder): the shared agent when --runs has no "
            "run of several games; 'none': no shipped model")
      .default_text("$ARENA_MODELS, else the installed share/arena/models, else the source tree's models/")
      .integer("max-connections", &max_connections, "connections open at once; 0: no cap", 0)
      .integer("max-connections-per-address", &max_connections_per_address,
               "connections open at once from one address; 0: no cap", 0)
      .integer("max-websockets", &max_websockets, "WebSocket connections open at once; 0: no cap", 0)
      .integer("max-websockets-per-address", &max_websockets_per_address,
               "WebSocket connections open at once from one address; 0: no cap", 0)
      .integer("registrations-per-minute", &registrations_per_minute,
               "new bots and people registered per minute from one address; 0: no limit", 0)
      .integer("messages-per-second", &messages_per_second,
               "WebSocket messages a second from one connection (twice that per player, twenty times per "
               "address)",
               1)
      .text("metrics", &metrics,
            "'on' serves Prometheus /metrics on the main port, 'off' nowhere, ADDRESS:PORT only there")
      .flag("secure-cookies", &secure_cookies,
            "mark cookies Secure and take https://Host as the served origin (behind a TLS proxy)")
      .texts("allowed-origin", &allowed_origins,
             "an origin (scheme://host[:port]) whose pages may open /ws and POST or DELETE with the "
             "user's cookies, besides the served one; several may be separated by ';'")
      .text(
          "learn", &learn,
          "on, off or auto (on where there is a CUDA device): self-play and the learner in the server, from "
          "the shared agent's checkpoint into <runs>/<--learn-run>; each checkpoint plays a promotion gate "
          "against the shared agent and becomes it when it scores --gate-score")
      .text("learn-run", &learning.run, "the learning run's folder in --runs (resumed when it is there)")
      .text("learn-device", &learning.device, "auto, cpu or cuda")
      .integer("learn-actors", &learning.actors, "self-play threads of the learning run", 1, 1024)
      .integer("learn-simulations", &learning.simulations, "self-play simulations per move", 1)
      .integer("learn-checkpoint-every", &learning.checkpoint_every,
               "learner steps between checkpoints (and gates)", 1)
      .integer("learn-seed", &learn_seed, "the learning run's seed", 0)
      .integer("gate-games", &learning.gate_games,
               "promotion gate: matches per game between a checkpoint and the shared agent", 1)
      .number("gate-score", &learning.gate_score,
              "promotion gate: the mean score that promotes (a win 1, a draw 0.5; in games of more seats the "
              "share of the other seats beaten)",
              0, 1);
  if (std::optional<int> code = options.parse(argv)) return *code;
  if (learn != "on" && learn != "off" && learn != "auto") {
    return options.usage_error("--learn is on, off or auto, not '" + learn + "'");
  }
  learning.seed = static_cast<uint64_t>(learn_seed);
  std::vector<std::string> origins;
  for (const std::string& list : allowed_origins) {
    for (const std::string& origin : split_specs(list, ';')) {
      const size_t scheme = origin.find("://");
      if (scheme == std::string::npos || origin.find('/', scheme + 3) != std::string::npos) {
        return options.usage_error(
            "--allowed-origin takes origins such as https://arena.example (a scheme, "
            "a host, a port if not the default; no path), got '" +
            origin + "'");
      }
      origins.push_back(origin);
    }
  }
  std::vector<std::string> house_game_specs = split_specs(house_games, ';');
  for (const std::string& spec : house_game_specs) {
    if (Result<std::shared_ptr<const Game>> game = make_game(spec); !game.ok()) {
      return options.usage_error("--house-games: " + game.error().message);
    }
  }
  if ((node != 0) != !broker_url.empty()) return options.usage_error("--node and --broker go together");
  keep_freed_memory();

  // Held until exit: the database's lock (one server), or this node's.
  std::unique_ptr<db::ServeLock> serve_lock;
  std::unique_ptr<db::NodeLocks> node_locks;
  if (node == 0) {
    Result<std::unique_ptr<db::ServeLock>> locked = db::lock_for_serving(db);
    if (!locked.ok()) {
      std::cerr << "arena serve: " << locked.error().message << "\n";
      return 1;
    }
    serve_lock = std::move(locked).value();
  } else {
    Result<std::unique_ptr<db::NodeLocks>> locked = db::lock_node(db, node);
    if (!locked.ok()) {
      std::cerr << "arena serve: " << locked.error().message << "\n";
      return 1;
    }
    node_locks = std::move(locked).value();
  }
  // The broker's messages go to the server's link while it exists (none come before: the
  // link subscribes to its channels itself).
  std::mutex link_mutex;
  net::ClusterLink* link = nullptr;
  std::unique_ptr<cluster::Broker> broker;
  if (node != 0) {
#if ARENA_WITH_POSTGRES
    Result<std::unique_ptr<cluster::Broker>> opened =
        cluster::open_broker(broker_url, [&](const std::string& channel, const std::string& payload) {
          std::lock_guard lock(link_mutex);
          if (link) link->on_message(channel, payload);
        });
    if (!opened.ok()) {
      std::cerr << "arena serve: --broker: " << opened.error().message << "\n";
      return 1;
    }
    broker = std::move(opened).value();
#else
    std::cerr << "arena serve: this build has no broker (configured without ARENA_WITH_POSTGRES)\n";
    return 1;
#endif
  }
  Result<std::unique_ptr<db::SqlStore>> store = db::SqlStore::open(db);
  if (!store.ok()) {
    std::cerr << "arena serve: " << store.error().message << "\n";
    return 1;
  }
  asio::io_context io(threads);
  ArenaConfig arena_config;
  arena_config.house_matches = house;
  arena_config.node = node;
  arena_config.house_move_interval = Millis(interval);
  arena_config.rating_periods.length =
      std::chrono::seconds(static_cast<int64_t>(std::llround(rating_period_hours * 3600)));
  arena_config.house_games = std::move(house_game_specs);
  if (!runs.empty()) setenv("ARENA_RUNS", runs.c_str(), 1);  // before any thread starts
  if (!models.empty()) setenv("ARENA_MODELS", models == "none" ? "" : models.c_str(), 1);
  // 'shared' in a list is the shared agent, an alias of the arena for its checkpoint: the one
  // the learning run last promoted, else the latest run of several games, else the shipped
  // model; left out while there is none.
  std::optional<std::string> shared = last_promoted(learning.run);
  if (!shared) shared = nn::latest_shared_agent();
  if (shared) {
    std::cout << "arena: the shared agent is " << *shared << std::endl;
    arena_config.agent_aliases["shared"] = *shared;
  }
  auto with_shared = [&](const std::string& list) {
    std::vector<std::string> out;
    for (const std::string& spec : agent_list(list)) {
      if (spec != "shared" || shared) out.push_back(spec);
    }
    return out;
  };
  arena_config.house_agents = with_shared(house_agents);
  // The shared agent sits in every house match of a game it plays (the others: the list).
  if (shared && std::find(arena_config.house_agents.begin(), arena_config.house_agents.end(), "shared") !=
                    arena_config.house_agents.end()) {
    arena_config.house_featured = "shared";
  }
  arena_config.challengeable_agents = with_shared(opponents);
  const bool learning_on = learn == "on" || (learn == "auto" && nn::cuda_available());
  if (learning_on && !shared) {
    std::cerr << "arena serve: --learn starts from the shared agent's checkpoint, and there is none (no "
                 "shipped model, no run of several games in the runs folder)\n";
    return 1;
  }
  Arena arena(io, **store, arena_config);
  if (Status s = arena.recover(); !s.ok()) {
    std::cerr << "arena serve: recovery failed: " << s.error().message << "\n";
    return 1;
  }
  std::unique_ptr<ServeLearner> learner;
  if (learning_on) {
    Result<std::unique_ptr<ServeLearner>> started = ServeLearner::start(arena, **store, "shared", learning);
    if (!started.ok()) {
      std::cerr << "arena serve: --learn: " << started.error().message << "\n";
      return 1;
    }
    learner = std::move(started).value();
  }
  net::ServerConfig config;
  config.bind = bind;
  config.port = static_cast<uint16_t>(port);
  config.max_connections = static_cast<size_t>(max_connections);
  config.max_connections_per_address = static_cast<size_t>(max_connections_per_address);
  config.max_websockets = static_cast<size_t>(max_websockets);
  config.max_websockets_per_address = static_cast<size_t>(max_websockets_per_address);
  config.abuse.registrations_per_minute = registrations_per_minute;
  config.messages_per_second = messages_per_second;
  config.abuse.messages_per_second_per_player = 2.0 * messages_per_second;
  config.abuse.messages_per_second_per_address = 20.0 * messages_per_second;
  if (metrics == "off") {
    config.metrics = net::ServerConfig::Metrics::kOff;
  } else if (metrics != "on") {
    const size_t colon = metrics.rfind(':');
    int metrics_port = -1;
    if (colon != std::string::npos) {
      try {
        metrics_port = std::stoi(metrics.substr(colon + 1));
      } catch (const std::exception&) {
      }
    }
    if (metrics_port < 0 || metrics_port > 65535) {
      std::cerr << "arena serve: --metrics is on, off or ADDRESS:PORT, not '" << metrics << "'\n";
      return 2;
    }
    config.metrics = net::ServerConfig::Metrics::kSeparate;
    config.metrics_bind = metrics.substr(0, colon);
    config.metrics_port = static_cast<uint16_t>(metrics_port);
  }
  if (!web.empty()) {
    config.web_root = web;
  } else {
    std::vector<std::filesystem::path> tried;
    config.web_root = find_web_root(tried);
    if (config.web_root.empty()) {
      std::string list;
      for (const auto& dir : tried) list += "\n  " + dir.string();
      std::cerr << "arena serve: no web UI folder (one with index.html) found; looked in:" << list
                << "\npass --web DIR\n";
      return 1;
    }
  }
  config.games_root = find_games_root(config.web_root);
  config.runs_root = nn::runs_dir();  // --runs, set above
  config.browser.secure_cookies = secure_cookies;
  config.browser.allowed_origins = origins;
  config.extra_metrics = nn::service_metrics;
  config.broker = broker.get();
  config.node = node;
  if (node_locks) {
    // Channel names are letters, digits, '_', '.' and ':'.
    Result<std::string> name = node_locks->database_name();
    if (!name.ok()) {
      std::cerr << "arena serve: " << name.error().message << "\n";
      return 1;
    }
    config.arena_name = *name;
    for (char& c : config.arena_name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') c = '_';
    }
  }
  db::SqlStore* raw_store = store->get();
  net::Server server(io, arena, **store, config, [raw_store] { return raw_store->queue_depth(); });
  if (net::ClusterLink* l = server.cluster()) {
    {
      std::lock_guard lock(link_mutex);
      link = l;
    }
    if (Status s = l->start(); !s.ok()) {
      std::cerr << "arena serve: --broker: " << s.error().message << "\n";
      std::lock_guard lock(link_mutex);
      link = nullptr;
      return 1;
    }
  }
  Result<uint16_t> bound = server.listen();
  if (!bound.ok()) {
    std::cerr << "arena serve: " << bound.error().message << "\n";
    return 1;
  }
  // Handled from here on: a SIGTERM right after the line below is a clean stop.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int signal) {
    std::cout << "arena: signal " << signal << ", shutting down" << std::endl;
    arena.stop();
    server.stop();
    // Let closes and the last writes go out, then stop the loop.
    auto timer = std::make_shared<asio::steady_timer>(io, std::chrono::milliseconds(300));
    timer->async_wait([&io, timer](const boost::system::error_code&) { io.stop(); });
  });
  // One node runs the house matches: the one that holds the house lock (NodeWatch).
  std::optional<NodeWatch> watch;
  if (node_locks) {
    watch.emplace(*node_locks, arena, *server.cluster(), node);
  } else {
    arena.start_house_matches();
  }
  std::cout << "arena: serving http://" << config.bind << ":" << *bound << "/ (db " << db << ", " << threads
            << " threads, " << house << " house matches, web UI from " << config.web_root.string() << ")"
            << std::endl;
  if (node != 0) std::cout << "arena: node " << node << " of the arena, broker " << broker_url << std::endl;
  if (config.metrics == net::ServerConfig::Metrics::kSeparate) {
    std::cout << "arena: metrics at http://" << config.metrics_bind << ":" << server.metrics_port()
              << "/metrics" << std::endl;
  }

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  watch.reset();  // before the arena goes
  {
    std::lock_guard lock(link_mutex);
    link = nullptr;  // the server (and its link) goes before the broker
  }
  if (learner) {
    std::cout << "arena: stopping the learning run (after its self-play phase)" << std::endl;
    learner->stop();
  }
  // Agents still deciding on the shared thread pool may hold a network service: stop them
  // before the process's static objects (LibTorch's among them) are destroyed.
  nn::shutdown_services();
  (*store)->flush();
  std::cout << "arena: stopped; the store is closed" << std::endl;
  return 0;
}

}  // namespace arena::cli
