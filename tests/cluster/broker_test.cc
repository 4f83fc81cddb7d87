// The broker between nodes, on both engines (Redis pub/sub, PostgreSQL LISTEN/NOTIFY), against
// real servers: CTest starts them (the fixtures `redis` and `postgres`); run by hand, the
// binary starts its own.
#include "server/cluster/broker.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "tests/support/test_database.h"

namespace arena::cluster {
namespace {

using namespace std::chrono_literals;

enum class Engine { kRedis, kPostgres };

std::string url_of(Engine e) {
  return e == Engine::kRedis ? testing::redis_url() : testing::postgres_admin_url();
}

// What one broker received, in order.
struct Inbox {
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<std::pair<std::string, std::string>> messages;

  Broker::Handler handler() {
    return [this](const std::string& channel, const std::string& payload) {
      std::lock_guard lock(mutex);
      messages.emplace_back(channel, payload);
      arrived.notify_all();
    };
  }
  // Waits until `n` messages are in; false at the deadline.
  bool wait_for(size_t n, std::chrono::milliseconds deadline = 10s) {
    std::unique_lock lock(mutex);
    return arrived.wait_for(lock, deadline, [&] { return messages.size() >= n; });
  }
  std::vector<std::pair<std::string, std::string>> taken() {
    std::lock_guard lock(mutex);
    return messages;
  }
};

class BrokerTest : public ::testing::TestWithParam<Engine> {
 protected:
  std::unique_ptr<Broker> open(Inbox& inbox) {
    Result<std::unique_ptr<Broker>> b = open_broker(url_of(GetParam()), inbox.handler());
    EXPECT_TRUE(b.ok()) << (b.ok() ? "" : b.error().message);
    return b.ok() ? std::move(b).value() : nullptr;
  }
  // A channel of this test's own (the servers are shared by tests running at once).
  static std::string channel(const std::string& name) { return "t" + std::to_string(getpid()) + ":" + name; }
};

INSTANTIATE_TEST_SUITE_P(Engines, BrokerTest, ::testing::Values(Engine::kRedis, Engine::kPostgres),
                         [](const ::testing::TestParamInfo<Engine>& info) {
                           return info.param == Engine::kRedis ? "redis" : "postgresql";
                         });

TEST_P(BrokerTest, ASubscriberGetsItsChannelsMessagesInOrderAndNoOthers) {
  Inbox publisher_inbox, inbox;
  std::unique_ptr<Broker> publisher = open(publisher_inbox), subscriber = open(inbox);
  ASSERT_TRUE(publisher && subscriber);
  ASSERT_TRUE(subscriber->subscribe(channel("a")).ok());
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(publisher->publish(channel("a"), "move " + std::to_string(i)).ok());
    ASSERT_TRUE(publisher->publish(channel("b"), "other " + std::to_string(i)).ok());
  }
  ASSERT_TRUE(inbox.wait_for(500));
  std::this_thread::sleep_for(100ms);  // anything more would arrive now
  auto got = inbox.taken();
  ASSERT_EQ(got.size(), 500u);
  for (int i = 0; i < 500; ++i) {
    EXPECT_EQ(got[i].first, channel("a"));
    EXPECT_EQ(got[i].second, "move " + std::to_string(i));
  }
  EXPECT_TRUE(publisher_inbox.taken().empty()) << "the publisher subscribed to nothing";
}

TEST_P(BrokerTest, EverySubscriberGetsEachMessageAndUnsubscribingStopsThem) {
  Inbox a_inbox, b_inbox, publisher_inbox;
  std::unique_ptr<Broker> a = open(a_inbox), b = open(b_inbox), publisher = open(publisher_inbox);
  ASSERT_TRUE(a && b && publisher);
  for (Broker* node : {a.get(), b.get()}) {
    ASSERT_TRUE(node->subscribe(channel("match:7")).ok());
    ASSERT_TRUE(node->subscribe(channel("marker")).ok());
  }
  ASSERT_TRUE(publisher->publish(channel("match:7"), "first").ok());
  ASSERT_TRUE(a_inbox.wait_for(1) && b_inbox.wait_for(1));
  ASSERT_TRUE(b->unsubscribe(channel("match:7")).ok());
  ASSERT_TRUE(publisher->publish(channel("match:7"), "second").ok());
  ASSERT_TRUE(publisher->publish(channel("marker"), "end").ok());  // after "second", from the same publisher
  ASSERT_TRUE(a_inbox.wait_for(3) && b_inbox.wait_for(2));
  const std::vector<std::pair<std::string, std::string>> want_a = {
      {channel("match:7"), "first"}, {channel("match:7"), "second"}, {channel("marker"), "end"}};
  const std::vector<std::pair<std::string, std::string>> want_b = {{channel("match:7"), "first"},
                                                                   {channel("marker"), "end"}};
  EXPECT_EQ(a_inbox.taken(), want_a);
  EXPECT_EQ(b_inbox.taken(), want_b);
}

TEST_P(BrokerTest, PayloadsArriveByteForByteAndOneTooLargeIsAClearError) {
  Inbox inbox, unused;
  std::unique_ptr<Broker> subscriber = open(inbox), publisher = open(unused);
  ASSERT_TRUE(subscriber && publisher);
  ASSERT_TRUE(subscriber->subscribe(channel("p")).ok());
  const std::string json = R"({"type":"move","action":"e4","who":"Zoë 棋手","ply":12})";
  const std::string big(7000, 'x');  // under PostgreSQL's limit
  ASSERT_TRUE(publisher->publish(channel("p"), json).ok());
  ASSERT_TRUE(publisher->publish(channel("p"), big).ok());
  std::vector<std::pair<std::string, std::string>> want = {{channel("p"), json}, {channel("p"), big}};
  const std::string huge(100000, 'y');
  Status s = publisher->publish(channel("p"), huge);
  if (GetParam() == Engine::kRedis) {
    EXPECT_TRUE(s.ok()) << s.error().message;
    want.emplace_back(channel("p"), huge);
  } else {
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, "broker_error");
    EXPECT_NE(s.error().message.find("too long"), std::string::npos) << s.error().message;
  }
  ASSERT_TRUE(inbox.wait_for(want.size()));
  EXPECT_EQ(inbox.taken(), want);
}

TEST_P(BrokerTest, BadChannelsAreRefused) {
  Inbox inbox;
  std::unique_ptr<Broker> b = open(inbox);
  ASSERT_TRUE(b);
  for (const std::string& bad : {std::string(""), std::string("a b"),
                                 std::string("x\"; DROP TABLE players; --"), std::string(64, 'c')}) {
    Status s = b->subscribe(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, "bad_channel");
  }
  EXPECT_TRUE(b->subscribe(channel("fine_1.2")).ok());
}

TEST(Broker, UnreachableServersAndUnknownSchemesAreClearErrors) {
  Inbox inbox;
  Result<std::unique_ptr<Broker>> b = open_broker("redis:///nonexistent/redis.sock", inbox.handler());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, "broker_error");
  b = open_broker("postgresql://arena@/postgres?host=/nonexistent", inbox.handler());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, "broker_error");
  b = open_broker("amqp://localhost", inbox.handler());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, "bad_url");
}

}  // namespace
}  // namespace arena::cluster
