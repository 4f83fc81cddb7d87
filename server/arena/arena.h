// Arena: the matches of one server without any transport. It creates matches (agents and
// remote players in any mix), keeps live Glicko-2 ratings, pairs seeks and challenges,
// keeps a few house matches running for people to watch, recovers after a restart, and
// publishes typed events. The network layer (server/net) and the command line drive it.
//
// Threading: thread-safe. Matches run on strands of the given io_context; subscribers are
// called from those strands, concurrently for different matches. Stop the io_context
// before destroying the arena.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/rng.h"
#include "db/store.h"
#include "server/arena/match.h"
#include "server/arena/ratings/glicko2.h"

namespace arena {

// Who sits at a seat: an in-process agent made from a spec, or a remote player.
struct SeatRequest {
  std::string agent;  // agent spec ("random"); empty for a remote player
  // Remote players: who they are (the network layer knows from the token or cookie).
  int64_t player_id = 0;
  std::string name;
  db::PlayerKind kind = db::PlayerKind::kBot;

  static SeatRequest agent_seat(std::string spec) {
    SeatRequest s;
    s.agent = std::move(spec);
    return s;
  }
};

struct MatchRequest {
  std::string game;
  std::vector<SeatRequest> seats;
  TimeControl time_control;
  bool rated = true;
  std::optional<uint64_t> seed;  // drawn by the arena when absent
  Millis min_move_interval{0};
};

// A standing offer to play: any of `games` at any of `time_controls`.
struct Seek {
  int64_t player_id = 0;
  std::vector<std::string> games;  // specs (canonicalised by the arena)
  std::vector<TimeControl> time_controls;
  bool rated = true;
};

struct ArenaConfig {
  // House matches: this many rated agent-vs-agent matches kept running.
  int house_matches = 2;
  // Specs; empty: every registered game's showcase (its first example spec, e.g. go(size=9)).
  std::vector<std::string> house_games;
  // Agent specs that play house matches; each game gets the ones that can play it (GNU Go
  // plays Go only, and only where it is installed). They are the games' rating anchors.
  std::vector<std::string> house_agents = {"random"};
  Millis house_move_interval{500};  // pacing, so people can watch
  // Agents that accept challenges (spec -> accepted), for people and bots to play against.
  std::vector<std::string> challengeable_agents = {"random"};
  Millis disconnect_grace{30'000};
  uint64_t seed = 0;  // 0: from the clock
};

class Arena {
 public:
  using Subscriber = std::function<void(const ArenaEvent&)>;

  Arena(asio::io_context& io, db::Store& store, ArenaConfig config = {});
  ~Arena();

  // Loads live ratings, then ends or resumes matches left unfinished by a previous run:
  // agent-only matches resume from their stored moves; the others end as aborted
  // ("server_restart"). Blocking: call before serving.
  Status recover();

  // Creates and starts a match; `done` gets its id once it is stored.
  void create_match(MatchRequest request, std::function<void(Result<int64_t>)> done);
  std::shared_ptr<Match> find(int64_t match_id);
  // The live matches' ids.
  std::vector<int64_t> live_matches();

  // Event subscription; returns an id for unsubscribe().
  int subscribe(Subscriber subscriber);
  void unsubscribe(int id);

  // --- Matchmaking ------------------------------------------------------------------
  // Places a seek; pairs it at once with a compatible seek of another player, if any. A
  // seek that names a one-player game (a puzzle) starts that match at once.
  // Returns the seek id; a pairing emits MatchCreated.
  Result<int64_t> seek(const SeatRequest& who, Seek seek);
  bool cancel_seek(int64_t seek_id);
  struct OpenSeek {
    int64_t id = 0;
    SeatRequest who;
    Seek seek;
  };
  // The seeks waiting for a partner, oldest first.
  std::vector<OpenSeek> open_seeks();
  // The challengeable agents that can play the registered game `name` ("go"), in the
  // configured order (found once, at construction, on the game's showcase spec).
  std::vector<std::string> opponents(const std::string& name) const;
  // Challenges a player (by name). A challengeable house agent accepts at once and the
  // match is created; a remote player gets a ChallengeIssued event. Gives the challenge id.
  struct ChallengeOutcome {
    int64_t challenge_id = 0;
    int64_t match_id = 0;  // set when a house agent accepted at once
  };
  void challenge(const SeatRequest& from, const std::string& to_name, const std::string& game,
                 const TimeControl& time_control, bool rated,
                 std::function<void(Result<ChallengeOutcome>)> done);
  // The challenged player accepts: the match is created; done gets its id.
  void accept_challenge(int64_t challenge_id, const SeatRequest& by,
                        std::function<void(Result<int64_t>)> done);
  Status decline_challenge(int64_t challenge_id, int64_t player_id);

  // Keeps config.house_matches matches running from now on.
  void start_house_matches();
  // Stops starting new matches; matches in play go on.
  void stop();

 private:
  struct PendingChallenge {
    SeatRequest from;
    int64_t to;
    std::string game;
    TimeControl time_control;
    bool rated;
  };

  void emit(const ArenaEvent& event);
  std::vector<db::RatingRow> rate(const Match& match, const std::vector<double>& returns,
                                  std::optional<int64_t> puzzle_player_id);
  void on_finished(int64_t match_id);
  void top_up_house_matches();
  uint64_t next_seed();
  MatchHooks hooks();
  Result<std::shared_ptr<Match>> build(int64_t id, const MatchRequest& request,
                                       std::shared_ptr<const Game> game, std::vector<SeatInfo> seats,
                                       bool stored_active);

  asio::io_context& io_;
  db::Store& store_;
  ArenaConfig config_;

  std::mutex mutex_;  // guards everything below
  std::map<int64_t, std::shared_ptr<Match>> matches_;
  std::map<int, Subscriber> subscribers_;
  int next_subscriber_ = 1;
  std::map<std::pair<int64_t, std::string>, db::RatingRow> ratings_;  // (player, group) -> live rating
  std::map<std::string, int64_t> agent_players_;                      // agent spec -> player id
  std::map<int64_t, OpenSeek> seeks_;
  int64_t next_seek_ = 1;
  std::map<int64_t, PendingChallenge> challenges_;
  int64_t next_challenge_ = 1;
  struct HouseLineup {
    std::string game;                 // a spec
    std::vector<std::string> agents;  // the house agents that can play it
  };
  std::vector<HouseLineup> house_lineups_;                     // fixed at construction
  std::map<std::string, std::vector<std::string>> opponents_;  // game name -> agents; fixed too
  std::set<int64_t> house_;                                    // ids of live house matches
  int house_starting_ = 0;
  bool house_on_ = false;
  bool stopped_ = false;
  Rng seeds_;
};

}  // namespace arena
