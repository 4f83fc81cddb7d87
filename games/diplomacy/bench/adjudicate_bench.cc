// Movement-phase adjudications per second, one thread, on positions from seeded random
// seven-power games (every power's orders drawn uniformly from its legal ones), printed
// beside a reference pass over the same phases that only checks each order against the
// position (movement_order_problem), so that a noisy machine shows in both figures.
//   diplomacy_bench [seconds per measurement, default 2]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/rng.h"
#include "games/diplomacy/diplomacy.h"

namespace {

using namespace arena;
using namespace arena::diplomacy;
using Clock = std::chrono::steady_clock;

struct Position {
  std::vector<Unit> units;
  std::vector<Order> orders;
};

std::vector<Position> positions(int games) {
  GameType type = diplomacy_registration().type;
  auto game =
      std::make_shared<DiplomacyGame>(type, GameParams::resolve(type.params, {{"max_year", "1910"}}).value());
  std::vector<Position> out;
  Rng rng(2026);
  for (int g = 0; g < games; ++g) {
    auto state = game->new_initial_state();
    while (!state->is_terminal()) {
      const auto& d = static_cast<const DiplomacyState&>(*state);
      std::vector<std::vector<Action>> orders(static_cast<size_t>(game->num_players()));
      Position p;
      p.units = d.units();
      for (Player seat : state->players_to_act()) {
        for (const auto& group : state->order_groups(seat)) {
          const Action a = group[rng.uniform(group.size())];
          orders[static_cast<size_t>(seat)].push_back(a);
          p.orders.push_back(decode_order(a, game->powers()[static_cast<size_t>(seat)]).value());
        }
      }
      if (d.phase().type == PhaseType::kMovement) out.push_back(std::move(p));
      if (!state->apply_orders(orders).ok()) std::abort();
    }
  }
  return out;
}

template <typename F>
double per_second(const std::vector<Position>& ps, double seconds, F&& f) {
  const Map& map = Map::standard();
  long done = 0;
  size_t sink = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (const Position& p : ps) sink += f(map, p);
    done += static_cast<long>(ps.size());
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  if (sink == 42) std::puts("");  // keeps the work
  return static_cast<double>(done) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const std::vector<Position> ps = positions(8);
  size_t orders = 0;
  for (const Position& p : ps) orders += p.orders.size();
  std::printf("%zu movement phases from 8 random games to 1910, %.1f orders each\n", ps.size(),
              static_cast<double>(orders) / static_cast<double>(ps.size()));
  const double check = per_second(ps, seconds, [](const Map& map, const Position& p) {
    size_t n = 0;
    for (const Order& o : p.orders) n += movement_order_problem(map, p.units, o).size();
    return n;
  });
  const double adjudicate = per_second(ps, seconds, [](const Map& map, const Position& p) {
    return adjudicate_movement(map, p.units, p.orders).units.size();
  });
  std::printf("reference (check every order):  %10.0f phases/s\n", check);
  std::printf(
      "adjudicate movement:            %10.0f phases/s  (%.2fx the reference's time; target >= 20000/s)\n",
      adjudicate, check / adjudicate);
  return 0;
}
