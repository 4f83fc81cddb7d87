#include "games/poker/holdem.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <numeric>

#include "games/poker/cards.h"
#include "games/poker/hand_eval.h"

namespace arena {
namespace {

constexpr std::array<int, 4> kBoardSize = {0, 3, 4, 5};  // board cards during each round
constexpr std::array<const char*, 5> kRoundNames = {"preflop", "flop", "turn", "river", "showdown"};

std::string card_name(int card) { return poker::Card(card).to_string(); }

std::string cards_text(const std::vector<int>& cards, const char* sep = " ") {
  std::string out;
  for (size_t i = 0; i < cards.size(); ++i) out += (i ? sep : "") + card_name(cards[i]);
  return out;
}

std::string lower_trimmed(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  std::string out(s.substr(b, e - b));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A whole non-negative integer (no sign, no trailing text), or -1.
int64_t parse_amount(std::string_view s) {
  if (s.empty() || s.size() > 12) return -1;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < 0) return -1;
  return v;
}

// Blind seats: heads-up the button (seat 1) posts the small blind; otherwise seats 0 and 1.
Player small_blind_seat(int n) { return n == 2 ? 1 : 0; }
Player big_blind_seat(int n) { return n == 2 ? 0 : 1; }

// The most one seat can put in a limit hand: four bets in each round.
int limit_cap(const HoldemConfig& c) { return Holdem::kMaxBetsPerRound * (2 * c.small_bet + 2 * c.big_bet); }

Result<std::vector<int>> parse_stacks(const std::string& text, int players) {
  std::vector<int> stacks;
  size_t i = 0;
  while (i <= text.size()) {
    size_t j = text.find('/', i);
    if (j == std::string::npos) j = text.size();
    const int64_t v = parse_amount(text.substr(i, j - i));
    if (v <= 0 || v > 1'000'000) {
      return make_error("bad_spec", "stacks: '" + text + "' must be chip counts 1..1000000 separated by '/'");
    }
    stacks.push_back(static_cast<int>(v));
    i = j + 1;
  }
  if (static_cast<int>(stacks.size()) != players) {
    return make_error("bad_spec", "stacks: " + std::to_string(stacks.size()) + " given for " +
                                      std::to_string(players) + " players");
  }
  return stacks;
}

}  // namespace

// --- The game -------------------------------------------------------------------------

Holdem::Holdem(GameType type, GameParams params, HoldemConfig config)
    : Game(std::move(type), std::move(params)), config_(std::move(config)) {}

int Holdem::num_distinct_actions() const {
  if (config_.limit) return 3;
  return kRaiseBase + 1 + *std::max_element(config_.stacks.begin(), config_.stacks.end());
}

int Holdem::num_policy_slots() const { return config_.limit ? 3 : 7; }

double Holdem::chip_scale() const {
  if (config_.limit) return limit_cap(config_);
  return *std::max_element(config_.stacks.begin(), config_.stacks.end());
}

// A seat can lose at most what it and the deepest other stack both have; it can win at
// most, from each other seat, what both have.
double Holdem::min_utility() const {
  const int n = config_.players;
  int worst = 0;
  for (int i = 0; i < n; ++i) {
    int deepest_other = 0;
    for (int j = 0; j < n; ++j) {
      if (j != i) deepest_other = std::max(deepest_other, config_.stacks[j]);
    }
    int loss = std::min(config_.stacks[i], deepest_other);
    if (config_.limit) loss = std::min(loss, limit_cap(config_));
    worst = std::max(worst, loss);
  }
  return -worst;
}

double Holdem::max_utility() const {
  const int n = config_.players;
  int best = 0;
  for (int i = 0; i < n; ++i) {
    int win = 0;
    for (int j = 0; j < n; ++j) {
      if (j == i) continue;
      int from_j = std::min(config_.stacks[i], config_.stacks[j]);
      if (config_.limit) from_j = std::min(from_j, limit_cap(config_));
      win += from_j;
    }
    best = std::max(best, win);
  }
  return best;
}

// Each bet or raise in no-limit adds at least a big blind, except one short all-in per seat;
// between two of them each seat acts at most once otherwise.
int Holdem::max_game_length() const {
  const int n = config_.players;
  int raises;
  if (config_.limit) {
    raises = kRounds * kMaxBetsPerRound;
  } else {
    const int deepest = *std::max_element(config_.stacks.begin(), config_.stacks.end());
    raises = deepest / config_.big_blind + n + kRounds;
  }
  return 2 * n + 5 + raises + (raises + kRounds) * n;
}

std::unique_ptr<State> Holdem::new_initial_state() const {
  return std::make_unique<HoldemState>(shared_from_this());
}

// --- The state: dealing and betting ------------------------------------------------------

HoldemState::HoldemState(std::shared_ptr<const Game> game)
    : State(std::move(game)), config_(static_cast<const Holdem&>(this->game()).config()) {
  const int n = config_.players;
  hole_.assign(n, {-1, -1});
  stack_ = config_.stacks;
  bet_.assign(n, 0);
  total_.assign(n, 0);
  folded_.assign(n, false);
  acted_.assign(n, false);
  may_raise_.assign(n, true);
  shown_.assign(n, false);
  won_.assign(n, 0);
  auto post = [&](Player seat, int blind) {
    const int chips = std::min(blind, stack_[seat]);
    stack_[seat] -= chips;
    bet_[seat] += chips;
    total_[seat] += chips;
  };
  post(small_blind_seat(n), config_.small_blind);
  post(big_blind_seat(n), config_.big_blind);
  current_bet_ = *std::max_element(bet_.begin(), bet_.end());
  last_raise_ = config_.limit ? config_.small_bet : config_.big_blind;
  bets_ = 1;
}

int HoldemState::cards_to_deal() const {
  if (terminal_) return 0;
  const int n = config_.players;
  if (hole_dealt_ < 2 * n) return 2 * n - hole_dealt_;
  if (round_ >= Holdem::kRounds) return 0;
  return kBoardSize[round_] - static_cast<int>(board_.size());
}

Player HoldemState::current_player() const {
  if (terminal_) return kTerminalPlayer;
  if (cards_to_deal() > 0) return kChancePlayer;
  return to_act_;
}

int HoldemState::active_count() const {
  return static_cast<int>(std::count(folded_.begin(), folded_.end(), false));
}

int HoldemState::pot() const { return std::accumulate(total_.begin(), total_.end(), 0); }

bool HoldemState::round_complete() const {
  int can_act = 0;
  for (Player p = 0; p < config_.players; ++p) {
    if (folded_[p] || stack_[p] == 0) continue;
    if (bet_[p] < current_bet_) return false;
    ++can_act;
  }
  if (can_act <= 1) return true;  // nobody left to bet against
  for (Player p = 0; p < config_.players; ++p) {
    if (!folded_[p] && stack_[p] > 0 && !acted_[p]) return false;
  }
  return true;
}

Player HoldemState::next_to_act(Player after) const {
  const int n = config_.players;
  for (int i = 1; i <= n; ++i) {
    const Player s = (after + i) % n;
    if (folded_[s] || stack_[s] == 0) continue;
    if (!acted_[s] || bet_[s] < current_bet_) return s;
  }
  return -1;
}

void HoldemState::start_round() {
  const int n = config_.players;
  to_act_ = next_to_act(round_ == 0 ? big_blind_seat(n) : n - 1);
  if (round_complete()) {
    advance();
  }
}

void HoldemState::advance() {
  if (active_count() == 1) {
    settle();
    return;
  }
  if (!round_complete()) {
    to_act_ = next_to_act(to_act_);
    return;
  }
  ++round_;
  if (round_ == Holdem::kRounds) {
    settle();
    return;
  }
  std::fill(bet_.begin(), bet_.end(), 0);
  std::fill(acted_.begin(), acted_.end(), false);
  std::fill(may_raise_.begin(), may_raise_.end(), true);
  current_bet_ = 0;
  last_raise_ = config_.limit ? (round_ < 2 ? config_.small_bet : config_.big_bet) : config_.big_blind;
  bets_ = 0;
  last_aggressor_ = -1;
  to_act_ = kChancePlayer;  // the board cards come first
}

bool HoldemState::can_raise() const {
  const Player p = current_player();
  if (p < 0 || !may_raise_[p]) return false;
  if (stack_[p] <= current_bet_ - bet_[p]) return false;  // only a call (or less) left
  if (config_.limit && bets_ >= Holdem::kMaxBetsPerRound) return false;
  for (Player q = 0; q < config_.players; ++q) {
    if (q != p && !folded_[q] && stack_[q] > 0) return true;  // someone can answer
  }
  return false;
}

int HoldemState::max_raise_to() const {
  const Player p = current_player();
  return p < 0 ? 0 : bet_[p] + stack_[p];
}

int HoldemState::min_raise_to() const {
  const int size = config_.limit ? (round_ < 2 ? config_.small_bet : config_.big_bet) : last_raise_;
  return std::min(current_bet_ + size, max_raise_to());
}

Action HoldemState::raise_action(int to) const {
  return config_.limit ? Holdem::kRaise : Holdem::kRaiseBase + to;
}

std::vector<Action> HoldemState::legal_actions(Player player) const {
  if (player < 0 || player != current_player()) {
    if (player == kChancePlayer && current_player() == kChancePlayer) {
      std::vector<Action> out;
      for (const auto& [a, p] : chance_outcomes()) out.push_back(a);
      return out;
    }
    return {};
  }
  std::vector<Action> out;
  if (bet_[player] < current_bet_) out.push_back(Holdem::kFold);
  out.push_back(Holdem::kCall);
  if (can_raise()) {
    if (config_.limit) {
      out.push_back(Holdem::kRaise);
    } else {
      for (int to = min_raise_to(); to <= max_raise_to(); ++to) out.push_back(Holdem::kRaiseBase + to);
    }
  }
  return out;
}

bool HoldemState::is_legal(Action action) const {
  const Player p = current_player();
  if (p == kChancePlayer) {
    if (action < 0 || action >= 52) return false;
    for (const auto& h : hole_) {
      if (h[0] == action || h[1] == action) return false;
    }
    return std::find(board_.begin(), board_.end(), action) == board_.end();
  }
  if (p < 0) return false;
  if (action == Holdem::kFold) return bet_[p] < current_bet_;
  if (action == Holdem::kCall) return true;
  if (!can_raise()) return false;
  if (config_.limit) return action == Holdem::kRaise;
  const int to = action - Holdem::kRaiseBase;
  return to >= min_raise_to() && to <= max_raise_to();
}

std::array<int, 5> HoldemState::abstract_raises() const {
  const Player p = current_player();
  const int lo = min_raise_to(), hi = max_raise_to();
  // A fraction f of the pot raises to the current bet plus f times the pot after a call.
  const int pot_after_call = pot() + (current_bet_ - bet_[p]);
  auto fraction = [&](double f) {
    return std::clamp(current_bet_ + static_cast<int>(f * pot_after_call), lo, hi);
  };
  return {lo, fraction(0.5), fraction(1.0), fraction(2.0), hi};
}

std::vector<Action> HoldemState::playout_actions() const {
  const Player p = current_player();
  if (p < 0 || config_.limit) return legal_actions();
  std::vector<Action> out;
  if (bet_[p] < current_bet_) out.push_back(Holdem::kFold);
  out.push_back(Holdem::kCall);
  if (can_raise()) {
    for (int to : abstract_raises()) out.push_back(Holdem::kRaiseBase + to);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

int HoldemState::policy_slot(Action action) const {
  if (config_.limit || action < Holdem::kRaiseBase || !can_raise()) return action;
  const int to = action - Holdem::kRaiseBase;
  const std::array<int, 5> sizes = abstract_raises();
  if (to <= sizes[0]) return 2;
  if (to >= sizes[4]) return 6;
  int best = 0;  // the nearest size; sizes ascend, so a tie keeps the smaller
  for (int k = 1; k < 5; ++k) {
    if (std::abs(to - sizes[k]) < std::abs(to - sizes[best])) best = k;
  }
  return 2 + best;
}

std::vector<std::pair<Action, double>> HoldemState::chance_outcomes() const {
  if (current_player() != kChancePlayer) return {};
  std::array<bool, 52> used{};
  int n_used = 0;
  for (const auto& h : hole_) {
    for (int c : h) {
      if (c >= 0) used[c] = true, ++n_used;
    }
  }
  for (int c : board_) used[c] = true, ++n_used;
  const double p = 1.0 / (52 - n_used);
  std::vector<std::pair<Action, double>> out;
  for (int c = 0; c < 52; ++c) {
    if (!used[c]) out.emplace_back(c, p);
  }
  return out;
}

void HoldemState::do_apply(Action action) {
  if (current_player() == kChancePlayer) {
    const int n = config_.players;
    if (hole_dealt_ < 2 * n) {
      hole_[hole_dealt_ / 2][hole_dealt_ % 2] = action;
      if (++hole_dealt_ == 2 * n) start_round();
    } else {
      board_.push_back(action);
      if (static_cast<int>(board_.size()) == kBoardSize[round_]) start_round();
    }
    return;
  }
  const Player p = to_act_;
  HoldemAction record;
  record.seat = p;
  record.round = round_;
  if (action == Holdem::kFold) {
    folded_[p] = true;
    record.kind = HoldemAction::kFold;
  } else if (action == Holdem::kCall) {
    const int chips = to_call(p);
    record.kind = current_bet_ > bet_[p] ? HoldemAction::kCall : HoldemAction::kCheck;
    stack_[p] -= chips;
    bet_[p] += chips;
    total_[p] += chips;
    record.added = chips;
  } else {
    const int to = config_.limit ? min_raise_to() : action - Holdem::kRaiseBase;
    record.kind = current_bet_ == 0 ? HoldemAction::kBet : HoldemAction::kRaise;
    const int chips = to - bet_[p];
    const int increment = to - current_bet_;
    if (increment >= last_raise_) {  // a full raise reopens the betting
      last_raise_ = increment;
      for (Player q = 0; q < config_.players; ++q) {
        if (q != p) may_raise_[q] = true;
      }
    }
    for (Player q = 0; q < config_.players; ++q) {
      if (q != p) acted_[q] = false;
    }
    stack_[p] -= chips;
    bet_[p] = to;
    total_[p] += chips;
    current_bet_ = to;
    ++bets_;
    last_aggressor_ = p;
    record.added = chips;
  }
  acted_[p] = true;
  may_raise_[p] = false;
  record.to = bet_[p];
  record.hand_total = total_[p];
  record.all_in = !folded_[p] && stack_[p] == 0;
  actions_.push_back(record);
  advance();
}

std::vector<HoldemPot> HoldemState::pots() const {
  std::vector<int> levels;
  for (Player p = 0; p < config_.players; ++p) {
    if (!folded_[p] && total_[p] > 0) levels.push_back(total_[p]);
  }
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  // Above the second largest stake, the largest is nobody's to call: not in any pot yet.
  std::vector<int> stakes = total_;
  std::sort(stakes.rbegin(), stakes.rend());
  const int cap = stakes.size() > 1 ? stakes[1] : stakes[0];
  std::vector<HoldemPot> out;
  int prev = 0;
  for (int level : levels) {
    level = std::min(level, cap);
    if (level <= prev) continue;
    HoldemPot pot;
    for (Player p = 0; p < config_.players; ++p) {
      pot.amount += std::min(total_[p], level) - std::min(total_[p], prev);
      if (!folded_[p] && total_[p] >= level) pot.eligible.push_back(p);
    }
    if (!out.empty() && out.back().eligible == pot.eligible) {
      out.back().amount += pot.amount;
    } else {
      out.push_back(pot);
    }
    prev = level;
  }
  return out;
}

void HoldemState::settle() {
  const int n = config_.players;
  terminal_ = true;
  to_act_ = kTerminalPlayer;
  // An uncalled bet goes back to its bettor.
  Player top = 0;
  for (Player p = 1; p < n; ++p) {
    if (total_[p] > total_[top]) top = p;
  }
  int second = 0;
  for (Player p = 0; p < n; ++p) {
    if (p != top) second = std::max(second, total_[p]);
  }
  if (total_[top] > second) {
    uncalled_ = total_[top] - second;
    uncalled_to_ = top;
    total_[top] -= uncalled_;
    bet_[top] -= std::min(bet_[top], uncalled_);
    stack_[top] += uncalled_;
  }
  final_pots_ = pots();
  showdown_ = active_count() >= 2;
  std::vector<int> rank(n, 0);
  if (showdown_) {
    const poker::HandEvaluator& eval = poker::HandEvaluator::instance();
    for (Player p = 0; p < n; ++p) {
      if (folded_[p]) continue;
      poker::HandKey key;
      for (int c : hole_[p]) key = key.add(poker::Card(c));
      for (int c : board_) key = key.add(poker::Card(c));
      rank[p] = eval.rank(key);
    }
    // Showing order: the last to bet or raise on the river, else the first seat after the
    // button; then clockwise. A hand is shown if, in some pot it is in, no hand shown so far
    // beats it (the first in the order always shows); the others are mucked.
    const Player first = last_aggressor_ >= 0 && !folded_[last_aggressor_] ? last_aggressor_ : 0;
    for (int i = 0; i < n; ++i) {
      const Player p = (first + i) % n;
      if (folded_[p]) continue;
      bool show = false;
      for (const HoldemPot& pot : final_pots_) {
        if (std::find(pot.eligible.begin(), pot.eligible.end(), p) == pot.eligible.end()) continue;
        int best_shown = -1;
        for (Player q : pot.eligible) {
          if (shown_[q]) best_shown = std::max(best_shown, rank[q]);
        }
        if (best_shown <= rank[p]) show = true;
      }
      shown_[p] = show;
    }
  }
  for (size_t i = 0; i < final_pots_.size(); ++i) {
    const HoldemPot& pot = final_pots_[i];
    std::vector<Player> winners;
    int best = -1;
    for (Player p : pot.eligible) {
      if (rank[p] > best) {
        best = rank[p];
        winners = {p};
      } else if (rank[p] == best) {
        winners.push_back(p);
      }
    }
    // Equal shares; the odd chips one each to the winners in seat order from the first seat
    // after the button (seat 0).
    HoldemAward award;
    award.pot = static_cast<int>(i);
    award.amount = pot.amount;
    const int k = static_cast<int>(winners.size());
    for (int w = 0; w < k; ++w) {
      const int share = pot.amount / k + (w < pot.amount % k ? 1 : 0);
      award.winners.emplace_back(winners[w], share);
      won_[winners[w]] += share;
    }
    awards_.push_back(award);
  }
  for (Player p = 0; p < n; ++p) stack_[p] += won_[p];
}

std::vector<double> HoldemState::returns() const {
  std::vector<double> out(config_.players, 0.0);
  if (!terminal_) return out;
  for (Player p = 0; p < config_.players; ++p) out[p] = won_[p] - total_[p];
  return out;
}

std::vector<double> HoldemState::forfeit_returns(Player loser) const {
  if (terminal_) return returns();
  const int n = config_.players;
  std::vector<double> out(n, 0.0);
  if (loser < 0 || loser >= n) return out;
  // The loser loses what it has in that someone still in has matched (the rest of a bet
  // nobody called comes back), shared by the seats still in; every other stake comes back.
  std::vector<Player> others;
  int matched = 0;
  for (Player p = 0; p < n; ++p) {
    if (p != loser && !folded_[p]) {
      others.push_back(p);
      matched = std::max(matched, total_[p]);
    }
  }
  if (others.empty()) return out;
  const int lost = std::min(total_[loser], matched);
  out[loser] = -lost;
  const int k = static_cast<int>(others.size());
  for (int i = 0; i < k; ++i) out[others[i]] = lost / k + (i < lost % k ? 1 : 0);
  return out;
}

bool HoldemState::visible(Player owner, Player viewer) const {
  return (owner == viewer && viewer >= 0) || shown_[owner];
}

// --- What players see ----------------------------------------------------------------------

void HoldemState::observation_tensor(Player player, std::span<float> out) const {
  assert(static_cast<int>(out.size()) == Holdem::kObservationSize);
  std::fill(out.begin(), out.end(), 0.0f);
  if (player < 0 || player >= config_.players) return;
  const float scale = static_cast<float>(static_cast<const Holdem&>(game()).chip_scale());
  for (int c : hole_[player]) {
    if (c >= 0) out[c] = 1.0f;
  }
  for (int c : board_) out[52 + c] = 1.0f;
  out[104 + std::min(round_, 3)] = 1.0f;
  out[108 + player] = 1.0f;
  for (Player s = 0; s < config_.players; ++s) {
    float* f = &out[114 + 6 * s];
    f[0] = stack_[s] / scale;
    f[1] = bet_[s] / scale;
    f[2] = total_[s] / scale;
    f[3] = folded_[s] ? 1.0f : 0.0f;
    f[4] = all_in(s) ? 1.0f : 0.0f;
    f[5] = current_player() == s ? 1.0f : 0.0f;
  }
  out[150] = pot() / scale;
  out[151] = to_call(player) / scale;
  out[152] = can_raise() ? min_raise_to() / scale : 0.0f;
  for (const HoldemAction& a : actions_) {
    const int slot = 153 + (a.round * Holdem::kMaxPlayers + a.seat) * 2;
    if (a.kind == HoldemAction::kBet || a.kind == HoldemAction::kRaise) out[slot] = 1.0f;
    if (a.kind == HoldemAction::kCall) out[slot + 1] = 1.0f;
  }
}

std::string HoldemState::information_key(Player viewer) const {
  std::string key = "dealt=" + std::to_string(hole_dealt_) + ";bets=";
  for (const HoldemAction& a : actions_) {
    key +=
        std::to_string(a.round) + "." + std::to_string(a.seat) + "fxcbr"[a.kind] + std::to_string(a.to) + " ";
  }
  key += ";board=" + cards_text(board_, "");
  for (Player s = 0; s < config_.players; ++s) {
    if (hole_[s][1] >= 0 && visible(s, viewer)) {
      key += ";hole" + std::to_string(s) + "=" + card_name(hole_[s][0]) + card_name(hole_[s][1]);
    } else if (hole_[s][0] >= 0 && visible(s, viewer)) {
      key += ";hole" + std::to_string(s) + "=" + card_name(hole_[s][0]);
    }
  }
  if (terminal_) key += ";end";
  return key;
}

std::unique_ptr<State> HoldemState::resample_from_infostate(Player viewer, Rng& rng) const {
  const int n = config_.players;
  std::array<bool, 52> known{};
  for (int c : board_) known[c] = true;
  for (Player s = 0; s < n; ++s) {
    if (!visible(s, viewer)) continue;
    for (int c : hole_[s]) {
      if (c >= 0) known[c] = true;
    }
  }
  std::vector<int> pool;
  for (int c = 0; c < 52; ++c) {
    if (!known[c]) pool.push_back(c);
  }
  const std::string want = information_key(viewer);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::vector<int> left = pool;
    auto state = std::make_unique<HoldemState>(game_ptr());
    int slot = 0;
    bool ok = true;
    for (const Step& step : history()) {
      Action a = step.action;
      if (state->current_player() == kChancePlayer && slot < 2 * n) {
        if (!visible(slot / 2, viewer)) {
          const size_t i = rng.uniform(left.size());
          a = left[i];
          left.erase(left.begin() + static_cast<std::ptrdiff_t>(i));
        }
        ++slot;
      }
      if (!state->apply(a).ok()) {
        ok = false;
        break;
      }
    }
    // Only a showdown can tell the drawn cards apart (a mucked hand must still lose).
    if (ok && (!terminal_ || state->information_key(viewer) == want)) return state;
  }
  return clone();
}

std::string HoldemState::action_to_string(Player player, Action action) const {
  if (player == kChancePlayer) {
    if (action < 0 || action >= 52) return "deal ?";
    return "deal " + card_name(action);
  }
  if (action == Holdem::kFold) return "fold";
  const Player p = current_player();
  if (action == Holdem::kCall) return p >= 0 && bet_[p] < current_bet_ ? "call" : "check";
  if (action < Holdem::kRaiseBase || action >= game().num_distinct_actions()) {
    return "action#" + std::to_string(action);
  }
  const int to = config_.limit ? min_raise_to() : action - Holdem::kRaiseBase;
  return std::string(raise_word()) + " " + std::to_string(to);
}

Result<Action> HoldemState::do_parse_action(Player player, std::string_view text) const {
  const std::string t = lower_trimmed(text);
  if (player == kChancePlayer) {
    std::string_view card = t;
    if (card.starts_with("deal ")) card.remove_prefix(5);
    Result<poker::Card> c = poker::Card::parse(card);
    if (!c.ok())
      return make_error("parse_error", "'" + std::string(text) + "': expected 'deal <card>', e.g. 'deal As'");
    return static_cast<Action>(c->index());
  }
  if (player < 0 || player >= config_.players || player != current_player()) {
    return make_error("parse_error", "'" + std::string(text) + "': it is not seat " + std::to_string(player) +
                                         "'s turn to bet");
  }
  const int owe = current_bet_ - bet_[player];
  if (t == "fold") return Holdem::kFold;
  if (t == "check") {
    if (owe > 0) {
      return make_error("parse_error", "cannot check facing a bet: " + std::to_string(to_call(player)) +
                                           " to call (fold, call or raise)");
    }
    return Holdem::kCall;
  }
  if (t == "call") return Holdem::kCall;
  auto range = [&]() {
    const std::string word = raise_word();
    if (!can_raise()) return word + " is not allowed here (the betting is capped or not reopened)";
    if (config_.limit || min_raise_to() == max_raise_to())
      return word + " must be to " + std::to_string(min_raise_to());
    return word + " must be to between " + std::to_string(min_raise_to()) + " and " +
           std::to_string(max_raise_to());
  };
  if (t == "allin" || t == "all-in" || t == "all in") {
    if (stack_[player] <= owe) return Holdem::kCall;  // all the chips go in as a call
    if (!can_raise() || (config_.limit && min_raise_to() != max_raise_to())) {
      return make_error("parse_error", "all-in is not an action here: " + range());
    }
    return raise_action(max_raise_to());
  }
  std::string_view rest = t;
  bool sized_word = false;
  for (std::string_view word : {"bet", "raise"}) {
    if (rest == word) {
      sized_word = true;
      rest = {};
    } else if (rest.starts_with(word) && rest.size() > word.size() && rest[word.size()] == ' ') {
      sized_word = true;
      rest.remove_prefix(word.size() + 1);
      if (rest.starts_with("to ")) rest.remove_prefix(3);
    }
    if (sized_word) break;
  }
  if (!sized_word) {
    return make_error(
        "parse_error",
        "'" + std::string(text) + "' is not an action; expected fold, check, call, bet N, raise N or allin");
  }
  if (!can_raise()) return make_error("parse_error", range());
  if (rest.empty()) {
    if (config_.limit) return Holdem::kRaise;
    return make_error("parse_error", "a size is needed: " + range());
  }
  const int64_t to = parse_amount(rest);
  if (to < 0) return make_error("parse_error", "'" + std::string(rest) + "' is not a chip count: " + range());
  if (to < min_raise_to() || to > max_raise_to() || (config_.limit && to != min_raise_to())) {
    return make_error("parse_error", range());
  }
  return raise_action(static_cast<int>(to));
}

namespace {

const char* kind_word(HoldemAction::Kind k) {
  switch (k) {
    case HoldemAction::kFold:
      return "fold";
    case HoldemAction::kCheck:
      return "check";
    case HoldemAction::kCall:
      return "call";
    case HoldemAction::kBet:
      return "bet";
    case HoldemAction::kRaise:
      return "raise";
  }
  return "?";
}

Json action_json(const HoldemAction& a) {
  return {{"seat", a.seat},
          {"round", kRoundNames[a.round]},
          {"action", kind_word(a.kind)},
          {"to", a.to},
          {"amount", a.added},
          {"all_in", a.all_in}};
}

std::string hand_name(const HoldemState& s, Player seat) {
  std::vector<poker::Card> cards;
  for (int c : s.hole(seat)) cards.emplace_back(c);
  for (int c : s.board()) cards.emplace_back(c);
  const poker::HandRank r = poker::evaluate_hand(cards);
  return r ? std::string(poker::category_name(poker::category_of(r))) : "";
}

}  // namespace

Json HoldemState::do_view(Player viewer) const {
  const int n = config_.players;
  Json seats = Json::array();
  for (Player s = 0; s < n; ++s) {
    Json cards = nullptr;
    if (hole_[s][0] >= 0 && visible(s, viewer)) {
      cards = Json::array();
      for (int c : hole_[s]) cards.push_back(c >= 0 ? Json(card_name(c)) : Json(nullptr));
    }
    std::string position = s == n - 1 ? "button" : "";
    if (s == small_blind_seat(n)) position += position.empty() ? "small blind" : ", small blind";
    if (s == big_blind_seat(n)) position = "big blind";
    seats.push_back({{"seat", s},
                     {"stack", stack_[s]},
                     {"bet", bet_[s]},
                     {"committed", total_[s]},
                     {"folded", folded_[s]},
                     {"all_in", all_in(s)},
                     {"position", position},
                     {"cards", cards}});
  }
  Json pots = Json::array();
  for (const HoldemPot& p : terminal_ ? final_pots_ : this->pots()) {
    pots.push_back({{"amount", p.amount}, {"eligible", p.eligible}});
  }
  Json legal = nullptr;
  const Player p = current_player();
  if (p >= 0) {
    legal = {{"fold", bet_[p] < current_bet_},
             {"check", bet_[p] >= current_bet_},
             {"call", bet_[p] < current_bet_ ? Json(to_call(p)) : Json(nullptr)},
             {"raise", nullptr}};
    if (can_raise()) {
      legal["raise"] = {{"word", raise_word()}, {"min", min_raise_to()}, {"max", max_raise_to()}};
    }
  }
  Json actions = Json::array();
  for (const HoldemAction& a : actions_) actions.push_back(action_json(a));
  Json result = nullptr;
  if (terminal_) {
    Json hands = Json::array();
    for (Player s = 0; s < n; ++s) {
      if (!showdown_ || folded_[s]) continue;
      if (shown_[s]) {
        hands.push_back({{"seat", s},
                         {"cards", {card_name(hole_[s][0]), card_name(hole_[s][1])}},
                         {"hand", hand_name(*this, s)}});
      } else {
        hands.push_back({{"seat", s}, {"mucked", true}});
      }
    }
    Json winners = Json::array();
    for (const HoldemAward& a : awards_) {
      for (const auto& [seat, chips] : a.winners)
        winners.push_back({{"seat", seat}, {"pot", a.pot}, {"amount", chips}});
    }
    result = {
        {"showdown", showdown_},
        {"hands", hands},
        {"winners", winners},
        {"uncalled", uncalled_ > 0 ? Json({{"seat", uncalled_to_}, {"amount", uncalled_}}) : Json(nullptr)}};
  }
  std::vector<std::string> board;
  for (int c : board_) board.push_back(card_name(c));
  return {{"variant", config_.limit ? "limit" : "no-limit"},
          {"blinds", {config_.small_blind, config_.big_blind}},
          {"button", n - 1},
          {"seats", seats},
          {"board", board},
          {"round", kRoundNames[std::min(round_, 4)]},
          {"pot", pot()},
          {"pots", pots},
          {"to_act", p >= 0 ? Json(p) : Json(nullptr)},
          {"legal", legal},
          {"actions", actions},
          {"last_action", actions_.empty() ? Json(nullptr) : action_json(actions_.back())},
          {"result", result}};
}

std::string HoldemState::to_string() const {
  std::string s = "holes:";
  for (Player p = 0; p < config_.players; ++p) {
    s += " ";
    for (int c : hole_[p]) s += c >= 0 ? card_name(c) : "??";
  }
  s += " board: " + cards_text(board_, "") + " bets:";
  for (const HoldemAction& a : actions_) {
    s += " " + std::to_string(a.seat) + ":" + kind_word(a.kind);
    if (a.kind == HoldemAction::kBet || a.kind == HoldemAction::kRaise) s += std::to_string(a.to);
  }
  if (terminal_) s += " (end)";
  return s;
}

// --- Exports -------------------------------------------------------------------------------

std::string acpc_match_state(const HoldemState& state, Player viewer, int hand_number) {
  const int n = state.num_seats();
  const bool seat_viewer = viewer >= 0 && viewer < n;
  std::string out = "MATCHSTATE:" + (seat_viewer ? std::to_string(viewer) : std::string()) + ":" +
                    std::to_string(hand_number) + ":";
  int round = 0;
  for (const HoldemAction& a : state.actions()) {
    for (; round < a.round; ++round) out += "/";
    if (a.kind == HoldemAction::kFold) {
      out += "f";
    } else if (a.kind == HoldemAction::kCheck || a.kind == HoldemAction::kCall) {
      out += "c";
    } else {
      out += state.config().limit ? "r" : "r" + std::to_string(a.hand_total);
    }
  }
  for (; round < std::min(state.round(), Holdem::kRounds - 1); ++round) out += "/";
  out += ":";
  for (Player s = 0; s < n; ++s) {
    if (s > 0) out += "|";
    if (state.visible(s, seat_viewer ? viewer : kSpectator)) {
      for (int c : state.hole(s)) {
        if (c >= 0) out += card_name(c);
      }
    }
  }
  const std::vector<int>& board = state.board();
  for (int r = 1; r<Holdem::kRounds&& static_cast<int>(board.size())> kBoardSize[r - 1]; ++r) {
    out += "/";
    for (int i = kBoardSize[r - 1]; i < std::min<int>(kBoardSize[r], board.size()); ++i)
      out += card_name(board[i]);
  }
  return out;
}

std::string holdem_hand_history(const HoldemState& state, const ExportInfo& info, Player viewer) {
  const HoldemConfig& c = state.config();
  const int n = c.players;
  auto name = [&](Player seat) {
    return seat < static_cast<Player>(info.players.size()) ? info.players[seat]
                                                           : "seat " + std::to_string(seat + 1);
  };
  std::string out = "Arena hold'em hand #" + (info.round.empty() ? std::string("1") : info.round) + ": " +
                    (c.limit ? "Limit" : "No-limit") + " (" + std::to_string(c.small_blind) + "/" +
                    std::to_string(c.big_blind) + ")" + (info.date.empty() ? "" : " - " + info.date) + "\n";
  out += "Table: " + std::to_string(n) + " seats, seat " + std::to_string(n) + " is the button\n";
  for (Player s = 0; s < n; ++s) {
    std::string role;
    if (s == small_blind_seat(n)) role = n == 2 ? " button, small blind" : " small blind";
    if (s == big_blind_seat(n)) role = " big blind";
    if (s == n - 1 && n > 2) role = " button";
    out += "Seat " + std::to_string(s + 1) + ": " + name(s) + " (" + std::to_string(c.stacks[s]) +
           " in chips)" + role + "\n";
  }
  out += name(small_blind_seat(n)) + ": posts small blind " +
         std::to_string(std::min(c.small_blind, c.stacks[small_blind_seat(n)])) + "\n";
  out += name(big_blind_seat(n)) + ": posts big blind " +
         std::to_string(std::min(c.big_blind, c.stacks[big_blind_seat(n)])) + "\n";
  out += "*** HOLE CARDS ***\n";
  for (Player s = 0; s < n; ++s) {
    const auto h = state.hole(s);
    if (h[1] >= 0 && s == viewer) out += "Dealt to " + name(s) + " [" + cards_text({h[0], h[1]}) + "]\n";
  }
  const std::vector<int>& board = state.board();
  const std::vector<HoldemAction>& actions = state.actions();
  static constexpr std::array<const char*, 4> kStreet = {"", "FLOP", "TURN", "RIVER"};
  for (int r = 0; r < Holdem::kRounds; ++r) {
    if (r > 0) {
      if (static_cast<int>(board.size()) < kBoardSize[r]) break;
      out += std::string("*** ") + kStreet[r] + " *** [" +
             cards_text(std::vector<int>(board.begin(), board.begin() + (r == 1 ? 3 : kBoardSize[r - 1]))) +
             "]";
      if (r > 1) out += " [" + card_name(board[kBoardSize[r] - 1]) + "]";
      out += "\n";
    }
    for (const HoldemAction& a : actions) {
      if (a.round != r) continue;
      out += name(a.seat) + ": ";
      switch (a.kind) {
        case HoldemAction::kFold:
          out += "folds";
          break;
        case HoldemAction::kCheck:
          out += "checks";
          break;
        case HoldemAction::kCall:
          out += "calls " + std::to_string(a.added);
          break;
        case HoldemAction::kBet:
          out += "bets " + std::to_string(a.to);
          break;
        case HoldemAction::kRaise:
          out += "raises to " + std::to_string(a.to);
          break;
      }
      if (a.all_in) out += " and is all-in";
      out += "\n";
    }
  }
  if (!state.is_terminal()) return out;
  if (state.uncalled() > 0) {
    out += "Uncalled bet (" + std::to_string(state.uncalled()) + ") returned to " +
           name(state.uncalled_to()) + "\n";
  }
  const std::vector<HoldemAward>& awards = state.awards();
  auto pot_name = [&](int i) {
    if (awards.size() == 1) return std::string("the pot");
    return i == 0 ? std::string("the main pot") : "side pot " + std::to_string(i);
  };
  if (state.showdown()) {
    out += "*** SHOWDOWN ***\n";
    for (Player s = 0; s < n; ++s) {
      if (state.folded(s)) continue;
      if (state.visible(s, viewer)) {
        const auto h = state.hole(s);
        out += name(s) + ": shows [" + cards_text({h[0], h[1]}) + "] (" + hand_name(state, s) + ")\n";
      } else {
        out += name(s) + ": mucks\n";
      }
    }
  }
  for (const HoldemAward& a : awards) {
    for (const auto& [seat, chips] : a.winners) {
      out += name(seat) + " collected " + std::to_string(chips) + " from " + pot_name(a.pot) + "\n";
    }
  }
  out += "*** SUMMARY ***\n";
  out += "Total pot " + std::to_string(state.pot());
  if (awards.size() > 1) {
    for (size_t i = 0; i < awards.size(); ++i) {
      out += (i == 0 ? " | Main pot " : " | Side pot " + std::to_string(i) + " ") +
             std::to_string(awards[i].amount);
    }
  }
  out += "\n";
  if (!board.empty()) out += "Board [" + cards_text(board) + "]\n";
  const std::vector<double> returns =
      info.returns.size() == static_cast<size_t>(n) ? info.returns : state.returns();
  for (Player s = 0; s < n; ++s) {
    char amount[32];
    std::snprintf(amount, sizeof amount, "%+g", returns[s]);
    out += "Seat " + std::to_string(s + 1) + ": " + name(s) + " " + amount + "\n";
  }
  if (!info.termination.empty() && info.termination != "normal") out += "Ended by " + info.termination + "\n";
  return out;
}

std::optional<ExportText> HoldemState::export_text(const ExportInfo& info) const {
  return ExportText{"hand-history", "text/plain; charset=utf-8",
                    holdem_hand_history(*this, info, kSpectator)};
}

// --- Registration ----------------------------------------------------------------------------

GameRegistration holdem_registration() {
  GameType type;
  type.name = "holdem";
  type.description =
      "Texas hold'em for 2-6 players, one hand: limit (blinds 5/10, bets 10/20, four bets a round) "
      "or no-limit (stacks 20,000, blinds 50/100) with side pots";
  type.perfect_information = false;
  type.has_chance = true;
  type.params = {
      {"limit", false, "fixed-limit betting (blinds 5/10, bets 10 then 20, at most 4 bets a round)"},
      {"players", int64_t{2}, "seats at the table, 2..6"},
      {"stack", int64_t{20000}, "chips each seat starts with (limit too; 20,000 is never reached there)"},
      {"stacks", std::string(), "chips by seat, '/'-separated (e.g. 500/2000/20000); overrides stack"},
      {"small_blind", int64_t{50}, "no-limit small blind (limit: 5)"},
      {"big_blind", int64_t{100}, "no-limit big blind (limit: 10)"},
  };
  GameFactory create = [type](const GameParams& params) -> Result<std::shared_ptr<const Game>> {
    HoldemConfig c;
    c.limit = params.get_bool("limit");
    const int64_t players = params.get_int("players");
    if (players < 2 || players > Holdem::kMaxPlayers) {
      return make_error("bad_spec", "players must be 2..6, not " + std::to_string(players));
    }
    c.players = static_cast<int>(players);
    const int64_t sb = params.get_int("small_blind"), bb = params.get_int("big_blind");
    if (c.limit) {
      if (sb != 50 || bb != 100) return make_error("bad_spec", "limit blinds are fixed at 5/10");
      c.small_blind = 5;
      c.big_blind = 10;
    } else {
      if (bb < 1 || bb > 100'000 || sb < 1 || sb > bb) {
        return make_error("bad_spec", "blinds: need 1 <= small_blind <= big_blind <= 100000");
      }
      c.small_blind = static_cast<int>(sb);
      c.big_blind = static_cast<int>(bb);
    }
    const std::string& stacks = params.get_string("stacks");
    if (!stacks.empty()) {
      Result<std::vector<int>> parsed = parse_stacks(stacks, c.players);
      if (!parsed.ok()) return parsed.error();
      c.stacks = *parsed;
    } else {
      const int64_t stack = params.get_int("stack");
      if (stack < 1 || stack > 1'000'000) return make_error("bad_spec", "stack must be 1..1000000");
      c.stacks.assign(c.players, static_cast<int>(stack));
    }
    for (int s : c.stacks) {
      if (s < c.big_blind) {
        return make_error(
            "bad_spec", "every stack must hold at least the big blind (" + std::to_string(c.big_blind) + ")");
      }
    }
    return std::shared_ptr<const Game>(std::make_shared<Holdem>(type, params, std::move(c)));
  };
  // Examples: limit first (the showcase's first), then no-limit at 20 big blinds and three
  // seats of different stacks (side pots). At the default 200 big blinds every no-limit
  // decision lists up to 19,801 sizes, which every test walking the examples pays for (the
  // wire messages carry them all); the rules are the same at any depth, and holdem's own
  // tests play the default.
  GameRegistration r{
      type, create, {"holdem(limit=true)", "holdem(stack=2000)", "holdem(players=3,stacks=300/600/1200)"}};
  r.showcase = {{"holdem(limit=true)", "Limit hold'em"}, {"holdem", "No-limit hold'em"}};
  return r;
}

}  // namespace arena
