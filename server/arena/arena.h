// Arena: the matches of one server without any transport. It creates matches (agents and
// remote players in any mix) and keeps the live ones, recovers after a restart and
// publishes typed events; its collaborators keep the live Glicko-2 ratings (LiveRatings),
// pair seeks and challenges (Matchmaker) and keep a few house matches running for people
// to watch (HouseMatches). The network layer (server/net) and the command line drive it.
//
// Threading: thread-safe; each collaborator has its own lock. Matches run on strands of
// the given io_context; subscribers are called from those strands, concurrently for
// different matches. Stop the io_context before destroying the arena.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/rng.h"
#include "db/store.h"
#include "server/arena/house_matches.h"
#include "server/arena/live_ratings.h"
#include "server/arena/match.h"
#include "server/arena/matchmaking.h"
#include "server/arena/requests.h"

namespace arena {

struct ArenaConfig {
  // House matches: this many rated agent-vs-agent matches kept running.
  int house_matches = 2;
  // Specs; empty: every registered game's showcase (its first example spec, e.g. go(size=9)).
  std::vector<std::string> house_games;
  // Agent specs that play house matches; each game gets the ones that can play it (GNU Go
  // plays Go only, and only where it is installed). They are the games' rating anchors.
  std::vector<std::string> house_agents = {"random"};
  // An agent seated in every house match of a game it can play (serve: the shared agent),
  // at a random seat, the other seats drawn from house_agents; empty: none.
  std::string house_featured;
  Millis house_move_interval{500};  // pacing, so people can watch
  // Agents that accept challenges (spec -> accepted), for people and bots to play against.
  std::vector<std::string> challengeable_agents = {"random"};
  // Names that stand for an agent spec which may change while serving (serve: "shared" for
  // the shared agent's checkpoint, nn:<run>@<step>, moved on by set_alias when a learning
  // run promotes a newer one). The lists above may hold such a name: a match seats the spec
  // it stands for when the match starts, so every checkpoint is rated as its own player.
  std::map<std::string, std::string> agent_aliases;
  Millis disconnect_grace{30'000};
  // Matches a remote player may sit in at once, however they are made (seeks, challenges).
  int max_live_matches_per_player = 64;
  MatchmakingLimits matchmaking;
  // Nonzero: match seeds come from a generator seeded with it (reproducible tests). Zero:
  // each match's seed comes from the operating system's cryptographic generator, so a
  // finished match's published seed tells nothing about any other match's deal.
  uint64_t seed = 0;
  // The live Glicko-2 ratings' periods (see LiveRatings).
  RatingPeriods rating_periods;
  // The node this arena is, among several serving one database (arena serve --node, 1 to
  // kMaxNodes - 1): its matches are stored as its own, and it recovers only those; 0: a
  // single server.
  int64_t node = 0;
};

class Arena {
 public:
  using Subscriber = std::function<void(const ArenaEvent&)>;

  Arena(asio::io_context& io, db::Store& store, ArenaConfig config = {});
  ~Arena();

  // Loads live ratings, then ends or resumes this node's matches left unfinished by a
  // previous run: agent-only matches resume from their stored moves; the others end as
  // aborted ("server_restart"). Blocking: call before serving.
  Status recover();
  // Claims the unfinished matches of `dead_node` (whose lock the caller holds: see
  // db::NodeLocks) and resumes them here, remote players' too (a MatchCreated each: their
  // players come back through any node within the disconnect grace, or forfeit); a record
  // that does not replay ends ("server_restart"). Blocking: call off the network threads.
  // Gives the claimed ids.
  Result<std::vector<int64_t>> take_over(int64_t dead_node);
  // The live ratings' periods (what a leaderboard shows a rating as of now with).
  const RatingPeriods& rating_periods() const { return config_.rating_periods; }

  // Creates and starts a match: its game spec is resolved here, once, and the agents'
  // specs are checked against it (can_play) without making them; `done` gets its id once
  // it is stored. Every way of making a match comes here, and here the rules that hold for
  // all of them are kept: a match with a guest seat is unrated, and a remote player sits in
  // at most config.max_live_matches_per_player live matches ("rate_limited" past it).
  void create_match(MatchRequest request, MatchDone done);
  std::shared_ptr<Match> find(int64_t match_id);
  // The live matches' ids.
  std::vector<int64_t> live_matches();
  // The live matches remote player `player_id` sits in.
  int live_matches_of(int64_t player_id);

