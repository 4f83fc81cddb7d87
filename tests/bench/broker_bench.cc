// broker_bench: the two brokers between nodes side by side in one run, against real servers
// (Redis pub/sub, PostgreSQL LISTEN/NOTIFY): messages a publisher gets through per second to
// a subscriber on another connection (published as fast as it goes), and the latency from
// publish() to the subscriber's handler (p50, p99) when published at a steady rate that
// neither saturates, for a move-sized payload. Prints figures and PostgreSQL's ratios to
// Redis; it is not a test. scripts/bench-broker starts the servers and runs it.
//
//   broker_bench --redis URL --postgres URL [--messages N] [--bytes B] [--rate R]
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/cluster/broker.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Figures {
  double messages_per_s = 0;
  double p50_us = 0, p99_us = 0;
};

// Publishes `n` messages of `bytes` bytes (each starting with its send time) on one channel,
// `rate` a second (0: as fast as it goes), and waits for all of them at the subscriber.
arena::Result<Figures> measure(const std::string& url, int n, int bytes, double rate) {
  std::mutex mutex;
  std::condition_variable all_in;
  std::vector<double> latencies_us;
  latencies_us.reserve(n);
  auto handler = [&](const std::string&, const std::string& payload) {
    const auto sent = Clock::time_point(Clock::duration(std::strtoll(payload.c_str(), nullptr, 10)));
    const double us = std::chrono::duration<double, std::micro>(Clock::now() - sent).count();
    std::lock_guard lock(mutex);
    latencies_us.push_back(us);
    if (static_cast<int>(latencies_us.size()) == n) all_in.notify_all();
  };
  arena::Result<std::unique_ptr<arena::cluster::Broker>> subscriber =
      arena::cluster::open_broker(url, handler);
  if (!subscriber.ok()) return subscriber.error();
  arena::Result<std::unique_ptr<arena::cluster::Broker>> publisher =
      arena::cluster::open_broker(url, [](const std::string&, const std::string&) {});
  if (!publisher.ok()) return publisher.error();
  const std::string channel = "bench:match";
  if (arena::Status s = (*subscriber)->subscribe(channel); !s.ok()) return s.error();

  const Clock::time_point start = Clock::now();
  for (int i = 0; i < n; ++i) {
    if (rate > 0)
      std::this_thread::sleep_until(start + std::chrono::microseconds(static_cast<int64_t>(i * 1e6 / rate)));
    std::string payload = std::to_string(Clock::now().time_since_epoch().count()) + " ";
    payload.resize(std::max<size_t>(payload.size(), static_cast<size_t>(bytes)), 'x');
    if (arena::Status s = (*publisher)->publish(channel, payload); !s.ok()) return s.error();
  }
  std::unique_lock lock(mutex);
  if (!all_in.wait_for(lock, std::chrono::seconds(60),
                       [&] { return static_cast<int>(latencies_us.size()) == n; })) {
    return arena::make_error("timeout", "not every message arrived within 60 s");
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies_us.begin(), latencies_us.end());
  Figures f;
  f.messages_per_s = n / seconds;
  f.p50_us = latencies_us[latencies_us.size() / 2];
  f.p99_us = latencies_us[latencies_us.size() * 99 / 100];
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  std::string redis, postgres;
  int n = 20000, bytes = 300;
  double rate = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--redis")
      redis = value;
    else if (name == "--postgres")
      postgres = value;
    else if (name == "--messages")
      n = std::atoi(value.c_str());
    else if (name == "--bytes")
      bytes = std::atoi(value.c_str());
    else if (name == "--rate")
      rate = std::atof(value.c_str());
  }
  if (redis.empty() || postgres.empty() || n <= 0 || bytes <= 0) {
    std::fprintf(stderr, "usage: broker_bench --redis URL --postgres URL [--messages N] [--bytes B]\n");
    return 2;
  }
  std::printf("%d messages of %d bytes, one publisher, one subscriber, each on its own connection\n", n,
              bytes);
  std::printf("%-22s %18s %18s %18s\n", "broker", "flat out: msg/s", "at rate: p50 us", "at rate: p99 us");
  std::vector<std::pair<Figures, Figures>> figures;  // flat out, at the rate
  for (const auto& [name, url] :
       {std::pair{"redis pub/sub", redis}, std::pair{"postgresql notify", postgres}}) {
    arena::Result<Figures> fast = measure(url, n, bytes, 0);
    arena::Result<Figures> paced =
        fast.ok() ? measure(url, std::min(n, static_cast<int>(rate * 5)), bytes, rate) : fast.error();
    if (!paced.ok()) {
      std::fprintf(stderr, "%s: %s\n", name, paced.error().message.c_str());
      return 1;
    }
    std::printf("%-22s %18.0f %18.1f %18.1f\n", name, fast->messages_per_s, paced->p50_us, paced->p99_us);
    figures.emplace_back(*fast, *paced);
  }
  std::printf("(latency at %.0f messages/s for %.0f s)\n", rate,
              std::min(n, static_cast<int>(rate * 5)) / rate);
  std::printf("postgresql / redis: throughput %.2f, p50 latency %.2f, p99 latency %.2f\n",
              figures[1].first.messages_per_s / figures[0].first.messages_per_s,
              figures[1].second.p50_us / figures[0].second.p50_us,
              figures[1].second.p99_us / figures[0].second.p99_us);
  return 0;
}
