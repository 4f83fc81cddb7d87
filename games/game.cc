#include "games/game.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <functional>
#include <numeric>

namespace arena {
namespace {

Error illegal(std::string message) { return make_error("illegal_action", std::move(message)); }

std::string join_actions(const State& state, Player player, const std::vector<Action>& actions) {
  std::string out;
  for (Action a : actions) out += (out.empty() ? "" : ", ") + state.action_to_string(player, a);
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Game

std::string Game::spec() const { return params_.canonical_spec(type_.name, type_.params); }

void Game::symmetric_observation(int, std::span<const float> observation, std::span<float> out) const {
  std::copy(observation.begin(), observation.end(), out.begin());
}

int Game::observation_size() const {
  const std::vector<int> shape = observation_shape();
  return std::accumulate(shape.begin(), shape.end(), 1, std::multiplies<>());
}

Result<std::unique_ptr<State>> Game::state_from_history(const std::vector<Step>& history) const {
  std::unique_ptr<State> state = new_initial_state();
  for (size_t i = 0; i < history.size(); ++i) {
    const Step& step = history[i];
    Status status =
        step.player == kSimultaneousPlayer ? state->apply_orders(step.orders) : state->apply(step.action);
    if (!status.ok()) {
      return make_error("bad_state", "step " + std::to_string(i) + ": " + status.error().message);
    }
  }
  return state;
}

Json Game::describe() const {
  Json j = {
      {"name", type_.name},
      {"spec", spec()},
      {"description", type_.description},
      {"parameters", describe_params(type_.params)},
      {"players", num_players()},
      {"perfect_information", type_.perfect_information},
      {"chance", type_.has_chance},
      {"simultaneous", type_.has_simultaneous},
      {"draw_offers", type_.draw_offers},
      {"rating_group", rating_group()},
      {"reward_model", type_.reward_model == RewardModel::kPerStep ? "per_step" : "terminal"},
      {"num_distinct_actions", num_distinct_actions()},
      {"max_chance_outcomes", max_chance_outcomes()},
      {"observation_shape", observation_shape()},
      {"min_utility", min_utility()},
      {"max_utility", max_utility()},
      {"max_game_length", max_game_length()},
  };
  if (auto sum = utility_sum()) {
    j["utility_sum"] = *sum;
  } else {
    j["utility_sum"] = nullptr;
  }
  return j;
}

// ---------------------------------------------------------------------------------------
// State

std::vector<Player> State::players_to_act() const {
  const Player p = current_player();
  if (p >= 0) return {p};
  if (p != kSimultaneousPlayer) return {};
  std::vector<Player> seats;
  for (Player seat = 0; seat < game().num_players(); ++seat) {
    if (!order_groups(seat).empty()) seats.push_back(seat);
  }
  return seats;
}

std::vector<Action> State::legal_actions() const {
  const Player p = current_player();
  if (p >= 0) return legal_actions(p);
  if (p == kChancePlayer) {
    std::vector<Action> outcomes;
    for (const auto& [a, prob] : chance_outcomes()) outcomes.push_back(a);
    return outcomes;
  }
  return {};
}

bool State::is_legal(Action action) const {
  const std::vector<Action> legal = legal_actions();
  return std::find(legal.begin(), legal.end(), action) != legal.end();
}

std::vector<std::vector<Action>> State::order_groups(Player player) const {
  std::vector<Action> legal = legal_actions(player);
  if (legal.empty()) return {};
  return {std::move(legal)};
}

Status State::apply(Action action) {
  const Player p = current_player();
  if (p == kTerminalPlayer) return illegal("the game is over");
  if (p == kSimultaneousPlayer) return illegal("this is a simultaneous phase: submit orders");
  const int space = p == kChancePlayer ? game().max_chance_outcomes() : game().num_distinct_actions();
  if (action < 0 || action >= space) {
    return illegal("action id " + std::to_string(action) + " is outside [0, " + std::to_string(space) + ")");
  }
  if (!is_legal(action)) {
    return illegal("'" + action_to_string(p, action) + "' is not legal here");
  }
  do_apply(action);
  history_.push_back(Step{p, action, {}});
  return ok_status();
}

Status State::check_orders(Player player, const std::vector<Action>& orders) const {
  if (current_player() != kSimultaneousPlayer) return illegal("this is not a simultaneous phase");
  if (player < 0 || player >= game().num_players()) {
    return illegal("seat " + std::to_string(player) + " does not exist");
  }
  const std::vector<std::vector<Action>> groups = order_groups(player);
  if (orders.size() != groups.size()) {
    return illegal("seat " + std::to_string(player) + " must give " + std::to_string(groups.size()) +
                   " orders, got " + std::to_string(orders.size()));
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    if (std::find(groups[i].begin(), groups[i].end(), orders[i]) == groups[i].end()) {
      const bool in_range = orders[i] >= 0 && orders[i] < game().num_distinct_actions();
      return illegal(
          "order " + std::to_string(i + 1) + " (" +
          (in_range ? "'" + action_to_string(player, orders[i]) + "'" : "id " + std::to_string(orders[i])) +
          ") is not one of: " + join_actions(*this, player, groups[i]));
    }
  }
  return ok_status();
}

Status State::apply_step(const Step& step) {
  return step.player == kSimultaneousPlayer ? apply_orders(step.orders) : apply(step.action);
}

Status State::apply_orders(const std::vector<std::vector<Action>>& orders) {
  if (current_player() != kSimultaneousPlayer) return illegal("this is not a simultaneous phase");
  if (static_cast<int>(orders.size()) != game().num_players()) {
    return illegal("expected orders for " + std::to_string(game().num_players()) + " seats, got " +
                   std::to_string(orders.size()));
  }
  for (Player seat = 0; seat < game().num_players(); ++seat) {
    if (Status s = check_orders(seat, orders[seat]); !s.ok()) return s;
  }
  do_apply_orders(orders);
  history_.push_back(Step{kSimultaneousPlayer, kInvalidAction, orders});
  return ok_status();
}

void State::do_apply_orders(const std::vector<std::vector<Action>>&) {
  // Reached only when current_player() says kSimultaneousPlayer, which a game without
  // simultaneous phases never does.
  assert(false && "game reports a simultaneous node but does not implement do_apply_orders");
}

std::vector<double> State::rewards() const {
  if (is_terminal()) return returns();
  return std::vector<double>(game().num_players(), 0.0);
}

std::vector<double> State::forfeit_returns(Player loser) const {
  const Game& g = game();
  const int n = g.num_players();
  std::vector<double> out(n, g.min_utility());
  if (n == 1) return out;
  const double others = g.utility_sum()
                            ? std::min(g.max_utility(), (*g.utility_sum() - g.min_utility()) / (n - 1))
                            : g.max_utility();
  for (Player p = 0; p < n; ++p) {
    if (p != loser) out[p] = others;
  }
  return out;
}

std::vector<double> State::draw_returns() const {
  const Game& g = game();
  const double share = g.utility_sum() ? *g.utility_sum() / g.num_players() : 0.0;
  return std::vector<double>(g.num_players(), share);
}

std::vector<float> State::observation_tensor(Player player) const {
  std::vector<float> out(game().observation_size());
  observation_tensor(player, out);
  return out;
}

Json State::view(Player viewer) const {
  Json j;
  j["game"] = game().spec();
  j["ply"] = ply();
  const Player p = current_player();
  if (p >= 0) {
    j["to_move"] = Json::array({p});
  } else if (p == kSimultaneousPlayer) {
    j["to_move"] = players_to_act();
  } else {
    j["to_move"] = Json::array();
  }
  j["chance"] = p == kChancePlayer;
  j["terminal"] = p == kTerminalPlayer;
  if (p == kTerminalPlayer) j["returns"] = returns();
  j["state"] = do_view(viewer);
  return j;
}

Result<Action> State::parse_action(Player player, std::string_view text) const {
  Result<Action> action = do_parse_action(player, text);
  if (!action.ok()) return action;
  const int space = player == kChancePlayer ? game().max_chance_outcomes() : game().num_distinct_actions();
  if (*action < 0 || *action >= space) {
    return make_error("parse_error", "'" + std::string(text) + "' names no action of this game");
  }
  return action;
}

Action sample_chance(const State& state, Rng& rng) {
  const std::vector<std::pair<Action, double>> outcomes = state.chance_outcomes();
  assert(!outcomes.empty() && "sample_chance at a node without chance outcomes");
  std::vector<double> weights;
  weights.reserve(outcomes.size());
  for (const auto& [action, p] : outcomes) weights.push_back(p);
  return outcomes[rng.sample_index(weights)].first;
}

std::string State::serialize() const {
  return Json{{"game", game().spec()}, {"history", history_to_json(history_)}}.dump();
}

Json history_to_json(const std::vector<Step>& history) {
  Json out = Json::array();
  for (const Step& step : history) {
    if (step.player == kSimultaneousPlayer) {
      out.push_back(Json{{"orders", step.orders}});
    } else {
      out.push_back(step.action);
    }
  }
  return out;
}

namespace {
bool fits_action(const Json& j) {
  const int64_t v = j.get<int64_t>();
  return v >= INT32_MIN && v <= INT32_MAX;
}
}  // namespace

Result<Step> step_from_json(const Json& item) {
  Step step;
  if (item.is_number_integer()) {
    if (!fits_action(item)) return make_error("bad_state", "action id out of range");
    step.action = item.get<Action>();
    return step;
  }
  if (!item.is_object() || !item.contains("orders") || !item["orders"].is_array()) {
    return make_error("bad_state", "history entries are action ids or {\"orders\": [...]}");
  }
  step.player = kSimultaneousPlayer;
  for (const Json& seat_orders : item["orders"]) {
    if (!seat_orders.is_array()) return make_error("bad_state", "orders must be arrays of ids");
    std::vector<Action> actions;
    for (const Json& a : seat_orders) {
      if (!a.is_number_integer() || !fits_action(a)) {
        return make_error("bad_state", "orders must be arrays of action ids");
      }
      actions.push_back(a.get<Action>());
    }
    step.orders.push_back(std::move(actions));
  }
  return step;
}

Result<std::vector<Step>> history_from_json(const Json& j) {
  if (!j.is_array()) return make_error("bad_state", "history must be an array");
  std::vector<Step> steps;
  for (const Json& item : j) {
    Result<Step> step = step_from_json(item);
    if (!step.ok()) return step.error();
    steps.push_back(std::move(step).value());
  }
  return steps;
}

}  // namespace arena
