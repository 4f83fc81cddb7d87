#include "agents/selfplay/shard.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <thread>

#include "tests/selfplay/test_util.h"

namespace arena::selfplay {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system's temporary folder, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("arena-shard-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string str() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}
// The uncompressed content of a gzip file, and a gzip file of given content.
std::string gunzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  std::string out;
  char buf[4096];
  for (int n; (n = gzread(f, buf, sizeof buf)) > 0;) out.append(buf, n);
  gzclose(f);
  return out;
}
void gzip_to(const std::string& path, const std::string& content) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
  gzclose(f);
}
void put_u32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
}

// Real trajectories of several kinds (chance, hidden cards, puzzles, joint steps) and one
// made by hand with awkward floats.
std::vector<Trajectory> sample_trajectories() {
  std::vector<Trajectory> out;
  uint64_t seed = 1;
  for (const std::string spec : {"kuhn_poker", "game24", "test_blotto", "test_nim(heap=6)", "go(size=5)"}) {
    auto game = testing::game_of(spec);
    RolloutEvaluator evaluator(1, seed);
    Result<Trajectory> t = play_selfplay_game(*game, evaluator, testing::small_config({{spec}}, 6), seed++);
    EXPECT_TRUE(t.ok());
    out.push_back(*t);
  }
  Trajectory odd;
  odd.game = "odd(\"quoted\",ünïcode)";
  odd.seed = std::numeric_limits<uint64_t>::max();
  odd.num_players = 3;
  odd.history = {
      {0, 5, {}}, {kChancePlayer, 2, {}}, {kSimultaneousPlayer, kInvalidAction, {{1, 2}, {}, {7}}}};
  TrajectoryStep step;
  step.player = 2;
  step.observation = {-0.0f, std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::infinity(),
                      -std::numeric_limits<float>::max(), 1.0f / 3.0f};
  step.legal = {0, 4, std::numeric_limits<int32_t>::max()};
  step.policy = {0.25f, 0.5f, 0.25f};
  step.action = 4;
  step.rewards = {0.1f, -0.2f, 0.3f};
  odd.steps = {step, step};
  odd.returns = {1, 0, -1};
  odd.scaled_returns = {1, 0, -1};
  out.push_back(odd);
  out.push_back(Trajectory{});  // empty
  return out;
}

ShardWriterOptions options_for(const TempDir& dir) {
  ShardWriterOptions o;
  o.dir = dir.str();
  return o;
}

TEST(Shard, EncodeDecodeRoundTrip) {
  for (const Trajectory& t : sample_trajectories()) {
    Result<std::string> bytes = encode_trajectory(t);
    ASSERT_TRUE(bytes.ok());
    Result<Trajectory> back = decode_trajectory(*bytes);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_TRUE(*back == t) << t.game;
    // Every proper prefix fails cleanly.
    for (size_t cut = 0; cut < bytes->size(); cut += 1 + bytes->size() / 50) {
      EXPECT_FALSE(decode_trajectory(std::string_view(*bytes).substr(0, cut)).ok())
          << t.game << " cut at " << cut;
    }
    EXPECT_EQ(decode_trajectory(*bytes + "x").error().code, "corrupt");
  }
}

TEST(Shard, PolicyNotMatchingLegalIsRejected) {
  Trajectory t;
  t.steps.resize(1);
  t.steps[0].legal = {1, 2};
  t.steps[0].policy = {1.0f};
  EXPECT_EQ(encode_trajectory(t).error().code, "bad_trajectory");
}

TEST(Shard, WriteReadRoundTripIsExact) {
  TempDir dir;
  const std::vector<Trajectory> in = sample_trajectories();
  auto writer = testing::unwrap(ShardWriter::open(options_for(dir)));
  for (const Trajectory& t : in) ASSERT_TRUE(writer->write(t).ok());
  EXPECT_TRUE(writer->completed().empty()) << "no limit reached yet";
  EXPECT_TRUE(list_shards(dir.str())->empty()) << "a shard being written is not listed";
  ASSERT_TRUE(writer->close().ok());
  ASSERT_EQ(writer->completed().size(), 1u);
  EXPECT_EQ(fs::path(writer->completed()[0]).filename(), "shard-000000.arena.gz");
  EXPECT_EQ(*list_shards(dir.str()), writer->completed());
  EXPECT_EQ(writer->write(in[0]).error().code, "closed");

  Result<std::vector<Trajectory>> out = read_shard(writer->completed()[0]);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) EXPECT_TRUE((*out)[i] == in[i]) << i;
  // Nothing but the shard is left in the directory (no temporary file).
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.str()), fs::directory_iterator()), 1);
}

