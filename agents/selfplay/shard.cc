#include "agents/selfplay/shard.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <system_error>

namespace arena::selfplay {
namespace {

namespace fs = std::filesystem;

// Record tags: four ASCII bytes, read as a little-endian u32.
constexpr uint32_t tag_of(const char (&s)[5]) {
  return static_cast<uint32_t>(static_cast<uint8_t>(s[0])) |
         static_cast<uint32_t>(static_cast<uint8_t>(s[1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[2])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[3])) << 24;
}
constexpr uint32_t kTrajectoryTag = tag_of("TRAJ");
constexpr uint32_t kEndTag = tag_of("ENDS");
constexpr size_t kHeaderBytes = 16;
constexpr size_t kReadChunk = 1 << 20;  // a record body grows by at most this much per read

// --- Little-endian writing ------------------------------------------------------------------

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
void put_i32(std::string& out, int32_t v) { put_u32(out, static_cast<uint32_t>(v)); }
void put_f32(std::string& out, float v) { put_u32(out, std::bit_cast<uint32_t>(v)); }

uint32_t get_u32_at(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

// Writes a count, failing where it does not fit a u32.
bool put_count(std::string& out, size_t n) {
  if (n > std::numeric_limits<uint32_t>::max()) return false;
  put_u32(out, static_cast<uint32_t>(n));
  return true;
}
bool put_floats(std::string& out, const std::vector<float>& v) {
  if (!put_count(out, v.size())) return false;
  for (float x : v) put_f32(out, x);
  return true;
}
bool put_actions(std::string& out, const std::vector<Action>& v) {
  if (!put_count(out, v.size())) return false;
  for (Action a : v) put_i32(out, a);
  return true;
}

// --- Bounded reading of a body ----------------------------------------------------------------

// Reads a record body: every count is checked against the bytes left before anything is
// allocated for it.
class Reader {
 public:
  explicit Reader(std::string_view bytes)
      : p_(reinterpret_cast<const unsigned char*>(bytes.data())), left_(bytes.size()) {}
  size_t left() const { return left_; }
  bool u32(uint32_t& v) {
    if (left_ < 4) return false;
    v = get_u32_at(p_);
    advance(4);
    return true;
  }
  bool u64(uint64_t& v) {
    uint32_t lo, hi;
    if (!u32(lo) || !u32(hi)) return false;
    v = static_cast<uint64_t>(hi) << 32 | lo;
    return true;
  }
  bool i32(int32_t& v) {
    uint32_t u;
    if (!u32(u)) return false;
    v = static_cast<int32_t>(u);
    return true;
  }
  // A count of items of `item_bytes` each that must all fit in what is left.
  bool count(uint32_t& n, size_t item_bytes) {
    return u32(n) && static_cast<uint64_t>(n) * item_bytes <= left_;
  }
  bool floats(std::vector<float>& v, uint32_t n) {
    if (static_cast<uint64_t>(n) * 4 > left_) return false;
    v.resize(n);
    for (float& x : v) {
      x = std::bit_cast<float>(get_u32_at(p_));
      advance(4);
    }
    return true;
  }
  bool floats(std::vector<float>& v) {
    uint32_t n;
    return count(n, 4) && floats(v, n);
  }
  bool actions(std::vector<Action>& v, uint32_t n) {
    if (static_cast<uint64_t>(n) * 4 > left_) return false;
    v.resize(n);
    for (Action& a : v) {
      a = static_cast<int32_t>(get_u32_at(p_));
      advance(4);
    }
    return true;
  }
  bool actions(std::vector<Action>& v) {
    uint32_t n;
    return count(n, 4) && actions(v, n);
  }
  bool string(std::string& s) {
    uint32_t n;
    if (!count(n, 1)) return false;
    s.assign(reinterpret_cast<const char*>(p_), n);
    advance(n);
    return true;
  }

 private:
  void advance(size_t n) {
    p_ += n;
    left_ -= n;
  }
  const unsigned char* p_;
  size_t left_;
};

Error corrupt(const std::string& what) { return make_error("corrupt", "shard: " + what); }

// The number of a shard's file name ("shard-000012.arena.gz" -> 12), or -1. With `temp`,
// the temporary name (".shard-000012.arena.gz.tmp").
int64_t shard_number(const std::string& name, bool temp) {
  const std::string prefix = temp ? ".shard-" : "shard-";
  const std::string suffix = temp ? ".arena.gz.tmp" : ".arena.gz";
  if (name.size() < prefix.size() + 6 + suffix.size()) return -1;
  if (name.compare(0, prefix.size(), prefix) != 0) return -1;
  if (name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) return -1;
  const char* first = name.data() + prefix.size();
  const char* last = name.data() + name.size() - suffix.size();
  if (!std::all_of(first, last, [](char c) { return c >= '0' && c <= '9'; })) return -1;
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(first, last, n);
  if (ec != std::errc() || end != last) return -1;
  return n;
}

std::string shard_name(uint64_t number) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "shard-%06llu.arena.gz", static_cast<unsigned long long>(number));
  return buf;
}

// Reads exactly n bytes (appending to `out`, growing it a chunk at a time so that a bad
// length cannot allocate more than the file holds). Errors: "truncated", "corrupt".
Status read_exact(gzFile file, size_t n, std::string& out, const char* what) {
  const size_t start = out.size();
  size_t got = 0;
  while (got < n) {
    const size_t chunk = std::min(n - got, kReadChunk);
    out.resize(start + got + chunk);
    const int r = gzread(file, out.data() + start + got, static_cast<unsigned>(chunk));
    if (r > 0) {
      got += static_cast<size_t>(r);
      continue;
    }
    out.resize(start + got);
    int errnum = Z_OK;
    const char* message = gzerror(file, &errnum);
    if (errnum == Z_DATA_ERROR || errnum == Z_STREAM_ERROR || errnum == Z_MEM_ERROR) {
      return corrupt(std::string("damaged compressed data in ") + what + " (" + message + ")");
    }
    if (errnum == Z_ERRNO)
      return make_error("io_error", std::string("shard: read error: ") + std::strerror(errno));
    return make_error("truncated", std::string("shard: the file ends inside ") + what);
  }
  return ok_status();
}

}  // namespace

