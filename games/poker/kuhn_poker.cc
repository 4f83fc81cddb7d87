#include "games/poker/kuhn_poker.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cstdio>

namespace arena {
namespace {

constexpr char kCardNames[KuhnPoker::kCards] = {'J', 'Q', 'K'};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::unique_ptr<State> KuhnPoker::new_initial_state() const {
  return std::make_unique<KuhnPokerState>(shared_from_this());
}

Player KuhnPokerState::current_player() const {
  if (dealt_ < 2) return kChancePlayer;
  // The betting ends after pass-pass, bet-call/fold, or pass-bet-call/fold.
  const size_t n = bets_.size();
  if (n == 3 || (n == 2 && !(bets_[0] == KuhnPoker::kPass && bets_[1] == KuhnPoker::kBet))) {
    return kTerminalPlayer;
  }
  return static_cast<Player>(n % 2);
}

std::vector<Action> KuhnPokerState::legal_actions(Player player) const {
  if (player < 0 || player != current_player()) return {};
  return {KuhnPoker::kPass, KuhnPoker::kBet};
}

std::vector<std::pair<Action, double>> KuhnPokerState::chance_outcomes() const {
  if (dealt_ >= 2) return {};
  std::vector<std::pair<Action, double>> outcomes;
  const double p = 1.0 / (KuhnPoker::kCards - dealt_);
  for (int c = 0; c < KuhnPoker::kCards; ++c) {
    if (c != cards_[0]) outcomes.emplace_back(c, p);
  }
  return outcomes;
}

void KuhnPokerState::do_apply(Action action) {
  if (dealt_ < 2) {
    cards_[dealt_++] = action;
  } else {
    bets_.push_back(action);
  }
}

bool KuhnPokerState::showdown() const {
  if (current_player() != kTerminalPlayer) return false;
  return bets_.back() == KuhnPoker::kBet || (bets_.size() == 2 && bets_[0] == KuhnPoker::kPass);
}

std::array<int, 2> KuhnPokerState::committed() const {
  std::array<int, 2> paid = {1, 1};
  for (size_t i = 0; i < bets_.size(); ++i) paid[i % 2] += bets_[i] == KuhnPoker::kBet ? 1 : 0;
  return paid;
}

std::vector<double> KuhnPokerState::forfeit_returns(Player loser) const {
  const double lost = committed()[loser];
  return loser == 0 ? std::vector<double>{-lost, lost} : std::vector<double>{lost, -lost};
}

std::vector<double> KuhnPokerState::returns() const {
  if (current_player() != kTerminalPlayer) return {0.0, 0.0};
  const std::array<int, 2> paid = committed();
  Player winner;
  if (showdown()) {
    winner = cards_[0] > cards_[1] ? 0 : 1;
  } else {
    winner = 1 - static_cast<Player>((bets_.size() - 1) % 2);  // the last to act folded
  }
  const double pot_share = static_cast<double>(paid[1 - winner]);
  return winner == 0 ? std::vector<double>{pot_share, -pot_share}
                     : std::vector<double>{-pot_share, pot_share};
}

bool KuhnPokerState::visible(Player owner, Player viewer) const { return owner == viewer || showdown(); }

std::unique_ptr<State> KuhnPokerState::resample_from_infostate(Player viewer, Rng& rng) const {
  // Cards the viewer has seen stay; the others are drawn, in deal order, from the cards
  // left. The draws depend only on what the viewer knows, never on the hidden cards.
  std::array<int, 2> cards = {-1, -1};
  std::array<bool, KuhnPoker::kCards> used{};
  for (Player seat = 0; seat < dealt_; ++seat) {
    if (visible(seat, viewer)) {
      cards[seat] = cards_[seat];
      used[cards_[seat]] = true;
    }
  }
  for (Player seat = 0; seat < dealt_; ++seat) {
    if (cards[seat] >= 0) continue;
    std::vector<int> left;
    for (int c = 0; c < KuhnPoker::kCards; ++c) {
      if (!used[c]) left.push_back(c);
    }
    cards[seat] = left[rng.uniform(left.size())];
    used[cards[seat]] = true;
  }
  auto state = std::make_unique<KuhnPokerState>(game_ptr());
  // apply() records the history; every step is legal by construction.
  for (Player seat = 0; seat < dealt_; ++seat) {
    [[maybe_unused]] const Status s = state->apply(cards[seat]);
    assert(s.ok());
  }
  for (Action bet : bets_) {
    [[maybe_unused]] const Status s = state->apply(bet);
    assert(s.ok());
  }
  return state;
}

void KuhnPokerState::observation_tensor(Player player, std::span<float> out) const {
  assert(static_cast<int>(out.size()) == game().observation_size());
  std::fill(out.begin(), out.end(), 0.0f);
  if (player < 0 || player > 1) return;
  out[player] = 1.0f;
  if (cards_[player] >= 0) out[2 + cards_[player]] = 1.0f;
  for (size_t i = 0; i < bets_.size(); ++i) out[5 + 2 * i + bets_[i]] = 1.0f;
}

std::string KuhnPokerState::information_key(Player viewer) const {
  std::string key = "dealt=" + std::to_string(dealt_) + ";bets=";
  for (Action b : bets_) key += b == KuhnPoker::kBet ? 'b' : 'p';
  for (Player seat = 0; seat < 2; ++seat) {
    if (cards_[seat] >= 0 && visible(seat, viewer))
      key += ";card" + std::to_string(seat) + "=" + kCardNames[cards_[seat]];
  }
  return key;
}

std::string KuhnPokerState::action_to_string(Player player, Action action) const {
  if (player == kChancePlayer) {
    if (action < 0 || action >= KuhnPoker::kCards) return "deal ?";
    return std::string("deal ") + kCardNames[action];
  }
  if (action == KuhnPoker::kPass) return facing_bet() ? "fold" : "check";
  if (action == KuhnPoker::kBet) return facing_bet() ? "call" : "bet";
  return "action#" + std::to_string(action);
}

Result<Action> KuhnPokerState::do_parse_action(Player player, std::string_view text) const {
  const std::string t = lower(text);
  if (player == kChancePlayer) {
    for (int c = 0; c < KuhnPoker::kCards; ++c) {
      if (t == std::string("deal ") + static_cast<char>(std::tolower(kCardNames[c]))) return c;
    }
    return make_error("parse_error", "'" + std::string(text) + "': expected 'deal J', 'deal Q' or 'deal K'");
  }
  // "pass"/"bet" work in either situation (the actions' plain names).
  if (t == "pass" || t == (facing_bet() ? "fold" : "check")) return KuhnPoker::kPass;
  if (t == "bet" || t == (facing_bet() ? "call" : "bet")) return KuhnPoker::kBet;
  return make_error("parse_error", "'" + std::string(text) + "' is not an action here; expected " +
                                       (facing_bet() ? "fold or call" : "check or bet"));
}

Json KuhnPokerState::do_view(Player viewer) const {
  Json cards = Json::array();
  for (Player seat = 0; seat < 2; ++seat) {
    if (cards_[seat] >= 0 && visible(seat, viewer)) {
      cards.push_back(std::string(1, kCardNames[cards_[seat]]));
    } else {
      cards.push_back(nullptr);
    }
  }
  Json bets = Json::array();
  for (size_t i = 0; i < bets_.size(); ++i) {
    const bool facing = i > 0 && bets_[i - 1] == KuhnPoker::kBet;
    const Action b = bets_[i];
    bets.push_back(
        {{"seat", i % 2},
         {"action", b == KuhnPoker::kBet ? (facing ? "call" : "bet") : (facing ? "fold" : "check")}});
  }
  const std::array<int, 2> paid = committed();
  return {{"cards", cards},
          {"bets", bets},
          {"pot", paid[0] + paid[1]},
          {"committed", paid},
          {"showdown", showdown()}};
}

std::string KuhnPokerState::to_string() const {
  std::string s = "cards:";
  for (int c : cards_) s += c >= 0 ? std::string(" ") + kCardNames[c] : std::string(" ?");
  s += " bets:";
  for (Action b : bets_) s += b == KuhnPoker::kBet ? " b" : " p";
  return s;
}

std::optional<ExportText> KuhnPokerState::export_text(const ExportInfo& info) const {
  auto name = [&](Player seat) {
    return seat < static_cast<Player>(info.players.size()) ? info.players[seat]
                                                           : "seat " + std::to_string(seat + 1);
  };
  std::string out =
      "Arena Kuhn poker hand #" + info.round + (info.date.empty() ? "" : " (" + info.date + ")") + "\n";
  for (Player seat = 0; seat < 2; ++seat)
    out += "Seat " + std::to_string(seat + 1) + ": " + name(seat) + " (ante 1)\n";
  out += "*** DEAL ***\n";
  for (Player seat = 0; seat < 2; ++seat) {
    if (cards_[seat] >= 0) out += "Dealt to " + name(seat) + " [" + kCardNames[cards_[seat]] + "]\n";
  }
  out += "*** BETTING ***\n";
  for (size_t i = 0; i < bets_.size(); ++i) {
    const bool facing = i > 0 && bets_[i - 1] == KuhnPoker::kBet;
    const char* verb =
        bets_[i] == KuhnPoker::kBet ? (facing ? "calls 1" : "bets 1") : (facing ? "folds" : "checks");
    out += name(static_cast<Player>(i % 2)) + ": " + verb + "\n";
  }
  if (showdown()) {
    out += "*** SHOWDOWN ***\n";
    for (Player seat = 0; seat < 2; ++seat)
      out += name(seat) + ": shows [" + kCardNames[cards_[seat]] + "]\n";
  }
  out += "*** SUMMARY ***\n";
  const std::array<int, 2> paid = committed();
  out += "Pot " + std::to_string(paid[0] + paid[1]) + "\n";
  for (Player seat = 0; seat < static_cast<Player>(info.returns.size()) && seat < 2; ++seat) {
    char amount[32];
    std::snprintf(amount, sizeof amount, "%+g", info.returns[seat]);
    out += name(seat) + ": " + amount + "\n";
  }
  if (!info.termination.empty() && info.termination != "normal") out += "Ended by " + info.termination + "\n";
  return ExportText{"hand-history", "text/plain; charset=utf-8", out};
}

GameRegistration kuhn_poker_registration() {
  GameType type;
  type.name = "kuhn_poker";
  type.description = "Kuhn poker: three cards, two players, one card each, one bet of 1 over an ante of 1";
  type.perfect_information = false;
  type.has_chance = true;
  GameFactory create = [type](const GameParams& params) -> Result<std::shared_ptr<const Game>> {
    return std::shared_ptr<const Game>(std::make_shared<KuhnPoker>(type, params));
  };
  return {type, create, {"kuhn_poker"}};
}

}  // namespace arena
