#include "agents/selfplay/actor.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

#include "agents/cfr/cfr_agent.h"
#include "games/registry.h"

namespace arena::selfplay {
namespace {

// Decorrelates the game draw from the game's own generator, which starts from the same seed.
constexpr uint64_t kDrawSalt = 0xD1B54A32D192ED03ULL;

std::vector<float> to_floats(const std::vector<double>& v) { return {v.begin(), v.end()}; }

Error bad_game(const Game& game, const std::string& what) {
  return make_error("bad_game", "self-play: " + game.spec() + ": " + what);
}

// The training steps of `seat` at a simultaneous node: one per order group, with the
// search's average strategy over the group's actions (SearchResult lists them group after
// group, in the group's order; the visit fractions if a search gave no strategy) as the
// policy and the search's order as the action.
Result<std::vector<TrajectoryStep>> joint_steps(const State& state, Player seat, const SearchResult& r,
                                                std::vector<float>& observation) {
  state.observation_tensor(seat, observation);
  const std::vector<std::vector<Action>> groups = state.order_groups(seat);
  if (r.decision.actions.size() != groups.size()) {
    return make_error("bad_search", "seat " + std::to_string(seat) + " gave " +
                                        std::to_string(r.decision.actions.size()) + " orders for " +
                                        std::to_string(groups.size()) + " groups");
  }
  std::vector<TrajectoryStep> steps;
  const bool has_strategy = r.strategy.size() == r.visits.size();
  size_t next = 0;  // the first visit entry of the group
  for (size_t g = 0; g < groups.size(); ++g) {
    TrajectoryStep step;
    step.player = seat;
    step.observation = observation;
    step.legal = groups[g];
    std::sort(step.legal.begin(), step.legal.end());
    step.action = r.decision.actions[g];
    std::vector<double> visits(step.legal.size(), 0.0);
    double total = 0;
    for (size_t k = 0; k < groups[g].size() && next < r.visits.size(); ++k, ++next) {
      const auto [action, count] = r.visits[next];
      const auto it = std::lower_bound(step.legal.begin(), step.legal.end(), action);
      if (it == step.legal.end() || *it != action) {
        return make_error("bad_search", "a visited order that is not in its group");
      }
      const double weight = has_strategy ? std::max(0.0, static_cast<double>(r.strategy[next])) : count;
      visits[it - step.legal.begin()] += weight;
      total += weight;
    }
    if (total <= 0) {  // no visits (a group the search did not reach): uniform
      std::fill(visits.begin(), visits.end(), 1.0);
      total = static_cast<double>(visits.size());
    }
    for (double v : visits) step.policy.push_back(static_cast<float>(v / total));
    steps.push_back(std::move(step));
  }
  return steps;
}

// Rewrites a step's legal actions and policy as the network's policy slots (State::
// policy_slot): the distinct slots, ascending, each with the summed policy of its actions.
// Nothing changes in games whose slots are their actions.
void to_policy_slots(const State& state, TrajectoryStep& step) {
  std::map<Action, float> by_slot;
  bool identity = true;
  for (size_t i = 0; i < step.legal.size(); ++i) {
    const int slot = state.policy_slot(step.legal[i]);
    identity = identity && slot == step.legal[i];
    by_slot[slot] += step.policy[i];
  }
  if (identity) return;
  step.legal.clear();
  step.policy.clear();
  for (const auto& [slot, p] : by_slot) {
    step.legal.push_back(slot);
    step.policy.push_back(p);
  }
}

}  // namespace

Status validate(const SelfPlayConfig& config) {
  auto bad = [](const std::string& what) { return Status(make_error("bad_config", "self-play: " + what)); };
  if (config.games.empty()) return bad("no games to play");
  double sum = 0;
  for (const GameChoice& g : config.games) {
    if (!(g.weight >= 0)) return bad("the weight of " + g.spec + " must not be negative");
    sum += g.weight;
  }
  if (!(sum > 0)) return bad("the game weights must have a positive sum");
  if (config.search.simulations < 1) return bad("simulations must be positive");
  if (config.search.c_puct < 0) return bad("c_puct must not be negative");
  if (config.cfr.iterations < 0 || config.cfr.prior_iterations < 0)
    return bad("the CFR search's iterations must not be negative");
  if (config.threads < 1) return bad("threads must be positive");
  if (config.temperature_moves < 0) return bad("temperature_moves must not be negative");
  if (!(config.noisy_games >= 0 && config.noisy_games <= 1) ||
      !(config.noisy_moves >= 0 && config.noisy_moves <= 1))
    return bad("noisy_games and noisy_moves must be in [0, 1]");
  if (!(config.dirichlet_alpha >= 0) || !(config.dirichlet_scale >= 0))
    return bad("dirichlet_alpha and dirichlet_scale must not be negative");
  if (!(config.dirichlet_epsilon >= 0 && config.dirichlet_epsilon <= 1))
    return bad("dirichlet_epsilon must be in [0, 1]");
  return ok_status();
}

Result<Trajectory> play_selfplay_game(const Game& game, Evaluator& evaluator, const SelfPlayConfig& config,
                                      uint64_t seed, const std::atomic<bool>* cancel) {
  Rng rng(seed);
  // The searches share the caller's evaluator without owning it.
  const std::shared_ptr<Evaluator> shared(std::shared_ptr<Evaluator>(), &evaluator);
  const int num_players = game.num_players();
  std::vector<std::unique_ptr<Mcts>> searches;
  for (Player p = 0; p < num_players; ++p) {
    MctsConfig c = config.search;
    c.seed = rng.split();
    c.temperature = 0;  // the move is picked here, with the game's own temperature schedule
    c.dirichlet_alpha = config.dirichlet_alpha;
    c.dirichlet_scale = config.dirichlet_scale;
    c.dirichlet_epsilon = config.dirichlet_epsilon;
    searches.push_back(std::make_unique<Mcts>(c, shared));
  }
  Rng play(rng.split());  // chance outcomes and temperature draws
  int temperature_moves = config.temperature_moves;
  for (const GameChoice& choice : config.games)
    if (choice.spec == game.spec() && choice.temperature_moves >= 0)
      temperature_moves = choice.temperature_moves;
  // A noisy game (against an opponent; a puzzle has none): its noisy seat, drawn only when
  // the share is set, so that other runs draw as before.
  Player noisy_seat = kSpectator;  // none
  if (config.noisy_games > 0 && num_players >= 2 && play.uniform_double() < config.noisy_games)
    noisy_seat = static_cast<Player>(play.uniform(static_cast<uint64_t>(num_players)));
  // Hidden-information games whose whole tree fits: one CFR+ search from the root.
  std::shared_ptr<const cfr::GameTree> tree;
  cfr::TreePolicy cfr_policy;
  if (Result<std::shared_ptr<const cfr::GameTree>> whole = cfr::whole_tree(game); whole.ok()) {
    tree = *whole;
    Result<cfr::TreePolicy> searched = cfr::search_policy(*tree, evaluator, config.cfr);
    if (!searched.ok()) return searched.error();
    cfr_policy = std::move(searched).value();
  }

  Trajectory t;
  t.game = game.spec();
  t.seed = seed;
  t.num_players = num_players;
  std::unique_ptr<State> state = game.new_initial_state();
  std::vector<float> observation(static_cast<size_t>(game.observation_size()));
  int decisions = 0;
  while (!state->is_terminal()) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return make_error("cancelled", "self-play: game cancelled");
    }
    if (state->ply() >= game.max_game_length()) {
      return bad_game(
          game, "not over after max_game_length() = " + std::to_string(game.max_game_length()) + " steps");
    }
    if (state->is_chance_node()) {
      if (state->chance_outcomes().empty()) return bad_game(game, "a chance node without outcomes");
      const Status s = state->apply(sample_chance(*state, play));
      if (!s.ok()) return bad_game(game, s.error().message);
      continue;
    }
    if (state->is_simultaneous_node()) {
      // One training step per order group of each acting seat: the seat's observation, the
      // group's actions, the seat's visits over them, the order it gave.
      std::vector<std::vector<Action>> orders(num_players);
      const size_t first_step = t.steps.size();
      for (Player seat : state->players_to_act()) {
        Result<SearchResult> r = searches[seat]->search(*state, seat);
        if (!r.ok()) return r.error();
        orders[seat] = r->decision.actions;
        Result<std::vector<TrajectoryStep>> steps = joint_steps(*state, seat, *r, observation);
        if (!steps.ok()) return bad_game(game, steps.error().message);
        for (TrajectoryStep& step : *steps) {
          to_policy_slots(*state, step);
          t.steps.push_back(std::move(step));
        }
      }
      const Status s = state->apply_orders(orders);
      if (!s.ok()) return bad_game(game, s.error().message);
      // The joint step's rewards once, on its last record (the rest zero), so that a
      // trajectory's rewards still add up to its returns.
      for (size_t k = first_step; k < t.steps.size(); ++k) t.steps[k].rewards.assign(num_players, 0.0f);
      if (t.steps.size() > first_step) t.steps.back().rewards = to_floats(state->rewards());
      ++decisions;
      continue;
    }