// --- Encoding -----------------------------------------------------------------------------------

Result<std::string> encode_trajectory(const Trajectory& t) {
  auto bad = [](const std::string& what) { return make_error("bad_trajectory", "shard: " + what); };
  std::string out;
  size_t reserve = 64 + t.game.size() + 16 * t.history.size();
  for (const TrajectoryStep& s : t.steps) {
    reserve += 24 + 4 * (s.observation.size() + 2 * s.legal.size() + s.rewards.size());
  }
  out.reserve(reserve);
  bool ok = put_count(out, t.game.size());
  out += t.game;
  put_u64(out, t.seed);
  if (t.num_players < 0) return bad("negative num_players");
  put_u32(out, static_cast<uint32_t>(t.num_players));
  ok = ok && put_count(out, t.history.size());
  for (const Step& step : t.history) {
    put_i32(out, step.player);
    put_i32(out, step.action);
    ok = ok && put_count(out, step.orders.size());
    for (const std::vector<Action>& orders : step.orders) ok = ok && put_actions(out, orders);
  }
  ok = ok && put_count(out, t.steps.size());
  for (const TrajectoryStep& s : t.steps) {
    if (s.policy.size() != s.legal.size()) {
      return bad("a step's policy has " + std::to_string(s.policy.size()) + " entries for " +
                 std::to_string(s.legal.size()) + " legal actions");
    }
    put_i32(out, s.player);
    ok = ok && put_floats(out, s.observation) && put_actions(out, s.legal);
    for (float p : s.policy) put_f32(out, p);
    put_i32(out, s.action);
    ok = ok && put_floats(out, s.rewards);
  }
  ok = ok && put_floats(out, t.returns) && put_floats(out, t.scaled_returns);
  if (!ok) return bad("a count does not fit 32 bits");
  if (out.size() > kMaxRecordBytes)
    return bad("the trajectory takes more than " + std::to_string(kMaxRecordBytes) + " bytes");
  return out;
}

