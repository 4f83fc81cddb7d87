#include "server/arena/experiment.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>
#include <set>

#include "agents/local_match.h"
#include "agents/registry.h"
#include "core/format.h"
#include "core/rng.h"
#include "core/thread_pool.h"
#include "games/registry.h"
#include "server/arena/generalization.h"
#include "server/arena/ratings/bradley_terry.h"

namespace arena::experiment {
namespace {

Error bad_config(const std::string& message) { return make_error("bad_config", message); }

// Reads an optional member into `value` when present, checking its type.
template <typename T>
Status read(const Json& object, const char* key, T& value) {
  if (!object.contains(key)) return {};
  try {
    value = object.at(key).get<T>();
  } catch (const Json::exception&) {
    return bad_config(std::string("'") + key + "' has the wrong type");
  }
  return {};
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

// The differences the report states, where both arms were run: what sharing buys on each game,
// and what the held-out trunk buys on the target.
const std::vector<std::pair<std::string, std::string>>& compared_arms() {
  static const std::vector<std::pair<std::string, std::string>> pairs = {
      {"shared", "specialist"},
      {"transfer-finetuned", "scratch"},
      {"transfer-frozen", "scratch"},
      {"transfer-finetuned", "transfer-frozen"},
  };
  return pairs;
}

}  // namespace

std::string slug(const std::string& spec) {
  std::string out;
  for (char c : spec) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      out += c;
    } else if (c == '(' || c == ',') {
      out += '-';
    }
  }
  return out;
}

Json Config::to_json() const {
  return Json{{"name", name},
              {"games", games},
              {"target", target},
              {"seeds", seeds},
              {"arms", arms},
              {"network", {{"blocks", blocks}, {"channels", channels}}},
              {"selfplay", {{"simulations", simulations}, {"actors", actors}, {"reuse", reuse}}},
              {"budget",
               {{"batch_size", batch_size},
                {"samples_per_game", samples_per_game},
                {"transfer_samples", transfer_samples}}},
              {"evaluation",
               {{"games_per_pairing", games_per_pairing},
                {"simulations", eval_simulations},
                {"anchors", anchors},
                {"opening_plies", opening_plies},
                {"exploitability_samples", exploitability_samples},
                {"threads", threads}}},
              {"curves",
               {{"anchor", curve_anchor},
                {"points", curve_points},
                {"games", curve_games},
                {"threshold", curve_threshold}}},
              {"bootstrap", bootstrap}};
}

