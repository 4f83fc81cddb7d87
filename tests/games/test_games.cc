// test_blotto: a small Colonel Blotto. Each round both seats move their two units at once,
// each unit to one of three fields; a field goes to the seat with more units on it. After
// the rounds, the return is (fields won - fields lost) / (3 * rounds). Orders are secret
// until both are in, which the atomic joint step models; earlier rounds are public.
#include "tests/games/test_games.h"

#include <mutex>

#include "games/registry.h"

namespace arena::testing {
namespace {

constexpr int kUnits = 2;
constexpr int kFields = 3;

class Blotto final : public Game {
 public:
  using Game::Game;
  int rounds() const { return static_cast<int>(params().get_int("rounds")); }
  int num_players() const override { return 2; }
  int num_distinct_actions() const override { return kUnits * kFields; }  // unit * 3 + field
  std::vector<int> observation_shape() const override { return {2, kFields}; }
  double min_utility() const override { return -1; }
  double max_utility() const override { return 1; }
  std::optional<double> utility_sum() const override { return 0.0; }
  int max_game_length() const override { return rounds(); }
  std::unique_ptr<State> new_initial_state() const override;
};

class BlottoState final : public State {
 public:
  using State::State;
  const Blotto& blotto() const { return static_cast<const Blotto&>(game()); }

  Player current_player() const override {
    return static_cast<int>(rounds_.size()) < blotto().rounds() ? kSimultaneousPlayer : kTerminalPlayer;
  }
  std::vector<Action> legal_actions(Player player) const override {
    if (current_player() != kSimultaneousPlayer || player < 0 || player > 1) return {};
    std::vector<Action> all(kUnits * kFields);
    for (int i = 0; i < kUnits * kFields; ++i) all[i] = i;
    return all;
  }
  std::vector<std::vector<Action>> order_groups(Player player) const override {
    if (legal_actions(player).empty()) return {};
    std::vector<std::vector<Action>> groups(kUnits);
    for (int u = 0; u < kUnits; ++u) {
      for (int f = 0; f < kFields; ++f) groups[u].push_back(u * kFields + f);
    }
    return groups;
  }
  std::vector<double> returns() const override {
    if (!is_terminal()) return {0, 0};
    double score = 0;
    for (const auto& round : rounds_) {
      for (int f = 0; f < kFields; ++f) score += (round[0][f] > round[1][f]) - (round[0][f] < round[1][f]);
    }
    score /= kFields * blotto().rounds();
    return {score, -score};
  }
  void observation_tensor(Player player, std::span<float> out) const override {
    std::fill(out.begin(), out.end(), 0.0f);
    if (rounds_.empty() || player < 0) return;
    for (int f = 0; f < kFields; ++f) {
      out[f] = static_cast<float>(rounds_.back()[player][f]);
      out[kFields + f] = static_cast<float>(rounds_.back()[1 - player][f]);
    }
  }
  std::string information_key(Player) const override { return to_string(); }
  std::string action_to_string(Player, Action action) const override {
    return "unit" + std::to_string(action / kFields + 1) + "->field" + std::to_string(action % kFields + 1);
  }
  std::string to_string() const override {
    std::string s;
    for (const auto& round : rounds_) {
      s += "[";
      for (int p = 0; p < 2; ++p) {
        for (int f = 0; f < kFields; ++f) s += std::to_string(round[p][f]);
        s += p == 0 ? "|" : "]";
      }
    }
    return s;
  }
  std::unique_ptr<State> clone() const override { return std::make_unique<BlottoState>(*this); }

 protected:
  void do_apply(Action) override { assert(false && "blotto has only simultaneous steps"); }
  void do_apply_orders(const std::vector<std::vector<Action>>& orders) override {
    std::array<std::array<int, kFields>, 2> round{};
    for (int p = 0; p < 2; ++p) {
      for (Action a : orders[p]) ++round[p][a % kFields];
    }
    rounds_.push_back(round);
  }
  Json do_view(Player) const override { return {{"rounds", to_string()}}; }
  Result<Action> do_parse_action(Player, std::string_view text) const override {
    for (Action a = 0; a < kUnits * kFields; ++a) {
      if (action_to_string(0, a) == text) return a;
    }
    return make_error("parse_error", "'" + std::string(text) + "': expected unitU->fieldF");
  }