Result<Trajectory> decode_trajectory(std::string_view bytes) {
  Reader r(bytes);
  Trajectory t;
  uint32_t num_players = 0, n = 0;
  if (!r.string(t.game)) return corrupt("bad game spec length");
  if (!r.u64(t.seed) || !r.u32(num_players)) return corrupt("record ends in its header");
  if (num_players > 1024) return corrupt("implausible num_players " + std::to_string(num_players));
  t.num_players = static_cast<int>(num_players);
  if (!r.count(n, 12)) return corrupt("bad history length");
  t.history.resize(n);
  for (Step& step : t.history) {
    uint32_t seats = 0;
    if (!r.i32(step.player) || !r.i32(step.action) || !r.count(seats, 4)) return corrupt("bad history step");
    step.orders.resize(seats);
    for (std::vector<Action>& orders : step.orders) {
      if (!r.actions(orders)) return corrupt("bad orders in the history");
    }
  }
  if (!r.count(n, 24)) return corrupt("bad step count");
  t.steps.resize(n);
  for (TrajectoryStep& s : t.steps) {
    uint32_t legal = 0;
    if (!r.i32(s.player) || !r.floats(s.observation)) return corrupt("bad observation");
    if (!r.count(legal, 8) || !r.actions(s.legal, legal) || !r.floats(s.policy, legal))
      return corrupt("bad legal actions or policy");
    if (!r.i32(s.action) || !r.floats(s.rewards)) return corrupt("bad action or rewards");
  }
  if (!r.floats(t.returns) || !r.floats(t.scaled_returns)) return corrupt("bad returns");
  if (r.left() != 0) return corrupt(std::to_string(r.left()) + " bytes left over in a record");
  return t;
}

// --- Reading --------------------------------------------------------------------------------------