Result<Config> parse_config(const Json& json) {
  if (!json.is_object()) return bad_config("the configuration is not a JSON object");
  Config c;
  const Json empty = Json::object();
  auto section = [&](const char* key) -> const Json& { return json.contains(key) ? json.at(key) : empty; };
  for (Status s : {read(json, "name", c.name),
                   read(json, "games", c.games),
                   read(json, "target", c.target),
                   read(json, "seeds", c.seeds),
                   read(json, "arms", c.arms),
                   read(json, "bootstrap", c.bootstrap),
                   read(section("network"), "blocks", c.blocks),
                   read(section("network"), "channels", c.channels),
                   read(section("selfplay"), "simulations", c.simulations),
                   read(section("selfplay"), "actors", c.actors),
                   read(section("selfplay"), "reuse", c.reuse),
                   read(section("budget"), "batch_size", c.batch_size),
                   read(section("budget"), "samples_per_game", c.samples_per_game),
                   read(section("budget"), "transfer_samples", c.transfer_samples),
                   read(section("evaluation"), "games_per_pairing", c.games_per_pairing),
                   read(section("evaluation"), "simulations", c.eval_simulations),
                   read(section("evaluation"), "anchors", c.anchors),
                   read(section("evaluation"), "opening_plies", c.opening_plies),
                   read(section("evaluation"), "threads", c.threads),
                   read(section("evaluation"), "exploitability_samples", c.exploitability_samples),
                   read(section("curves"), "anchor", c.curve_anchor),
                   read(section("curves"), "points", c.curve_points),
                   read(section("curves"), "games", c.curve_games),
                   read(section("curves"), "threshold", c.curve_threshold)}) {
    if (!s.ok()) return s.error();
  }
  if (c.games.empty()) return bad_config("'games' is empty");
  if (std::find(c.games.begin(), c.games.end(), c.target) == c.games.end())
    return bad_config("the target '" + c.target + "' is not one of the games");
  std::set<std::string> groups;
  for (const std::string& spec : c.games) {
    Result<std::shared_ptr<const Game>> game = make_game(spec);
    if (!game.ok()) return bad_config("game '" + spec + "': " + game.error().message);
    if (!groups.insert(rating_group_of(spec)).second)
      return bad_config("game '" + spec + "' is listed twice");
    if (!c.anchors.contains(spec) || c.anchors.at(spec).empty())
      return bad_config("game '" + spec + "' has no anchors");
    for (const std::string& anchor : c.anchors.at(spec)) {
      if (Status s = can_play(anchor, **game); !s.ok())
        return bad_config("anchor '" + anchor + "' in " + spec + ": " + s.error().message);
    }
  }
  for (const std::string& arm : c.arms) {
    if (std::find(arm_names().begin(), arm_names().end(), arm) == arm_names().end())
      return bad_config("unknown arm '" + arm + "'");
  }
  const bool transfer = std::any_of(c.arms.begin(), c.arms.end(),
                                    [](const std::string& a) { return a.rfind("transfer", 0) == 0; });
  if (transfer && c.games.size() < 2) return bad_config("the transfer arms need a game besides the target");
  if (c.seeds.empty()) return bad_config("'seeds' is empty");
  if (c.blocks < 1 || c.channels < 1 || c.simulations < 1 || c.actors < 1 || c.reuse <= 0 || c.batch_size < 1)
    return bad_config("network and self-play settings must be positive");
  if (c.samples_per_game < c.batch_size || c.transfer_samples < c.batch_size)
    return bad_config("each budget must be at least one batch of learner samples");
  if (c.exploitability_samples < 0) return bad_config("'exploitability_samples' must not be negative");
  if (c.games_per_pairing < 2 || c.games_per_pairing % 2 != 0)
    return bad_config("'games_per_pairing' must be even (games are colour-paired)");
  if (c.eval_simulations < 1 || c.threads < 1 || c.bootstrap < 0)
    return bad_config("evaluation settings must be positive");
  if (c.curve_points < 2 || c.curve_games < 2 || c.curve_games % 2 != 0)
    return bad_config("curves need 2 or more points and an even number of games");
  if (c.curve_anchor.empty()) c.curve_anchor = c.anchors.at(c.target).front();
  return c;
}

std::vector<PlannedRun> plan_runs(const Config& config) {
  auto has = [&](const std::string& arm) {
    return std::find(config.arms.begin(), config.arms.end(), arm) != config.arms.end();
  };
  auto steps_for = [&](int64_t samples_per_game, size_t games) {
    return std::max<int64_t>(1, samples_per_game * static_cast<int64_t>(games) / config.batch_size);
  };
  std::vector<std::string> others;
  for (const std::string& g : config.games) {
    if (g != config.target) others.push_back(g);
  }
  std::vector<PlannedRun> runs;
  for (uint64_t seed : config.seeds) {
    const std::string s = "-s" + std::to_string(seed);
    if (has("shared"))
      runs.push_back({"shared" + s, "shared", "shared", seed, config.games,
                      steps_for(config.samples_per_game, config.games.size()), "", false});
    if (has("specialist")) {
      for (const std::string& g : config.games)
        runs.push_back({"specialist-" + slug(g) + s,
                        "specialist",
                        "specialist",
                        seed,
                        {g},
                        steps_for(config.samples_per_game, 1),
                        "",
                        false});
    }
    if (has("transfer-frozen") || has("transfer-finetuned")) {
      runs.push_back({"heldout" + s, "held-out", "shared", seed, others,
                      steps_for(config.samples_per_game, others.size()), "", false});
      for (const bool frozen : {true, false}) {
        const std::string arm = frozen ? "transfer-frozen" : "transfer-finetuned";
        if (has(arm))
          runs.push_back({arm + s,
                          arm,
                          "transfer",
                          seed,
                          {config.target},
                          steps_for(config.transfer_samples, 1),
                          "heldout" + s,
                          frozen});
      }
    }
    if (has("scratch"))
      runs.push_back({"scratch" + s,
                      "scratch",
                      "scratch",
                      seed,
                      {config.target},
                      steps_for(config.transfer_samples, 1),
                      "",
                      false});
  }
  return runs;
}

