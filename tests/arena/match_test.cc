#include <gtest/gtest.h>

#include "games/registry.h"
#include "server/arena/export.h"
#include "tests/arena/arena_fixture.h"

namespace arena::testing {
namespace {

MatchRequest agents_only(const std::string& game, std::vector<std::string> agents, uint64_t seed) {
  MatchRequest r;
  r.game = game;
  for (auto& a : agents) r.seats.push_back(SeatRequest::agent_seat(a));
  r.seed = seed;
  return r;
}

TEST_F(ArenaTest, AnAgentMatchIsStoredMoveByMoveAndReplaysToItsResult) {
  open_arena();
  const int64_t id = create(agents_only("kuhn_poker", {"random", "random"}, 7));
  std::optional<MatchEnded> end = wait_end(id);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->status, "finished");
  EXPECT_EQ(end->termination, "normal");
  store_->flush();
  auto record = store_->match(id);
  ASSERT_TRUE(record.ok() && *record);
  const db::MatchRecord& r = **record;
  EXPECT_EQ(r.match.status, "finished");
  EXPECT_EQ(r.match.seed, 7u);
  EXPECT_EQ(r.match.result, end->returns);
  ASSERT_GE(r.moves.size(), 4u);
  EXPECT_EQ(r.moves[0].seat, kChancePlayer);
  EXPECT_EQ(r.moves[0].action.rfind("deal ", 0), 0u) << "the store keeps the dealt card";
  for (size_t i = 0; i < r.moves.size(); ++i) EXPECT_EQ(r.moves[i].ply, static_cast<int>(i));
  Result<std::unique_ptr<State>> final_state = replay_match(r);
  ASSERT_TRUE(final_state.ok()) << final_state.error().message;
  EXPECT_TRUE((*final_state)->is_terminal());
  EXPECT_EQ((*final_state)->returns(), r.match.result);
  // Every stored move was announced, chance outcomes without their text.
  EXPECT_EQ(events_.count<MoveMade>([id](const MoveMade& m) { return m.match_id == id; }),
            static_cast<int>(r.moves.size()));
  EXPECT_EQ(events_.count<MoveMade>(
                [id](const MoveMade& m) { return m.match_id == id && m.seat == -1 && !m.action.empty(); }),
            0);
}

// An external engine's answers become the match's ending: "resign" is a resignation, a
// hang past its deadline a loss on time (the fake GTP engine from the GTP tests).
TEST_F(ArenaTest, AnEngineThatResignsOrHangsEndsTheMatchAsAResignationOrAFlag) {
  open_arena();
  const std::string engine = GTP_FAKE_ENGINE;
  const int64_t resigned =
      create(agents_only("go(size=9)", {"gtp(command='" + engine + " --resign')", "random"}, 3));
  std::optional<MatchEnded> end = wait_end(resigned);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->termination, "resign");
  EXPECT_EQ(end->returns, (std::vector<double>{-1.0, 1.0}));

  MatchRequest timed =
      agents_only("go(size=9)", {"random", "gtp(command='" + engine + " --hang-on genmove')"}, 4);
  timed.time_control = *TimeControl::parse("move:200");  // 200 ms a move; the engine's deadline follows
  const int64_t hung = create(timed);
  end = wait_end(hung);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->termination, "flag");
  EXPECT_EQ(end->returns, (std::vector<double>{1.0, -1.0}));
}

// A UCI engine that crashes mid-game forfeits (agent_error); one that hangs loses on time
// (the fake UCI engine from the UCI tests). Neither holds the match up.
TEST_F(ArenaTest, AUciEngineThatCrashesOrHangsMidGameLosesTheMatch) {
  open_arena();
  const std::string engine = UCI_FAKE_ENGINE;
  MatchRequest crashing =
      agents_only("chess", {"uci(command='" + engine + " --crash-on-go 2')", "random"}, 3);
  crashing.time_control = *TimeControl::parse("move:500");
  const int64_t crashed = create(crashing);
  std::optional<MatchEnded> end = wait_end(crashed);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->termination, "agent_error");
  EXPECT_EQ(end->returns, (std::vector<double>{-1.0, 1.0}));

  MatchRequest timed = agents_only("chess", {"random", "uci(command='" + engine + " --hang-on-go 1')"}, 4);
  timed.time_control = *TimeControl::parse("move:200");
  const int64_t hung = create(timed);
  end = wait_end(hung);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->termination, "flag");
  EXPECT_EQ(end->returns, (std::vector<double>{1.0, -1.0}));
}