    const Player seat = state->current_player();
    TrajectoryStep step;
    step.player = seat;
    step.legal = state->legal_actions();
    if (step.legal.empty()) return bad_game(game, "a decision without legal actions");
    state->observation_tensor(seat, observation);
    step.observation = observation;
    step.policy.assign(step.legal.size(), 0.0f);
    if (step.legal.size() == 1) {
      step.policy[0] = 1.0f;
      step.action = step.legal[0];
    } else if (tree) {
      Result<std::vector<double>> probs = cfr::policy_at(*tree, cfr_policy, *state, seat);
      if (!probs.ok()) return bad_game(game, probs.error().message);
      for (size_t i = 0; i < probs->size(); ++i) step.policy[i] = static_cast<float>((*probs)[i]);
      step.action = step.legal[play.sample_index(*probs)];
    } else {
      Result<SearchResult> r = searches[seat]->search(*state, seat);
      if (!r.ok()) return r.error();
      std::vector<double> visits(step.legal.size(), 0.0);
      double total = 0;
      for (const auto& [action, count] : r->visits) {
        const auto it = std::lower_bound(step.legal.begin(), step.legal.end(), action);
        if (it == step.legal.end() || *it != action) continue;
        visits[it - step.legal.begin()] += count;
        total += count;
      }
      if (total <= 0) {  // no visits (cannot happen with simulations >= 1): uniform
        std::fill(visits.begin(), visits.end(), 1.0);
        total = static_cast<double>(visits.size());
      }
      for (size_t i = 0; i < visits.size(); ++i) step.policy[i] = static_cast<float>(visits[i] / total);
      if (decisions < temperature_moves) {
        step.action = step.legal[play.sample_index(visits)];
      } else if (!r->decision.actions.empty()) {
        step.action = r->decision.actions[0];  // the most visited (ties: the first)
      } else {
        step.action = step.legal[std::max_element(visits.begin(), visits.end()) - visits.begin()];
      }
      if (seat == noisy_seat && play.uniform_double() < config.noisy_moves)
        step.action = step.legal[play.uniform(step.legal.size())];
    }
    to_policy_slots(*state, step);
    const Status s = state->apply(step.action);
    if (!s.ok()) return bad_game(game, s.error().message);
    step.rewards = to_floats(state->rewards());
    t.steps.push_back(std::move(step));
    ++decisions;
  }
  t.history = state->history();
  t.returns = to_floats(state->returns());
  for (float r : t.returns) t.scaled_returns.push_back(scale_return(game, r));
  return t;
}

