// Several `arena serve --node` processes on one PostgreSQL database and one Redis broker, run
// as a user would (the real binary, real WebSocket clients, real servers that CTest starts):
// a match lives on one node while its second player and its spectators are connected to
// another; a node killed with SIGKILL loses only its connections, its matches resumed by
// the node that takes them over, every acknowledged move still stored.
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <set>

#include "tests/net/server_harness.h"
#include "tests/support/test_database.h"

namespace arena::harness {
namespace {

using testing::Backend;
using testing::TestDatabase;

bool is_type(const Json& j, const std::string& type) {
  return j.is_object() && j.contains("type") && j["type"] == type;
}

ServerOptions node_options(const std::string& db, int node, int house_matches = 0) {
  ServerOptions o;
  o.db = db;
  o.house_matches = house_matches;
  o.extra_args = {"--node", std::to_string(node), "--broker", testing::redis_url()};
  return o;
}

// A registered bot's token.
std::string register_bot(uint16_t port, const std::string& name) {
  const HttpResult r = http_post(port, "/api/bots", Json{{"name", name}}.dump());
  if (r.status != 200 && r.status != 201) throw std::runtime_error("cannot register " + name + ": " + r.body);
  return r.json()["token"].get<std::string>();
}

// A bot's connection to one node, past its welcome, and the match messages it read while
// waiting for something else (a match's first state may come before the ack that names it).
struct Bot {
  std::string name, token;
  std::unique_ptr<WsClient> ws;
  std::deque<Json> later;

  // The first message `match` accepts, from those read before or the connection's next.
  std::optional<Json> receive(const std::function<bool(const Json&)>& match,
                              std::chrono::milliseconds timeout = 10s) {
    for (auto it = later.begin(); it != later.end(); ++it) {
      if (!match(*it)) continue;
      Json j = std::move(*it);
      later.erase(it);
      return j;
    }
    std::vector<Json> skipped;
    std::optional<Json> j = ws->receive_until(match, timeout, &skipped);
    for (Json& m : skipped) {
      if (is_type(m, "match_start") || is_type(m, "state") || is_type(m, "match_end"))
        later.push_back(std::move(m));
    }
    return j;
  }

  void connect(uint16_t port) {
    later.clear();  // the old connection's
    ws = std::make_unique<WsClient>();
    if (ws->connect(port, {{"Authorization", "Bearer " + token}}))
      throw std::runtime_error(name + " cannot connect");
    if (!ws->receive_until([](const Json& j) { return is_type(j, "welcome"); })) {
      throw std::runtime_error(name + " got no welcome");
    }
  }
};

// What a player saw of one match.
struct Seen {
  int seat = -1;
  std::map<int, std::string> acked;  // ply -> action
  bool ended = false;
};

// Reads one message of `match_id` for `bot` (waiting up to `wait`) and answers it: a state
// that asks it to act gets the first legal action, whose ack it waits for. False when
// nothing came.
bool handle_one(Bot& bot, int64_t match_id, Seen& seen, std::chrono::milliseconds wait) {
  std::optional<Json> m = bot.receive(
      [&](const Json& j) {
        return (is_type(j, "match_start") || is_type(j, "state") || is_type(j, "match_end")) &&
               j["match_id"] == match_id;
      },
      wait);
  if (!m) return false;
  if (is_type(*m, "match_start")) {
    seen.seat = (*m)["seat"].get<int>();
    return true;
  }
  if (is_type(*m, "match_end")) {
    seen.ended = true;
    return true;
  }
  const Json& legal = (*m)["legal"];
  const int ply = (*m)["ply"].get<int>();
  // Not to act, over (its match_end follows), or the same state again (after a return).
  if (legal.empty() || (*m)["state"]["terminal"].get<bool>() || seen.acked.contains(ply)) return true;
  const std::string action = legal[0].get<std::string>();
  const std::string ref = bot.name + "-" + std::to_string(ply);
  bot.ws->send_json(
      {{"type", "move"}, {"match_id", match_id}, {"ply", ply}, {"action", action}, {"ref", ref}});
  std::optional<Json> answer = bot.receive([&](const Json& j) { return has_ref(j, ref); });
  if (answer && is_type(*answer, "ack")) seen.acked[ply] = action;
  return true;
}

// Both play `match_id` until both have seen it end, answering whatever comes to either;
// false when nothing comes to either for 10 s. `moves`: stop once that many moves of the
// two are acknowledged.
bool play_out(Bot& alice, Seen& a, Bot& bob, Seen& b, int64_t match_id, size_t moves = SIZE_MAX) {
  auto last_heard = Clock::now();
  while (!(a.ended && b.ended) && a.acked.size() + b.acked.size() < moves) {
    const bool heard = handle_one(alice, match_id, a, 20ms) | handle_one(bob, match_id, b, 20ms);
    if (heard) last_heard = Clock::now();
    if (Clock::now() - last_heard > 10s) return false;
  }
  return true;
}

// Alice (on `a_port`) challenges Bob (on `b_port`) to connect four; Bob accepts there. The
// challenge is sent again while Bob's node has not told Alice's that Bob is connected (a
// challenge to a player connected nowhere reaches nobody). Gives the match id.
int64_t match_across(Bot& alice, Bot& bob) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const std::string ref = "c" + std::to_string(attempt);
    alice.ws->send_json({{"type", "challenge"}, {"to", bob.name}, {"game", "connect_four"}, {"ref", ref}});
    if (!alice.receive([&](const Json& j) { return has_ref(j, ref) && is_type(j, "ack"); })) {
      throw std::runtime_error("the challenge was refused");
    }
    std::optional<Json> challenge = bob.receive([](const Json& j) { return is_type(j, "challenge"); }, 500ms);
    if (!challenge) continue;
    bob.ws->send_json(
        {{"type", "accept_challenge"}, {"challenge_id", (*challenge)["challenge_id"]}, {"ref", "acc"}});
    std::optional<Json> ack = bob.receive([](const Json& j) { return has_ref(j, "acc"); });
    if (!ack || !is_type(*ack, "ack"))
      throw std::runtime_error("accepting failed: " + (ack ? ack->dump() : "nothing"));
    return (*ack)["match_id"].get<int64_t>();
  }
  throw std::runtime_error("the challenge never reached the other node");
}