TEST_F(ArenaTest, TheSameSeedReplaysTheSameMatch) {
  open_arena();
  const int64_t a = create(agents_only("kuhn_poker", {"random", "random"}, 99));
  const int64_t b = create(agents_only("kuhn_poker", {"random", "random"}, 99));
  ASSERT_TRUE(wait_end(a) && wait_end(b));
  store_->flush();
  auto ra = store_->match(a), rb = store_->match(b);
  ASSERT_TRUE(ra.ok() && rb.ok());
  ASSERT_EQ((*ra)->moves.size(), (*rb)->moves.size());
  for (size_t i = 0; i < (*ra)->moves.size(); ++i) EXPECT_EQ((*ra)->moves[i].step, (*rb)->moves[i].step);
}

TEST_F(ArenaTest, ARemoteSeatIsCheckedAndAcknowledgedOnlyAfterTheMoveIsStored) {
  open_arena();
  MatchRequest r;
  r.game = "kuhn_poker";
  r.seats = {remote("alice"), SeatRequest::agent_seat("random")};
  r.seed = 3;
  const int64_t id = create(r);
  std::optional<StateChanged> turn = wait_turn(id, 0);
  ASSERT_TRUE(turn);
  EXPECT_EQ(turn->ply, 2);  // after the two deals
  EXPECT_EQ(turn->legal[0], (std::vector<std::string>{"check", "bet"}));
  EXPECT_TRUE(turn->legal[1].empty());
  EXPECT_TRUE((*turn->seat_views[0])["state"]["cards"][0].is_string()) << "seat 0 sees its card";
  EXPECT_TRUE((*turn->seat_views[0])["state"]["cards"][1].is_null()) << "but not the other";
  EXPECT_TRUE((*turn->spectator_view)["state"]["cards"][0].is_null()) << "a spectator sees no card";
  EXPECT_FALSE(turn->seat_views[1]) << "an agent's seat has no view";

  std::shared_ptr<Match> match = arena_->find(id);
  ASSERT_TRUE(match);
  Status s = call_match([&](Match::Done d) { match->submit(0, 2, "raise 300", d); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "illegal_action");
  EXPECT_NE(s.error().message.find("check or bet"), std::string::npos) << s.error().message;
  s = call_match([&](Match::Done d) { match->submit(0, 1, "bet", d); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "stale_ply");
  s = call_match([&](Match::Done d) { match->submit(1, 2, "bet", d); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "not_your_turn");

  s = call_match([&](Match::Done d) { match->submit(0, 2, "bet", d); });
  ASSERT_TRUE(s.ok()) << s.error().message;
  // Acknowledged means stored: another connection already reads the move.
  auto record = store_->match(id);
  ASSERT_TRUE(record.ok() && *record);
  ASSERT_GE((*record)->moves.size(), 3u);
  EXPECT_EQ((*record)->moves[2].action, "bet");
  EXPECT_EQ((*record)->moves[2].seat, 0);
  ASSERT_TRUE(wait_end(id));
  EXPECT_EQ(call_match([&](Match::Done d) { match->submit(0, 4, "call", d); }).error().code, "match_over");
}

TEST_F(ArenaTest, AFlagFallEndsTheMatchAsAForfeit) {
  open_arena();
  MatchRequest r;
  r.game = "kuhn_poker";
  r.seats = {remote("slow"), SeatRequest::agent_seat("random")};
  r.time_control = *TimeControl::parse("move:60");
  r.seed = 5;
  const int64_t id = create(r);
  std::optional<MatchEnded> end = wait_end(id);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->termination, "flag");
  EXPECT_EQ(end->returns, (std::vector<double>{-1, 1})) << "a forfeit in poker is a fold of the ante";
}

TEST_F(ArenaTest, FischerClockChargesThinkingAndAddsTheIncrement) {
  Clock c(*TimeControl::parse("fischer:1000+500"));
  EXPECT_EQ(c.available(), Millis(1000));
  EXPECT_TRUE(c.charge(Millis(300)));
  EXPECT_EQ(c.remaining_ms(), 1200);
  EXPECT_FALSE(c.charge(Millis(1300)));
  EXPECT_EQ(c.remaining_ms(), 0);
  Clock untimed(TimeControl{});
  EXPECT_TRUE(untimed.charge(Millis(1'000'000)));
  EXPECT_EQ(untimed.remaining_ms(), -1);
  EXPECT_EQ(TimeControl::parse("3+2")->to_string(), "fischer:3000+2000");
  EXPECT_EQ(TimeControl::parse("5s")->to_string(), "move:5000");
  for (const char* bad : {"fast", "fischer:", "fischer:0+1", "move:-3", "3+", "+2"}) {
    EXPECT_FALSE(TimeControl::parse(bad).ok()) << bad;
  }
}

TEST(TimeControlTest, AbsurdTimesAreRefusedBeforeAnyArithmetic) {
  // Found by time_control_fuzz: "6+3152525502525508" read as an increment of 3.2e18 ms, and
  // think_budget() overflowed on it; "9223372036854775807s" overflowed in parse() itself.
  // A clock or a move may have at most a day, an increment at most an hour.
  for (const char* bad : {"6+3152525502525508", "9223372036854775807s", "99999999999999999s",
                          "9223372036854775807+0", "fischer:99999999999999999999+0", "86401+0", "60+3601",
                          "86401s", "fischer:86400001+0", "fischer:1000+3600001", "move:86400001"}) {
    EXPECT_FALSE(TimeControl::parse(bad).ok()) << bad;
    EXPECT_EQ(TimeControl::parse(bad).error().code, "bad_time_control") << bad;
  }
  EXPECT_EQ(TimeControl::parse("86400+3600")->to_string(), "fischer:86400000+3600000");
  EXPECT_EQ(TimeControl::parse("move:86400000")->to_string(), "move:86400000");
  EXPECT_EQ(TimeControl::parse("86400s")->to_string(), "move:86400000");
}

TEST_F(ArenaTest, ResignationAndAbort) {
  open_arena();
  MatchRequest r;
  r.game = "kuhn_poker";
  r.seats = {remote("quitter"), SeatRequest::agent_seat("random")};
  r.seed = 11;
  int64_t id = create(r);
  ASSERT_TRUE(wait_turn(id, 0));
  std::shared_ptr<Match> m = arena_->find(id);
  Status s = call_match([&](Match::Done d) { m->abort(0, d); });
  ASSERT_TRUE(s.ok()) << s.error().message;
  std::optional<MatchEnded> end = wait_end(id);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->status, "aborted");
  EXPECT_EQ(end->termination, "abort");

  r.seed = 12;
  id = create(r);
  ASSERT_TRUE(wait_turn(id, 0));
  m = arena_->find(id);
  ASSERT_TRUE(call_match([&](Match::Done d) { m->submit(0, 2, "check", d); }).ok());
  // The agent answers; whatever follows, a move has been made and abort is refused.
  s = call_match([&](Match::Done d) { m->abort(0, d); });
  if (!s.ok()) {
    EXPECT_TRUE(s.error().code == "too_late" || s.error().code == "match_over") << s.error().code;
  }
  if (s.ok()) FAIL() << "abort accepted after a move";
  if (arena_->find(id)) {
    s = call_match([&](Match::Done d) { m->resign(0, d); });
    if (s.ok()) {
      end = wait_end(id);
      ASSERT_TRUE(end);
      EXPECT_EQ(end->termination, "resign");
      EXPECT_LT(end->returns[0], 0);
    }
  }
}

TEST_F(ArenaTest, DisconnectedSeatsForfeitAfterTheGracePeriodUnlessTheyReturn) {
  ArenaConfig config = no_house();
  config.disconnect_grace = Millis(80);
  open_arena(config);
  MatchRequest r;
  r.game = "kuhn_poker";
  r.seats = {remote("flaky"), SeatRequest::agent_seat("random")};
  r.seed = 13;
  const int64_t id = create(r);
  ASSERT_TRUE(wait_turn(id, 0));
  std::shared_ptr<Match> m = arena_->find(id);
  m->set_connected(0, false);
  std::this_thread::sleep_for(Millis(20));
  m->set_connected(0, true);
  std::this_thread::sleep_for(Millis(150));
  EXPECT_FALSE(
      events_.wait_for<MatchEnded>([id](const MatchEnded& e) { return e.match_id == id; }, Millis(1)))
      << "came back within the grace period";
  m->set_connected(0, false);
  std::optional<MatchEnded> end = wait_end(id);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->termination, "disconnect");
  EXPECT_EQ(end->returns[0], -1);
}

