#include "games/poker/leduc_poker.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cstdio>

namespace arena {
namespace {

constexpr char kRanks[] = {'J', 'Q', 'K'};
constexpr char kSuits[] = {'s', 'h'};

int rank_of(int card) { return card / 2; }

// "Js", "Qh", ...
std::string card_name(int card) { return {kRanks[rank_of(card)], kSuits[card % 2]}; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The name of a betting action given whether its player faced a bet.
const char* bet_name(Action a, bool facing) {
  if (a == LeducPoker::kFold) return "fold";
  if (a == LeducPoker::kCall) return facing ? "call" : "check";
  return facing ? "raise" : "bet";
}

char bet_letter(Action a) { return a == LeducPoker::kFold ? 'f' : a == LeducPoker::kCall ? 'c' : 'r'; }

}  // namespace

std::unique_ptr<State> LeducPoker::new_initial_state() const {
  return std::make_unique<LeducPokerState>(shared_from_this());
}

bool LeducPokerState::round_over(int r) const {
  const std::vector<Action>& b = bets_[r];
  return b.size() >= 2 && b.back() == LeducPoker::kCall;
}

int LeducPokerState::raises(int r) const {
  return static_cast<int>(std::count(bets_[r].begin(), bets_[r].end(), LeducPoker::kRaise));
}

Player LeducPokerState::current_player() const {
  if (cards_[1] < 0) return kChancePlayer;
  if (folded_ >= 0) return kTerminalPlayer;
  if (public_ < 0) return round_over(0) ? kChancePlayer : static_cast<Player>(bets_[0].size() % 2);
  if (round_over(1)) return kTerminalPlayer;
  return static_cast<Player>(bets_[1].size() % 2);  // seat 0 acts first in each round
}

bool LeducPokerState::facing_bet() const {
  const Player p = current_player();
  return p >= 0 && committed_[p] < committed_[1 - p];
}

std::vector<Action> LeducPokerState::legal_actions(Player player) const {
  if (player < 0 || player != current_player()) return {};
  std::vector<Action> legal;
  if (facing_bet()) legal.push_back(LeducPoker::kFold);
  legal.push_back(LeducPoker::kCall);
  if (raises(round()) < LeducPoker::kMaxRaises) legal.push_back(LeducPoker::kRaise);
  return legal;
}

std::vector<std::pair<Action, double>> LeducPokerState::chance_outcomes() const {
  if (current_player() != kChancePlayer) return {};
  const int dealt = (cards_[0] >= 0) + (cards_[1] >= 0);
  const double p = 1.0 / (LeducPoker::kCards - dealt);
  std::vector<std::pair<Action, double>> outcomes;
  for (int c = 0; c < LeducPoker::kCards; ++c) {
    if (c != cards_[0] && c != cards_[1]) outcomes.emplace_back(c, p);
  }
  return outcomes;
}

void LeducPokerState::do_apply(Action action) {
  if (current_player() == kChancePlayer) {
    if (cards_[0] < 0) {
      cards_[0] = action;
    } else if (cards_[1] < 0) {
      cards_[1] = action;
    } else {
      public_ = action;
    }
    return;
  }
  const Player p = current_player();
  const int r = round();
  if (action == LeducPoker::kFold) {
    folded_ = p;
  } else if (action == LeducPoker::kCall) {
    committed_[p] = committed_[1 - p];
  } else {
    committed_[p] = committed_[1 - p] + LeducPoker::kRaiseSize[r];
  }
  bets_[r].push_back(action);
}

bool LeducPokerState::showdown() const { return folded_ < 0 && current_player() == kTerminalPlayer; }

std::vector<double> LeducPokerState::returns() const {
  if (current_player() != kTerminalPlayer) return {0.0, 0.0};
  Player winner;
  if (folded_ >= 0) {
    winner = 1 - folded_;
  } else {
    // A pair with the public card beats any unpaired card; otherwise the higher rank wins.
    auto strength = [&](Player seat) {
      const int rank = rank_of(cards_[seat]);
      return rank == rank_of(public_) ? 10 + rank : rank;
    };
    const int s0 = strength(0), s1 = strength(1);
    if (s0 == s1) return {0.0, 0.0};  // the pot is split
    winner = s0 > s1 ? 0 : 1;
  }
  const double won = committed_[1 - winner];
  return winner == 0 ? std::vector<double>{won, -won} : std::vector<double>{-won, won};
}

std::vector<double> LeducPokerState::forfeit_returns(Player loser) const {
  const double lost = committed_[loser];
  return loser == 0 ? std::vector<double>{-lost, lost} : std::vector<double>{lost, -lost};
}

bool LeducPokerState::visible(Player owner, Player viewer) const { return owner == viewer || showdown(); }

std::unique_ptr<State> LeducPokerState::resample_from_infostate(Player viewer, Rng& rng) const {
  // Seen cards stay; the others are drawn in deal order from the cards left. The draws
  // depend only on what the viewer knows, never on the hidden cards.
  std::array<int, 3> deal = {-1, -1, -1};  // seat 0, seat 1, public
  const std::array<int, 3> real = {cards_[0], cards_[1], public_};
  std::array<bool, LeducPoker::kCards> used{};
  for (int i = 0; i < 3; ++i) {
    if (real[i] >= 0 && (i == 2 || visible(i, viewer))) {
      deal[i] = real[i];
      used[real[i]] = true;
    }
  }
  for (int i = 0; i < 3; ++i) {
    if (real[i] < 0 || deal[i] >= 0) continue;
    std::vector<int> left;
    for (int c = 0; c < LeducPoker::kCards; ++c) {
      if (!used[c]) left.push_back(c);
    }
    deal[i] = left[rng.uniform(left.size())];
    used[deal[i]] = true;
  }
  auto state = std::make_unique<LeducPokerState>(game_ptr());
  // apply() records the history; every step is legal by construction.
  auto replay = [&](Action a) {
    [[maybe_unused]] const Status s = state->apply(a);
    assert(s.ok());
  };
  for (int i = 0; i < 2; ++i) {
    if (deal[i] >= 0) replay(deal[i]);
  }
  for (Action a : bets_[0]) replay(a);
  if (deal[2] >= 0) replay(deal[2]);
  for (Action a : bets_[1]) replay(a);
  return state;
}

void LeducPokerState::observation_tensor(Player player, std::span<float> out) const {
  assert(static_cast<int>(out.size()) == game().observation_size());
  std::fill(out.begin(), out.end(), 0.0f);
  if (player < 0 || player > 1) return;
  out[player] = 1.0f;
  if (cards_[player] >= 0) out[2 + cards_[player]] = 1.0f;
  if (public_ >= 0) out[8 + public_] = 1.0f;
  for (int r = 0; r < 2; ++r) {
    for (size_t i = 0; i < bets_[r].size(); ++i)
      out[14 + (r * LeducPoker::kMaxActionsPerRound + i) * 3 + bets_[r][i]] = 1.0f;
  }
}

std::string LeducPokerState::information_key(Player viewer) const {
  const int dealt = (cards_[0] >= 0) + (cards_[1] >= 0);
  std::string key = "dealt=" + std::to_string(dealt) + ";bets=";
  for (Action a : bets_[0]) key += bet_letter(a);
  if (public_ >= 0) {
    key += "/";
    for (Action a : bets_[1]) key += bet_letter(a);
    key += ";public=" + card_name(public_);
  }
  for (Player seat = 0; seat < 2; ++seat) {
    if (cards_[seat] >= 0 && visible(seat, viewer))
      key += ";card" + std::to_string(seat) + "=" + card_name(cards_[seat]);
  }
  return key;
}

std::string LeducPokerState::action_to_string(Player player, Action action) const {
  if (player == kChancePlayer) {
    if (action < 0 || action >= LeducPoker::kCards) return "deal ?";
    return (cards_[1] >= 0 ? "public " : "deal ") + card_name(action);
  }
  if (action < LeducPoker::kFold || action > LeducPoker::kRaise) return "action#" + std::to_string(action);
  return bet_name(action, facing_bet());
}

Result<Action> LeducPokerState::do_parse_action(Player player, std::string_view text) const {
  const std::string t = lower(text);
  if (player == kChancePlayer) {
    for (int c = 0; c < LeducPoker::kCards; ++c) {
      const std::string name = lower(card_name(c));
      if (t == "deal " + name || t == "public " + name) return c;
    }
    return make_error(
        "parse_error",
        "'" + std::string(text) + "': expected 'deal <card>' or 'public <card>' (Js, Jh, Qs, Qh, Ks, Kh)");
  }
  const bool facing = facing_bet();
  if (t == "fold") return LeducPoker::kFold;
  if (t == (facing ? "call" : "check")) return LeducPoker::kCall;
  if (t == "bet" || t == "raise") return LeducPoker::kRaise;
  return make_error("parse_error", "'" + std::string(text) + "' is not an action here; expected " +
                                       (facing ? "fold, call or raise" : "check or bet"));
}

Json LeducPokerState::do_view(Player viewer) const {
  Json cards = Json::array();
  for (Player seat = 0; seat < 2; ++seat) {
    if (cards_[seat] >= 0 && visible(seat, viewer)) {
      cards.push_back(card_name(cards_[seat]));
    } else {
      cards.push_back(nullptr);
    }
  }
  // Replays the chips to name each action as it was taken (check or call, bet or raise).
  Json bets = Json::array();
  std::array<int, 2> paid = {1, 1};
  for (int r = 0; r < 2; ++r) {
    for (size_t i = 0; i < bets_[r].size(); ++i) {
      const int seat = static_cast<int>(i % 2);
      const Action a = bets_[r][i];
      bets.push_back(
          {{"seat", seat}, {"round", r + 1}, {"action", bet_name(a, paid[seat] < paid[1 - seat])}});
      if (a == LeducPoker::kCall) paid[seat] = paid[1 - seat];
      if (a == LeducPoker::kRaise) paid[seat] = paid[1 - seat] + LeducPoker::kRaiseSize[r];
    }
  }
  return {{"cards", cards},
          {"public_card", public_ >= 0 ? Json(card_name(public_)) : Json(nullptr)},
          {"round", round() + 1},
          {"bets", bets},
          {"pot", committed_[0] + committed_[1]},
          {"committed", committed_},
          {"raises", raises(round())},
          {"raise_size", LeducPoker::kRaiseSize[round()]},
          {"folded", folded_ >= 0 ? Json(folded_) : Json(nullptr)},
          {"showdown", showdown()}};
}

std::string LeducPokerState::to_string() const {
  std::string s = "cards:";
  for (int c : cards_) s += " " + (c >= 0 ? card_name(c) : std::string("?"));
  s += " public: " + (public_ >= 0 ? card_name(public_) : std::string("?")) + " bets:";
  for (int r = 0; r < 2; ++r) {
    if (r == 1 && public_ >= 0) s += " /";
    for (Action a : bets_[r]) s += std::string(" ") + bet_letter(a);
  }
  return s;
}

std::optional<ExportText> LeducPokerState::export_text(const ExportInfo& info) const {
  auto name = [&](Player seat) {
    return seat < static_cast<Player>(info.players.size()) ? info.players[seat]
                                                           : "seat " + std::to_string(seat + 1);
  };
  std::string out =
      "Arena Leduc hold'em hand #" + info.round + (info.date.empty() ? "" : " (" + info.date + ")") + "\n";
  for (Player seat = 0; seat < 2; ++seat)
    out += "Seat " + std::to_string(seat + 1) + ": " + name(seat) + " (ante 1)\n";
  out += "*** DEAL ***\n";
  for (Player seat = 0; seat < 2; ++seat) {
    if (cards_[seat] >= 0) out += "Dealt to " + name(seat) + " [" + card_name(cards_[seat]) + "]\n";
  }
  std::array<int, 2> paid = {1, 1};
  for (int r = 0; r < 2; ++r) {
    if (r == 1) {
      if (public_ < 0) break;
      out += "*** PUBLIC CARD *** [" + card_name(public_) + "]\n";
    }
    out += r == 0 ? "*** ROUND 1 ***\n" : "*** ROUND 2 ***\n";
    for (size_t i = 0; i < bets_[r].size(); ++i) {
      const int seat = static_cast<int>(i % 2);
      const Action a = bets_[r][i];
      const bool facing = paid[seat] < paid[1 - seat];
      std::string verb = std::string(bet_name(a, facing)) + "s";  // checks, calls, bets, raises, folds
      if (a == LeducPoker::kCall && facing) verb += " " + std::to_string(paid[1 - seat] - paid[seat]);
      if (a == LeducPoker::kRaise) verb += " " + std::to_string(LeducPoker::kRaiseSize[r]);
      out += name(seat) + ": " + verb + "\n";
      if (a == LeducPoker::kCall) paid[seat] = paid[1 - seat];
      if (a == LeducPoker::kRaise) paid[seat] = paid[1 - seat] + LeducPoker::kRaiseSize[r];
    }
  }
  if (showdown()) {
    out += "*** SHOWDOWN ***\n";
    for (Player seat = 0; seat < 2; ++seat) out += name(seat) + ": shows [" + card_name(cards_[seat]) + "]\n";
  }
  out += "*** SUMMARY ***\n";
  out += "Pot " + std::to_string(committed_[0] + committed_[1]) + "\n";
  for (Player seat = 0; seat < static_cast<Player>(info.returns.size()) && seat < 2; ++seat) {
    char amount[32];
    std::snprintf(amount, sizeof amount, "%+g", info.returns[seat]);
    out += name(seat) + ": " + amount + "\n";
  }
  if (!info.termination.empty() && info.termination != "normal") out += "Ended by " + info.termination + "\n";
  return ExportText{"hand-history", "text/plain; charset=utf-8", out};
}

GameRegistration leduc_poker_registration() {
  GameType type;
  type.name = "leduc_poker";
  type.description =
      "Leduc hold'em: six cards, one private card each and one public card, two betting rounds "
      "(raises of 2 then 4, at most two a round) over an ante of 1";
  type.perfect_information = false;
  type.has_chance = true;
  GameFactory create = [type](const GameParams& params) -> Result<std::shared_ptr<const Game>> {
    return std::shared_ptr<const Game>(std::make_shared<LeducPoker>(type, params));
  };
  return {type, create, {"leduc_poker"}};
}

}  // namespace arena