 private:
  std::vector<std::array<std::array<int, kFields>, 2>> rounds_;
};

std::unique_ptr<State> Blotto::new_initial_state() const {
  return std::make_unique<BlottoState>(shared_from_this());
}

// test_rps: rock-paper-scissors as one simultaneous step, for `players` seats (2 to 7), each
// giving one order per unit (`units` independent games played at once). Seat i scores, per
// unit and per other seat, +1 for a win and -1 for a loss; its return is the mean over units
// and other seats, in [-1, 1], zero-sum. With `forfeit` each unit may also forfeit: it loses
// to rock, paper and scissors and ties another forfeit, a dominated order. Uniform over
// rock, paper and scissors is an equilibrium; no pure strategy is.
class Rps final : public Game {
 public:
  using Game::Game;
  int players() const { return static_cast<int>(params().get_int("players")); }
  int units() const { return static_cast<int>(params().get_int("units")); }
  int choices() const { return params().get_bool("forfeit") ? 4 : 3; }  // rock, paper, scissors[, forfeit]
  int num_players() const override { return players(); }
  int num_distinct_actions() const override { return units() * choices(); }  // unit * choices + choice
  std::vector<int> observation_shape() const override { return {players()}; }
  double min_utility() const override { return -1; }
  double max_utility() const override { return 1; }
  std::optional<double> utility_sum() const override { return 0.0; }
  int max_game_length() const override { return 1; }
  std::unique_ptr<State> new_initial_state() const override;
};

class RpsState final : public State {
 public:
  using State::State;
  const Rps& rps() const { return static_cast<const Rps&>(game()); }

  Player current_player() const override { return orders_.empty() ? kSimultaneousPlayer : kTerminalPlayer; }
  std::vector<Action> legal_actions(Player player) const override {
    if (current_player() != kSimultaneousPlayer || player < 0 || player >= rps().players()) return {};
    std::vector<Action> all(static_cast<size_t>(rps().num_distinct_actions()));
    for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<Action>(i);
    return all;
  }
  std::vector<std::vector<Action>> order_groups(Player player) const override {
    if (legal_actions(player).empty()) return {};
    std::vector<std::vector<Action>> groups(static_cast<size_t>(rps().units()));
    for (int u = 0; u < rps().units(); ++u) {
      for (int c = 0; c < rps().choices(); ++c) groups[u].push_back(u * rps().choices() + c);
    }
    return groups;
  }
  std::vector<double> returns() const override {
    const int n = rps().players();
    std::vector<double> r(static_cast<size_t>(n), 0.0);
    if (!is_terminal()) return r;
    // +1 when choice a beats b: paper > rock > scissors > paper, any of them > forfeit.
    auto score = [](int a, int b) {
      if (a == b) return 0;
      if (a == 3 || b == 3) return a == 3 ? -1 : 1;
      return (a - b + 3) % 3 == 1 ? 1 : -1;
    };
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        if (i == j) continue;
        for (int u = 0; u < rps().units(); ++u) {
          r[i] += score(orders_[i][u] % rps().choices(), orders_[j][u] % rps().choices());
        }
      }
      r[i] /= static_cast<double>(rps().units() * (n - 1));
    }
    return r;
  }
  void observation_tensor(Player player, std::span<float> out) const override {
    std::fill(out.begin(), out.end(), 0.0f);
    if (player >= 0 && player < rps().players()) out[player] = 1.0f;  // who is looking
  }
  std::string information_key(Player) const override { return to_string(); }
  std::string action_to_string(Player, Action action) const override {
    static const char* const names[] = {"rock", "paper", "scissors", "forfeit"};
    return "u" + std::to_string(action / rps().choices() + 1) + ":" + names[action % rps().choices()];
  }
  std::string to_string() const override {
    std::string s;
    for (const std::vector<Action>& seat : orders_) {
      s += "[";
      for (Action a : seat) s += action_to_string(0, a) + " ";
      s += "]";
    }
    return s;
  }
  std::unique_ptr<State> clone() const override { return std::make_unique<RpsState>(*this); }

 protected:
  void do_apply(Action) override { assert(false && "rps has only simultaneous steps"); }
  void do_apply_orders(const std::vector<std::vector<Action>>& orders) override { orders_ = orders; }
  Json do_view(Player) const override { return {{"orders", to_string()}}; }
  Result<Action> do_parse_action(Player, std::string_view text) const override {
    for (Action a = 0; a < rps().num_distinct_actions(); ++a) {
      if (action_to_string(0, a) == text) return a;
    }
    return make_error("parse_error",
                      "'" + std::string(text) + "': expected uU:rock, uU:paper or uU:scissors");
  }

 private:
  std::vector<std::vector<Action>> orders_;  // per seat, one per unit, once played
};

std::unique_ptr<State> Rps::new_initial_state() const {
  return std::make_unique<RpsState>(shared_from_this());
}

// test_nim: one heap of `heap` stones; the seats take 1 to 3 stones in turn and whoever
// takes the last stone wins (+1, the other -1). Action k takes k + 1 stones. A position
// is lost for the mover exactly when the heap is a multiple of 4.
class Nim final : public Game {
 public:
  using Game::Game;
  int heap() const { return static_cast<int>(params().get_int("heap")); }
  int num_players() const override { return 2; }
  int num_distinct_actions() const override { return 3; }
  std::vector<int> observation_shape() const override { return {2}; }
  double min_utility() const override { return -1; }
  double max_utility() const override { return 1; }
  std::optional<double> utility_sum() const override { return 0.0; }
  int max_game_length() const override { return heap(); }
  std::unique_ptr<State> new_initial_state() const override;
};