// --- SelfPlayActors ------------------------------------------------------------------------

Result<std::unique_ptr<SelfPlayActors>> SelfPlayActors::create(SelfPlayConfig config,
                                                               EvaluatorFactory factory) {
  if (const Status s = validate(config); !s.ok()) return s.error();
  if (!factory) return make_error("bad_config", "self-play: no evaluator factory");
  std::vector<std::shared_ptr<const Game>> games;
  for (const GameChoice& choice : config.games) {
    Result<std::shared_ptr<const Game>> g = make_game(choice.spec);
    if (!g.ok()) return g.error();
    games.push_back(std::move(*g));
  }
  return std::unique_ptr<SelfPlayActors>(
      new SelfPlayActors(std::move(config), std::move(factory), std::move(games)));
}

SelfPlayActors::SelfPlayActors(SelfPlayConfig config, EvaluatorFactory factory,
                               std::vector<std::shared_ptr<const Game>> games)
    : config_(std::move(config)), factory_(std::move(factory)), games_(std::move(games)) {
  for (const GameChoice& choice : config_.games) weights_.push_back(choice.weight);
}

SelfPlayActors::~SelfPlayActors() { stop(/*finish_games=*/false); }

const Game& SelfPlayActors::game_for_index(uint64_t index) const {
  if (games_.size() == 1) return *games_[0];
  Rng draw((config_.seed + index) ^ kDrawSalt);
  return *games_[draw.sample_index(weights_)];
}

Status SelfPlayActors::set_weights(std::vector<double> weights) {
  double sum = 0;
  for (double w : weights) sum += w >= 0 ? w : std::nan("");
  if (weights.size() != games_.size() || !(sum > 0))
    return make_error("bad_config", "self-play: one non-negative weight per game, with a positive sum");
  std::lock_guard lock(mutex_);
  if (mode_ != Mode::kIdle) return make_error("busy", "self-play: games are being played");
  weights_ = std::move(weights);
  return ok_status();
}

