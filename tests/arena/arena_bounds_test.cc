// The arena's bounds and promises (issue 14), whatever the transport: unpredictable seeds,
// the live-match cap held for every way a match is made, rated means every remote seat is
// named, bounded and indexed seeks, expiring and capped challenges.
#include <future>
#include <set>
#include <thread>

#include "tests/arena/arena_fixture.h"

namespace arena::testing {
namespace {

Result<int64_t> try_create(Arena& arena, MatchRequest request) {
  std::promise<Result<int64_t>> p;
  arena.create_match(std::move(request), [&p](Result<int64_t> r) { p.set_value(std::move(r)); });
  return p.get_future().get();
}

// A match in which remote `who` must act first and never does: it stays live.
MatchRequest waiting_for(const SeatRequest& who) {
  MatchRequest r;
  r.game = "test_blotto";  // simultaneous: every seat acts at once, so `who` is always awaited
  r.seats = {who, SeatRequest::agent_seat("random")};
  r.rated = false;
  return r;
}

TEST_F(ArenaTest, WithoutAConfiguredSeedEachMatchSeedComesFromTheOperatingSystem) {
  ArenaConfig config = no_house();
  config.seed = 0;
  open_arena(config);
  SeatRequest p = remote("p");
  std::set<uint64_t> seeds;
  uint64_t ored = 0, anded = ~uint64_t{0};
  for (int i = 0; i < 24; ++i) {
    const int64_t id = create(waiting_for(p));
    std::shared_ptr<Match> m = arena_->find(id);
    ASSERT_TRUE(m);
    seeds.insert(m->seed());
    ored |= m->seed();
    anded &= m->seed();
    std::promise<Status> done;
    m->resign(0, [&done](Status s) { done.set_value(s); });
    ASSERT_TRUE(done.get_future().get().ok());
  }
  EXPECT_EQ(seeds.size(), 24u);
  // 64 random bits a seed: over 24 seeds every bit is set somewhere and clear somewhere.
  EXPECT_EQ(ored, ~uint64_t{0});
  EXPECT_EQ(anded, uint64_t{0});
}

TEST_F(ArenaTest, AMatchWithAGuestSeatIsNeverRated) {
  open_arena();
  SeatRequest named = remote("named");
  SeatRequest guest = remote("guest-abc");
  guest.guest = true;
  guest.kind = db::PlayerKind::kHuman;
  MatchRequest r;
  r.game = "kuhn_poker";
  r.seats = {named, guest};
  r.rated = true;
  const int64_t id = create(r);
  std::optional<MatchCreated> created =
      events_.wait_for<MatchCreated>([id](const MatchCreated& c) { return c.match_id == id; });
  ASSERT_TRUE(created);
  EXPECT_FALSE(created->rated);
  Result<std::optional<db::MatchRecord>> stored = store_->match(id);
  ASSERT_TRUE(stored.ok() && *stored);
  EXPECT_FALSE((*stored)->match.rated);
  // Two named players: rated as asked.
  r.seats = {named, remote("other")};
  const int64_t rated = create(r);
  std::optional<MatchCreated> announced =
      events_.wait_for<MatchCreated>([rated](const MatchCreated& c) { return c.match_id == rated; });
  ASSERT_TRUE(announced);
  EXPECT_TRUE(announced->rated);
  store_->flush();
  stored = store_->match(rated);
  ASSERT_TRUE(stored.ok() && *stored);
  EXPECT_TRUE((*stored)->match.rated);
}

TEST_F(ArenaTest, TheLiveMatchCapHoldsWhenMatchesAreMadeConcurrently) {
  ArenaConfig config = no_house();
  config.max_live_matches_per_player = 3;
  open_arena(config);
  SeatRequest p = remote("busy");
  std::vector<std::future<Result<int64_t>>> made;
  for (int i = 0; i < 8; ++i) {
    made.push_back(std::async(std::launch::async, [&] { return try_create(*arena_, waiting_for(p)); }));
  }
  int ok = 0, refused = 0;
  for (auto& f : made) {
    Result<int64_t> r = f.get();
    if (r.ok()) {
      ++ok;
    } else {
      EXPECT_EQ(r.error().code, "rate_limited") << r.error().message;
      ++refused;
    }
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(refused, 5);
  EXPECT_EQ(arena_->live_matches_of(p.player_id), 3);
  // A seek is refused early too; ending a match frees its place.
  EXPECT_FALSE(arena_->seek(p, Seek{p.player_id, {"kuhn_poker"}, {}, false}).ok());
  const int64_t first = arena_->live_matches().front();
  std::promise<Status> resigned;
  arena_->find(first)->resign(0, [&](Status s) { resigned.set_value(s); });
  ASSERT_TRUE(resigned.get_future().get().ok());
  ASSERT_TRUE(wait_end(first));
  for (int i = 0; i < 100 && arena_->live_matches_of(p.player_id) != 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(arena_->live_matches_of(p.player_id), 2);
  EXPECT_TRUE(try_create(*arena_, waiting_for(p)).ok());
}

TEST_F(ArenaTest, SeeksPairWithTheOldestCompatibleSeekAndAreCapped) {
  ArenaConfig config = no_house();
  config.matchmaking.max_seeks_per_player = 2;
  config.matchmaking.max_open_seeks = 4;
  open_arena(config);
  SeatRequest a = remote("a"), b = remote("b"), c = remote("c"), d = remote("d");
  const TimeControl blitz = *TimeControl::parse("move:5000");
  // b and c do not fit each other; a fits both, and b's seek is the older.
  ASSERT_TRUE(arena_->seek(b, Seek{b.player_id, {"kuhn_poker"}, {blitz}, true}).ok());
  ASSERT_TRUE(arena_->seek(c, Seek{c.player_id, {"test_blotto"}, {TimeControl{}, blitz}, true}).ok());
  ASSERT_TRUE(arena_->seek(a, Seek{a.player_id, {"test_blotto", "kuhn_poker"}, {blitz}, true}).ok());
  std::optional<MatchCreated> created =
      events_.wait_for<MatchCreated>([](const MatchCreated&) { return true; });
  ASSERT_TRUE(created);
  std::set<int64_t> players{created->seats[0].player_id, created->seats[1].player_id};
  EXPECT_EQ(players, (std::set<int64_t>{a.player_id, b.player_id})) << "b's seek is the oldest that fits";
  // c's seek is still open; a player has at most two, the arena at most four.
  ASSERT_TRUE(arena_->seek(d, Seek{d.player_id, {"test_blotto"}, {blitz}, false}).ok());
  ASSERT_TRUE(arena_->seek(d, Seek{d.player_id, {"test_blotto"}, {blitz}, false}).ok());
  Result<int64_t> third = arena_->seek(d, Seek{d.player_id, {"test_blotto"}, {blitz}, false});
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, "rate_limited");
  ASSERT_TRUE(arena_->seek(a, Seek{a.player_id, {"test_blotto"}, {TimeControl{}}, false}).ok());
  Result<int64_t> full =
      arena_->seek(b, Seek{b.player_id, {"test_blotto"}, {*TimeControl::parse("move:7000")}, true});
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, "rate_limited");
  // Listed in pages, oldest first.
  bool more = false;
  std::vector<OpenSeek> page = arena_->open_seeks(0, 3, &more);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_TRUE(more);
  EXPECT_EQ(page[0].who.player_id, c.player_id);
  std::vector<OpenSeek> rest = arena_->open_seeks(page.back().id, 3, &more);
  EXPECT_EQ(rest.size(), 1u);
  EXPECT_FALSE(more);
  // A seek's lists are bounded.
  std::vector<std::string> many(kMaxSeekGames + 1, "kuhn_poker");
  EXPECT_FALSE(arena_->seek(c, Seek{c.player_id, many, {}, true}).ok());
}

TEST_F(ArenaTest, ChallengesExpireAndAreCappedPerSenderAndPerTarget) {
  ArenaConfig config = no_house();
  config.matchmaking.challenge_ttl = std::chrono::milliseconds(300);
  config.matchmaking.max_challenges_per_sender = 2;
  config.matchmaking.max_challenges_per_target = 3;
  open_arena(config);
  SeatRequest dave = remote("dave"), erin = remote("erin");
  auto challenge = [&](const SeatRequest& from, const std::string& to) {
    std::promise<Result<Arena::ChallengeOutcome>> p;
    arena_->challenge(from, to, "kuhn_poker", TimeControl{}, false,
                      [&p](Result<Arena::ChallengeOutcome> r) { p.set_value(r); });
    return p.get_future().get();
  };
  Result<Arena::ChallengeOutcome> first = challenge(dave, "erin");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(challenge(dave, "erin").ok());
  Result<Arena::ChallengeOutcome> third = challenge(dave, "erin");
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, "rate_limited");
  ASSERT_TRUE(challenge(remote("fred"), "erin").ok());
  Result<Arena::ChallengeOutcome> crowded = challenge(remote("gina"), "erin");
  ASSERT_FALSE(crowded.ok()) << "erin has three pending challenges";
  EXPECT_EQ(crowded.error().code, "rate_limited");

  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  std::promise<Result<int64_t>> late;
  arena_->accept_challenge(first->challenge_id, erin, [&](Result<int64_t> r) { late.set_value(r); });
  Result<int64_t> expired = late.get_future().get();
  ASSERT_FALSE(expired.ok()) << "an expired challenge cannot be accepted";
  EXPECT_EQ(expired.error().code, "unknown_challenge");
  EXPECT_TRUE(challenge(dave, "erin").ok()) << "expired challenges no longer count";
}

}  // namespace
}  // namespace arena::testing
