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