TEST_F(ArenaTest, SimultaneousOrdersStaySecretUntilEverySeatHasGivenThem) {
  open_arena();
  MatchRequest r;
  r.game = "test_blotto(rounds=1)";
  r.seats = {remote("red"), remote("blue")};
  r.seed = 1;
  const int64_t id = create(r);
  ASSERT_TRUE(wait_turn(id, 0));
  std::shared_ptr<Match> m = arena_->find(id);
  std::promise<Status> first_ack;
  m->submit_orders(0, 0, {"unit1->field1", "unit2->field1"}, [&](Status s) { first_ack.set_value(s); });
  Status bad = call_match([&](Match::Done d) { m->submit_orders(1, 0, {"unit1->field2"}, d); });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "illegal_action");
  std::this_thread::sleep_for(Millis(30));
  EXPECT_EQ(events_.count<MoveMade>([id](const MoveMade& e) { return e.match_id == id; }), 0)
      << "nothing is revealed while orders are missing";
  Status again = call_match([&](Match::Done d) {
    m->submit_orders(0, 0, {"unit1->field2", "unit2->field2"}, d);
  });
  EXPECT_EQ(again.error().code, "not_your_turn") << "orders once per phase";
  // A client that reconnects now is not offered orders again: the seat that gave its own is
  // no longer to act, and its list of legal orders is empty.
  std::promise<StateChanged> snapshot;
  m->snapshot([&](const StateChanged& e, bool) { snapshot.set_value(e); });
  const StateChanged now = snapshot.get_future().get();
  EXPECT_EQ(now.to_act, std::vector<int>{1});
  EXPECT_TRUE(now.legal[0].empty());
  EXPECT_FALSE(now.legal[1].empty());
  ASSERT_TRUE(call_match([&](Match::Done d) {
                m->submit_orders(1, 0, {"unit1->field2", "unit2->field3"}, d);
              }).ok());
  EXPECT_TRUE(first_ack.get_future().get().ok());
  std::optional<MatchEnded> end = wait_end(id);
  ASSERT_TRUE(end);
  // red 2 on field 1; blue 1 on field 2 and 1 on field 3: red wins one field, loses two.
  EXPECT_NEAR(end->returns[0], -1.0 / 3, 1e-12);
  store_->flush();
  auto record = store_->match(id);
  ASSERT_EQ((*record)->moves.size(), 1u);
  EXPECT_EQ((*record)->moves[0].seat, kSimultaneousPlayer);
}

