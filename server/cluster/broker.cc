#include "server/cluster/broker.h"

#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace arena::cluster {
namespace {

Error broker_error(const std::string& what) { return make_error("broker_error", what); }

bool valid_channel(const std::string& channel) {
  if (channel.empty() || channel.size() > 63) return false;  // PostgreSQL's identifiers: 63 bytes
  for (char c : channel) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' || c == '.')) return false;
  }
  return true;
}

// The part both share: a thread of its own owns the subscribing connection and waits on its
// socket and on a pipe that wakes it for (un)subscriptions, which it runs itself, so that no
// other thread ever touches that connection.
class PollingBroker : public Broker {
 public:
  explicit PollingBroker(Handler handler) : handler_(std::move(handler)) {}
  ~PollingBroker() override = default;

  Status subscribe(const std::string& channel) override { return change(channel, true); }
  Status unsubscribe(const std::string& channel) override { return change(channel, false); }

 protected:
  // Called by the subclass once its connections are open.
  Status start() {
    if (::pipe(wake_) != 0) return broker_error(std::string("pipe: ") + std::strerror(errno));
    thread_ = std::thread([this] { loop(); });
    return ok_status();
  }
  // Called by the subclass's destructor, before its connections close.
  void stop() {
    if (!thread_.joinable()) return;
    stopping_ = true;
    wake();
    thread_.join();
    ::close(wake_[0]);
    ::close(wake_[1]);
  }

  // On the broker's thread.
  virtual int socket() const = 0;
  virtual Status send_change(const std::string& channel, bool on) = 0;  // returns once confirmed
  virtual Status read_messages() = 0;                                   // the socket is readable
  void deliver(const std::string& channel, const std::string& payload) { handler_(channel, payload); }

 private:
  struct Change {
    std::string channel;
    bool on;
    std::promise<Status> done;
  };

  Status change(const std::string& channel, bool on) {
    if (!valid_channel(channel)) {
      return make_error("bad_channel",
                        "a channel is 1 to 63 letters, digits, '_', ':' or '.': '" + channel + "'");
    }
    Change c{channel, on, {}};
    std::future<Status> done = c.done.get_future();
    {
      std::lock_guard lock(mutex_);
      changes_.push_back(std::move(c));
    }
    wake();
    return done.get();
  }

  void wake() {
    const char byte = 1;
    (void)!::write(wake_[1], &byte, 1);
  }

  void loop() {
    Status broken = ok_status();
    while (!stopping_) {
      pollfd fds[2] = {{socket(), POLLIN, 0}, {wake_[0], POLLIN, 0}};
      if (::poll(fds, 2, 1000) < 0 && errno != EINTR) break;
      if (fds[1].revents & POLLIN) {
        char buf[64];
        (void)!::read(wake_[0], buf, sizeof buf);
        std::deque<Change> todo;
        {
          std::lock_guard lock(mutex_);
          todo.swap(changes_);
        }
        for (Change& c : todo) c.done.set_value(broken.ok() ? send_change(c.channel, c.on) : broken);
      }
      if (broken.ok() && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) broken = read_messages();
    }
    std::lock_guard lock(mutex_);
    for (Change& c : changes_) c.done.set_value(broker_error("the broker is closing"));
    changes_.clear();
  }

  Handler handler_;
  int wake_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::deque<Change> changes_;
  std::thread thread_;
};

// ---------------------------------------------------------------------------------------
// Redis: PUBLISH on one connection; SUBSCRIBE on another, read as replies arrive.

struct RedisFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
using RedisPtr = std::unique_ptr<redisContext, RedisFree>;

Result<RedisPtr> redis_connect(const std::string& url) {
  const std::string rest = url.substr(std::strlen("redis://"));
  redisContext* c = nullptr;
  if (!rest.empty() && rest[0] == '/') {
    c = redisConnectUnix(rest.c_str());
  } else {
    const size_t colon = rest.rfind(':');
    const std::string host = rest.substr(0, colon);
    const int port = colon == std::string::npos ? 6379 : std::atoi(rest.c_str() + colon + 1);
    c = redisConnect(host.empty() ? "127.0.0.1" : host.c_str(), port);
  }
  if (!c) return broker_error("cannot connect to Redis at " + url + ": out of memory");
  RedisPtr owned(c);
  if (c->err) return broker_error("cannot connect to Redis at " + url + ": " + c->errstr);
  return owned;
}

