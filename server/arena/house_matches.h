// HouseMatches: a few rated agent-vs-agent matches kept running, paced so people can
// follow them, so that a fresh server has something to watch and leaderboards that fill.
// Each game's lineup is the house agents that can play it (found once, at construction).
//
// Thread-safety: thread-safe (one mutex); top-ups run on the io_context.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/rng.h"
#include "server/arena/asio.h"
#include "server/arena/requests.h"

namespace arena {

struct HouseConfig {
  int matches = 2;                  // kept running
  std::vector<std::string> games;   // specs
  std::vector<std::string> agents;  // agent specs; each game gets the ones that can play it
  Millis move_interval{500};        // pacing
  std::string featured;  // seated in every match of a game it can play (ArenaConfig::house_featured)
};

class HouseMatches {
 public:
  struct Hooks {
    StartMatch start;
    std::function<bool(int64_t match_id)> is_live;  // whether a match is still in play
    // An agent alias's spec (Arena::resolve_agent): what can_play is asked of at construction.
    // The lineups keep the alias, which the arena resolves as each match starts.
    std::function<std::string(const std::string&)> resolve;
  };
  HouseMatches(asio::io_context& io, HouseConfig config, uint64_t seed, Hooks hooks);

  // Keeps config.matches matches running from now on.
  void start();
  // Starts no more.
  void stop();
  // A match ended: a house match's place is filled again.
  void on_finished(int64_t match_id);

 private:
  struct Lineup {
    std::shared_ptr<const Game> game;
    std::vector<std::string> agents;  // the house agents that can play it
    bool featured = false;            // whether config.featured can play it
  };
  void top_up();

  asio::io_context& io_;
  const HouseConfig config_;
  const Hooks hooks_;
  std::vector<Lineup> lineups_;  // fixed at construction

  std::mutex mutex_;  // guards everything below
  std::set<int64_t> live_;
  int starting_ = 0;
  bool on_ = false;
  bool stopped_ = false;
  Rng picks_;  // which lineup, which agents, each match's seed
};

}  // namespace arena