TEST_F(ArenaTest, DrawsAreAgreedOnlyWhereTheGameHasThem) {
  open_arena();
  MatchRequest r;
  r.game = "test_blotto";
  r.seats = {remote("east"), remote("west")};
  r.seed = 1;
  const int64_t id = create(r);
  ASSERT_TRUE(wait_turn(id, 0));
  std::shared_ptr<Match> m = arena_->find(id);
  ASSERT_TRUE(call_match([&](Match::Done d) { m->offer_draw(0, d); }).ok());
  ASSERT_TRUE(call_match([&](Match::Done d) { m->offer_draw(1, d); }).ok());
  std::optional<MatchEnded> end = wait_end(id);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->termination, "draw_agreed");
  EXPECT_EQ(end->returns, (std::vector<double>{0, 0}));

  MatchRequest poker;
  poker.game = "kuhn_poker";
  poker.seats = {remote("east"), SeatRequest::agent_seat("random")};
  poker.seed = 2;
  const int64_t pid = create(poker);
  ASSERT_TRUE(wait_turn(pid, 0));
  Status s = call_match([&](Match::Done d) { arena_->find(pid)->offer_draw(0, d); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "no_draws");
}

TEST_F(ArenaTest, RatedMatchesUpdateLiveRatingsAndHistory) {
  open_arena();
  MatchRequest r;
  r.game = "kuhn_poker";
  r.seats = {remote("bob"), SeatRequest::agent_seat("random")};
  r.seed = 21;
  const int64_t id = create(r);
  ASSERT_TRUE(wait_turn(id, 0));
  std::shared_ptr<Match> m = arena_->find(id);
  ASSERT_TRUE(call_match([&](Match::Done d) { m->resign(0, d); }).ok());
  std::optional<MatchEnded> end = wait_end(id);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->termination, "resign");
  EXPECT_EQ(end->returns, (std::vector<double>{-1, 1})) << "resigning before betting costs the ante";
  EXPECT_EQ(call_match([&](Match::Done d) { m->resign(1, d); }).error().code, "match_over");
  store_->flush();
  auto ratings = store_->ratings("kuhn_poker");
  ASSERT_TRUE(ratings.ok());
  ASSERT_EQ(ratings->size(), 2u);
  EXPECT_EQ((*ratings)[0].player_name, "random") << "the winner is first";
  EXPECT_GT((*ratings)[0].rating, 1500);
  EXPECT_LT((*ratings)[1].rating, 1500);
  EXPECT_LT((*ratings)[0].deviation, 350);
  auto history = store_->rating_history((*ratings)[1].player_id, "kuhn_poker");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].match_id, id);
}

