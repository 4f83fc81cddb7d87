// LiveRatings: periods of many games, idle deviations that grow for people and bots, and
// players of fixed strength that do not drift.
#include "server/arena/live_ratings.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "db/sql_store.h"
#include "games/registry.h"

namespace arena {
namespace {

using std::chrono::hours;
using std::chrono::system_clock;

// Kuhn poker matches between given players, never started: rate() reads only their facts.
class LiveRatingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("live_ratings_test_" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path_);
    auto s = db::SqlStore::open(path_.string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    game_ = *make_game("kuhn_poker");
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove(path_);
  }

  // Rates a match of `a` against `b` that `a` won (or lost) and commits it (or fails to);
  // gives the rows.
  std::vector<db::RatingRow> play(LiveRatings& ratings, const SeatInfo& a, const SeatInfo& b, bool a_won,
                                  bool stored = true) {
    MatchSetup setup;
    setup.id = ++match_id_;
    setup.game = game_;
    setup.seats = {a, b};
    setup.rated = true;
    Match match(io_, *store_, setup, {});
    std::vector<db::RatingRow> rows;
    ratings.rate(match, a_won ? std::vector<double>{1, -1} : std::vector<double>{-1, 1}, std::nullopt,
                 [&](std::vector<db::RatingRow> r) { rows = std::move(r); });
    ratings.settle(match.id(), rows, stored);
    return rows;
  }
  static const db::RatingRow& of(const std::vector<db::RatingRow>& rows, int64_t player) {
    for (const db::RatingRow& r : rows) {
      if (r.player_id == player) return r;
    }
    throw std::runtime_error("no row for player " + std::to_string(player));
  }

