#include "server/arena/leaderboard.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "games/registry.h"
#include "server/arena/ratings/bradley_terry.h"

namespace arena {

Result<RatingGroupQuery> resolve_rating_group(db::Store& store, const std::string& text) {
  RatingGroupQuery query;
  std::vector<std::string> names;  // the games whose groups are related
  const GameRegistry& registry = GameRegistry::instance();
  if (const GameFamily* family = registry.find_family(text); family && !registry.find(text)) {
    for (const GameRegistration& r : registry.registrations()) {
      if (r.family == family->name) names.push_back(r.type.name);
    }
  } else {
    Result<std::shared_ptr<const Game>> game = make_game(text);
    if (!game.ok()) return game.error();
    query.group = (*game)->rating_group();
    names.push_back((*game)->type().name);
  }
  Result<std::vector<db::RatingRow>> all = store.ratings("");
  if (!all.ok()) return all.error();
  for (const db::RatingRow& r : *all) {
    const std::string name = r.game.substr(0, r.game.find('('));
    if (r.game != query.group && std::count(names.begin(), names.end(), name) &&
        !std::count(query.related.begin(), query.related.end(), r.game)) {
      query.related.push_back(r.game);
    }
  }
  std::sort(query.related.begin(), query.related.end());
  return query;
}

Result<Leaderboard> compute_leaderboard(db::Store& store, const std::string& rating_group,
                                        int bootstrap_samples, uint64_t seed, const RatingPeriods& periods) {
  Result<std::vector<db::MatchRecord>> records = store.rated_results(rating_group);
  if (!records.ok()) return records.error();

  // Players get dense indices in order of first appearance.
  std::map<int64_t, int> index;
  std::vector<LeaderboardEntry> entries;
  auto index_of = [&](int64_t id, const std::string& name, db::PlayerKind kind) {
    auto [it, inserted] = index.emplace(id, static_cast<int>(entries.size()));
    if (inserted) {
      LeaderboardEntry e;
      e.player_id = id;
      e.name = name;
      e.kind = kind;
      entries.push_back(e);
    }
    return it->second;
  };

  Leaderboard board;
  board.game = rating_group;
  std::map<std::string, double> max_utility;  // by game spec, for puzzles
  std::vector<MatchResults> matches;
  for (const db::MatchRecord& r : *records) {
    if (r.match.result.size() != r.seats.size()) continue;
    std::vector<int> players;
    for (const db::SeatRow& s : r.seats)
      players.push_back(index_of(s.player_id, s.player_name, s.player_kind));
    std::vector<double> returns = r.match.result;
    if (players.size() == 1) {
      // A puzzle is the solver's opponent: a solve is a win.
      if (!r.match.puzzle_player_id) continue;
      if (!max_utility.count(r.match.game)) {
        Result<std::shared_ptr<const Game>> g = make_game(r.match.game);
        if (!g.ok()) continue;
        max_utility[r.match.game] = (*g)->max_utility();
      }
      Result<std::optional<db::PlayerRow>> puzzle = store.player(*r.match.puzzle_player_id);
      if (!puzzle.ok()) return puzzle.error();
      if (!*puzzle) continue;
      players.push_back(index_of((*puzzle)->id, (*puzzle)->name, (*puzzle)->kind));
      const bool solved = returns[0] >= max_utility[r.match.game] - 1e-9;
      returns = {solved ? 1.0 : 0.0, solved ? 0.0 : 1.0};
    }
    MatchResults m;
    for (const PairwiseResult& pair : pairs_from_returns(players, returns)) {
      if (pair.a != pair.b) m.pairs.push_back(pair);  // a player against itself says nothing
    }
    ++board.matches;
    if (!m.pairs.empty()) matches.push_back(std::move(m));
  }

  if (entries.empty()) return board;
  // The random agent is 0 in every game; without it the first player seen is.
  int anchor = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].name == "random" && entries[i].kind == db::PlayerKind::kAgent)
      anchor = static_cast<int>(i);
  }
  board.anchor = entries[anchor].name;
  const BradleyTerryTable table = bradley_terry_with_intervals(static_cast<int>(entries.size()), matches,
                                                               anchor, bootstrap_samples, seed);
  for (size_t i = 0; i < entries.size(); ++i) {
    entries[i].rating = table.players[i].rating;
    entries[i].low = table.players[i].low;
    entries[i].high = table.players[i].high;
    entries[i].games = table.players[i].games;
    entries[i].score = table.players[i].score;
  }
  Result<std::vector<db::RatingRow>> live = store.ratings(rating_group);
  if (!live.ok()) return live.error();
  const auto now = std::chrono::system_clock::now();
  for (const db::RatingRow& row : *live) {
    auto it = index.find(row.player_id);
    if (it != index.end()) entries[it->second].live = rating_as_of(row, periods, now);
  }
  // Exploitability is looked up, never computed here: a stored figure or none.
  Result<std::vector<db::ExploitabilityRow>> exploitability = store.exploitability(rating_group);
  if (!exploitability.ok()) return exploitability.error();
  for (LeaderboardEntry& e : entries) {
    if (e.kind != db::PlayerKind::kAgent) continue;
    for (const db::ExploitabilityRow& row : *exploitability) {
      if (row.player == e.name) e.exploitability = row;
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const LeaderboardEntry& a, const LeaderboardEntry& b) { return a.rating > b.rating; });
  board.entries = std::move(entries);
  return board;
}

}  // namespace arena