// Found by the fault test (tests/fault): rated matches that share a player and end at once
// must be stored in the order they were rated, or a later write puts back ratings from
// before an earlier one (a lost update: the stored ratings no longer follow from the results).
TEST_F(ArenaTest, RatedMatchesEndingAtOnceLoseNoRatingUpdate) {
  open_arena();
  constexpr int kRounds = 6, kMatches = 120;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::shared_ptr<Match>> matches;
    for (int i = 0; i < kMatches; ++i) {
      MatchRequest r;
      r.game = "kuhn_poker";
      r.seats = {remote("rusher-" + std::to_string(i % 8)), SeatRequest::agent_seat("random")};
      r.seed = 1000 + round * kMatches + i;
      const int64_t id = create(r);
      ASSERT_TRUE(wait_turn(id, 0));
      matches.push_back(arena_->find(id));
    }
    // Every match resigns at once, from several threads.
    std::vector<std::thread> resigners;
    std::atomic<int> next{0};
    for (int t = 0; t < 4; ++t) {
      resigners.emplace_back([&] {
        for (int i; (i = next++) < kMatches;) matches[i]->resign(0, [](Status) {});
      });
    }
    for (auto& t : resigners) t.join();
    ASSERT_TRUE(events_.wait_count<MatchEnded>((round + 1) * kMatches));
  }
  store_->flush();
  auto ratings = store_->ratings("kuhn_poker");
  ASSERT_TRUE(ratings.ok());
  for (const db::RatingRow& row : *ratings) {
    SCOPED_TRACE(row.player_name);
    auto history = store_->rating_history(row.player_id, "kuhn_poker");
    ASSERT_TRUE(history.ok());
    EXPECT_EQ(row.games, row.player_name == "random" ? kRounds * kMatches : kRounds * kMatches / 8)
        << "a rated match whose update was lost";
    ASSERT_FALSE(history->empty());
    EXPECT_EQ(row.rating, history->back().rating) << "the stored rating is not the last one computed";
  }
}

