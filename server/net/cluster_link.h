// ClusterLink: this node's end of the broker between the nodes of one arena (arena serve
// --node N --broker URL, every node on one PostgreSQL database). A match lives on the node
// that made it; its players and spectators may be connected to any node. The link carries,
// over the broker (server/cluster/broker.h), on these channels (each name begins with the
// arena's name and a ':', so that several arenas may share one broker):
//
//   player:<id>  what a player is sent (match_start, state, match_end, challenges), for its
//                connections on other nodes than the sender;
//   match:<id>   a match's spectator messages, for the nodes that watch it;
//   node:<n>     requests to node n: a remote seat's action, a snapshot, accepting or
//                declining a challenge that node holds, placing or cancelling a seek on
//                the lobby; and the answers to n's requests;
//   nodes        who is connected where, who watches which match, which node is the lobby,
//                a node taken over.
//
// Seeks are all held by one node, the lobby (the node that runs the house matches), so that
// any two seeks of the arena can pair: the other nodes place and cancel theirs there, and
// the match lives on the lobby.
//
// Each is a JSON envelope naming its sender ("from"). Every node keeps the whole picture of
// who is connected and watching where (so that whoever takes a dead node's matches over
// knows it too), and publishes a player's or a match's messages only when some other node
// needs them: a node alone with its players sends nothing.
//
// Threading: thread-safe. Publishing and (un)subscribing run in order on the link's own
// thread (callers never wait on the broker); the broker's messages are handled in order on
// a strand of the io_context. The hub calls in under its own mutex: the link's lock is
// taken under the hub's, never the other way round.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "core/thread_pool.h"
#include "server/arena/arena.h"
#include "server/cluster/broker.h"
#include "server/net/hub.h"

namespace arena::net {

class ClusterLink {
 public:
  // How long a request to another node waits for its answer ("unavailable" after).
  static constexpr std::chrono::seconds kRequestTimeout{10};

  // `arena_name`: the same on every node of the arena, and different from any other arena's
  // on the same broker (serve: the database's name); letters, digits, '_' and '.'.
  ClusterLink(asio::io_context& io, cluster::Broker& broker, int64_t node, std::string arena_name,
              Arena& arena, db::Store& store, ThreadPool& workers, Hub& hub);
  ~ClusterLink();
  ClusterLink(const ClusterLink&) = delete;
  ClusterLink& operator=(const ClusterLink&) = delete;

  // Listens on this node's channels and says hello: the other nodes answer with who is
  // connected to them and what they watch. Blocking; before serving.
  Status start();
  // The broker's handler (its thread).
  void on_message(const std::string& channel, const std::string& payload);
  // Node `dead` was taken over (by this node or another): whoever was connected there is
  // gone, its answers will not come, and its matches live elsewhere now. Tells every node.
  void node_down(int64_t dead);
  // This node holds the seeks from now on (it took the house lock). Tells every node.
  void become_lobby();
  int64_t node() const { return node_; }
  // The node holding the seeks: 0 while none is known (seeks are then placed where they come).
  int64_t lobby() const { return lobby_; }

  // --- For the hub (it may hold its mutex) -------------------------------------------
  // A connection of `player_id` opened here (each one: the nodes hosting its matches send
  // them to it); `first`: the player's first here.
  void joined(int64_t player_id, bool first);
  // The player's last connection here closed.
  void left(int64_t player_id);
  bool connected_elsewhere(int64_t player_id) const;
  bool watched_elsewhere(int64_t match_id) const;
  // A message for `player_id`'s connections on other nodes (only on node `only`, when not 0);
  // `match_id`: the match_start of a match hosted here.
  void to_player(int64_t player_id, const Message& m, int64_t match_id = 0, int64_t only = 0);
  // A hosted match's message for the spectators on other nodes; `end`: its last.
  void to_spectators(int64_t match_id, const Message& m, bool end);
  // This node's first spectator of another node's match came, or its last went.
  void watch(int64_t match_id);
  void unwatch(int64_t match_id);

  // --- For connections: requests to the node of a match or a challenge ---------------
  // Answers come on any thread: unknown_match when no node hosts the match live,
  // "unavailable" when its node does not answer within kRequestTimeout.
  void act(int64_t player_id, int64_t match_id, const SeatAction& action, std::function<void(Status)> done);
  // A match's state message, as `player_id`'s seat sees it (0: a spectator's view).
  void snapshot(int64_t player_id, int64_t match_id, std::function<void(Result<Message>)> done);
  void accept_challenge(int64_t challenge_id, const SeatRequest& by, MatchDone done);
  void decline_challenge(int64_t challenge_id, int64_t player_id, std::function<void(Status)> done);
  // A seek placed on the lobby (its games resolved there); gives its id.
  void seek(const SeatRequest& who, const Seek& seek, std::function<void(Result<int64_t>)> done);
  // Cancels a seek the lobby holds (node_of_id says so); `done` may be empty.
  void cancel_seek(int64_t seek_id, std::function<void(Status)> done);

 private:
  using Answer = std::function<void(Result<Json>)>;
  struct Pending {
    int64_t to;  // the node asked
    std::chrono::steady_clock::time_point deadline;
    Answer answer;
  };
  struct Outgoing {
    enum class Kind { kPublish, kSubscribe, kUnsubscribe } kind;
    std::string channel, payload;
  };

  std::string player_channel(int64_t id) const;
  std::string match_channel(int64_t id) const;
  std::string node_channel(int64_t id) const;
  std::string nodes_channel() const;
  void send(Outgoing::Kind kind, std::string channel, std::string payload = {});
  void publish(const std::string& channel, Json envelope);
  void outbox_loop();
  // Sends a request to node `to`; its answer (or "unavailable") goes to `answer`.
  void request(int64_t to, Json body, Answer answer);
  // The node hosting live match `match_id` (from what it sent, else the store).
  void with_host(int64_t match_id, std::function<void(Result<int64_t>)> then);
  void expire_requests();

  // On the strand: one handler per channel.
  void handle(const std::string& channel, const std::string& payload);
  void on_node_message(const Json& m);
  void on_nodes_message(const Json& m);
  void answer_request(const Json& m, Result<Json> result);
  // Forgets what node `n` had: its connections, what it watched, its hosted matches; its
  // requests in flight are answered "unavailable" at once.
  void forget_node(int64_t n);

  cluster::Broker& broker_;
  const int64_t node_;
  const std::string prefix_;  // the arena's name and ':'
  Arena& arena_;
  db::Store& store_;
  ThreadPool& workers_;
  Hub& hub_;
  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer sweep_;

  mutable std::mutex mutex_;                       // guards the fields below it
  std::map<int64_t, std::set<int64_t>> players_;   // player -> other nodes with a connection of it
  std::map<int64_t, std::set<int64_t>> watchers_;  // match -> other nodes with a spectator of it
  std::set<int64_t> here_;                         // players connected here
  std::set<int64_t> watching_;                     // other nodes' matches watched here
  std::map<int64_t, int64_t> hosts_;               // match -> its node, as learnt
  std::map<int64_t, Pending> pending_;
  int64_t next_request_ = 1;
  std::atomic<int64_t> lobby_{0};

  std::mutex outbox_mutex_;
  std::condition_variable outbox_ready_;
  std::deque<Outgoing> outbox_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace arena::net