// The stored moves of a match, ply -> action.
std::map<int, std::string> stored_moves(uint16_t port, int64_t match_id) {
  const HttpResult r = http_get(port, "/api/matches/" + std::to_string(match_id));
  std::map<int, std::string> out;
  const Json j = r.json();
  if (!j.contains("moves")) throw std::runtime_error("no moves in " + r.body);
  for (const Json& m : j["moves"]) out[m["ply"].get<int>()] = m["action"].get<std::string>();
  return out;
}

class NodesTest : public ::testing::Test {
 protected:
  TestDatabase db_{Backend::kPostgres};
};

TEST_F(NodesTest, AMatchOnOneNodeIsPlayedAndWatchedFromAnother) {
  ServerProcess one(ARENA_BINARY, node_options(db_.where(), 1));
  ServerProcess two(ARENA_BINARY, node_options(db_.where(), 2));
  one.start();
  two.start();
  Bot alice{"alice", register_bot(one.port(), "alice"), {}, {}};
  Bot bob{"bob", register_bot(two.port(), "bob"), {}, {}};
  alice.connect(one.port());
  bob.connect(two.port());
  const int64_t match_id = match_across(alice, bob);  // hosted by node 1, where the challenge is

  WsClient watcher;  // a guest on node 2
  ASSERT_FALSE(watcher.connect(two.port()));
  watcher.send_json({{"type", "spectate"}, {"match_id", match_id}, {"ref", "w"}});
  std::optional<Json> watching = watcher.receive_until([](const Json& j) { return has_ref(j, "w"); });
  ASSERT_TRUE(watching);
  ASSERT_TRUE(is_type(*watching, "ack")) << watching->dump();

  Seen a, b;
  ASSERT_TRUE(play_out(alice, a, bob, b, match_id));
  EXPECT_NE(a.seat, b.seat);
  EXPECT_FALSE(b.acked.empty()) << "bob's moves went to node 1 and were acknowledged";

  // The spectator on node 2 saw the states in order, to the end.
  std::vector<int> plies;
  bool ended = false;
  while (!ended) {
    std::optional<Json> m = watcher.receive_json(10s);
    ASSERT_TRUE(m) << "the spectator's messages stopped after ply " << (plies.empty() ? -1 : plies.back());
    if (is_type(*m, "match_end")) ended = true;
    if (is_type(*m, "state")) plies.push_back((*m)["ply"].get<int>());
  }
  ASSERT_FALSE(plies.empty());
  EXPECT_TRUE(std::is_sorted(plies.begin(), plies.end())) << "in order";
  EXPECT_EQ(plies.back(), static_cast<int>(a.acked.size() + b.acked.size())) << "to the last state";

  // Every acknowledged move is stored, read from either node.
  std::map<int, std::string> acked = a.acked;
  acked.insert(b.acked.begin(), b.acked.end());
  EXPECT_EQ(stored_moves(one.port(), match_id), acked);
  EXPECT_EQ(stored_moves(two.port(), match_id), acked);
}