Json GameRecord::to_json() const {
  return Json{{"set", set},         {"game", game},   {"pairing", pairing},          {"seats", seats},
              {"returns", returns}, {"moves", moves}, {"pairing_game", pairing_game}};
}

Result<GameRecord> GameRecord::from_json(const Json& json) {
  GameRecord r;
  try {
    r.set = json.at("set").get<std::string>();
    r.game = json.at("game").get<std::string>();
    r.pairing = json.at("pairing").get<std::string>();
    r.seats = json.at("seats").get<std::vector<std::string>>();
    r.returns = json.at("returns").get<std::vector<double>>();
    r.moves = json.at("moves").get<std::string>();
    r.pairing_game = json.at("pairing_game").get<int64_t>();
  } catch (const Json::exception& e) {
    return make_error("bad_record", std::string("an evaluation game record: ") + e.what());
  }
  if (r.seats.size() != r.returns.size())
    return make_error("bad_record", "seats and returns differ in length");
  return r;
}

std::unique_ptr<State> random_opening(const Game& game, int plies, Rng& rng) {
  std::unique_ptr<State> state = game.new_initial_state();
  while (plies > 0 && !state->is_terminal() && !state->is_simultaneous_node()) {
    if (state->is_chance_node()) {
      (void)state->apply(sample_chance(*state, rng));
      continue;
    }
    const std::vector<Action> legal = state->legal_actions();
    (void)state->apply(legal[rng.uniform(legal.size())]);
    --plies;
  }
  return state;
}

Result<std::vector<GameRecord>> play_pairing(const std::string& set, const std::string& game_spec,
                                             const std::string& player, const std::string& opponent,
                                             int64_t first, int count, int opening_plies, uint64_t seed,
                                             int threads) {
  Result<std::shared_ptr<const Game>> made = make_game(game_spec);
  if (!made.ok()) return made.error();
  const std::shared_ptr<const Game> game = *made;
  const int players = game->num_players();
  if (players > 2) return make_error("bad_config", game_spec + ": pairings are of one or two seats");

  ThreadPool pool(static_cast<size_t>(std::max(1, threads)));
  std::vector<std::future<Result<GameRecord>>> futures;
  for (int64_t g = first; g < first + count; ++g) {
    futures.push_back(pool.submit([=]() -> Result<GameRecord> {
      // A pair of games shares its opening and its chance outcomes; the seats swap.
      const uint64_t pair_seed = seed ^ (0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(g / 2 + 1));
      GameRecord record{set, game_spec, player + " vs " + opponent, {}, {}, "", g};
      std::vector<std::string> entrants = {player};
      if (players == 2) entrants = g % 2 == 0 ? std::vector{player, opponent} : std::vector{opponent, player};
      // A one-player game: the same puzzle for both, the player's in even games.
      if (players == 1) entrants = {g % 2 == 0 ? player : opponent};
      std::vector<std::unique_ptr<Agent>> agents;
      std::vector<Agent*> seats;
      for (size_t s = 0; s < entrants.size(); ++s) {
        Result<std::unique_ptr<Agent>> agent =
            make_agent(entrants[s], *game, pair_seed + 1 + s + (g % 2) * 7);
        if (!agent.ok()) return agent.error();
        seats.push_back(agent->get());
        agents.push_back(std::move(*agent));
      }
      Rng chance(pair_seed);
      std::unique_ptr<State> start = random_opening(*game, opening_plies, chance);
      Result<MatchOutcome> outcome = play_local_match_from(*game, std::move(start), seats, chance);
      if (!outcome.ok()) return outcome.error();
      record.seats = entrants;
      record.returns = outcome->returns;
      for (const Step& step : outcome->history) {
        record.moves += std::to_string(step.action);
        for (const std::vector<Action>& orders : step.orders) {
          for (Action a : orders) record.moves += "," + std::to_string(a);
          record.moves += ";";
        }
        record.moves += ' ';
      }
      return record;
    }));
  }
  std::vector<GameRecord> records;
  std::optional<Error> failure;
  for (auto& f : futures) {
    Result<GameRecord> r = f.get();
    if (!r.ok()) {
      if (!failure) failure = r.error();
      continue;
    }
    records.push_back(std::move(*r));
  }
  if (failure) return *failure;
  return records;
}

