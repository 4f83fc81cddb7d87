// `arena play`: local matches between in-process agents, seats rotating from match to
// match, one JSON line per match and a summary line. With --duplicate, every deal is
// played twice with the seats swapped, and the summary reads each agent's result over the
// deal pairs (card luck cancels within a pair).
#include <algorithm>
#include <cmath>
#include <iostream>
#include <sstream>

#include "agents/local_match.h"
#include "agents/registry.h"
#include "core/args.h"
#include "core/proportion.h"
#include "games/registry.h"
#include "server/cli/commands.h"
#include "server/cli/recorded_play.h"

namespace arena::cli {
namespace {

// Per entry of --agents: how it fared over all matches.
struct Tally {
  double total_return = 0;
  int wins = 0, draws = 0, losses = 0;
  int solved = 0;  // one-player puzzles: returns at the game's maximum
  // --duplicate: the return over each deal's two plays, and the current pair's so far.
  std::vector<double> pair_returns;
  double pair_so_far = 0;
};

// A mean per hand with its 95% interval, read over duplicate pairs: each pair's return
// (two hands) is one observation, mean ± 1.96·sd/sqrt(n), halved to per hand. Fewer than
// two pairs: no interval.
struct PerHand {
  double mean = 0;
  std::optional<std::pair<double, double>> interval;
};

PerHand per_hand(const std::vector<double>& pair_returns) {
  const double n = static_cast<double>(pair_returns.size());
  if (n == 0) return {};
  double sum = 0;
  for (double x : pair_returns) sum += x;
  const double mean = sum / n;
  PerHand out{mean / 2, std::nullopt};
  if (n < 2) return out;
  double squares = 0;
  for (double x : pair_returns) squares += (x - mean) * (x - mean);
  const double half = 1.959964 * std::sqrt(squares / (n - 1)) / std::sqrt(n);
  out.interval = {{(mean - half) / 2, (mean + half) / 2}};
  return out;
}

Json interval_json(const std::optional<std::pair<double, double>>& interval, double scale) {
  if (!interval) return nullptr;
  return Json::array({interval->first * scale, interval->second * scale});
}

}  // namespace

int run_play(const std::vector<std::string>& argv) {
  std::string game_spec, agents_text, db;
  int64_t games = 1, seed = 1;
  bool duplicate = false;
  Options options(
      "play",
      "Plays local matches between agents. Seats rotate: in match i, agent k takes seat (k + i) mod "
      "players.\n"
      "Prints one JSON line per match and a summary line.");
  options.text("game", &game_spec, "game spec, e.g. kuhn_poker or 'game24(puzzle=5)'")
      .required()
      .text("agents", &agents_text, "comma-separated agent specs, one per seat, e.g. random,random")
      .required()
      .integer("games", &games, "number of matches (with --duplicate: of deals, each played twice)", 1)
      .integer("seed", &seed, "seed for chance and agents")
      .flag("duplicate", &duplicate,
            "two-player games: play each deal twice, seats swapped, with the same chance outcomes; the "
            "summary gives each agent's mean return per hand with a 95% interval over the deal pairs, "
            "and mbb_per_hand where the game has a big blind (poker)")
      .text("db", &db, "record the matches (rated) in this SQLite file through the arena, e.g. arena.db");
  if (std::optional<int> code = options.parse(argv)) return *code;

  Result<std::shared_ptr<const Game>> game = make_game(game_spec);
  if (!game.ok()) return options.usage_error(game.error().message);
  const std::vector<std::string> agent_specs = split_specs(agents_text, ',');
  const int players = (*game)->num_players();
  if (static_cast<int>(agent_specs.size()) != players) {
    return options.usage_error((*game)->spec() + " has " + std::to_string(players) +
                               " seats; --agents names " + std::to_string(agent_specs.size()));
  }
  if (duplicate && players != 2) {
    return options.usage_error("--duplicate plays two-player games (the seats swap); " + (*game)->spec() +
                               " has " + std::to_string(players) + (players == 1 ? " seat" : " seats"));
  }
  // The unit of mbb/hand, where the game's family gives one (poker's big blind); 0: none.
  double big_blind = 0;
  if (const GameRegistration* registration = GameRegistry::instance().find((*game)->type().name);
      registration && registration->big_blind) {
    big_blind = std::max(0.0, registration->big_blind(**game).value_or(0.0));
  }

  std::unique_ptr<RecordedPlay> recorder;
  if (!db.empty()) {
    Result<std::unique_ptr<RecordedPlay>> r = RecordedPlay::open(db);
    if (!r.ok()) {
      std::cerr << "arena play: " << r.error().message << "\n";
      return 1;
    }
    recorder = std::move(r).value();
  }

  std::vector<Tally> tally(players);
  Rng seeds(static_cast<uint64_t>(seed));
  const int64_t matches = duplicate ? 2 * games : games;
  uint64_t match_seed = 0;
  for (int64_t match = 0; match < matches; ++match) {
    // The two plays of a duplicate deal share the match seed.
    if (!duplicate || match % 2 == 0) match_seed = seeds.next_u64();
    Rng match_rng(match_seed);
    std::optional<int64_t> recorded_id;
    // Agent k sits in seat (k + match) mod players: a duplicate pair swaps the two seats.
    std::vector<std::unique_ptr<Agent>> agents(players);
    std::vector<int> entry_of_seat(players);
    for (int k = 0; k < players; ++k) {
      const int seat = static_cast<int>((k + match) % players);
      Result<std::unique_ptr<Agent>> agent = make_agent(agent_specs[k], **game, match_rng.split());
      if (!agent.ok()) return options.usage_error(agent.error().message);
      agents[seat] = std::move(agent).value();
      entry_of_seat[seat] = k;
    }
    // What is left of match_rng draws the chance outcomes: a stream of the match seed alone
    // (the agents took their seeds above and decide from their own generators), so both
    // plays of a duplicate deal see the same outcomes whatever the agents do. The arena
    // (--db) draws chance from Rng(match seed), the same in both plays too.
    std::vector<Agent*> seats;
    for (auto& a : agents) seats.push_back(a.get());
    Result<MatchOutcome> outcome = make_error("internal", "not played");
    if (recorder) {
      // The same seating, played by the arena and stored move by move.
      std::vector<std::string> seat_specs(players);
      for (int seat = 0; seat < players; ++seat) seat_specs[seat] = agent_specs[entry_of_seat[seat]];
      Result<RecordedPlay::Outcome> played = recorder->play((*game)->spec(), seat_specs, match_seed);
      if (played.ok()) {
        recorded_id = played->match_id;
        outcome = MatchOutcome{played->returns, std::vector<Step>(played->length)};
      } else {
        outcome = played.error();
      }
    } else {
      outcome = play_local_match(**game, seats, match_rng);
    }
    if (!outcome.ok()) {
      std::cerr << "arena play: match " << match << ": " << outcome.error().message << "\n";
      return 1;
    }
    const Player winner = winner_of(outcome->returns);
    for (Player seat = 0; seat < players; ++seat) {
      Tally& t = tally[entry_of_seat[seat]];
      t.total_return += outcome->returns[seat];
      if (duplicate) {
        t.pair_so_far += outcome->returns[seat];
        if (match % 2 == 1) {
          t.pair_returns.push_back(t.pair_so_far);
          t.pair_so_far = 0;
        }
      }
      if (players == 1) t.solved += outcome->returns[seat] >= (*game)->max_utility() - 1e-9;
      if (players > 1) {
        if (winner == seat) {
          ++t.wins;
        } else if (winner == -1 && outcome->returns[seat] ==
                                       *std::max_element(outcome->returns.begin(), outcome->returns.end())) {
          ++t.draws;
        } else {
          ++t.losses;
        }
      }
    }
    Json seat_agents = Json::array();
    for (const auto& a : agents) seat_agents.push_back(a->name());
    Json line =
        Json{{"match", match},        {"game", (*game)->spec()},     {"seed", match_seed},
             {"agents", seat_agents}, {"returns", outcome->returns}, {"length", outcome->history.size()}};
    if (duplicate) line["deal"] = match / 2;
    if (recorded_id) line["id"] = *recorded_id;
    std::cout << line.dump() << "\n";
  }
  Json summary = Json::array();
  for (int k = 0; k < players; ++k) {
    Json entry = {{"agent", agent_specs[k]},
                  {"mean_return", tally[k].total_return / static_cast<double>(matches)}};
    if (players == 1) {
      const Proportion solved = wilson_interval(tally[k].solved, static_cast<int>(games));
      entry["solved"] = tally[k].solved;
      entry["solved_rate"] = solved.rate;
      entry["solved_rate_95"] = {solved.low, solved.high};
    } else {
      entry["wins"] = tally[k].wins;
      entry["draws"] = tally[k].draws;
      entry["losses"] = tally[k].losses;
    }
    if (duplicate) {
      const PerHand hand = per_hand(tally[k].pair_returns);
      entry["mean_return_95"] = interval_json(hand.interval, 1);
      if (big_blind > 0) {
        entry["mbb_per_hand"] = hand.mean * 1000 / big_blind;
        entry["mbb_per_hand_95"] = interval_json(hand.interval, 1000 / big_blind);
      }
    }
    summary.push_back(entry);
  }
  Json totals = {{"game", (*game)->spec()}, {"matches", matches}};
  if (duplicate) {
    totals["duplicate"] = true;
    totals["deals"] = games;
    if (big_blind > 0) totals["big_blind"] = big_blind;
  }
  totals["agents"] = summary;
  std::cout << Json{{"summary", totals}}.dump() << "\n";
  return 0;
}

}  // namespace arena::cli