TEST_F(NodesTest, ANodeKilledLosesOnlyItsConnectionsAndItsMatchesGoOnElsewhere) {
  ServerProcess one(ARENA_BINARY, node_options(db_.where(), 1, /*house_matches=*/1));
  one.start();
  // Node 1 runs the house matches (it holds the house lock before node 2 starts).
  const auto deadline = Clock::now() + 10s;
  while (one.output().find("runs the house matches") == std::string::npos && Clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  ServerProcess two(ARENA_BINARY, node_options(db_.where(), 2, /*house_matches=*/1));
  two.start();
  Bot alice{"alice", register_bot(one.port(), "alice"), {}, {}};
  Bot bob{"bob", register_bot(two.port(), "bob"), {}, {}};
  alice.connect(one.port());
  bob.connect(two.port());
  const int64_t match_id = match_across(alice, bob);

  Seen a, b;
  ASSERT_TRUE(play_out(alice, a, bob, b, match_id, /*moves=*/4));
  ASSERT_FALSE(a.ended);
  one.kill();

  // Node 2 takes node 1's matches over: Bob, connected there, is seated again; Alice comes
  // back through node 2 and is too. They finish the match there.
  alice.connect(two.port());
  ASSERT_TRUE(play_out(alice, a, bob, b, match_id)) << "node 2 said:\n" << two.output();
  EXPECT_NE(two.output().find("took over"), std::string::npos) << two.output();
  EXPECT_NE(two.output().find("node 2 runs the house matches"), std::string::npos) << two.output();

  std::map<int, std::string> acked = a.acked;
  acked.insert(b.acked.begin(), b.acked.end());
  const std::map<int, std::string> stored = stored_moves(two.port(), match_id);
  for (const auto& [ply, action] : acked) {
    auto it = stored.find(ply);
    ASSERT_NE(it, stored.end()) << "acknowledged ply " << ply << " is lost";
    EXPECT_EQ(it->second, action);
  }
  const Json match = http_get(two.port(), "/api/matches/" + std::to_string(match_id)).json();
  EXPECT_EQ(match["status"], "finished") << match.dump();
}

TEST_F(NodesTest, SeeksOnTwoNodesPairAndCancelAnywhere) {
  ServerProcess one(ARENA_BINARY, node_options(db_.where(), 1));
  one.start();
  const auto deadline = Clock::now() + 10s;  // node 1 becomes the lobby
  while (one.output().find("holds the seeks") == std::string::npos && Clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  ServerProcess two(ARENA_BINARY, node_options(db_.where(), 2));
  two.start();
  Bot alice{"alice", register_bot(one.port(), "alice"), {}, {}};
  Bot bob{"bob", register_bot(two.port(), "bob"), {}, {}};
  alice.connect(one.port());
  bob.connect(two.port());

  // Bob's seek, on node 2, goes to the lobby; a cancel from node 2 reaches it there.
  bob.ws->send_json({{"type", "seek"}, {"games", {"kuhn_poker"}}, {"ref", "s0"}});
  std::optional<Json> placed = bob.receive([](const Json& j) { return has_ref(j, "s0"); });
  ASSERT_TRUE(placed && is_type(*placed, "ack")) << (placed ? placed->dump() : "nothing");
  const int64_t first = (*placed)["seek_id"].get<int64_t>();
  EXPECT_EQ(first % 1024, 1) << "held by node 1";
  bob.ws->send_json({{"type", "cancel_seek"}, {"seek_id", first}, {"ref", "c0"}});
  std::optional<Json> cancelled = bob.receive([](const Json& j) { return has_ref(j, "c0"); });
  ASSERT_TRUE(cancelled && is_type(*cancelled, "ack")) << (cancelled ? cancelled->dump() : "nothing");
  bob.ws->send_json({{"type", "cancel_seek"}, {"seek_id", first}, {"ref", "c1"}});
  std::optional<Json> again = bob.receive([](const Json& j) { return has_ref(j, "c1"); });
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)["code"], "unknown_seek");

  // Two seeks for the same game, one on each node, pair; the two play it out.
  bob.ws->send_json({{"type", "seek"}, {"games", {"connect_four"}}, {"ref", "s1"}});
  ASSERT_TRUE(bob.receive([](const Json& j) { return has_ref(j, "s1") && is_type(j, "ack"); }));
  alice.ws->send_json({{"type", "seek"}, {"games", {"connect_four"}}, {"ref", "s2"}});
  ASSERT_TRUE(alice.receive([](const Json& j) { return has_ref(j, "s2") && is_type(j, "ack"); }));
  std::optional<Json> start = bob.receive([](const Json& j) { return is_type(j, "match_start"); });
  ASSERT_TRUE(start) << "bob's seek never paired";
  const int64_t match_id = (*start)["match_id"].get<int64_t>();
  bob.later.push_front(*start);
  Seen a, b;
  ASSERT_TRUE(play_out(alice, a, bob, b, match_id));
  EXPECT_NE(a.seat, b.seat);
  EXPECT_FALSE(b.acked.empty());
}