  asio::io_context io_;
  std::filesystem::path path_;
  std::unique_ptr<db::SqlStore> store_;
  std::shared_ptr<const Game> game_;
  int64_t match_id_ = 0;
  system_clock::time_point now_ = system_clock::from_time_t(1'780'000'000);  // mid-period
  LiveRatings::Clock clock_ = [this] { return now_; };
};

const SeatInfo kBotA{1, "bot-a", db::PlayerKind::kBot};
const SeatInfo kBotB{2, "bot-b", db::PlayerKind::kBot};
const SeatInfo kAgent{3, "nn:shared@100", db::PlayerKind::kAgent};

TEST_F(LiveRatingsTest, APeriodsGamesAreRatedTogetherAgainstTheOpponentsStart) {
  LiveRatings ratings(RatingPeriods{hours(24)}, clock_);
  const Glicko2Rating fresh;
  std::vector<db::RatingRow> rows;
  for (bool a_won : {true, true, false}) rows = play(ratings, kBotA, kBotB, a_won);
  // One update from the period's start over the three games, each against B's start.
  const Glicko2Rating a = glicko2_update(fresh, {{fresh, 1}, {fresh, 1}, {fresh, 0}});
  EXPECT_NEAR(of(rows, 1).rating, a.rating, 1e-9);
  EXPECT_NEAR(of(rows, 1).deviation, a.deviation, 1e-9);
  EXPECT_NEAR(of(rows, 1).volatility, a.volatility, 1e-12);
  EXPECT_EQ(of(rows, 1).games, 3);
  // The order of a period's games does not matter.
  LiveRatings other(RatingPeriods{hours(24)}, clock_);
  for (bool a_won : {false, true, true}) rows = play(other, kBotA, kBotB, a_won);
  EXPECT_NEAR(of(rows, 1).rating, a.rating, 1e-9);

  // The next period starts from where this one ended, against B's end of it.
  const Glicko2Rating b = glicko2_update(fresh, {{fresh, 0}, {fresh, 0}, {fresh, 1}});
  now_ += hours(24);
  rows = play(ratings, kBotA, kBotB, true);
  const Glicko2Rating next = glicko2_update(a, {{b, 1}});
  EXPECT_NEAR(of(rows, 1).rating, next.rating, 1e-9);
  EXPECT_NEAR(of(rows, 1).deviation, next.deviation, 1e-9);
}

TEST_F(LiveRatingsTest, IdlePeriodsGrowABotsDeviationButNotAnAgents) {
  LiveRatings ratings(RatingPeriods{hours(24)}, clock_);
  std::vector<db::RatingRow> rows;
  for (int i = 0; i < 20; ++i) rows = play(ratings, kBotA, kAgent, i % 3 == 0);
  const Glicko2Rating bot{of(rows, 1).rating, of(rows, 1).deviation, of(rows, 1).volatility};
  const Glicko2Rating agent{of(rows, 3).rating, of(rows, 3).deviation, of(rows, 3).volatility};
  // 31 periods on: 30 passed without a game (the one they played in closed with its games).
  now_ += hours(24 * 31);
  rows = play(ratings, kBotA, kAgent, true);
  Glicko2Rating bot_start = bot;
  bot_start.deviation = glicko2_idle_deviation(bot, 30);
  EXPECT_GT(bot_start.deviation, bot.deviation + 5);
  const Glicko2Rating bot_next = glicko2_update(bot_start, {{agent, 1}});
  EXPECT_NEAR(of(rows, 1).deviation, bot_next.deviation, 1e-9);
  EXPECT_NEAR(of(rows, 1).rating, bot_next.rating, 1e-9);
  const Glicko2Rating agent_next = glicko2_update(agent, {{bot_start, 0}}, 0.5, true);
  EXPECT_NEAR(of(rows, 3).deviation, agent_next.deviation, 1e-9);
  EXPECT_LT(of(rows, 3).deviation, agent.deviation) << "a fixed strength only grows more certain";

  // What a leaderboard shows as of a later day, from the stored rows.
  db::RatingRow stored = of(rows, 1);
  stored.player_kind = db::PlayerKind::kBot;
  stored.updated_at = "2026-05-28T22:10:00.000Z";
  const RatingPeriods periods{hours(24)};
  const system_clock::time_point later =
      system_clock::from_time_t(*periods.index(stored.updated_at) * 86400) + hours(24 * 11 + 3);
  EXPECT_NEAR(rating_as_of(stored, periods, later).deviation,
              glicko2_idle_deviation({stored.rating, stored.deviation, stored.volatility}, 10), 1e-9);
  EXPECT_EQ(rating_as_of(stored, periods, later).rating, stored.rating);
  stored.player_kind = db::PlayerKind::kAgent;
  EXPECT_EQ(rating_as_of(stored, periods, later).deviation, stored.deviation);
  EXPECT_EQ(rating_as_of(stored, RatingPeriods{std::chrono::seconds(0)}, later).deviation, stored.deviation);
}

TEST_F(LiveRatingsTest, WithoutPeriodsEveryMatchIsAPeriod) {
  LiveRatings ratings(RatingPeriods{std::chrono::seconds(0)}, clock_);
  Glicko2Rating a, b;
  for (bool a_won : {true, false, true}) {
    const std::vector<db::RatingRow> rows = play(ratings, kBotA, kBotB, a_won);
    const Glicko2Rating a2 = glicko2_update(a, {{b, a_won ? 1.0 : 0.0}});
    const Glicko2Rating b2 = glicko2_update(b, {{a, a_won ? 0.0 : 1.0}});
    a = a2;
    b = b2;
    EXPECT_NEAR(of(rows, 1).rating, a.rating, 1e-9);
    EXPECT_NEAR(of(rows, 2).rating, b.rating, 1e-9);
    EXPECT_NEAR(of(rows, 2).volatility, b.volatility, 1e-12);
  }
}

TEST_F(LiveRatingsTest, ARestartEndsThePeriodWhereTheStoredRatingsStand) {
  LiveRatings before(RatingPeriods{hours(24)}, clock_);
  std::vector<db::RatingRow> rows;
  for (bool a_won : {true, false}) rows = play(before, kBotA, kBotB, a_won);
  for (db::RatingRow& r : rows) {
    r.player_kind = db::PlayerKind::kBot;
    r.updated_at = "2026-05-28T22:10:00.000Z";  // within now_'s period
  }
  ASSERT_EQ(*RatingPeriods{hours(24)}.index(rows[0].updated_at), RatingPeriods{hours(24)}.index(now_));
  LiveRatings after(RatingPeriods{hours(24)}, clock_);
  after.load(rows);
  const Glicko2Rating a{of(rows, 1).rating, of(rows, 1).deviation, of(rows, 1).volatility};
  const Glicko2Rating b{of(rows, 2).rating, of(rows, 2).deviation, of(rows, 2).volatility};
  const std::vector<db::RatingRow> next = play(after, kBotA, kBotB, true);
  EXPECT_NEAR(of(next, 1).rating, glicko2_update(a, {{b, 1}}).rating, 1e-9);
  EXPECT_EQ(of(next, 1).games, 3);
  // A day later, the period of the restart closed with its game and none passed idle.
  now_ += hours(24);
  const Glicko2Rating a_end = glicko2_update(a, {{b, 1}});
  const Glicko2Rating b_end = glicko2_update(b, {{a, 0}});
  const std::vector<db::RatingRow> day_after = play(after, kBotA, kBotB, false);
  EXPECT_NEAR(of(day_after, 1).rating, glicko2_update(a_end, {{b_end, 0}}).rating, 1e-9);
}

TEST_F(LiveRatingsTest, AFailedCommitLeavesTheLiveRatingsAsTheyWere) {
  LiveRatings ratings(RatingPeriods{hours(24)}, clock_);
  play(ratings, kBotA, kBotB, true);
  play(ratings, kBotA, kBotB, true, /*stored=*/false);
  // The next match is rated as if the lost one had never been played.
  LiveRatings reference(RatingPeriods{hours(24)}, clock_);
  play(reference, kBotA, kBotB, true);
  const std::vector<db::RatingRow> got = play(ratings, kBotA, kBotB, false);
  const std::vector<db::RatingRow> want = play(reference, kBotA, kBotB, false);
  EXPECT_NEAR(of(got, 1).rating, of(want, 1).rating, 1e-9);
  EXPECT_EQ(of(got, 1).games, 2);
}

TEST(RatingPeriods, ReadStoredTimestamps) {
  const RatingPeriods day{hours(24)};
  EXPECT_EQ(day.index("1970-01-02T00:00:00.000Z"), 1);
  EXPECT_EQ(day.index("1970-01-01T23:59:59Z"), 0);
  EXPECT_EQ(day.index("2026-12-02 02:40:00"), day.index(system_clock::from_time_t(1'796'179'200)));
  EXPECT_EQ(day.index("yesterday"), std::nullopt);
  EXPECT_EQ(day.index(""), std::nullopt);
}

}  // namespace
}  // namespace arena