TEST_F(ArenaTest, APuzzleIsRatedAsTheSolversOpponent) {
  open_arena();
  MatchRequest r;
  r.game = "game24(puzzle=1)";  // 1 1 4 6
  r.seats = {remote("solver")};
  r.seed = 1;
  const int64_t id = create(r);
  ASSERT_TRUE(wait_turn(id, 0));
  std::shared_ptr<Match> m = arena_->find(id);
  ASSERT_TRUE(call_match([&](Match::Done d) { m->submit(0, 0, "1+1", d); }).ok());
  ASSERT_TRUE(wait_turn(id, 0, 1));
  ASSERT_TRUE(call_match([&](Match::Done d) { m->submit(0, 1, "2*6=12", d); }).ok());
  ASSERT_TRUE(wait_turn(id, 0, 2));
  ASSERT_TRUE(call_match([&](Match::Done d) { m->submit(0, 2, "4+12", d); }).ok());  // 16: not solved
  std::optional<MatchEnded> end = wait_end(id);
  ASSERT_TRUE(end);
  store_->flush();
  auto record = store_->match(id);
  ASSERT_TRUE((*record)->match.puzzle_player_id.has_value());
  auto ratings = store_->ratings("game24");
  ASSERT_EQ(ratings->size(), 2u);
  EXPECT_EQ((*ratings)[0].player_name, "game24(puzzle=1)") << "the unsolved puzzle won";
  auto puzzles = store_->puzzles("game24");
  ASSERT_EQ(puzzles->size(), 1u);
  EXPECT_DOUBLE_EQ((*puzzles)[0].difficulty, 4.4);
}

TEST_F(ArenaTest, RecoveryResumesAgentMatchesAndAbortsTheOthers) {
  // A first run stops with two matches in progress: one between agents, one with a person.
  open_arena();
  MatchRequest people;
  people.game = "kuhn_poker";
  people.seats = {remote("carol"), SeatRequest::agent_seat("random")};
  people.seed = 31;
  const int64_t with_person = create(people);
  ASSERT_TRUE(wait_turn(with_person, 0));
  MatchRequest agents = agents_only("kuhn_poker", {"random", "random"}, 32);
  agents.min_move_interval = Millis(200);  // slow, so it is caught mid-match
  const int64_t agent_match = create(agents);
  ASSERT_TRUE(
      events_.wait_for<MoveMade>([&](const MoveMade& e) { return e.match_id == agent_match && e.ply >= 2; }));
  close_arena();
  auto before = store_->match(agent_match);
  ASSERT_TRUE(before.ok() && *before);
  ASSERT_EQ((*before)->match.status, "active");
  const std::vector<db::MoveRow> stored = (*before)->moves;

  // The restart.
  open_arena();
  ASSERT_TRUE(arena_->recover().ok());
  std::optional<MatchEnded> resumed = wait_end(agent_match);
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->status, "finished");
  store_->flush();
  auto after = store_->match(agent_match);
  ASSERT_GE((*after)->moves.size(), stored.size());
  for (size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ((*after)->moves[i].step, stored[i].step) << "nothing stored is rewritten";
    EXPECT_EQ((*after)->moves[i].created_at, stored[i].created_at);
  }
  EXPECT_TRUE(replay_match(**after).ok());
  auto aborted = store_->match(with_person);
  EXPECT_EQ((*aborted)->match.status, "aborted");
  EXPECT_EQ((*aborted)->match.termination, "server_restart");
}

