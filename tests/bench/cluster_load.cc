// cluster_load: load across the nodes of one arena (arena serve --node), printing figures; it
// is not a test. scripts/cluster starts PostgreSQL, the broker and the nodes, then runs it.
//
// Three kinds of client, each connection a thread of its own (the harness's blocking
// client), reading whatever comes and answering it as a real bot does:
//   - pairs: two bots on different nodes; one challenges the other, who accepts where it is
//     connected, so the match lives on the challenger's node and the other's moves cross
//     the broker; they play random legal moves, then the next match;
//   - house bots: one bot playing the house `random` agent on its node, match after match;
//   - spectators: each watches pair matches from a node other than the one hosting them,
//     and checks that the states come in order.
// With --kill-node, that node's process is killed (SIGKILL) at --kill-after seconds; its
// clients connect to another node and go on (their matches there once a node takes them
// over). At the end every acknowledged move is looked up through a live node's REST API:
// a move acknowledged and not stored is lost, and the run fails.
//
//   cluster_load --ports 8081,8082 --pids 1234,1235 [--pairs 8] [--house-bots 8] [--spectators 4]
//                [--seconds 20] [--kill-node 2 --kill-after 8] [--game connect_four] [--house-game GAME]
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "tests/net/server_harness.h"

namespace {

using namespace arena;
using namespace arena::harness;

struct Options {
  std::vector<uint16_t> ports;
  std::vector<pid_t> pids;
  int pairs = 8, house_bots = 8, spectators = 4;
  double seconds = 20, kill_after = 8;
  int kill_node = 0;  // 1-based index into --ports; 0: none
  std::string game = "connect_four", house_game = "connect_four";
};

bool is_type(const Json& j, const char* type) {
  return j.is_object() && j.contains("type") && j["type"] == type;
}

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// A move acknowledged: where it was sent, what, how long the ack took.
struct Ack {
  int node;  // index into the ports
  int64_t match_id;
  int ply;
  std::string action;
  double ms;
  double at;  // seconds into the run
};

struct Run {
  Options o;
  Clock::time_point start, deadline;
  std::vector<std::atomic<bool>> alive;
  std::atomic<int> reconnects{0}, stalls{0}, matches{0}, relayed{0}, out_of_order{0}, watched{0};

  std::mutex mutex;  // guards the fields below it
  std::vector<Ack> acks;
  std::map<int64_t, int> live_pair_matches;  // match -> its node
  std::map<int64_t, int> hosts;              // every match -> the node that made it
  std::vector<std::string> problems;