GameTable rate_game(const std::string& game, const std::vector<GameRecord>& records,
                    const std::map<std::string, std::pair<std::string, uint64_t>>& arm_of,
                    const std::string& anchor, int bootstrap, uint64_t seed) {
  GameTable table;
  table.game = game;
  table.anchor = anchor;
  std::map<std::string, int> index;
  std::vector<std::string> names;
  auto id = [&](const std::string& name) {
    auto [it, inserted] = index.emplace(name, static_cast<int>(names.size()));
    if (inserted) names.push_back(name);
    return it->second;
  };
  id(anchor);

  // One-player games (puzzles): the two games of a pair are the same puzzle, one attempt
  // each; the one with the higher return wins the comparison.
  std::set<std::string> seen;
  std::map<std::pair<std::string, int64_t>, const GameRecord*> puzzle_attempts;
  std::vector<MatchResults> matches;
  std::map<int, std::pair<double, int>> solved;  // per player: (points, attempts) of one-player games
  // Repeats are what deterministic players make of the same opening: left out in games
  // without chance. Where the rules deal or draw (poker, puzzles), a repeat is one more draw of
  // a small space of games (Kuhn poker has a few dozen) and counts.
  Result<std::shared_ptr<const Game>> made = make_game(game);
  const bool leave_out_repeats = !made.ok() || !(*made)->type().has_chance;
  for (const GameRecord& r : records) {
    if (r.set != "final" || r.game != game) continue;
    std::string key;
    for (const std::string& s : r.seats) key += s + "|";
    if (leave_out_repeats && !seen.insert(key + r.moves).second) {
      ++table.duplicates;
      continue;
    }
    ++table.games;
    std::vector<int> players;
    for (const std::string& s : r.seats) players.push_back(id(s));
    if (r.seats.size() >= 2) {
      matches.push_back(MatchResults{pairs_from_returns(players, r.returns)});
      continue;
    }
    auto& [points, attempts] = solved[players[0]];
    points += r.returns[0] > 0 ? 1 : 0;
    ++attempts;
    auto [it, first] = puzzle_attempts.emplace(std::make_pair(r.pairing, r.pairing_game / 2), &r);
    if (!first && it->second->seats[0] != r.seats[0]) {
      matches.push_back(MatchResults{pairs_from_returns({id(it->second->seats[0]), players[0]},
                                                        {it->second->returns[0], r.returns[0]})});
    }
  }
  const int n = static_cast<int>(names.size());
  const BradleyTerryTable fit = bradley_terry_with_intervals(n, matches, 0, bootstrap, seed);
  const std::vector<double> ratings = fit_bradley_terry(n, matches, 0);
  const std::vector<std::vector<double>> resamples =
      bootstrap_bradley_terry(n, matches, 0, ratings, bootstrap, seed + 1);
  std::map<std::string, std::vector<int>> seeds_of;
  for (int i = 0; i < n; ++i) {
    PlayerRow row;
    row.player = names[i];
    if (auto it = arm_of.find(names[i]); it != arm_of.end()) {
      row.arm = it->second.first;
      row.seed = it->second.second;
      seeds_of[row.arm].push_back(i);
    }
    const BradleyTerryPlayer& p = fit.players[i];
    row.rating = p.rating;
    row.low = p.low;
    row.high = p.high;
    row.games = p.games;
    row.score = p.score;
    if (auto s = solved.find(i); s != solved.end()) {
      row.games = s->second.second;
      row.score = s->second.first / s->second.second;
    }
    table.players.push_back(row);
  }
  std::sort(table.players.begin(), table.players.end(),
            [](const PlayerRow& a, const PlayerRow& b) { return a.rating > b.rating; });

  // An arm's rating in one resample: the mean over its seeds present there.
  auto arm_mean = [&](const std::vector<int>& members, const std::vector<double>& r) {
    double sum = 0;
    int k = 0;
    for (int i : members) {
      if (!std::isnan(r[i])) {
        sum += r[i];
        ++k;
      }
    }
    return k > 0 ? sum / k : std::nan("");
  };
  auto draws_of = [&](const std::function<double(const std::vector<double>&)>& f) {
    std::vector<double> draws;
    for (const std::vector<double>& r : resamples) {
      const double v = f(r);
      if (!std::isnan(v)) draws.push_back(v);
    }
    return draws;
  };
  for (const std::string& arm : arm_names()) {
    auto it = seeds_of.find(arm);
    if (it == seeds_of.end()) continue;
    const std::vector<int>& members = it->second;
    ArmRow row{arm, arm_mean(members, ratings), 0, 0, static_cast<int>(members.size())};
    const std::vector<double> draws =
        draws_of([&](const std::vector<double>& r) { return arm_mean(members, r); });
    row.low = draws.empty() ? row.rating : quantile(draws, 0.025);
    row.high = draws.empty() ? row.rating : quantile(draws, 0.975);
    table.arms.push_back(row);
  }
  for (const auto& [a, b] : compared_arms()) {
    if (!seeds_of.contains(a) || !seeds_of.contains(b)) continue;
    const std::vector<int>& ma = seeds_of.at(a);
    const std::vector<int>& mb = seeds_of.at(b);
    Difference d{a, b, arm_mean(ma, ratings) - arm_mean(mb, ratings), 0, 0, 0};
    const std::vector<double> draws =
        draws_of([&](const std::vector<double>& r) { return arm_mean(ma, r) - arm_mean(mb, r); });
    if (!draws.empty()) {
      d.low = quantile(draws, 0.025);
      d.high = quantile(draws, 0.975);
      d.above_zero =
          static_cast<double>(std::count_if(draws.begin(), draws.end(), [](double v) { return v > 0; })) /
          static_cast<double>(draws.size());
    } else {
      d.low = d.high = d.value;
    }
    table.differences.push_back(d);
  }
  return table;
}

