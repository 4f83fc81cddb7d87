// The arena's HTTP client (a self-play worker's): URLs, and a server that is not there or
// never answers gives an error in time rather than a hang.
#include "server/net/http_client.h"

#include <gtest/gtest.h>

#include <thread>

#include "server/net/beast.h"

namespace arena::net {
namespace {

TEST(HttpUrlTest, ParsesHostPortAndBase) {
  Result<HttpUrl> u = parse_http_url("http://learner.example:8090/runs/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "learner.example");
  EXPECT_EQ(u->port, "8090");
  EXPECT_EQ(u->base, "/runs");
  EXPECT_EQ(u->text(), "http://learner.example:8090/runs");
  u = parse_http_url("http://127.0.0.1");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, "80");
  EXPECT_EQ(u->base, "");
  u = parse_http_url("http://[::1]:9000");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "9000");
  for (const char* bad : {"https://a.example", "ftp://a", "http://", "http://a:0", "http://a:70000",
                          "http://a:x", "http://[::1", "a.example:80"}) {
    Result<HttpUrl> r = parse_http_url(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, "bad_url") << bad;
    }
  }
}

TEST(HttpClientTest, NothingListeningIsUnreachable) {
  // A port that was free a moment ago.
  asio::io_context io;
  tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const uint16_t port = probe.local_endpoint().port();
  probe.close();
  Result<HttpReply> r = http_call(*parse_http_url("http://127.0.0.1:" + std::to_string(port)), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unreachable");
}

TEST(HttpClientTest, AServerThatNeverAnswersTimesOut) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const uint16_t port = acceptor.local_endpoint().port();
  tcp::socket held(io);
  std::thread accept([&] { acceptor.accept(held); });  // accepts, reads nothing, says nothing
  HttpCall call;
  call.target = "/api/learn";
  call.timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  Result<HttpReply> r = http_call(*parse_http_url("http://127.0.0.1:" + std::to_string(port)), call);
  const auto took = std::chrono::steady_clock::now() - start;
  accept.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "timeout") << r.error().message;
  EXPECT_LT(took, std::chrono::seconds(10));
}

}  // namespace
}  // namespace arena::net
