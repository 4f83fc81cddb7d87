// store_crash_writer DBFILE SEED: a writer for the store's crash test (store_test.cc). It
// resumes the matches a killed run left unfinished, then creates matches and appends moves
// until it is killed, printing "ack <match> <ply>" once a move has committed and
// "fin <match>" once a match has finished. Any failed write exits with status 3.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/rng.h"
#include "db/sql_store.h"

namespace arena::db {
namespace {

[[noreturn]] void fail(const std::string& what, const Error& error) {
  std::fprintf(stderr, "store_crash_writer: %s: %s\n", what.c_str(), error.message.c_str());
  std::fflush(stderr);
  std::_Exit(3);  // from the writer thread too: no destructors, no flush of the queue
}

// One line per commit; the callbacks all run on the store's writer thread, in commit order.
void report(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
}

// Appends a random number of moves to `match` from ply `from` without waiting, finishes
// the match half of the time, then waits for all of it to commit.
void play(Store& store, int64_t match, int from, int64_t a, int64_t b, int& games, Rng& rng) {
  const int n = 1 + static_cast<int>(rng.uniform(40));
  for (int ply = from; ply < from + n; ++ply) {
    MoveRow move;
    move.ply = ply;
    move.seat = ply % 2;
    move.action = "m" + std::to_string(ply);
    move.step = Json(ply);
    move.rewards = {0.0, 0.0};
    store.append_move(match, move, [match, ply](Status s) {
      if (!s.ok()) fail("append_move", s.error());
      report("ack " + std::to_string(match) + " " + std::to_string(ply) + "\n");
    });
  }
  if (rng.uniform(2) == 0) {
    ++games;
    MatchEnd end;
    end.match_id = match;
    end.result = {1.0, -1.0};
    end.termination = "normal";
    end.ratings = {{a, "", PlayerKind::kAgent, "kuhn_poker", 1500.0 + games, 300.0, 0.06, games, ""},
                   {b, "", PlayerKind::kAgent, "kuhn_poker", 1500.0 - games, 300.0, 0.06, games, ""}};
    store.finish_match(end, [match](Status s) {
      if (!s.ok()) fail("finish_match", s.error());
      report("fin " + std::to_string(match) + "\n");
    });
  }
  store.flush();
}

int run(const std::string& path, uint64_t seed) {
  Result<std::unique_ptr<SqlStore>> opened = SqlStore::open(path);
  if (!opened.ok()) fail("open", opened.error());
  Store& store = **opened;
  Rng rng(seed);

  int64_t ids[2];
  const char* names[2] = {"a", "b"};
  for (int i = 0; i < 2; ++i) {
    Result<int64_t> id = wait([&](Store::DoneId done) {
      store.ensure_player(names[i], PlayerKind::kAgent, "random", std::move(done));
    });
    if (!id.ok()) fail("ensure_player", id.error());
    ids[i] = *id;
  }
  int games = 0;
  report("ready\n");

  Result<std::vector<MatchRecord>> unfinished = store.unfinished_matches(0);
  if (!unfinished.ok()) fail("unfinished_matches", unfinished.error());
  for (const MatchRecord& r : *unfinished) {
    play(store, r.match.id, static_cast<int>(r.moves.size()), ids[0], ids[1], games, rng);
  }
  for (;;) {
    MatchRow match;
    match.game = "kuhn_poker";
    match.rating_group = "kuhn_poker";
    match.rated = true;
    match.seed = rng.next_u64();
    match.time_control = "untimed";
    Result<int64_t> id = wait([&](Store::DoneId done) {
      store.create_match(match, {{0, ids[0], "", PlayerKind::kAgent}, {1, ids[1], "", PlayerKind::kAgent}},
                         std::move(done));
    });
    if (!id.ok()) fail("create_match", id.error());
    if (Status s = wait_status([&](Store::Done done) { store.start_match(*id, std::move(done)); }); !s.ok()) {
      fail("start_match", s.error());
    }
    play(store, *id, 0, ids[0], ids[1], games, rng);
  }
}

}  // namespace
}  // namespace arena::db

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: store_crash_writer DBFILE SEED\n");
    return 2;
  }
  return arena::db::run(argv[1], std::strtoull(argv[2], nullptr, 10));
}
