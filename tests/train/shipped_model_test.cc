// The shared agent the repository ships (models/): it must play every game of the registry,
// so adding a game family without retraining (or extending) the shipped checkpoint fails
// here. Each showcase spec of every family: the agent is made by its name, and it decides
// legally from the start of a game (chance steps dealt first).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "agents/nn/nn_agents.h"
#include "agents/registry.h"
#include "games/family.h"
#include "games/registry.h"

namespace arena::nn {
namespace {

TEST(ShippedModel, PlaysEveryShowcaseGameOfTheRegistry) {
  register_nn_agents();
  // No training runs: the shared agent is the shipped one.
  const std::filesystem::path empty_runs =
      std::filesystem::temp_directory_path() / ("arena-shipped-" + std::to_string(getpid()));
  std::filesystem::create_directories(empty_runs);
  setenv("ARENA_RUNS", empty_runs.c_str(), 1);
  unsetenv("ARENA_MODELS");
  ASSERT_FALSE(models_dir().empty()) << "no models/ folder";
  const std::optional<std::string> shared = latest_shared_agent();
  ASSERT_TRUE(shared.has_value()) << "no shipped checkpoint in " << models_dir();
  int games = 0;
  for (const GameRegistration& r : GameRegistry::instance().registrations()) {
    if (r.type.name.rfind("test_", 0) == 0) continue;
    std::vector<std::string> specs;
    for (const Showcase& s : r.showcase) specs.push_back(s.spec);
    if (specs.empty()) specs.push_back(r.type.name);
    for (const std::string& spec : specs) {
      SCOPED_TRACE(spec);
      Result<std::shared_ptr<const Game>> game = make_game(spec);
      ASSERT_TRUE(game.ok()) << game.error().message;
      const Status playable = can_play("shared", **game);
      EXPECT_TRUE(playable.ok()) << *shared << " cannot play " << spec << ": " << playable.error().message;
      if (!playable.ok()) continue;
      Result<std::unique_ptr<Agent>> agent = make_agent(*shared + "(simulations=4)", **game, 1);
      ASSERT_TRUE(agent.ok()) << agent.error().message;
      std::unique_ptr<State> state = (*game)->new_initial_state();
      while (state->is_chance_node()) ASSERT_TRUE(state->apply(state->chance_outcomes().front().first).ok());
      const Player seat = state->players_to_act().front();
      Result<Decision> decision = (*agent)->choose(state->clone(), seat, {}).get();
      ASSERT_TRUE(decision.ok()) << decision.error().message;
      if (state->is_simultaneous_node()) {
        const std::vector<Action> legal = state->legal_actions(seat);
        EXPECT_EQ(decision->actions.size(), state->order_groups(seat).size());
        for (Action a : decision->actions) EXPECT_NE(std::find(legal.begin(), legal.end(), a), legal.end());
      } else {
        ASSERT_EQ(decision->actions.size(), 1u);
        EXPECT_TRUE(state->is_legal(decision->actions[0]));
      }
      ++games;
    }
  }
  EXPECT_GE(games, 15);
  unsetenv("ARENA_RUNS");
  std::filesystem::remove_all(empty_runs);
}

}  // namespace
}  // namespace arena::nn