Result<std::vector<Trajectory>> read_shard(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return make_error("not_found", "shard: no such file: " + path);
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr)
    return make_error("io_error", "shard: cannot open " + path + ": " + std::strerror(errno));
  // Closes the file on every path out.
  std::unique_ptr<gzFile_s, int (*)(gzFile)> guard(file, gzclose);
  gzbuffer(file, 1 << 17);

  auto fail = [&](const Status& s) -> Error {
    Error e = s.error();
    e.message += " (" + path + ")";
    return e;
  };
  std::string buf;
  if (Status s = read_exact(file, kHeaderBytes, buf, "the header"); !s.ok()) {
    // Short: the start of a shard cut off, or some other small file.
    if (s.error().code == "truncated" &&
        std::memcmp(buf.data(), kShardMagic, std::min(buf.size(), sizeof kShardMagic)) != 0) {
      return make_error("bad_magic", "shard: not an arena trajectory shard: " + path);
    }
    return fail(s);
  }
  if (std::memcmp(buf.data(), kShardMagic, sizeof kShardMagic) != 0) {
    return make_error("bad_magic", "shard: not an arena trajectory shard: " + path);
  }
  const auto* header = reinterpret_cast<const unsigned char*>(buf.data());
  const uint32_t version = get_u32_at(header + 8);
  if (version != kShardVersion) {
    return make_error("bad_version", "shard: version " + std::to_string(version) + " (this build reads " +
                                         std::to_string(kShardVersion) + "): " + path);
  }
  std::vector<Trajectory> out;
  for (;;) {
    buf.clear();
    if (Status s = read_exact(file, 8, buf, "a record header"); !s.ok()) return fail(s);
    const auto* p = reinterpret_cast<const unsigned char*>(buf.data());
    const uint32_t tag = get_u32_at(p), length = get_u32_at(p + 4);
    if (tag == kEndTag) {
      if (length != 8) return fail(corrupt("end record of length " + std::to_string(length)));
      buf.clear();
      if (Status s = read_exact(file, 8, buf, "the end record"); !s.ok()) return fail(s);
      p = reinterpret_cast<const unsigned char*>(buf.data());
      const uint64_t count = static_cast<uint64_t>(get_u32_at(p + 4)) << 32 | get_u32_at(p);
      if (count != out.size()) {
        return fail(corrupt("the end record counts " + std::to_string(count) +
                            " trajectories, the file holds " + std::to_string(out.size())));
      }
      // Nothing may follow, and the gzip trailer (length and CRC) must be there and agree.
      unsigned char extra;
      const int r = gzread(file, &extra, 1);
      int errnum = Z_OK;
      const char* message = gzerror(file, &errnum);
      if (r > 0) return fail(corrupt("data after the end record"));
      if (errnum == Z_BUF_ERROR)
        return make_error("truncated", "shard: the compressed stream ends early: " + path);
      if (errnum != Z_OK) return fail(corrupt(std::string("damaged compressed data (") + message + ")"));
      return out;
    }
    if (tag != kTrajectoryTag) return fail(corrupt("unknown record tag " + std::to_string(tag)));
    if (length > kMaxRecordBytes)
      return fail(corrupt("record length " + std::to_string(length) + " over the limit"));
    buf.clear();
    if (Status s = read_exact(file, length, buf, "a trajectory record"); !s.ok()) return fail(s);
    Result<Trajectory> t = decode_trajectory(buf);
    if (!t.ok()) return fail(t.error());
    out.push_back(std::move(*t));
  }
}

Result<std::vector<std::string>> list_shards(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return make_error("not_found", "shard: no such directory: " + dir);
  std::vector<std::pair<int64_t, std::string>> found;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const int64_t n = shard_number(name, /*temp=*/false);
    if (n >= 0 && it->is_regular_file(ec)) found.emplace_back(n, it->path().string());
  }
  if (ec) return make_error("io_error", "shard: cannot list " + dir + ": " + ec.message());
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& [n, path] : found) out.push_back(std::move(path));
  return out;
}

// --- Writing --------------------------------------------------------------------------------------

Result<std::unique_ptr<ShardWriter>> ShardWriter::open(ShardWriterOptions options) {
  if (options.dir.empty()) return make_error("bad_argument", "shard: no directory");
  if (options.compression_level < 1 || options.compression_level > 9) {
    return make_error("bad_argument", "shard: compression_level must be 1 to 9");
  }
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec || !fs::is_directory(options.dir, ec)) {
    return make_error("io_error", "shard: cannot create " + options.dir + (ec ? ": " + ec.message() : ""));
  }
  // Continue after the highest shard there (temporary leftovers included, so none is reused).
  uint64_t next = 0;
  for (fs::directory_iterator it(options.dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const int64_t n = std::max(shard_number(name, false), shard_number(name, true));
    if (n >= 0) next = std::max(next, static_cast<uint64_t>(n) + 1);
  }
  if (ec) return make_error("io_error", "shard: cannot list " + options.dir + ": " + ec.message());
  return std::unique_ptr<ShardWriter>(new ShardWriter(std::move(options), next));
}

ShardWriter::ShardWriter(ShardWriterOptions options, uint64_t next_number)
    : options_(std::move(options)), next_number_(next_number) {}

ShardWriter::~ShardWriter() { (void)close(); }