TEST_F(NodesTest, NodesAdoptTheMatchesASingleServerLeft) {
  ServerOptions alone;  // a single server on the database, killed in the middle of a match
  alone.db = db_.where();
  alone.house_matches = 0;
  ServerProcess single(ARENA_BINARY, alone);
  single.start();
  Bot alice{"alice", register_bot(single.port(), "alice"), {}, {}};
  alice.connect(single.port());
  alice.ws->send_json({{"type", "challenge"}, {"to", "random"}, {"game", "connect_four"}, {"ref", "h"}});
  std::optional<Json> ack = alice.receive([](const Json& j) { return has_ref(j, "h"); });
  ASSERT_TRUE(ack && is_type(*ack, "ack")) << (ack ? ack->dump() : "nothing");
  const int64_t match_id = (*ack)["match_id"].get<int64_t>();
  Seen a;
  while (a.acked.size() < 2 && !a.ended) ASSERT_TRUE(handle_one(alice, match_id, a, 10s));
  single.kill();

  ServerProcess one(ARENA_BINARY, node_options(db_.where(), 1));  // the house node adopts it
  one.start();
  alice.connect(one.port());
  const auto deadline = Clock::now() + 20s;
  while (!a.ended && Clock::now() < deadline) handle_one(alice, match_id, a, 1s);
  EXPECT_TRUE(a.ended) << one.output();
  EXPECT_NE(one.output().find("took over"), std::string::npos) << one.output();
  const Json match = http_get(one.port(), "/api/matches/" + std::to_string(match_id)).json();
  EXPECT_EQ(match["status"], "finished") << match.dump();
  EXPECT_GT(a.acked.size(), 2u) << "alice played on after the adoption";
}

TEST_F(NodesTest, NodesNeedPostgresAndNumbersOfTheirOwn) {
  ServerProcess one(ARENA_BINARY, node_options(db_.where(), 1));
  one.start();
  ServerProcess again(ARENA_BINARY, node_options(db_.where(), 1));
  EXPECT_THROW(again.start(), std::runtime_error);
  EXPECT_NE(again.output().find("node 1 of this database is served by another arena serve"),
            std::string::npos)
      << again.output();

  ServerOptions single;  // a server without --node beside the nodes
  single.db = db_.where();
  ServerProcess alone(ARENA_BINARY, single);
  EXPECT_THROW(alone.start(), std::runtime_error);
  EXPECT_NE(alone.output().find("the database is served by another arena serve"), std::string::npos)
      << alone.output();

  ServerProcess on_sqlite(ARENA_BINARY, node_options("", 3));  // its own SQLite file
  EXPECT_THROW(on_sqlite.start(), std::runtime_error);
  EXPECT_NE(on_sqlite.output().find("several nodes share a PostgreSQL database"), std::string::npos)
      << on_sqlite.output();
}

}  // namespace
}  // namespace arena::harness