std::vector<CurveSummary> summarise_curves(const std::vector<CurvePoint>& points, double threshold) {
  // arm -> seed -> samples -> score
  std::map<std::string, std::map<uint64_t, std::map<int64_t, double>>> curves;
  for (const CurvePoint& p : points) curves[p.arm][p.seed][p.samples] = p.score;
  std::vector<CurveSummary> out;
  for (const std::string& arm : arm_names()) {
    auto it = curves.find(arm);
    if (it == curves.end()) continue;
    CurveSummary summary;
    summary.arm = arm;
    std::vector<double> aucs;
    std::vector<double> reached_at;
    std::map<int64_t, std::pair<double, int>> by_samples;
    for (const auto& [seed, curve] : it->second) {
      double area = 0;
      const int64_t span = curve.rbegin()->first - curve.begin()->first;
      std::optional<std::pair<int64_t, double>> previous;
      std::optional<int64_t> reached;
      for (const auto& [samples, score] : curve) {
        if (previous)
          area += 0.5 * (score + previous->second) * static_cast<double>(samples - previous->first);
        previous = {samples, score};
        if (!reached && score >= threshold) reached = samples;
        auto& [sum, k] = by_samples[samples];
        sum += score;
        ++k;
      }
      aucs.push_back(span > 0 ? area / static_cast<double>(span) : curve.begin()->second);
      if (reached) reached_at.push_back(static_cast<double>(*reached));
    }
    for (const auto& [samples, sum_k] : by_samples)
      summary.mean.emplace_back(samples, sum_k.first / sum_k.second);
    summary.seeds = static_cast<int>(aucs.size());
    double sum = 0;
    for (double a : aucs) sum += a;
    summary.auc = sum / static_cast<double>(aucs.size());
    summary.auc_low = *std::min_element(aucs.begin(), aucs.end());
    summary.auc_high = *std::max_element(aucs.begin(), aucs.end());
    summary.seeds_reaching = static_cast<int>(reached_at.size());
    if (!reached_at.empty()) {
      double total = 0;
      for (double r : reached_at) total += r;
      summary.samples_to_threshold = total / static_cast<double>(reached_at.size());
    }
    out.push_back(summary);
  }
  return out;
}

