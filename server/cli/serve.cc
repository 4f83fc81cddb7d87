// `arena serve`: the main job. HTTP and WebSocket on one port, the store, the arena with
// its house matches; SIGINT/SIGTERM stop it cleanly (connections closed, writes finished,
// the store closed).
#include <malloc.h>

#include <iostream>
#include <thread>

#include "agents/nn/nn_agents.h"
#include "db/sqlite_store.h"
#include "server/cli/args.h"
#include "server/cli/commands.h"
#include "server/net/beast.h"
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

}  // namespace

int run_serve(const std::vector<std::string>& argv) {
  auto parsed = parse_command(
      "serve",
      "Serves the arena: REST under /api, the WebSocket protocol at /ws, the web UI from --web, all on one "
      "port.\n"
      "Stops cleanly on SIGINT or SIGTERM.",
      argv,
      {{"bind", true, "address to listen on (default 127.0.0.1)"},
       {"port", true, "port (default 8080; 0 picks a free one, printed at start)"},
       {"db", true, "SQLite file (default ./arena.db)"},
       {"threads", true, "network threads (default: the number of cores)"},
       {"web", true, "folder of the web UI (default ./web)"},
       {"house-matches", true, "agent-vs-agent matches kept running for people to watch (default 2)"},
       {"house-interval-ms", true, "pause before each house agent move, so people can follow (default 500)"},
       {"house-agents", true,
        "agents that play house matches and accept challenges, separated by ';' (default "
        "'random;gtp:gnugo(level=1)'; each game gets the ones that can play it)"},
       {"opponents", true,
        "agents that accept challenges from people and bots, separated by ';' (default "
        "'random;mcts(simulations=200);gtp:gnugo(level=1);shared'; 'shared' is the shared agent's latest "
        "checkpoint in --runs, left out while there is none)"},
       {"runs", true,
        "folder of training runs, where nn:<run>@<step> names are found (default $ARENA_RUNS or ./runs)"}});
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  auto fail = [](const std::string& m) {
    std::cerr << "arena serve: " << m << "\n";
    return 2;
  };
  Result<int64_t> port = args.get_int("port", 8080);
  Result<int64_t> threads = args.get_int("threads", std::max(2u, std::thread::hardware_concurrency()));
  Result<int64_t> house = args.get_int("house-matches", 2);
  Result<int64_t> interval = args.get_int("house-interval-ms", 500);
  for (const auto* r : {&port, &threads, &house, &interval}) {
    if (!r->ok()) return fail(r->error().message);
  }
  if (*port < 0 || *port > 65535) return fail("--port is from 0 to 65535");
  if (*threads < 1 || *threads > 256) return fail("--threads is from 1 to 256");
  keep_freed_memory();

  Result<std::unique_ptr<db::SqliteStore>> store = db::SqliteStore::open(args.get("db", "arena.db"));
  if (!store.ok()) {
    std::cerr << "arena serve: " << store.error().message << "\n";
    return 1;
  }
  asio::io_context io(static_cast<int>(*threads));
  ArenaConfig arena_config;
  arena_config.house_matches = static_cast<int>(*house);
  arena_config.house_move_interval = Millis(*interval);
  if (args.has("runs")) setenv("ARENA_RUNS", args.get("runs", "").c_str(), 1);  // before any thread starts
  arena_config.house_agents = split_specs(args.get("house-agents", "random;gtp:gnugo(level=1)"), ';');
  arena_config.challengeable_agents.clear();
  for (const std::string& spec :
       split_specs(args.get("opponents", "random;mcts(simulations=200);gtp:gnugo(level=1);shared"), ';')) {
    if (spec != "shared") {
      arena_config.challengeable_agents.push_back(spec);
    } else if (std::optional<std::string> latest = nn::latest_shared_agent()) {
      arena_config.challengeable_agents.push_back(*latest);
      std::cout << "arena: the shared agent is " << *latest << std::endl;
    }
  }
  Arena arena(io, **store, arena_config);
  if (Status s = arena.recover(); !s.ok()) {
    std::cerr << "arena serve: recovery failed: " << s.error().message << "\n";
    return 1;
  }
  net::ServerConfig config;
  config.bind = args.get("bind", "127.0.0.1");
  config.port = static_cast<uint16_t>(*port);
  config.web_root = args.get("web", "web");
  config.extra_metrics = nn::service_metrics;
  db::SqliteStore* raw_store = store->get();
  net::Server server(io, arena, **store, config, [raw_store] { return raw_store->queue_depth(); });
  Result<uint16_t> bound = server.listen();
  if (!bound.ok()) {
    std::cerr << "arena serve: " << bound.error().message << "\n";
    return 1;
  }
  arena.start_house_matches();
  std::cout << "arena: serving http://" << config.bind << ":" << *bound << "/ (db "
            << args.get("db", "arena.db") << ", " << *threads << " threads, " << *house << " house matches)"
            << std::endl;

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int signal) {
    std::cout << "arena: signal " << signal << ", shutting down" << std::endl;
    arena.stop();
    server.stop();
    // Let closes and the last writes go out, then stop the loop.
    auto timer = std::make_shared<asio::steady_timer>(io, std::chrono::milliseconds(300));
    timer->async_wait([&io, timer](const boost::system::error_code&) { io.stop(); });
  });

  std::vector<std::thread> pool;
  for (int64_t i = 1; i < *threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  (*store)->flush();
  std::cout << "arena: stopped; the store is closed" << std::endl;
  return 0;
}

}  // namespace arena::cli