class NimState final : public State {
 public:
  explicit NimState(std::shared_ptr<const Game> game) : State(std::move(game)) {
    left_ = static_cast<const Nim&>(this->game()).heap();
  }
  Player current_player() const override { return left_ > 0 ? ply() % 2 : kTerminalPlayer; }
  std::vector<Action> legal_actions(Player player) const override {
    if (player < 0 || player != current_player()) return {};
    std::vector<Action> legal;
    for (Action a = 0; a < 3 && a < left_; ++a) legal.push_back(a);
    return legal;
  }
  std::vector<double> returns() const override {
    if (!is_terminal()) return {0, 0};
    const Player last = (ply() - 1) % 2;  // took the last stone
    return last == 0 ? std::vector<double>{1, -1} : std::vector<double>{-1, 1};
  }
  void observation_tensor(Player player, std::span<float> out) const override {
    out[0] = static_cast<float>(left_);
    out[1] = player == current_player() ? 1.0f : 0.0f;
  }
  std::string information_key(Player) const override { return to_string(); }
  std::string action_to_string(Player, Action action) const override {
    return "take " + std::to_string(action + 1);
  }
  std::string to_string() const override {
    return "heap " + std::to_string(left_) + " ply " + std::to_string(ply());
  }
  std::unique_ptr<State> clone() const override { return std::make_unique<NimState>(*this); }

 protected:
  void do_apply(Action action) override { left_ -= action + 1; }
  Json do_view(Player) const override { return {{"heap", left_}}; }
  Result<Action> do_parse_action(Player, std::string_view text) const override {
    for (Action a = 0; a < 3; ++a) {
      if (action_to_string(0, a) == text) return a;
    }
    return make_error("parse_error", "'" + std::string(text) + "': expected 'take 1', 'take 2' or 'take 3'");
  }

 private:
  int left_ = 0;
};

std::unique_ptr<State> Nim::new_initial_state() const {
  return std::make_unique<NimState>(shared_from_this());
}

}  // namespace

void register_test_games() {
  static std::once_flag once;
  std::call_once(once, [] {
    GameType type;
    type.name = "test_blotto";
    type.description = "test-only Colonel Blotto with simultaneous moves";
    type.has_simultaneous = true;
    type.draw_offers = true;
    type.params = {{"rounds", int64_t{3}, "number of rounds"}};
    GameRegistry::instance().add({type,
                                  [type](const GameParams& params) -> Result<std::shared_ptr<const Game>> {
                                    if (params.get_int("rounds") < 1)
                                      return make_error("bad_spec", "test_blotto: rounds must be positive");
                                    return std::shared_ptr<const Game>(
                                        std::make_shared<Blotto>(type, params));
                                  },
                                  {"test_blotto", "test_blotto(rounds=1)"}});
    GameType rps;
    rps.name = "test_rps";
    rps.description = "test-only rock-paper-scissors for 2 to 7 seats, as one simultaneous step";
    rps.has_simultaneous = true;
    rps.params = {{"players", int64_t{2}, "seats (2 to 7)"},
                  {"units", int64_t{1}, "independent games, one order each"},
                  {"forfeit", false, "each unit may also forfeit (a dominated order)"}};
    GameRegistry::instance().add({rps,
                                  [rps](const GameParams& params) -> Result<std::shared_ptr<const Game>> {
                                    if (params.get_int("players") < 2 || params.get_int("players") > 7)
                                      return make_error("bad_spec", "test_rps: players must be in [2, 7]");
                                    if (params.get_int("units") < 1 || params.get_int("units") > 8)
                                      return make_error("bad_spec", "test_rps: units must be in [1, 8]");
                                    return std::shared_ptr<const Game>(std::make_shared<Rps>(rps, params));
                                  },
                                  {"test_rps", "test_rps(players=3,units=2,forfeit=true)"}});
    GameType nim;
    nim.name = "test_nim";
    nim.description = "test-only Nim: one heap, take 1 to 3, the last stone wins";
    nim.params = {{"heap", int64_t{5}, "stones in the heap"}};
    GameRegistry::instance().add({nim,
                                  [nim](const GameParams& params) -> Result<std::shared_ptr<const Game>> {
                                    if (params.get_int("heap") < 1)
                                      return make_error("bad_spec", "test_nim: heap must be positive");
                                    return std::shared_ptr<const Game>(std::make_shared<Nim>(nim, params));
                                  },
                                  {"test_nim", "test_nim(heap=2)"}});
  });
}

}  // namespace arena::testing