TEST(Shard, RotatesByCountAndBytesAndContinuesNumbering) {
  TempDir dir;
  const std::vector<Trajectory> in = sample_trajectories();
  ShardWriterOptions o = options_for(dir);
  o.max_trajectories = 3;
  {
    auto writer = testing::unwrap(ShardWriter::open(o));
    for (const Trajectory& t : in) ASSERT_TRUE(writer->write(t).ok());
    EXPECT_EQ(writer->completed().size(), in.size() / 3);
    ASSERT_TRUE(writer->flush().ok());
    ASSERT_TRUE(writer->flush().ok());  // nothing new: no empty shard
    EXPECT_EQ(writer->trajectories_written(), in.size());
  }
  std::vector<std::string> shards = *list_shards(dir.str());
  ASSERT_EQ(shards.size(), (in.size() + 2) / 3);
  std::vector<Trajectory> all;
  for (size_t i = 0; i < shards.size(); ++i) {
    std::vector<Trajectory> part = *read_shard(shards[i]);
    EXPECT_LE(part.size(), 3u);
    all.insert(all.end(), part.begin(), part.end());
  }
  EXPECT_TRUE(all == in) << "in order across shards";

  // A second writer continues after the highest number; a byte limit of 1 gives one
  // trajectory per shard.
  o.max_trajectories = 0;
  o.max_bytes = 1;
  auto writer = testing::unwrap(ShardWriter::open(o));
  ASSERT_TRUE(writer->write(in[0]).ok());
  ASSERT_TRUE(writer->write(in[1]).ok());
  ASSERT_EQ(writer->completed().size(), 2u);
  EXPECT_EQ(fs::path(writer->completed()[0]).filename(),
            "shard-" + std::string(6 - std::to_string(shards.size()).size(), '0') +
                std::to_string(shards.size()) + ".arena.gz");
  EXPECT_EQ(list_shards(dir.str())->size(), shards.size() + 2);
}

TEST(Shard, ManyThreadsWritesAllLand) {
  TempDir dir;
  ShardWriterOptions o = options_for(dir);
  o.max_trajectories = 7;
  o.compression_level = 1;
  auto writer = testing::unwrap(ShardWriter::open(o));
  const Trajectory base = sample_trajectories()[0];
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Trajectory copy = base;
        copy.seed = static_cast<uint64_t>(t * 1000 + i);
        EXPECT_TRUE(writer->write(copy).ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(writer->close().ok());
  std::multiset<uint64_t> seeds;
  for (const std::string& path : testing::unwrap(list_shards(dir.str()))) {
    Result<std::vector<Trajectory>> part = read_shard(path);
    ASSERT_TRUE(part.ok()) << part.error().message;
    for (Trajectory& t : *part) {
      seeds.insert(t.seed);
      t.seed = base.seed;
      EXPECT_TRUE(t == base);
    }
  }
  ASSERT_EQ(seeds.size(), static_cast<size_t>(kThreads * kEach));
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) EXPECT_EQ(seeds.count(t * 1000 + i), 1u);
  }
}

TEST(Shard, MissingFileAndDirectoryAreErrors) {
  TempDir dir;
  EXPECT_EQ(read_shard(dir.file("nope.arena.gz")).error().code, "not_found");
  EXPECT_EQ(list_shards(dir.file("nodir")).error().code, "not_found");
  EXPECT_EQ(ShardWriter::open({}).error().code, "bad_argument");
  ShardWriterOptions bad = options_for(dir);
  bad.compression_level = 0;
  EXPECT_EQ(ShardWriter::open(bad).error().code, "bad_argument");
}

// A complete small shard's path.
std::string one_shard(const TempDir& dir) {
  auto writer = testing::unwrap(ShardWriter::open(options_for(dir)));
  std::vector<Trajectory> in = sample_trajectories();
  in.resize(3);
  for (const Trajectory& t : in) EXPECT_TRUE(writer->write(t).ok());
  EXPECT_TRUE(writer->close().ok());
  return writer->completed().at(0);
}

