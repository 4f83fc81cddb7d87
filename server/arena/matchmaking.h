// Matchmaker: open seeks and pending challenges, and the matches they make. A seek's games
// are resolved once when it is placed and travel as Game objects; pairing compares their
// canonical specs. A challenge to a challengeable house agent starts at once; one to a
// person or bot waits for their answer.
//
// Thread-safety: thread-safe (one mutex over the seeks and challenges); matches are
// started and events emitted outside it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/store.h"
#include "server/arena/events.h"
#include "server/arena/requests.h"

namespace arena {

class Matchmaker {
 public:
  struct Hooks {
    StartMatch start;                             // starts a match of a resolved game
    std::function<void(const ArenaEvent&)> emit;  // ChallengeIssued, ChallengeDeclined
    std::function<uint64_t()> next_seed;          // each match's seed (its low bit picks the seats)
  };
  // `house_agents`: the agents that accept every challenge at once.
  Matchmaker(db::Store& store, std::vector<std::string> house_agents, Hooks hooks);

  // Places a seek; pairs it at once with a compatible seek of another player, if any. A
  // seek that names a one-player game (a puzzle) starts that match at once. Returns the
  // seek id; a pairing starts a match (its MatchCreated says so).
  Result<int64_t> seek(const SeatRequest& who, Seek seek);
  bool cancel_seek(int64_t seek_id);
  // The seeks waiting for a partner, oldest first.
  std::vector<OpenSeek> open_seeks();

  // Challenges a player by name: a house agent accepts at once and the match is started;
  // a remote player gets a ChallengeIssued event. `done` gets the challenge id (and the
  // match id when it started).
  void challenge(const SeatRequest& from, const std::string& to_name, const std::string& game,
                 const TimeControl& time_control, bool rated,
                 std::function<void(Result<ChallengeOutcome>)> done);
  // The challenged player accepts: the match is started; done gets its id.
  void accept_challenge(int64_t challenge_id, const SeatRequest& by, MatchDone done);
  Status decline_challenge(int64_t challenge_id, int64_t player_id);

 private:
  struct Placed {
    OpenSeek open;                                   // as listed (canonical specs)
    std::vector<std::shared_ptr<const Game>> games;  // the same games, resolved
  };
  struct PendingChallenge {
    SeatRequest from;
    int64_t to;
    std::shared_ptr<const Game> game;
    TimeControl time_control;
    bool rated;
  };

  // Seats for two players in the order a seed's low bit picks.
  static std::vector<SeatRequest> seated(uint64_t seed, const SeatRequest& a, const SeatRequest& b);

  db::Store& store_;
  const std::vector<std::string> house_agents_;
  const Hooks hooks_;

  std::mutex mutex_;  // guards everything below
  std::map<int64_t, Placed> seeks_;
  int64_t next_seek_ = 1;
  std::map<int64_t, PendingChallenge> challenges_;
  int64_t next_challenge_ = 1;
};

}  // namespace arena
