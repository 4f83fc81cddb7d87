// Matchmaker: open seeks and pending challenges, and the matches they make. A seek's games
// are resolved once when it is placed and travel as Game objects; pairing looks its
// (canonical spec, time control, rated) pairs up in an index of the open seeks, so placing
// a seek costs a few map lookups whatever is open. A challenge to a challengeable house
// agent starts at once; one to a person or bot waits for their answer until it expires.
// Everything is bounded (MatchmakingLimits): open seeks in all and per player, a seek's
// lists, pending challenges per sender and per target.
//
// Thread-safety: thread-safe (one mutex over the seeks and challenges); matches are
// started and events emitted outside it. seek() resolves game specs: call it off the
// network threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "db/store.h"
#include "server/arena/events.h"
#include "server/arena/requests.h"

namespace arena {

struct MatchmakingLimits {
  int max_open_seeks = 10'000;
  int max_seeks_per_player = 8;
  int max_challenges_per_sender = 16;
  int max_challenges_per_target = 64;
  int max_pending_challenges = 10'000;
  std::chrono::milliseconds challenge_ttl{5 * 60'000};  // unanswered challenges expire
};

class Matchmaker {
 public:
  struct Hooks {
    StartMatch start;                             // starts a match of a resolved game
    std::function<void(const ArenaEvent&)> emit;  // ChallengeIssued, ChallengeDeclined
    std::function<uint64_t()> next_seed;          // each match's seed (its low bit picks the seats)
    std::function<std::string(const std::string&)>
        resolve;  // an agent alias's spec now (Arena::resolve_agent)
  };
  // `house_agents`: the agents that accept every challenge at once.
  // `node`: the arena's node (0 on a single server), which numbers the ids (see kMaxNodes).
  Matchmaker(db::Store& store, std::vector<std::string> house_agents, MatchmakingLimits limits, Hooks hooks,
             int64_t node = 0);

  // Places a seek; pairs it at once with a compatible seek of another player, if any. A
  // seek that names a one-player game (a puzzle) starts that match at once. Returns the
  // seek id; a pairing starts a match (its MatchCreated says so).
  Result<int64_t> seek(const SeatRequest& who, Seek seek);
  bool cancel_seek(int64_t seek_id);
  // The seeks waiting for a partner, oldest first: at most `limit` of them with ids above
  // `after` (a page; `more` says whether others follow).
  std::vector<OpenSeek> open_seeks(int64_t after, size_t limit, bool* more = nullptr);

  // Challenges a player by name: a house agent accepts at once and the match is started;
  // a remote player gets a ChallengeIssued event. `done` gets the challenge id (and the
  // match id when it started).
  void challenge(const SeatRequest& from, const std::string& to_name, const std::string& game,
                 const TimeControl& time_control, bool rated,
                 std::function<void(Result<ChallengeOutcome>)> done);
  // The challenged player accepts (before it expires): the match is started; done gets its id.
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
    std::chrono::steady_clock::time_point expires;
  };
  // What pairs two seeks: a two-player game's canonical spec, a time control, rated or not.
  static std::string pairing_key(const std::string& spec, const TimeControl& tc, bool rated);

  // Seats for two players in the order a seed's low bit picks.
  static std::vector<SeatRequest> seated(uint64_t seed, const SeatRequest& a, const SeatRequest& b);

  // Under the mutex.
  void remove_seek(std::map<int64_t, Placed>::iterator it);
  void remove_challenge(std::map<int64_t, PendingChallenge>::iterator it);
  void expire_challenges();
  // The next seek or challenge id from `counter` (see kMaxNodes). Under the mutex.
  int64_t next_id(int64_t& counter) const;

  db::Store& store_;
  const std::vector<std::string> house_agents_;
  const MatchmakingLimits limits_;
  const Hooks hooks_;
  const int64_t node_;

  std::mutex mutex_;  // guards everything below
  std::map<int64_t, Placed> seeks_;
  std::map<std::string, std::set<int64_t>> seek_index_;  // pairing key -> open seeks, oldest first
  std::map<int64_t, int> seeks_per_player_;
  int64_t next_seek_ = 1;
  std::map<int64_t, PendingChallenge> challenges_;  // ids grow with time: oldest (first to expire) first
  std::map<int64_t, int> challenges_from_, challenges_to_;
  int64_t next_challenge_ = 1;
};

}  // namespace arena