TEST(Shard, TruncatedFileIsAnError) {
  TempDir dir;
  const std::string path = one_shard(dir);
  const std::string bytes = read_bytes(path);
  const std::string cut = dir.file("cut.arena.gz");
  for (size_t n = 10; n < bytes.size(); n += (n < 40 || n + 40 > bytes.size()) ? 1 : 7) {
    write_bytes(cut, bytes.substr(0, n));
    Result<std::vector<Trajectory>> r = read_shard(cut);
    ASSERT_FALSE(r.ok()) << "cut at " << n << " of " << bytes.size();
    EXPECT_EQ(r.error().code, "truncated") << "cut at " << n << ": " << r.error().message;
  }
  // Cut inside the uncompressed content too (a shard without its end record).
  const std::string content = gunzip(path);
  for (size_t n : {size_t{16}, size_t{20}, content.size() / 2, content.size() - 16, content.size() - 1}) {
    gzip_to(cut, content.substr(0, n));
    Result<std::vector<Trajectory>> r = read_shard(cut);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, "truncated") << n << ": " << r.error().message;
  }
}

TEST(Shard, BadMagicAndVersionAreErrors) {
  TempDir dir;
  const std::string content = gunzip(one_shard(dir));
  const std::string path = dir.file("bad.arena.gz");
  std::string bad = content;
  bad[0] = 'X';
  gzip_to(path, bad);
  EXPECT_EQ(read_shard(path).error().code, "bad_magic");
  write_bytes(path, "this is plain text, not a shard at all");
  EXPECT_EQ(read_shard(path).error().code, "bad_magic");
  write_bytes(path, "tiny");
  EXPECT_EQ(read_shard(path).error().code, "bad_magic");
  bad = content;
  bad[8] = 99;  // version
  gzip_to(path, bad);
  EXPECT_EQ(read_shard(path).error().code, "bad_version");
}

TEST(Shard, CorruptDataIsAnErrorNeverACrash) {
  TempDir dir;
  const std::string good = one_shard(dir);
  const std::string content = gunzip(good);
  const std::string path = dir.file("bad.arena.gz");
  std::string header = content.substr(0, 16);

  // A record claiming 4 GiB less a little: refused before anything is allocated.
  std::string s = header;
  put_u32(s, 0x4A415254);  // "TRAJ"
  put_u32(s, 0xFFFFFFF0u);
  s += "abc";
  gzip_to(path, s);
  EXPECT_EQ(read_shard(path).error().code, "corrupt");

  // A record under the limit but longer than the file: truncated, read a chunk at a time.
  s = header;
  put_u32(s, 0x4A415254);
  put_u32(s, 1u << 29);
  s += std::string(100, 'x');
  gzip_to(path, s);
  EXPECT_EQ(read_shard(path).error().code, "truncated");

  // A record whose history count is huge: corrupt, without allocating it.
  std::string body;
  put_u32(body, 1);
  body += "g";
  body += std::string(8, '\0');  // seed
  put_u32(body, 2);              // players
  put_u32(body, 0x7FFFFFFF);     // history steps
  s = header;
  put_u32(s, 0x4A415254);
  put_u32(s, static_cast<uint32_t>(body.size()));
  s += body;
  gzip_to(path, s);
  EXPECT_EQ(read_shard(path).error().code, "corrupt");

  // An unknown tag, and an end record with the wrong count.
  s = header;
  put_u32(s, 0x12345678);
  put_u32(s, 0);
  gzip_to(path, s);
  EXPECT_EQ(read_shard(path).error().code, "corrupt");
  s = header;
  put_u32(s, 0x53444E45);  // "ENDS"
  put_u32(s, 8);
  put_u32(s, 5);
  put_u32(s, 0);
  gzip_to(path, s);
  EXPECT_EQ(read_shard(path).error().code, "corrupt");
  // The same end record with the right count (0) is a valid empty shard.
  s = header;
  put_u32(s, 0x53444E45);
  put_u32(s, 8);
  put_u32(s, 0);
  put_u32(s, 0);
  gzip_to(path, s);
  ASSERT_TRUE(read_shard(path).ok());
  EXPECT_TRUE(read_shard(path)->empty());

  // Bytes flipped in the compressed stream: an Error (the CRC catches what parses), never a crash.
  const std::string bytes = read_bytes(good);
  for (size_t pos = 20; pos + 8 < bytes.size(); pos += 13) {
    std::string flipped = bytes;
    flipped[pos] = static_cast<char>(flipped[pos] ^ 0x5A);
    write_bytes(path, flipped);
    Result<std::vector<Trajectory>> r = read_shard(path);
    ASSERT_FALSE(r.ok()) << "flip at " << pos;
    const std::string& code = r.error().code;
    EXPECT_TRUE(code == "corrupt" || code == "truncated" || code == "bad_magic" || code == "bad_version")
        << pos << ": " << code << ": " << r.error().message;
  }
}

}  // namespace
}  // namespace arena::selfplay
