// `arena play`: local matches between in-process agents, seats rotating from match to
// match, one JSON line per match and a summary line.
#include <algorithm>
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
};

}  // namespace

int run_play(const std::vector<std::string>& argv) {
  std::string game_spec, agents_text, db;
  int64_t games = 1, seed = 1;
  Options options(
      "play",
      "Plays local matches between agents. Seats rotate: in match i, agent k takes seat (k + i) mod "
      "players.\n"
      "Prints one JSON line per match and a summary line.");
  options.text("game", &game_spec, "game spec, e.g. kuhn_poker or 'game24(puzzle=5)'")
      .required()
      .text("agents", &agents_text, "comma-separated agent specs, one per seat, e.g. random,random")
      .required()
      .integer("games", &games, "number of matches", 1)
      .integer("seed", &seed, "seed for chance and agents")
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
  for (int64_t match = 0; match < games; ++match) {
    const uint64_t match_seed = seeds.next_u64();
    Rng match_rng(match_seed);
    std::optional<int64_t> recorded_id;
    // Agent k sits in seat (k + match) mod players.
    std::vector<std::unique_ptr<Agent>> agents(players);
    std::vector<int> entry_of_seat(players);
    for (int k = 0; k < players; ++k) {
      const int seat = static_cast<int>((k + match) % players);
      Result<std::unique_ptr<Agent>> agent = make_agent(agent_specs[k], **game, match_rng.split());
      if (!agent.ok()) return options.usage_error(agent.error().message);
      agents[seat] = std::move(agent).value();
      entry_of_seat[seat] = k;
    }
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
    if (recorded_id) line["id"] = *recorded_id;
    std::cout << line.dump() << "\n";
  }
  Json summary = Json::array();
  for (int k = 0; k < players; ++k) {
    Json entry = {{"agent", agent_specs[k]},
                  {"mean_return", tally[k].total_return / static_cast<double>(games)}};
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
    summary.push_back(entry);
  }
  std::cout << Json{{"summary", {{"game", (*game)->spec()}, {"matches", games}, {"agents", summary}}}}.dump()
            << "\n";
  return 0;
}

}  // namespace arena::cli