Json Report::to_json() const {
  Json games_json = Json::array();
  for (const GameTable& t : games) {
    Json players = Json::array();
    for (const PlayerRow& p : t.players)
      players.push_back({{"player", p.player},
                         {"arm", p.arm},
                         {"seed", p.seed},
                         {"rating", p.rating},
                         {"low", p.low},
                         {"high", p.high},
                         {"games", p.games},
                         {"score", p.score}});
    Json arms = Json::array();
    for (const ArmRow& a : t.arms)
      arms.push_back(
          {{"arm", a.arm}, {"rating", a.rating}, {"low", a.low}, {"high", a.high}, {"seeds", a.seeds}});
    Json differences = Json::array();
    for (const Difference& d : t.differences)
      differences.push_back({{"a", d.a},
                             {"b", d.b},
                             {"difference", d.value},
                             {"low", d.low},
                             {"high", d.high},
                             {"above_zero", d.above_zero}});
    games_json.push_back({{"game", t.game},
                          {"anchor", t.anchor},
                          {"games", t.games},
                          {"duplicates", t.duplicates},
                          {"players", players},
                          {"arms", arms},
                          {"differences", differences}});
  }
  Json curves_json = Json::array();
  for (const CurveSummary& c : curves) {
    Json mean = Json::array();
    for (const auto& [samples, score] : c.mean) mean.push_back({samples, score});
    curves_json.push_back(
        {{"arm", c.arm},
         {"mean", mean},
         {"auc", c.auc},
         {"auc_min", c.auc_low},
         {"auc_max", c.auc_high},
         {"seeds", c.seeds},
         {"seeds_reaching", c.seeds_reaching},
         {"samples_to_threshold", c.samples_to_threshold ? Json(*c.samples_to_threshold) : Json()}});
  }
  Json exploitability_json = Json::array();
  for (const ExploitabilityRow& e : exploitability) {
    exploitability_json.push_back({{"game", e.game},
                                   {"player", e.player},
                                   {"arm", e.arm},
                                   {"seed", e.seed},
                                   {"exploitability", e.value},
                                   {"low", e.low},
                                   {"high", e.high},
                                   {"exact", e.exact}});
  }
  Json arms_json = Json::array();
  for (const ArmExploitability& a : exploitability_by_arm(exploitability)) {
    arms_json.push_back({{"game", a.game},
                         {"arm", a.arm},
                         {"mean", a.mean},
                         {"min", a.min},
                         {"max", a.max},
                         {"seeds", a.seeds}});
  }
  return Json{{"config", config},
              {"target", target},
              {"runs", runs},
              {"games", games_json},
              {"curves", curves_json},
              {"exploitability", exploitability_json},
              {"exploitability_by_arm", arms_json}};
}

std::vector<ArmExploitability> exploitability_by_arm(const std::vector<ExploitabilityRow>& rows) {
  std::vector<ArmExploitability> out;
  for (const ExploitabilityRow& r : rows) {
    if (r.arm.empty()) continue;
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const ArmExploitability& a) { return a.game == r.game && a.arm == r.arm; });
    if (it == out.end()) {
      out.push_back({r.game, r.arm, 0, r.value, r.value, 0});
      it = out.end() - 1;
    }
    it->mean += r.value;
    it->min = std::min(it->min, r.value);
    it->max = std::max(it->max, r.value);
    ++it->seeds;
  }
  for (ArmExploitability& a : out) a.mean /= a.seeds;
  return out;
}