  // Event subscription; returns an id for unsubscribe().
  int subscribe(Subscriber subscriber);
  void unsubscribe(int id);

  // --- Matchmaking (see Matchmaker) ------------------------------------------------
  using OpenSeek = arena::OpenSeek;
  using ChallengeOutcome = arena::ChallengeOutcome;
  // Resolves game specs: call off the network threads.
  Result<int64_t> seek(const SeatRequest& who, Seek seek);
  bool cancel_seek(int64_t seek_id) { return matchmaker_.cancel_seek(seek_id); }
  std::vector<OpenSeek> open_seeks(int64_t after = 0, size_t limit = SIZE_MAX, bool* more = nullptr) {
    return matchmaker_.open_seeks(after, limit, more);
  }
  void challenge(const SeatRequest& from, const std::string& to_name, const std::string& game,
                 const TimeControl& time_control, bool rated,
                 std::function<void(Result<ChallengeOutcome>)> done) {
    matchmaker_.challenge(from, to_name, game, time_control, rated, std::move(done));
  }
  void accept_challenge(int64_t challenge_id, const SeatRequest& by, MatchDone done) {
    matchmaker_.accept_challenge(challenge_id, by, std::move(done));
  }
  Status decline_challenge(int64_t challenge_id, int64_t player_id) {
    return matchmaker_.decline_challenge(challenge_id, player_id);
  }
  // The challengeable agents that can play the registered game `name` ("go"), in the
  // configured order (found once, at construction, on the game's showcase spec), each alias
  // as the spec it stands for now.
  std::vector<std::string> opponents(const std::string& name) const;
  // Whether `name` is a house agent that accepts challenges at once (a challenge to it asks
  // nobody; the live-match cap bounds it).
  bool is_house_opponent(const std::string& name) const;

  // --- Aliases (ArenaConfig::agent_aliases) -----------------------------------------
  // The spec `agent` stands for now: an alias's target, any other spec as it is.
  std::string resolve_agent(const std::string& agent) const;
  // Points an alias at another spec (which must play the games the old one did) for the
  // matches that start from now on; matches in play keep their agents.
  void set_alias(const std::string& name, const std::string& spec);

  // Keeps config.house_matches matches running from now on (see HouseMatches).
  void start_house_matches() { house_.start(); }
  // Stops starting new matches; matches in play go on.
  void stop();

 private:
  void emit(const ArenaEvent& event);
  // Resumes or ends one unfinished match (recover; take_over with resume_remote).
  Status recover_match(const db::MatchRecord& record, bool resume_remote);
  // Starts a match of a resolved game (what create_match and the collaborators call).
  void start_match(std::shared_ptr<const Game> game, MatchRequest request, MatchDone done);
  void on_finished(int64_t match_id);
  uint64_t next_seed();
  // Counts a new match for its remote players, all or none: false (nothing counted) when
  // one of them is at the cap. Under mutex_.
  bool reserve_live(const std::vector<SeatRequest>& seats);
  void release_live(const std::vector<int64_t>& remote_players);
  MatchHooks hooks();
  Result<std::shared_ptr<Match>> build(int64_t id, const MatchRequest& request,
                                       std::shared_ptr<const Game> game, std::vector<SeatInfo> seats,
                                       bool stored_active);

  asio::io_context& io_;
  db::Store& store_;
  const ArenaConfig config_;
  std::map<std::string, std::vector<std::string>> opponents_;  // game name -> agents; fixed at construction

  std::mutex mutex_;  // guards the fields below it
  std::map<int64_t, std::shared_ptr<Match>> matches_;
  std::map<int, Subscriber> subscribers_;
  int next_subscriber_ = 1;
  std::map<std::string, int64_t> agent_players_;  // agent spec -> player id
  std::map<int64_t, int> live_per_player_;        // remote player -> live (or starting) matches
  Rng seeds_;                                     // used only with config.seed

  mutable std::mutex aliases_mutex_;            // guards aliases_
  std::map<std::string, std::string> aliases_;  // from config.agent_aliases, then set_alias

  LiveRatings ratings_;
  Matchmaker matchmaker_;
  HouseMatches house_;
};

}  // namespace arena