TEST_F(ArenaTest, CompatibleSeeksArePaired) {
  open_arena();
  SeatRequest a = remote("a"), b = remote("b"), c = remote("c");
  Seek blotto_only{a.player_id, {"test_blotto"}, {TimeControl{}}, true};
  ASSERT_TRUE(arena_->seek(a, blotto_only).ok());
  Seek kuhn{b.player_id, {"kuhn_poker"}, {*TimeControl::parse("move:5000")}, true};
  ASSERT_TRUE(arena_->seek(b, kuhn).ok());
  EXPECT_TRUE(arena_->live_matches().empty()) << "nothing in common yet";
  Seek kuhn_other_clock{c.player_id, {"kuhn_poker"}, {TimeControl{}}, true};
  Result<int64_t> open = arena_->seek(c, kuhn_other_clock);
  ASSERT_TRUE(open.ok());
  EXPECT_TRUE(arena_->live_matches().empty()) << "time controls differ";
  EXPECT_TRUE(arena_->cancel_seek(*open));
  Seek kuhn_same{c.player_id, {"kuhn_poker", "game24"}, {*TimeControl::parse("move:5000")}, true};
  ASSERT_TRUE(arena_->seek(c, kuhn_same).ok());
  std::optional<MatchCreated> created =
      events_.wait_for<MatchCreated>([](const MatchCreated&) { return true; });
  ASSERT_TRUE(created);
  EXPECT_EQ(created->game, "kuhn_poker");
  std::set<int64_t> players{created->seats[0].player_id, created->seats[1].player_id};
  EXPECT_EQ(players, (std::set<int64_t>{b.player_id, c.player_id}));
  EXPECT_EQ(created->time_control, "move:5000");
  EXPECT_FALSE(arena_->seek(a, Seek{a.player_id, {"nope"}, {}, true}).ok());
  // A puzzle needs no partner: its seek starts the match at once.
  ASSERT_TRUE(arena_->seek(a, Seek{a.player_id, {"game24(puzzle=2)"}, {}, false}).ok());
  std::optional<MatchCreated> solo =
      events_.wait_for<MatchCreated>([](const MatchCreated& m) { return m.game == "game24(puzzle=2)"; });
  ASSERT_TRUE(solo);
  ASSERT_EQ(solo->seats.size(), 1u);
  EXPECT_EQ(solo->seats[0].player_id, a.player_id);
}

TEST_F(ArenaTest, ChallengesToHouseAgentsAreAcceptedAndPeopleDecide) {
  open_arena();
  SeatRequest dave = remote("dave"), erin = remote("erin");
  std::promise<Result<Arena::ChallengeOutcome>> house;
  arena_->challenge(dave, "random", "kuhn_poker", TimeControl{}, false,
                    [&](Result<Arena::ChallengeOutcome> r) { house.set_value(r); });
  Result<Arena::ChallengeOutcome> accepted = house.get_future().get();
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_GT(accepted->match_id, 0);

  std::promise<Result<Arena::ChallengeOutcome>> person;
  arena_->challenge(dave, "erin", "kuhn_poker", TimeControl{}, true,
                    [&](Result<Arena::ChallengeOutcome> r) { person.set_value(r); });
  Result<Arena::ChallengeOutcome> issued = person.get_future().get();
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(issued->match_id, 0);
  ASSERT_TRUE(events_.wait_for<ChallengeIssued>(
      [&](const ChallengeIssued& c) { return c.to_player_id == erin.player_id; }));
  EXPECT_FALSE(arena_->decline_challenge(issued->challenge_id, dave.player_id).ok())
      << "only the challenged decides";
  std::promise<Result<int64_t>> match;
  arena_->accept_challenge(issued->challenge_id, erin, [&](Result<int64_t> r) { match.set_value(r); });
  EXPECT_TRUE(match.get_future().get().ok());

  std::promise<Result<Arena::ChallengeOutcome>> nobody;
  arena_->challenge(dave, "zed", "kuhn_poker", TimeControl{}, true,
                    [&](Result<Arena::ChallengeOutcome> r) { nobody.set_value(r); });
  Result<Arena::ChallengeOutcome> unknown = nobody.get_future().get();
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "unknown_player");
}