std::string render_text(const Report& report) {
  std::string out;
  auto interval = [](double v, double lo, double hi) {
    return fixed(v, 0) + " [" + fixed(lo, 0) + ", " + fixed(hi, 0) + "]";
  };
  for (const GameTable& t : report.games) {
    out += "== " + t.game + ": " + std::to_string(t.games) + " distinct games (" +
           std::to_string(t.duplicates) + " repeats left out), Elo with 95% bootstrap intervals, " +
           t.anchor + " = 0\n";
    char line[256];
    std::snprintf(line, sizeof line, "  %-22s %28s %7s\n", "arm (mean of seeds)", "rating", "seeds");
    out += line;
    for (const ArmRow& a : t.arms) {
      std::snprintf(line, sizeof line, "  %-22s %28s %7d\n", a.arm.c_str(),
                    interval(a.rating, a.low, a.high).c_str(), a.seeds);
      out += line;
    }
    for (const Difference& d : t.differences) {
      std::snprintf(line, sizeof line, "  %-40s %28s  P(>0) %.3f\n", (d.a + " - " + d.b).c_str(),
                    interval(d.value, d.low, d.high).c_str(), d.above_zero);
      out += line;
    }
    out += "  players:\n";
    for (const PlayerRow& p : t.players) {
      const std::string who = p.arm.empty() ? p.player : p.arm + " (seed " + std::to_string(p.seed) + ")";
      std::snprintf(line, sizeof line, "    %-40s %28s %6d games, score %.3f\n", who.c_str(),
                    interval(p.rating, p.low, p.high).c_str(), p.games, p.score);
      out += line;
    }
  }
  if (!report.curves.empty()) {
    out += "== learning curves on " + report.target +
           " (score against the curve anchor by target-game learner samples)\n";
    for (const CurveSummary& c : report.curves) {
      out +=
          "  " + c.arm + ": area under the curve " + fixed(c.auc, 3) + " (seeds " + fixed(c.auc_low, 3) +
          " to " + fixed(c.auc_high, 3) + "), threshold reached by " + std::to_string(c.seeds_reaching) +
          "/" + std::to_string(c.seeds) + " seeds" +
          (c.samples_to_threshold ? " at " + fixed(*c.samples_to_threshold, 0) + " samples on average" : "") +
          "\n    ";
      for (const auto& [samples, score] : c.mean)
        out += std::to_string(samples) + ":" + fixed(score, 2) + " ";
      out += "\n";
    }
  }
  std::string game;
  for (const ExploitabilityRow& e : report.exploitability) {
    if (e.game != game) {
      game = e.game;
      out += "== exploitability in " + game + " (chips per hand; 0 is a Nash equilibrium)\n";
      for (const ArmExploitability& a : exploitability_by_arm(report.exploitability)) {
        if (a.game != game) continue;
        out += "  " + a.arm + ": " + fixed(a.mean, 4) + " (seeds " + fixed(a.min, 4) + " to " +
               fixed(a.max, 4) + ", " + std::to_string(a.seeds) + " seeds)\n";
      }
    }
    const std::string who = e.arm.empty() ? e.player : e.arm + " (seed " + std::to_string(e.seed) + ")";
    out += "    " + who + ": " + fixed(e.value, 4) +
           (e.exact ? " (exact)" : " [" + fixed(e.low, 4) + ", " + fixed(e.high, 4) + "] (sampled)") + "\n";
  }
  return out;
}

