// No-press Diplomacy behind the Game/State API: every phase is one simultaneous step in which
// each acting power gives one order per order group (a unit in movement and retreat phases,
// a build or a disband in adjustments), adjudicated by adjudicator.h.
//
// Parameters: `map` (`standard`, the seven powers; `france_austria`, France and Austria alone
// on the same board, the other home centres neutral and empty), `max_year` (the game ends
// after that year's autumn as a draw among the survivors), `scoring` (`sos`: each survivor's
// share is its centres squared over the sum of squares; `draw_size`: survivors share
// equally). A power with 18 centres after an autumn wins alone and takes everything, as
// does the last power standing.
//
// Phases: spring movement (S1901M), its retreats (S1901R) when units were dislodged, autumn
// movement (F1901M) and retreats, then centres change hands and winter adjustments (W1901A)
// are played when some power has any. Seats follow the map's powers in the rules' order
// (standard: Austria, England, France, Germany, Italy, Russia, Turkey; france_austria:
// France, Austria).
//
// Actions pack an order into one id: ((kind * 82 + unit) * 82 + to) * 82 + from, locations
// 0-80 and 81 for none (see encode_order). Notation: the short form, "A PAR - BUR", "F NTH C
// A YOR - NWY", "A MUN S A BER - SIL", "F TRI R ALB", "A PAR B", "WAIVE"; parse_action also
// reads the DATC's style. The network sees a policy slot per (unit, kind, target) and the
// observation as 49 planes over the 81 locations laid on a 9x9 canvas (README.md).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "games/diplomacy/adjudicator.h"
#include "games/family.h"
#include "games/game.h"

namespace arena {

namespace diplomacy {

enum class Season : uint8_t { kSpring, kAutumn, kWinter };
enum class PhaseType : uint8_t { kMovement, kRetreat, kAdjustment };

struct Phase {
  int year = 1901;
  Season season = Season::kSpring;
  PhaseType type = PhaseType::kMovement;
  // "S1901M", "F1901R", "W1901A".
  std::string name() const;
  bool operator==(const Phase&) const = default;
};

// One order as played: its text, its power and whether it succeeded.
struct PlayedOrder {
  int power;
  std::string text;
  bool succeeded;
};

// A resolved phase: what every power ordered and what came of it.
struct PhaseRecord {
  Phase phase;
  std::vector<PlayedOrder> orders;
  std::vector<std::string> dislodged;       // "A PAR"
  std::vector<std::string> civil_disorder;  // units disbanded for want of orders
};

inline constexpr int kActionLocations = 82;  // 81 locations and "none"
inline constexpr int kOrderKinds = 10;
inline constexpr int kSoloCentres = 18;
inline constexpr int kObservationPlanes = 49;

// An order as an action id, and back (the power from the seat). Error for an id that is
// not an order.
Action encode_order(const Order& order);
Result<Order> decode_order(Action action, int power);

}  // namespace diplomacy

class DiplomacyGame final : public Game {
 public:
  enum class Scoring { kSumOfSquares, kDrawSize };

  DiplomacyGame(GameType type, GameParams params);

  int num_players() const override { return static_cast<int>(powers_.size()); }
  int num_distinct_actions() const override;
  int num_policy_slots() const override;
  std::vector<int> observation_shape() const override { return {diplomacy::kObservationPlanes, 9, 9}; }
  double min_utility() const override { return 0; }
  double max_utility() const override { return 1; }
  std::optional<double> utility_sum() const override { return 1.0; }
  int max_game_length() const override { return (max_year_ - 1900) * 5; }
  std::unique_ptr<State> new_initial_state() const override;

  const diplomacy::Map& map() const { return diplomacy::Map::standard(); }
  // The power of each seat, and the seat of a power (-1 when it does not play).
  const std::vector<int>& powers() const { return powers_; }
  int seat_of(int power) const;
  int max_year() const { return max_year_; }
  Scoring scoring() const { return scoring_; }

 private:
  std::vector<int> powers_;
  int max_year_;
  Scoring scoring_;
};

class DiplomacyState final : public State {
 public:
  explicit DiplomacyState(std::shared_ptr<const Game> game);

  Player current_player() const override;
  std::vector<Action> legal_actions(Player player) const override;
  std::vector<std::vector<Action>> order_groups(Player player) const override;
  int policy_slot(Action action) const override;
  std::vector<double> returns() const override;
  void observation_tensor(Player player, std::span<float> out) const override;
  std::string information_key(Player viewer) const override;
  std::string action_to_string(Player player, Action action) const override;
  std::optional<ExportText> export_text(const ExportInfo& info) const override;
  std::string to_string() const override;
  std::unique_ptr<State> clone() const override { return std::make_unique<DiplomacyState>(*this); }

  const DiplomacyGame& diplomacy() const { return static_cast<const DiplomacyGame&>(game()); }
  const diplomacy::Phase& phase() const { return phase_; }
  const std::vector<diplomacy::Unit>& units() const { return units_; }
  const std::vector<diplomacy::DislodgedUnit>& dislodged() const { return dislodged_; }
  // The owner of each province (its supply centre), -1 for none.
  const std::vector<int>& owners() const { return owner_; }
  int centres(int power) const;
  const std::vector<diplomacy::PhaseRecord>& records() const { return records_; }
  // The order groups of `power` in this phase, as orders (what legal_actions encodes).
  std::vector<std::vector<diplomacy::Order>> power_orders(int power) const;
  // The phases so far as JSON: [{"phase": "S1901M", "orders": {"FRA": [["A PAR - BUR",
  // true], ...]}, "dislodged": [...], "civil_disorder": [...]}, ...].
  Json records_json() const;

 protected:
  void do_apply(Action action) override;
  void do_apply_orders(const std::vector<std::vector<Action>>& orders) override;
  Json do_view(Player viewer) const override;
  Result<Action> do_parse_action(Player player, std::string_view text) const override;

 private:
  int power_of(Player seat) const;
  // Fills in what an action id leaves out: the ordered unit's type, a supported unit's.
  void complete(diplomacy::Order& order) const;
  struct Reach;
  Reach reach() const;
  std::vector<diplomacy::Order> unit_orders(size_t unit, const Reach& reach) const;
  // After an autumn's movement and retreats: centres change hands, the game may end, or
  // winter adjustments follow.
  void end_of_autumn();
  void next_phase_after_retreats();
  void start_year(int year);
  void sort_units();
  // Works out every seat's order groups for the phase that begins (they are asked for
  // often: who is to act, checking orders, listing them).
  void compute_groups();
  bool power_alive(int power) const;

  diplomacy::Phase phase_;
  std::vector<diplomacy::Unit> units_;
  std::vector<diplomacy::DislodgedUnit> dislodged_;
  std::vector<diplomacy::Province> contested_;
  std::vector<int> owner_;  // by province
  std::vector<diplomacy::PhaseRecord> records_;
  std::vector<std::vector<std::vector<Action>>> groups_;  // by seat: this phase's order groups
  std::vector<std::vector<Action>> legal_;                // by seat: their union, ascending
  bool terminal_ = false;
  int winner_ = -1;  // a power that won alone
};

GameRegistration diplomacy_registration();

}  // namespace arena