  explicit Run(Options options) : o(std::move(options)), alive(o.ports.size()) {
    for (auto& a : alive) a = true;
  }
  bool over() const { return Clock::now() >= deadline; }
};

// A bot: its name and token, its connection, the node it is connected to.
struct Bot {
  std::string name, token;
  int node = 0;
  std::unique_ptr<WsClient> ws;
};

// Connects `bot` to node `preferred`, or the next live one; false when none takes it.
bool connect(Run& run, Bot& bot, int preferred) {
  const int n = static_cast<int>(run.o.ports.size());
  for (int k = 0; k < n; ++k) {
    const int node = (preferred + k) % n;
    if (!run.alive[node]) continue;
    auto ws = std::make_unique<WsClient>();
    if (ws->connect(run.o.ports[node], {{"Authorization", "Bearer " + bot.token}}, 5s)) continue;
    if (!ws->receive_until([](const Json& j) { return is_type(j, "welcome"); }, 5s)) continue;
    bot.ws = std::move(ws);
    bot.node = node;
    return true;
  }
  return false;
}

// After a connection was lost: another node (the same if it still lives).
bool reconnect(Run& run, Bot& bot) {
  ++run.reconnects;
  return connect(run, bot, bot.node);
}

// One bot, as a real one runs: it reads whatever comes and answers it. A challenger
// challenges `target` (another bot, or the house agent "random") whenever it is in no match,
// again each second until a match starts (a challenge reaches a bot on another node only
// once that node has told the others it is connected); the other kind accepts a challenge
// whenever it is in no match. In a match, each state that asks it to act gets a random legal
// move; acks are matched to their moves as they come. A lost connection is replaced by one
// to a live node, where its match comes back once a node has taken it over.
void bot_thread(Run& run, Bot me, int node, bool challenger, std::string target, std::string game, int seed) {
  std::mt19937 rng(seed);
  if (!connect(run, me, node)) {
    std::lock_guard lock(run.mutex);
    run.problems.push_back(me.name + " cannot connect");
    return;
  }
  struct Sent {
    int node;
    int64_t match_id;
    int ply;
    std::string action;
    Clock::time_point at;
  };
  std::map<std::string, Sent> in_flight;  // ref -> move
  int64_t match_id = 0;
  std::set<int> moved;  // plies of the current match this bot has sent a move for
  Clock::time_point challenged{}, last_heard = Clock::now();
  auto send = [&](const Json& j) {
    try {
      me.ws->send_json(j);
    } catch (const std::exception&) {
    }
  };
  while (!run.over()) {
    if (challenger && match_id == 0 && Clock::now() - challenged > 1s) {
      send({{"type", "challenge"}, {"to", target}, {"game", game}});
      challenged = Clock::now();
    }
    std::optional<Json> m = me.ws->receive_json(200ms);
    if (!m) {
      if (!me.ws->is_open()) {
        reconnect(run, me);
        in_flight.clear();  // their acks went with the connection
        moved.clear();
      } else if (match_id != 0 && Clock::now() - last_heard > 10s) {
        ++run.stalls;
        match_id = 0;
      }
      continue;
    }
    last_heard = Clock::now();
    if (is_type(*m, "challenge") && !challenger && match_id == 0) {
      send({{"type", "accept_challenge"}, {"challenge_id", (*m)["challenge_id"]}});
    } else if (is_type(*m, "match_start") && (match_id == 0 || (*m)["match_id"] == match_id)) {
      if (match_id == 0 && challenger) {
        ++run.matches;
        std::lock_guard lock(run.mutex);
        run.hosts[(*m)["match_id"].get<int64_t>()] = me.node;
        if (target != "random") run.live_pair_matches[(*m)["match_id"].get<int64_t>()] = me.node;
      }
      match_id = (*m)["match_id"].get<int64_t>();
    } else if (is_type(*m, "match_end") && (*m)["match_id"] == match_id) {
      if (challenger) {
        std::lock_guard lock(run.mutex);
        run.live_pair_matches.erase(match_id);
      }
      match_id = 0;
      moved.clear();
      challenged = {};
    } else if (is_type(*m, "state") && match_id != 0 && (*m)["match_id"] == match_id) {
      const Json& legal = (*m)["legal"];
      const int ply = (*m)["ply"].get<int>();
      if (legal.empty() || (*m)["state"]["terminal"].get<bool>() || !moved.insert(ply).second) continue;
      const std::string action =
          legal[std::uniform_int_distribution<size_t>(0, legal.size() - 1)(rng)].get<std::string>();
      const std::string ref = std::to_string(match_id) + ":" + std::to_string(ply);
      in_flight[ref] = Sent{me.node, match_id, ply, action, Clock::now()};
      send({{"type", "move"}, {"match_id", match_id}, {"ply", ply}, {"action", action}, {"ref", ref}});
    } else if (m->contains("ref") && (*m)["ref"].is_string()) {
      auto it = in_flight.find((*m)["ref"].get<std::string>());
      if (it == in_flight.end()) continue;
      const Sent sent = it->second;
      in_flight.erase(it);
      if (!is_type(*m, "ack")) {
        moved.erase(sent.ply);  // refused (a state crossed it): answer the next one
        continue;
      }
      std::lock_guard lock(run.mutex);
      run.acks.push_back({sent.node, sent.match_id, sent.ply, sent.action,
                          std::chrono::duration<double, std::milli>(Clock::now() - sent.at).count(),
                          since(run.start)});
    }
  }
}

// Watches pair matches hosted on other nodes than its own; checks the plies never go back.
void spectator_thread(Run& run, int index) {
  std::mt19937 rng(3000 + index);
  const int n = static_cast<int>(run.o.ports.size());
  int node = index % n;
  auto ws = std::make_unique<WsClient>();
  while (!run.over()) {
    if (!ws->is_open() || !run.alive[node]) {
      node = (node + 1) % n;
      ws = std::make_unique<WsClient>();
      if (!run.alive[node] || ws->connect(run.o.ports[node], {}, 5s)) {
        std::this_thread::sleep_for(100ms);
        continue;
      }
    }
    int64_t match_id = 0;
    {
      std::lock_guard lock(run.mutex);
      std::vector<int64_t> elsewhere;
      for (const auto& [id, host] : run.live_pair_matches) {
        if (host != node) elsewhere.push_back(id);
      }
      if (!elsewhere.empty()) match_id = elsewhere[rng() % elsewhere.size()];
    }
    if (match_id == 0) {
      std::this_thread::sleep_for(50ms);
      continue;
    }
    ws->send_json({{"type", "spectate"}, {"match_id", match_id}, {"ref", "s"}});
    std::optional<Json> ack = ws->receive_until([](const Json& j) { return has_ref(j, "s"); }, 10s);
    if (!ack || !is_type(*ack, "ack")) continue;  // it ended meanwhile
    ++run.watched;
    int last = -1;
    for (;;) {
      std::optional<Json> m = ws->receive_until(
          [&](const Json& j) {
            return (is_type(j, "state") || is_type(j, "match_end")) && j["match_id"] == match_id;
          },
          3s);
      if (!m || is_type(*m, "match_end") || run.over()) break;
      const int ply = (*m)["ply"].get<int>();
      if (ply < last) ++run.out_of_order;
      last = std::max(last, ply);
      ++run.relayed;
    }
    if (ws->is_open()) ws->send_json({{"type", "unspectate"}, {"match_id", match_id}});
  }
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) out.push_back(part);
  return out;
}