namespace {

std::string escape_xml(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

}  // namespace

std::string game_svg(const GameTable& table) {
  struct Row {
    std::string label;
    double value, low, high;
    bool arm;
  };
  std::vector<Row> rows;
  for (const PlayerRow& p : table.players) {
    if (p.arm.empty()) rows.push_back({p.player, p.rating, p.low, p.high, false});
  }
  for (const ArmRow& a : table.arms)
    rows.push_back({a.arm + " (" + std::to_string(a.seeds) + " seeds)", a.rating, a.low, a.high, true});
  double lo = 0, hi = 0;
  for (const Row& r : rows) {
    lo = std::min(lo, r.low);
    hi = std::max(hi, r.high);
  }
  if (hi - lo < 1) hi = lo + 1;
  const int left = 260, width = 460, row_height = 22, top = 40;
  const int height = top + row_height * static_cast<int>(rows.size()) + 30;
  auto x = [&](double v) { return left + (v - lo) / (hi - lo) * width; };
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(left + width + 20) +
                    "\" height=\"" + std::to_string(height) +
                    "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  svg += "<text x=\"10\" y=\"18\" font-size=\"14\">" + escape_xml(table.game) + ": Elo, 95% intervals, " +
         escape_xml(table.anchor) + " = 0 (" + std::to_string(table.games) + " games)</text>\n";
  svg += "<line x1=\"" + fixed(x(0), 1) + "\" y1=\"" + std::to_string(top - 8) + "\" x2=\"" + fixed(x(0), 1) +
         "\" y2=\"" + std::to_string(height - 24) + "\" stroke=\"#999\" stroke-dasharray=\"3,3\"/>\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    const int y = top + row_height * static_cast<int>(i);
    const char* colour = r.arm ? kColours[0] : "#555";
    svg += "<text x=\"10\" y=\"" + std::to_string(y + 4) + "\">" + escape_xml(r.label) + "</text>\n";
    svg += "<line x1=\"" + fixed(x(r.low), 1) + "\" y1=\"" + std::to_string(y) + "\" x2=\"" +
           fixed(x(r.high), 1) + "\" y2=\"" + std::to_string(y) + "\" stroke=\"" + colour +
           "\" stroke-width=\"2\"/>\n";
    svg += "<circle cx=\"" + fixed(x(r.value), 1) + "\" cy=\"" + std::to_string(y) + "\" r=\"4\" fill=\"" +
           colour + "\"><title>" + escape_xml(r.label) + ": " + fixed(r.value, 0) + " [" + fixed(r.low, 0) +
           ", " + fixed(r.high, 0) + "]</title></circle>\n";
  }
  svg += "<text x=\"" + std::to_string(left) + "\" y=\"" + std::to_string(height - 8) + "\">" + fixed(lo, 0) +
         "</text><text x=\"" + std::to_string(left + width) + "\" y=\"" + std::to_string(height - 8) +
         "\" text-anchor=\"end\">" + fixed(hi, 0) + "</text>\n</svg>\n";
  return svg;
}

std::string curves_svg(const std::vector<CurveSummary>& curves, const std::string& target) {
  int64_t most = 1;
  for (const CurveSummary& c : curves) {
    for (const auto& [samples, score] : c.mean) most = std::max(most, samples);
  }
  const int left = 50, top = 30, width = 520, height = 260;
  auto x = [&](int64_t s) { return left + static_cast<double>(s) / static_cast<double>(most) * width; };
  auto y = [&](double score) { return top + (1 - score) * height; };
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    std::to_string(left + width + 190) + "\" height=\"" + std::to_string(top + height + 40) +
                    "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  svg += "<text x=\"10\" y=\"18\" font-size=\"14\">" + escape_xml(target) +
         ": score against the curve anchor by learner samples on it (mean of seeds)</text>\n";
  svg += "<rect x=\"" + std::to_string(left) + "\" y=\"" + std::to_string(top) + "\" width=\"" +
         std::to_string(width) + "\" height=\"" + std::to_string(height) +
         "\" fill=\"none\" stroke=\"#999\"/>\n";
  for (double tick : {0.0, 0.5, 1.0}) {
    svg += "<text x=\"" + std::to_string(left - 6) + "\" y=\"" + fixed(y(tick) + 4, 1) +
           "\" text-anchor=\"end\">" + fixed(tick, 1) + "</text>\n";
  }
  svg += "<text x=\"" + std::to_string(left + width) + "\" y=\"" + std::to_string(top + height + 16) +
         "\" text-anchor=\"end\">" + std::to_string(most) + " samples</text>\n";
  for (size_t i = 0; i < curves.size(); ++i) {
    const CurveSummary& c = curves[i];
    const char* colour = kColours[i % std::size(kColours)];
    std::string points;
    for (const auto& [samples, score] : c.mean)
      points += fixed(x(samples), 1) + "," + fixed(y(score), 1) + " ";
    svg += "<polyline fill=\"none\" stroke=\"" + std::string(colour) + "\" stroke-width=\"2\" points=\"" +
           points + "\"/>\n";
    svg += "<text x=\"" + std::to_string(left + width + 10) + "\" y=\"" +
           std::to_string(top + 14 + 18 * static_cast<int>(i)) + "\" fill=\"" + colour + "\">" +
           escape_xml(c.arm) + " (AUC " + fixed(c.auc, 2) + ")</text>\n";
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace arena::experiment