class RedisBroker final : public PollingBroker {
 public:
  static Result<std::unique_ptr<Broker>> open(const std::string& url, Handler handler) {
    Result<RedisPtr> pub = redis_connect(url);
    if (!pub.ok()) return pub.error();
    Result<RedisPtr> sub = redis_connect(url);
    if (!sub.ok()) return sub.error();
    std::unique_ptr<RedisBroker> b(
        new RedisBroker(std::move(handler), std::move(pub).value(), std::move(sub).value()));
    if (Status s = b->start(); !s.ok()) return s.error();
    return std::unique_ptr<Broker>(std::move(b));
  }
  ~RedisBroker() override { stop(); }

  Status publish(const std::string& channel, const std::string& payload) override {
    std::lock_guard lock(publish_mutex_);
    auto* reply = static_cast<redisReply*>(redisCommand(pub_.get(), "PUBLISH %b %b", channel.data(),
                                                        channel.size(), payload.data(), payload.size()));
    if (!reply) return broker_error(std::string("Redis PUBLISH: ") + pub_->errstr);
    const bool failed = reply->type == REDIS_REPLY_ERROR;
    const std::string message = failed ? std::string(reply->str, reply->len) : "";
    freeReplyObject(reply);
    if (failed) return broker_error("Redis PUBLISH: " + message);
    return ok_status();
  }

 private:
  RedisBroker(Handler handler, RedisPtr pub, RedisPtr sub)
      : PollingBroker(std::move(handler)), pub_(std::move(pub)), sub_(std::move(sub)) {}

  int socket() const override { return sub_->fd; }

  Status send_change(const std::string& channel, bool on) override {
    const char* verb = on ? "SUBSCRIBE" : "UNSUBSCRIBE";
    if (redisAppendCommand(sub_.get(), "%s %b", verb, channel.data(), channel.size()) != REDIS_OK) {
      return broker_error(std::string("Redis ") + verb + ": " + sub_->errstr);
    }
    // Messages may come before the confirmation: they are delivered on the way.
    for (;;) {
      void* raw = nullptr;
      if (redisGetReply(sub_.get(), &raw) != REDIS_OK || !raw) {
        return broker_error(std::string("Redis ") + verb + ": " + sub_->errstr);
      }
      auto* reply = static_cast<redisReply*>(raw);
      const bool confirmed = is_kind(reply, on ? "subscribe" : "unsubscribe") &&
                             std::string(reply->element[1]->str, reply->element[1]->len) == channel;
      if (!confirmed) dispatch(reply);
      freeReplyObject(reply);
      if (confirmed) return ok_status();
    }
  }

  Status read_messages() override {
    if (redisBufferRead(sub_.get()) != REDIS_OK) return broker_error(std::string("Redis: ") + sub_->errstr);
    for (;;) {
      void* raw = nullptr;
      if (redisGetReplyFromReader(sub_.get(), &raw) != REDIS_OK) {
        return broker_error(std::string("Redis: ") + sub_->errstr);
      }
      if (!raw) return ok_status();
      dispatch(static_cast<redisReply*>(raw));
      freeReplyObject(raw);
    }
  }

  // ["message", channel, payload] goes to the handler; anything else is a confirmation.
  static bool is_kind(const redisReply* r, const char* kind) {
    return r->type == REDIS_REPLY_ARRAY && r->elements == 3 && r->element[0]->type == REDIS_REPLY_STRING &&
           std::string(r->element[0]->str, r->element[0]->len) == kind;
  }
  void dispatch(const redisReply* r) {
    if (!is_kind(r, "message")) return;
    deliver(std::string(r->element[1]->str, r->element[1]->len),
            std::string(r->element[2]->str, r->element[2]->len));
  }