int usage(const std::string& why) {
  std::cerr
      << "cluster_load: " << why
      << "\nusage: cluster_load --ports P1,P2[,...] --pids PID1,PID2[,...] [--pairs N] [--house-bots N] "
         "[--spectators N] [--seconds S] [--kill-node K --kill-after S] [--game SPEC] [--house-game SPEC]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string name = argv[i];
      if (i + 1 >= argc) return usage("no value for " + name);
      const std::string value = argv[++i];
      if (name == "--ports") {
        for (const std::string& p : split(value)) o.ports.push_back(static_cast<uint16_t>(std::stoi(p)));
      } else if (name == "--pids") {
        for (const std::string& p : split(value)) o.pids.push_back(static_cast<pid_t>(std::stoi(p)));
      } else if (name == "--pairs") {
        o.pairs = std::stoi(value);
      } else if (name == "--house-bots") {
        o.house_bots = std::stoi(value);
      } else if (name == "--spectators") {
        o.spectators = std::stoi(value);
      } else if (name == "--seconds") {
        o.seconds = std::stod(value);
      } else if (name == "--kill-node") {
        o.kill_node = std::stoi(value);
      } else if (name == "--kill-after") {
        o.kill_after = std::stod(value);
      } else if (name == "--game") {
        o.game = value;
      } else if (name == "--house-game") {
        o.house_game = value;
      } else {
        return usage("unknown option " + name);
      }
    }
  } catch (const std::exception&) {
    return usage("a number was expected");
  }
  if (o.ports.size() < 2) return usage("give two nodes or more");
  if (o.kill_node < 0 || o.kill_node > static_cast<int>(o.ports.size()))
    return usage("--kill-node is 1 to the nodes");
  if (o.kill_node && o.pids.size() != o.ports.size()) return usage("--kill-node needs --pids, one per port");

  Run run(o);
  const std::string tag = std::to_string(::getpid());
  auto make_bot = [&](const std::string& name) {
    const HttpResult r = http_post(o.ports[0], "/api/bots", Json{{"name", name + "-" + tag}}.dump());
    if (r.status != 200 && r.status != 201)
      throw std::runtime_error("cannot register " + name + ": " + r.body);
    return Bot{name + "-" + tag, r.json()["token"].get<std::string>(), 0, {}};
  };
  std::vector<std::thread> threads;
  run.start = Clock::now();
  run.deadline = run.start + std::chrono::milliseconds(static_cast<int64_t>(o.seconds * 1000));
  const int n = static_cast<int>(o.ports.size());
  for (int i = 0; i < o.pairs; ++i) {
    Bot alice = make_bot("a" + std::to_string(i)), bob = make_bot("b" + std::to_string(i));
    const std::string target = bob.name;
    threads.emplace_back(bot_thread, std::ref(run), std::move(alice), i % n, true, target, o.game, i);
    threads.emplace_back(bot_thread, std::ref(run), std::move(bob), (i + 1) % n, false, "", o.game, 1000 + i);
  }
  for (int i = 0; i < o.house_bots; ++i) {
    threads.emplace_back(bot_thread, std::ref(run), make_bot("h" + std::to_string(i)), i % n, true, "random",
                         o.house_game, 2000 + i);
  }
  for (int i = 0; i < o.spectators; ++i) threads.emplace_back(spectator_thread, std::ref(run), i);

  double killed_at = -1;
  if (o.kill_node) {
    std::this_thread::sleep_until(run.start +
                                  std::chrono::milliseconds(static_cast<int64_t>(o.kill_after * 1000)));
    run.alive[o.kill_node - 1] = false;
    ::kill(o.pids[o.kill_node - 1], SIGKILL);
    killed_at = since(run.start);
  }
  for (std::thread& t : threads) t.join();
  const double elapsed = since(run.start);

  // Every acknowledged move, looked up through a live node.
  int live = 0;
  while (!run.alive[live]) ++live;
  std::map<int64_t, std::map<int, std::string>> acked;
  for (const Ack& a : run.acks) acked[a.match_id][a.ply] = a.action;
  int64_t lost = 0, checked = 0;
  for (const auto& [match_id, moves] : acked) {
    const Json stored = http_get(o.ports[live], "/api/matches/" + std::to_string(match_id)).json();
    std::map<int, std::string> have;
    if (stored.contains("moves")) {
      for (const Json& m : stored["moves"]) {
        if (m["action"].is_string()) have[m["ply"].get<int>()] = m["action"].get<std::string>();
      }
    }
    for (const auto& [ply, action] : moves) {
      ++checked;
      auto it = have.find(ply);
      if (it == have.end() || it->second != action) {
        ++lost;
        if (lost <= 5) std::cerr << "lost: match " << match_id << " ply " << ply << " " << action << "\n";
      }
    }
  }

  std::printf(
      "cluster_load: %zu nodes, %d cross-node pairs (%s), %d house bots (%s), %d spectators, %.1f s\n",
      o.ports.size(), o.pairs, o.game.c_str(), o.house_bots, o.house_game.c_str(), o.spectators, elapsed);
  if (o.kill_node) std::printf("node %d killed (SIGKILL) at %.1f s\n", o.kill_node, killed_at);
  std::vector<double> all;
  for (size_t node = 0; node < o.ports.size(); ++node) {
    std::vector<double> ms;
    for (const Ack& a : run.acks) {
      if (a.node == static_cast<int>(node)) ms.push_back(a.ms);
    }
    all.insert(all.end(), ms.begin(), ms.end());
    const double up = (o.kill_node == static_cast<int>(node) + 1) ? killed_at : elapsed;
    std::printf(
        "  node %zu (port %u): %7zu moves acknowledged, %8.1f moves/s over its %.1f s, ack p50 %.2f ms p99 "
        "%.2f ms\n",
        node + 1, o.ports[node], ms.size(), static_cast<double>(ms.size()) / up, up, percentile(ms, 0.5),
        percentile(ms, 0.99));
  }
  std::printf("  total: %zu moves acknowledged, %.1f moves/s, ack p50 %.2f ms p90 %.2f ms p99 %.2f ms\n",
              all.size(), static_cast<double>(all.size()) / elapsed, percentile(all, 0.5),
              percentile(all, 0.9), percentile(all, 0.99));
  std::printf("  matches started: %d; stalled 10 s: %d; reconnects: %d\n", run.matches.load(),
              run.stalls.load(), run.reconnects.load());
  if (o.kill_node) {
    // Matches the killed node made that went on after it died, and how soon.
    std::map<int64_t, double> first_after;
    for (const Ack& a : run.acks) {
      auto host = run.hosts.find(a.match_id);
      if (a.at < killed_at || host == run.hosts.end() || host->second != o.kill_node - 1) continue;
      auto [it, added] = first_after.try_emplace(a.match_id, a.at);
      if (!added) it->second = std::min(it->second, a.at);
    }
    std::vector<double> gaps;
    for (const auto& [id, at] : first_after) gaps.push_back(at - killed_at);
    std::printf(
        "  matches of node %d played on after its death: %zu; their first move acknowledged %.2f s (median) "
        "and %.2f s (last) after the kill\n",
        o.kill_node, gaps.size(), percentile(gaps, 0.5),
        gaps.empty() ? 0.0 : *std::max_element(gaps.begin(), gaps.end()));
  }
  std::printf("  spectators: %d matches watched from another node, %d states relayed, %d out of order\n",
              run.watched.load(), run.relayed.load(), run.out_of_order.load());
  std::printf("  acknowledged moves checked in the store: %lld, lost: %lld\n",
              static_cast<long long>(checked), static_cast<long long>(lost));
  for (const std::string& p : run.problems) std::printf("  problem: %s\n", p.c_str());
  const bool ok = lost == 0 && run.out_of_order == 0 && run.problems.empty() && !all.empty();
  std::printf("verdict: %s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
