// Trajectory shards: the files self-play leaves for the learner (and, later, ships from other
// machines). A shard is a gzip-compressed, little-endian binary file of trajectories, named
// "<dir>/shard-<6 digits>.arena.gz"; SHARDS.md documents the format byte by byte.
//
// Reading never trusts a length: every count is checked against the bytes that remain, so a
// truncated or corrupt file gives an Error, never a crash or a huge allocation.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "agents/selfplay/trajectory.h"
#include "core/result.h"

namespace arena::selfplay {

inline constexpr char kShardMagic[8] = {'A', 'R', 'E', 'N', 'A', 'T', 'R', 'J'};
inline constexpr uint32_t kShardVersion = 1;
// The largest record a reader accepts (a 19x19 Go game with its observations is well below).
inline constexpr uint32_t kMaxRecordBytes = 1u << 30;

// One trajectory as the bytes of a shard record's body (SHARDS.md, "Trajectory body"), and
// back. Usable on their own to ship trajectories through a queue. Encoding errors:
// "bad_trajectory" (a policy not the length of legal, counts that do not fit 32 bits).
// Decoding errors: "corrupt" (any length or count that does not fit, bytes left over).
Result<std::string> encode_trajectory(const Trajectory& trajectory);
Result<Trajectory> decode_trajectory(std::string_view bytes);

// Reads a whole shard. Errors: "not_found" (no such file), "bad_magic" (not a shard),
// "bad_version" (a version this build cannot read), "truncated" (the file ends early, as a
// copy cut short does), "corrupt" (damaged compressed data or a record that does not parse).
Result<std::vector<Trajectory>> read_shard(const std::string& path);

// The complete shards in `dir` ("shard-<digits>.arena.gz", temporary files left out), sorted
// by number. Errors: "not_found" (no such directory), "io_error".
Result<std::vector<std::string>> list_shards(const std::string& dir);

// Where and how often a ShardWriter starts a new file.
struct ShardWriterOptions {
  std::string dir;                   // created if missing
  uint64_t max_trajectories = 1000;  // a shard is completed after this many (0: no limit)
  uint64_t max_bytes = 64ull << 20;  // ... or once this many uncompressed bytes are in it (0: no limit)
  int compression_level = 6;         // zlib's 1 (fast) to 9 (small)
};

// Writes trajectories into shards. A shard is written under a temporary name
// (".shard-<n>.arena.gz.tmp") and renamed when complete, so a reader never sees half of
// one. Numbering continues after the highest shard already in the directory; one writer per
// directory. Thread-safety: every member may be called from any thread (one mutex; the
// trajectory is encoded before it is taken).
class ShardWriter {
 public:
  // Errors: "bad_argument" (empty dir, level out of range), "io_error" (cannot create dir).
  static Result<std::unique_ptr<ShardWriter>> open(ShardWriterOptions options);
  ~ShardWriter();  // close(), errors ignored
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  // Appends one trajectory, completing the shard when it reaches a limit. Errors:
  // "bad_trajectory" (see encode_trajectory), "io_error", "closed" (after close()).
  Status write(const Trajectory& trajectory);
  // Completes the current shard, if it holds anything; the next write starts a new one.
  Status flush();
  // flush(), then refuses further writes. Idempotent.
  Status close();

  // Paths of the shards completed so far, in order.
  std::vector<std::string> completed() const;
  uint64_t trajectories_written() const;

 private:
  explicit ShardWriter(ShardWriterOptions options, uint64_t next_number);
  Status open_shard();    // with mutex_ held
  Status finish_shard();  // with mutex_ held

  const ShardWriterOptions options_;
  mutable std::mutex mutex_;  // guards what follows
  uint64_t next_number_;
  void* file_ = nullptr;  // the open gzFile, or null between shards
  std::string temp_path_, final_path_;
  uint64_t shard_trajectories_ = 0;
  uint64_t shard_bytes_ = 0;  // uncompressed
  uint64_t total_ = 0;
  bool closed_ = false;
  std::vector<std::string> completed_;
};

}  // namespace arena::selfplay