void SelfPlayActors::record_error(const Error& error) {
  std::lock_guard lock(mutex_);
  ++stats_.errors;
  stats_.last_error = error.code + ": " + error.message;
}

Result<Trajectory> SelfPlayActors::play_index(uint64_t index, int thread, const std::atomic<bool>* cancel) {
  const uint64_t seed = config_.seed + index;
  const Game& game = game_for_index(index);
  const std::shared_ptr<Evaluator> evaluator = factory_(thread, seed);
  if (!evaluator) {
    const Error e = make_error("bad_config", "self-play: the evaluator factory returned no evaluator");
    record_error(e);
    return e;
  }
  Result<Trajectory> r = play_selfplay_game(game, *evaluator, config_, seed, cancel);
  if (!r.ok()) {
    if (r.error().code != "cancelled") record_error(r.error());
    return r;
  }
  std::lock_guard lock(mutex_);
  ++stats_.games;
  stats_.positions += r->steps.size();
  GameCounts& counts = stats_.per_game[r->game];
  ++counts.games;
  counts.positions += r->steps.size();
  return r;
}

Status SelfPlayActors::start(TrajectorySink sink) {
  std::lock_guard lock(mutex_);
  if (mode_ != Mode::kIdle) return make_error("busy", "self-play: already running or playing a batch");
  mode_ = Mode::kRunning;
  stopping_ = false;
  cancel_ = false;
  auto shared_sink = std::make_shared<TrajectorySink>(std::move(sink));
  for (int t = 0; t < config_.threads; ++t) {
    threads_.emplace_back([this, t, shared_sink] {
      while (!stopping_.load()) {
        Result<Trajectory> r = play_index(next_index_.fetch_add(1), t, &cancel_);
        if (!r.ok()) return;  // cancelled, or an error that would repeat (recorded)
        if (*shared_sink) (*shared_sink)(std::move(*r));
      }
    });
  }
  return ok_status();
}

void SelfPlayActors::stop(bool finish_games) {
  std::vector<std::thread> threads;
  {
    std::unique_lock lock(mutex_);
    if (mode_ == Mode::kStopping) {
      if (!finish_games) cancel_ = true;
      idle_.wait(lock, [this] { return mode_ != Mode::kStopping; });
      return;
    }
    if (mode_ != Mode::kRunning) return;
    mode_ = Mode::kStopping;
    stopping_ = true;
    if (!finish_games) cancel_ = true;
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
  std::lock_guard lock(mutex_);
  mode_ = Mode::kIdle;
  idle_.notify_all();
}

bool SelfPlayActors::running() const {
  std::lock_guard lock(mutex_);
  return mode_ == Mode::kRunning || mode_ == Mode::kStopping;
}

Result<std::vector<Trajectory>> SelfPlayActors::play_batch(int n) {
  if (n < 0) return make_error("bad_argument", "self-play: a batch of " + std::to_string(n) + " games");
  {
    std::lock_guard lock(mutex_);
    if (mode_ != Mode::kIdle) return make_error("busy", "self-play: already running or playing a batch");
    mode_ = Mode::kBatch;
  }
  const uint64_t first = next_index_.fetch_add(static_cast<uint64_t>(n));
  std::vector<std::optional<Result<Trajectory>>> slots(n);
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  // Indices are taken in increasing order, so every game before a failing one is played to
  // its end: the lowest failing index found is the first failing game.
  auto work = [&](int thread) {
    while (!failed.load()) {
      const int i = next.fetch_add(1);
      if (i >= n) return;
      slots[i] = play_index(first + i, thread, nullptr);
      if (!slots[i]->ok()) failed = true;
    }
  };
  const int threads = std::min(config_.threads, n);
  if (threads <= 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(work, t);
    for (std::thread& t : pool) t.join();
  }
  {
    std::lock_guard lock(mutex_);
    mode_ = Mode::kIdle;
    idle_.notify_all();
  }
  std::vector<Trajectory> out;
  out.reserve(n);
  for (std::optional<Result<Trajectory>>& slot : slots) {
    if (!slot) break;  // not played after a failure (a failing slot comes first)
    if (!slot->ok()) return slot->error();
    out.push_back(std::move(**slot));
  }
  return out;
}

ActorStats SelfPlayActors::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace arena::selfplay