Status ShardWriter::open_shard() {
  const std::string name = shard_name(next_number_++);
  final_path_ = (fs::path(options_.dir) / name).string();
  temp_path_ = (fs::path(options_.dir) / ("." + name + ".tmp")).string();
  const std::string mode = "wb" + std::to_string(options_.compression_level);
  gzFile file = gzopen(temp_path_.c_str(), mode.c_str());
  if (file == nullptr)
    return make_error("io_error", "shard: cannot create " + temp_path_ + ": " + std::strerror(errno));
  gzbuffer(file, 1 << 17);
  std::string header(kShardMagic, sizeof kShardMagic);
  put_u32(header, kShardVersion);
  put_u32(header, 0);  // flags, none yet
  if (gzwrite(file, header.data(), static_cast<unsigned>(header.size())) != static_cast<int>(header.size())) {
    gzclose(file);
    std::error_code ec;
    fs::remove(temp_path_, ec);
    return make_error("io_error", "shard: cannot write " + temp_path_);
  }
  file_ = file;
  shard_trajectories_ = 0;
  shard_bytes_ = header.size();
  return ok_status();
}

Status ShardWriter::finish_shard() {
  if (file_ == nullptr) return ok_status();
  gzFile file = static_cast<gzFile>(file_);
  file_ = nullptr;
  std::string footer;
  put_u32(footer, kEndTag);
  put_u32(footer, 8);
  put_u64(footer, shard_trajectories_);
  const bool wrote =
      gzwrite(file, footer.data(), static_cast<unsigned>(footer.size())) == static_cast<int>(footer.size());
  const int closed = gzclose(file);
  std::error_code ec;
  if (!wrote || closed != Z_OK) {
    fs::remove(temp_path_, ec);
    return make_error("io_error", "shard: cannot complete " + temp_path_);
  }
  fs::rename(temp_path_, final_path_, ec);
  if (ec) return make_error("io_error", "shard: cannot rename " + temp_path_ + ": " + ec.message());
  completed_.push_back(final_path_);
  return ok_status();
}

Status ShardWriter::write(const Trajectory& trajectory) {
  Result<std::string> body = encode_trajectory(trajectory);
  if (!body.ok()) return body.error();
  std::string record;
  put_u32(record, kTrajectoryTag);
  put_u32(record, static_cast<uint32_t>(body->size()));
  std::lock_guard lock(mutex_);
  if (closed_) return make_error("closed", "shard: the writer is closed");
  if (file_ == nullptr) {
    if (Status s = open_shard(); !s.ok()) return s;
  }
  gzFile file = static_cast<gzFile>(file_);
  if (gzwrite(file, record.data(), static_cast<unsigned>(record.size())) != static_cast<int>(record.size()) ||
      gzwrite(file, body->data(), static_cast<unsigned>(body->size())) != static_cast<int>(body->size())) {
    int errnum = Z_OK;
    const std::string message = gzerror(file, &errnum);
    gzclose(file);
    file_ = nullptr;
    std::error_code ec;
    fs::remove(temp_path_, ec);
    return make_error("io_error",
                      "shard: cannot write " + temp_path_ + " (" + message + "); its shard is lost");
  }
  ++shard_trajectories_;
  ++total_;
  shard_bytes_ += record.size() + body->size();
  const bool full = (options_.max_trajectories > 0 && shard_trajectories_ >= options_.max_trajectories) ||
                    (options_.max_bytes > 0 && shard_bytes_ >= options_.max_bytes);
  return full ? finish_shard() : ok_status();
}

Status ShardWriter::flush() {
  std::lock_guard lock(mutex_);
  return finish_shard();
}

Status ShardWriter::close() {
  std::lock_guard lock(mutex_);
  if (closed_) return ok_status();
  closed_ = true;
  return finish_shard();
}

std::vector<std::string> ShardWriter::completed() const {
  std::lock_guard lock(mutex_);
  return completed_;
}

uint64_t ShardWriter::trajectories_written() const {
  std::lock_guard lock(mutex_);
  return total_;
}

}  // namespace arena::selfplay