// An alias (serve's "shared") seats the spec it stands for when each match starts: house
// matches, challenges by the alias or by that spec, and the opponents offered follow
// set_alias from then on.
TEST_F(ArenaTest, AnAliasSeatsTheSpecItStandsForAndMovesOnWithSetAlias) {
  const std::string before = "mcts(simulations=8)", after = "mcts(simulations=16)";
  ArenaConfig config = no_house();
  config.house_matches = 1;
  config.house_games = {"kuhn_poker"};
  config.house_agents = {"random"};
  config.house_featured = "best";
  config.house_move_interval = Millis(0);
  config.challengeable_agents = {"random", "best"};
  config.agent_aliases = {{"best", before}};
  open_arena(config);
  auto seats_name = [](const MatchCreated& m, const std::string& name) {
    return std::any_of(m.seats.begin(), m.seats.end(), [&](const SeatInfo& s) { return s.name == name; });
  };
  EXPECT_EQ(arena_->opponents("kuhn_poker"), (std::vector<std::string>{"random", before}));
  EXPECT_TRUE(arena_->is_house_opponent(before));
  arena_->start_house_matches();
  EXPECT_TRUE(events_.wait_for<MatchCreated>([&](const MatchCreated& m) { return seats_name(m, before); }));

  SeatRequest dave = remote("dave");
  auto challenge = [&](const std::string& to) {
    std::promise<Result<Arena::ChallengeOutcome>> done;
    arena_->challenge(dave, to, "kuhn_poker", TimeControl{}, true,
                      [&](Result<Arena::ChallengeOutcome> r) { done.set_value(r); });
    return done.get_future().get();
  };
  Result<Arena::ChallengeOutcome> by_alias = challenge("best");
  ASSERT_TRUE(by_alias.ok()) << by_alias.error().message;
  EXPECT_TRUE(events_.wait_for<MatchCreated>(
      [&](const MatchCreated& m) { return m.match_id == by_alias->match_id && seats_name(m, before); }));

  arena_->set_alias("best", after);
  EXPECT_EQ(arena_->opponents("kuhn_poker"), (std::vector<std::string>{"random", after}));
  EXPECT_TRUE(arena_->is_house_opponent(after));
  EXPECT_FALSE(arena_->is_house_opponent(before));
  Result<Arena::ChallengeOutcome> by_spec = challenge(after);
  ASSERT_TRUE(by_spec.ok()) << by_spec.error().message;
  EXPECT_TRUE(events_.wait_for<MatchCreated>(
      [&](const MatchCreated& m) { return m.match_id == by_spec->match_id && seats_name(m, after); }));
  EXPECT_FALSE(challenge(before).ok()) << "the spec it stood for is no house opponent now";
  EXPECT_TRUE(events_.wait_for<MatchCreated>([&](const MatchCreated& m) {
    return m.match_id > by_spec->match_id && seats_name(m, after);
  })) << "house matches seat the new spec";
}

TEST_F(ArenaTest, HouseMatchesKeepRunningAndFillTheLeaderboard) {
  ArenaConfig config;
  config.house_matches = 2;
  config.house_games = {"kuhn_poker", "game24"};
  config.house_move_interval = Millis(0);
  config.seed = 5;
  open_arena(config);
  arena_->start_house_matches();
  ASSERT_TRUE(events_.wait_count<MatchEnded>(6)) << "house matches stopped coming";
  EXPECT_LE(static_cast<int>(arena_->live_matches().size()), 2);
  arena_->stop();
  store_->flush();
  auto finished = store_->matches(db::MatchFilter{"", 0, "finished", 0, 100});
  ASSERT_TRUE(finished.ok());
  EXPECT_GE(finished->size(), 6u);
  for (const db::MatchRow& m : *finished) EXPECT_TRUE(m.rated);
}

TEST_F(ArenaTest, BadRequestsAreErrors) {
  open_arena();
  std::promise<Result<int64_t>> p1, p2, p3;
  arena_->create_match(agents_only("chess9", {"random", "random"}, 1),
                       [&](Result<int64_t> r) { p1.set_value(r); });
  EXPECT_EQ(p1.get_future().get().error().code, "bad_spec");
  arena_->create_match(agents_only("kuhn_poker", {"random"}, 1), [&](Result<int64_t> r) { p2.set_value(r); });
  EXPECT_EQ(p2.get_future().get().error().code, "bad_request");
  arena_->create_match(agents_only("kuhn_poker", {"random", "oracle"}, 1),
                       [&](Result<int64_t> r) { p3.set_value(r); });
  EXPECT_EQ(p3.get_future().get().error().code, "bad_spec");
}

}  // namespace
}  // namespace arena::testing
