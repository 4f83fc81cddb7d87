// WebSocketSession: one WebSocket connection (a bot, or a browser, guest or not) speaking the
// protocol of server/PROTOCOL.md: it parses each message once (protocol.h), dispatches it with
// std::visit to the arena, the match or the hub, and answers with wire.h's messages.
//
// Threading: one strand per connection (the socket's executor); everything below runs on it.
// send(), set_seated() and close() may be called from any thread: they post to the strand.
// One write in flight and an outbound queue bounded in messages and in bytes: a client that
// does not read what it is sent is dropped with a close reason rather than buffered
// forever (Beast's chat-multi). Reading pauses while the queue is half full, and a queue
// that does not drain while reading is paused drops the client too. What a client sends is
// rate-limited per connection, per player and per address; a refused message is not
// parsed, and its refusal is a few bytes.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "server/arena/arena.h"
#include "server/net/beast.h"
#include "server/net/connection_limits.h"
#include "server/net/hub.h"
#include "server/net/protocol.h"
#include "server/net/rate_limiter.h"
#include "server/net/rest.h"
#include "server/net/server.h"

namespace arena::net {

class Hub;
struct SharedState;

// A message serialised once, shared by every connection it goes to.
inline Message make_message(const Json& j) { return std::make_shared<const std::string>(j.dump()); }

class WebSocketSession : public std::enable_shared_from_this<WebSocketSession> {
 public:
  // `slots`: the connection's places under the connection caps, held while it lasts.
  WebSocketSession(tcp::socket&& socket, std::shared_ptr<SharedState> state, PlayerIdentity who,
                   std::string address, std::vector<ConnectionLimits::Slot> slots);

  const PlayerIdentity& who() const { return who_; }

  // Accepts the upgrade `request`; `set_cookie` (a guest's new cookie) goes on the answer.
  // A guest without a player row gets one once the handshake has succeeded (so a refused
  // handshake leaves no row); the connection joins the hub after that write.
  void run(http::request<http::string_body> request, std::optional<std::string> set_cookie);
  // Queues a message. Past the queue limit the client is dropped.
  void send(Message m);
  // The connection's player sits in a match: its queue is a player's from now on.
  void set_seated();
  // Closes from the server's side (shutdown).
  void close(websocket::close_reason reason);

 private:
  void on_accept(beast::error_code ec);
  // Joins the hub, sends the welcome and starts reading.
  void start();
  void read();
  void on_read(beast::error_code ec, size_t);
  // Seconds to wait when a message now would break a rate limit (connection, player,
  // address); zero when it may go on.
  double rate_limit_wait();
  // Reading pauses while the queue is half full; the stall timer drops a client that
  // does not drain it meanwhile.
  bool queue_half_full() const;
  void pause_reading();

  // --- Messages ------------------------------------------------------------------------
  void reply(const Json& message);
  void reply_error(const Error& e, const Json& ref);
  // A callback for a match: `ok` (an ack) or the refusal, answered on this connection's strand.
  std::function<void(Status)> answer(const Json& ref, Json ok);
  // Runs `action` for this player's seat in a live match (act_as), on this node or the
  // match's; `done` answers.
  void as_seat(int64_t match_id, std::function<void(Status)> done, SeatAction action);
  SeatRequest as_seat_request() const;
  // Cancels one of this connection's seeks, here or on the lobby node; `done` (if any) hears
  // how it went.
  void cancel_seek(int64_t seek_id, std::function<void(Status)> done = nullptr);

  void handle(const Hello& m, const Json& ref);
  void handle(const Ping& m, const Json& ref);
  void handle(const SeekMessage& m, const Json& ref);
  void handle(const CancelSeek& m, const Json& ref);
  void handle(const ChallengeMessage& m, const Json& ref);
  void handle(const AcceptChallenge& m, const Json& ref);
  void handle(const DeclineChallenge& m, const Json& ref);
  void handle(const MoveMessage& m, const Json& ref);
  void handle(const Resign& m, const Json& ref);
  void handle(const Abort& m, const Json& ref);
  void handle(const OfferDraw& m, const Json& ref);
  void handle(const Spectate& m, const Json& ref);
  void handle(const Unspectate& m, const Json& ref);
  void handle(const Resync& m, const Json& ref);

  // --- Writing: one write in flight, a bounded queue -------------------------------------
  size_t queue_limit() const;
  void enqueue(Message m);
  void write();
  void on_write(beast::error_code ec, size_t);
  // Closes with `reason` once the write in flight (if any) is done; what is queued behind it
  // is dropped. A client that does not take even that write is cut off after a while.
  void close_with(websocket::close_reason reason);
  void send_close(websocket::close_reason reason);
  void finish();

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::shared_ptr<SharedState> state_;
  Arena& arena_;
  Hub& hub_;
  ServerStats& stats_;
  const ServerConfig& config_;
  PlayerIdentity who_;
  const std::string address_;
  std::vector<ConnectionLimits::Slot> slots_;
  RateLimiter limiter_;
  std::deque<Message> queue_;  // the front is being written
  size_t queued_bytes_ = 0;
  std::optional<websocket::close_reason> pending_close_;
  asio::steady_timer drop_timer_{ws_.get_executor()};
  asio::steady_timer stall_timer_{ws_.get_executor()};
  bool read_paused_ = false;
  std::set<int64_t> seeks_;
  bool spectator_only_ = true;  // until the connection sits in a match
  bool accepted_ = false;       // the handshake's answer is written: a close may be sent
  bool closing_ = false;
  bool finished_ = false;
};

}  // namespace arena::net