  std::mutex publish_mutex_;
  RedisPtr pub_, sub_;
};

// ---------------------------------------------------------------------------------------
// PostgreSQL: pg_notify() on one connection; LISTEN on another, whose notifications libpq
// collects as input arrives.

struct PgFree {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgPtr = std::unique_ptr<PGconn, PgFree>;

Result<PgPtr> pg_connect(const std::string& url) {
  PgPtr c(PQconnectdb(url.c_str()));
  if (!c) return broker_error("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(c.get()) != CONNECTION_OK) {
    std::string message = PQerrorMessage(c.get());
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return broker_error("cannot connect to PostgreSQL at " + url + ": " + message);
  }
  PQsetNoticeProcessor(
      c.get(), [](void*, const char*) {}, nullptr);
  return c;
}

// Runs `sql` (no rows wanted); the server's message on failure.
Status pg_run(PGconn* c, const std::string& sql, int params = 0, const char* const* values = nullptr) {
  PGresult* r = PQexecParams(c, sql.c_str(), params, nullptr, values, nullptr, nullptr, 0);
  const ExecStatusType status = PQresultStatus(r);
  std::string message = (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) ? "" : PQerrorMessage(c);
  PQclear(r);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  if (!message.empty()) return broker_error("PostgreSQL: " + message);
  return ok_status();
}

class PostgresBroker final : public PollingBroker {
 public:
  static Result<std::unique_ptr<Broker>> open(const std::string& url, Handler handler) {
    Result<PgPtr> pub = pg_connect(url);
    if (!pub.ok()) return pub.error();
    Result<PgPtr> sub = pg_connect(url);
    if (!sub.ok()) return sub.error();
    std::unique_ptr<PostgresBroker> b(
        new PostgresBroker(std::move(handler), std::move(pub).value(), std::move(sub).value()));
    if (Status s = b->start(); !s.ok()) return s.error();
    return std::unique_ptr<Broker>(std::move(b));
  }
  ~PostgresBroker() override { stop(); }

  Status publish(const std::string& channel, const std::string& payload) override {
    const char* values[2] = {channel.c_str(), payload.c_str()};
    std::lock_guard lock(publish_mutex_);
    return pg_run(pub_.get(), "SELECT pg_notify($1, $2)", 2, values);
  }

 private:
  PostgresBroker(Handler handler, PgPtr pub, PgPtr sub)
      : PollingBroker(std::move(handler)), pub_(std::move(pub)), sub_(std::move(sub)) {}

  int socket() const override { return PQsocket(sub_.get()); }

  Status send_change(const std::string& channel, bool on) override {
    // The channel was checked: letters, digits, '_', ':', '.'; quoted as an identifier.
    Status s = pg_run(sub_.get(), std::string(on ? "LISTEN" : "UNLISTEN") + " \"" + channel + "\"");
    drain();  // notifications that came in with the answer
    return s;
  }

  Status read_messages() override {
    if (!PQconsumeInput(sub_.get())) {
      std::string message = PQerrorMessage(sub_.get());
      while (!message.empty() && message.back() == '\n') message.pop_back();
      return broker_error("PostgreSQL: " + message);
    }
    drain();
    return ok_status();
  }

  void drain() {
    while (PGnotify* n = PQnotifies(sub_.get())) {
      deliver(n->relname, n->extra ? n->extra : "");
      PQfreemem(n);
    }
  }

  std::mutex publish_mutex_;
  PgPtr pub_, sub_;
};

}  // namespace

Result<std::unique_ptr<Broker>> open_broker(const std::string& url, Broker::Handler handler) {
  if (url.rfind("redis://", 0) == 0) return RedisBroker::open(url, std::move(handler));
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return PostgresBroker::open(url, std::move(handler));
  }
  return make_error(
      "bad_url", "a broker is redis://host:port, redis:///path/to/socket or postgresql://...: '" + url + "'");
}

}  // namespace arena::cluster
