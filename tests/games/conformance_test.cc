// The conformance suite: every registered game (each of its example specs) must keep the
// Game/State contract. Seeded random playouts walk each game to the end and check, at every
// step, what game.h promises. A new game gets all of this by registering.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/rng.h"
#include "games/registry.h"
#include "tests/games/test_games.h"

namespace arena {
namespace {

std::vector<std::string> conformance_specs() {
  testing::register_test_games();
  std::vector<std::string> specs;
  for (const GameRegistration& r : GameRegistry::instance().registrations()) {
    for (const std::string& spec : r.example_specs) specs.push_back(spec);
  }
  return specs;
}

// A state's observable identity: equal states must agree on all of it.
std::string fingerprint(const State& s) {
  std::string out = s.serialize() + "\n" + s.to_string() + "\n" + std::to_string(s.current_player());
  for (Player p = 0; p < s.game().num_players(); ++p) {
    out += "\n" + s.view(p).dump();
    const std::vector<float> obs = s.observation_tensor(p);  // compared bit for bit
    out.append(reinterpret_cast<const char*>(obs.data()), obs.size() * sizeof(float));
    for (Action a : s.legal_actions(p)) out += " " + std::to_string(a);
  }
  out += "\n" + s.view(kSpectator).dump();
  return out;
}

// Picks a random legal step: a chance outcome by its probability, one action, or one
// order per group for every acting seat.
void random_step(State& state, Rng& rng) {
  if (state.is_chance_node()) {
    const auto outcomes = state.chance_outcomes();
    std::vector<double> weights;
    for (const auto& [a, p] : outcomes) weights.push_back(p);
    ASSERT_TRUE(state.apply(outcomes[rng.sample_index(weights)].first).ok());
  } else if (state.is_simultaneous_node()) {
    std::vector<std::vector<Action>> orders(state.game().num_players());
    for (Player seat : state.players_to_act()) {
      for (const auto& group : state.order_groups(seat))
        orders[seat].push_back(group[rng.uniform(group.size())]);
    }
    Status s = state.apply_orders(orders);
    ASSERT_TRUE(s.ok()) << s.error().message;
  } else {
    const std::vector<Action> legal = state.legal_actions();
    ASSERT_FALSE(legal.empty()) << "a player to move must have a legal action: " << state.to_string();
    Status s = state.apply(legal[rng.uniform(legal.size())]);
    ASSERT_TRUE(s.ok()) << s.error().message;
  }
}

// Under AddressSanitizer, which checks memory rather than coverage of positions, a fifth
// of the playouts (at least two); the normal build plays them all.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kPlayoutDivisor = 5;
#else
constexpr int kPlayoutDivisor = 1;
#endif

class Conformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    Result<std::shared_ptr<const Game>> g = make_game(GetParam());
    ASSERT_TRUE(g.ok()) << g.error().message;
    game_ = *g;
    // Enough playouts to reach most of a small game's states, fewer for long games.
    playouts_ = std::clamp(4000 / std::max(1, game_->max_game_length()), 10, 200) / kPlayoutDivisor;
  }

  // Plays `playouts_` seeded random games, calling `visit` on every state (terminal included).
  template <typename Visit>
  void for_each_state(Visit visit, uint64_t seed = 1) {
    Rng rng(seed);
    for (int i = 0; i < playouts_; ++i) {
      std::unique_ptr<State> state = game_->new_initial_state();
      for (;;) {
        visit(*state);
        if (::testing::Test::HasFatalFailure() || state->is_terminal()) break;
        ASSERT_LE(state->ply(), game_->max_game_length()) << "game ran past max_game_length";
        random_step(*state, rng);
        if (::testing::Test::HasFatalFailure()) return;
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
  }

  std::shared_ptr<const Game> game_;
  int playouts_ = 0;
};

TEST_P(Conformance, FactsAreConsistent) {
  EXPECT_GE(game_->num_players(), 1);
  EXPECT_GE(game_->num_distinct_actions(), 1);
  EXPECT_GE(game_->max_game_length(), 1);
  EXPECT_LE(game_->min_utility(), game_->max_utility());
  ASSERT_FALSE(game_->observation_shape().empty());
  for (int d : game_->observation_shape()) {
    EXPECT_GT(d, 0);
  }
  EXPECT_EQ(game_->type().has_chance || game_->max_chance_outcomes() == 0, true)
      << "a game without chance declares no chance outcomes";
  // The canonical spec makes the same game again.
  Result<std::shared_ptr<const Game>> again = make_game(game_->spec());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ((*again)->spec(), game_->spec());
  const Json d = game_->describe();
  for (const char* key : {"name", "spec", "description", "parameters", "players", "perfect_information",
                          "chance", "simultaneous", "num_distinct_actions", "observation_shape"}) {
    EXPECT_TRUE(d.contains(key)) << key;
  }
}

TEST_P(Conformance, PlayoutsEndAndAreDeterministic) {
  std::vector<std::string> first, second;
  auto record = [](std::vector<std::string>& out) {
    return [&out](const State& s) {
      if (s.is_terminal()) out.push_back(s.serialize());
    };
  };
  for_each_state(record(first), 7);
  for_each_state(record(second), 7);
  EXPECT_EQ(first.size(), static_cast<size_t>(playouts_));
  EXPECT_EQ(first, second);
}

TEST_P(Conformance, CloneIsEqualAndIndependent) {
  Rng rng(3);
  const int stride = std::max(1, game_->max_game_length() / 100);  // long games: about 100 states each
  for_each_state([&](const State& s) {
    if (s.ply() % stride != 0 && !s.is_terminal()) return;
    std::unique_ptr<State> copy = s.clone();
    const std::string before = fingerprint(s);
    ASSERT_EQ(fingerprint(*copy), before);
    if (!copy->is_terminal()) {
      random_step(*copy, rng);
      EXPECT_EQ(fingerprint(s), before) << "changing a clone changed the original";
    }
  });
}

TEST_P(Conformance, SerializationRoundTrips) {
  const int stride = std::max(1, game_->max_game_length() / 50);
  for_each_state([&](const State& s) {
    if (s.ply() % stride != 0 && !s.is_terminal()) return;
    Result<std::unique_ptr<State>> back = deserialize_state(s.serialize());
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(fingerprint(**back), fingerprint(s));
    EXPECT_EQ((*back)->history(), s.history());
  });
}

TEST_P(Conformance, ObservationsHaveTheDeclaredShapeAndAreFinite) {
  const size_t size = static_cast<size_t>(game_->observation_size());
  for_each_state([&](const State& s) {
    for (Player p = 0; p < game_->num_players(); ++p) {
      const std::vector<float> obs = s.observation_tensor(p);
      ASSERT_EQ(obs.size(), size);
      for (float x : obs) ASSERT_TRUE(std::isfinite(x)) << s.to_string();
    }
  });
}

// Symmetry 0 is the identity; each other symmetry maps a position to the position reached
// by the transformed moves: its observations and legal policy slots are the transformed
// ones (what training on transformed copies relies on).
TEST_P(Conformance, SymmetriesMapEveryPositionToThePositionOfTheTransformedMoves) {
  const int symmetries = game_->num_symmetries();
  ASSERT_GE(symmetries, 1);
  const size_t size = static_cast<size_t>(game_->observation_size());
  std::vector<float> mapped(size);
  for_each_state([&](const State& s) {
    for (Player p = 0; p < game_->num_players(); ++p) {
      const std::vector<float> obs = s.observation_tensor(p);
      game_->symmetric_observation(0, obs, mapped);
      ASSERT_EQ(mapped, obs);
    }
    if (!s.is_terminal() && !s.is_chance_node() && !s.is_simultaneous_node()) {
      for (Action a : s.legal_actions())
        ASSERT_EQ(game_->symmetric_policy_slot(0, s.policy_slot(a)), s.policy_slot(a));
    }
  });
  // The slots of the legal actions of the player to move, mapped by symmetry k.
  auto slots = [](const State& s, int k) {
    std::vector<int> out;
    for (Action a : s.legal_actions()) out.push_back(s.game().symmetric_policy_slot(k, s.policy_slot(a)));
    std::sort(out.begin(), out.end());
    return out;
  };
  for (int k = 1; k < symmetries; ++k) {
    Rng rng(static_cast<uint64_t>(k));
    for (int i = 0; i < std::max(1, std::min(playouts_, 3)); ++i) {
      std::unique_ptr<State> state = game_->new_initial_state();
      std::unique_ptr<State> image = game_->new_initial_state();
      for (;;) {
        for (Player p = 0; p < game_->num_players(); ++p) {
          game_->symmetric_observation(k, state->observation_tensor(p), mapped);
          ASSERT_EQ(mapped, image->observation_tensor(p)) << "symmetry " << k << " at " << state->to_string();
        }
        ASSERT_EQ(state->is_terminal(), image->is_terminal());
        if (state->is_terminal()) break;
        ASSERT_FALSE(state->is_chance_node() || state->is_simultaneous_node())
            << "symmetries are declared for sequential games without chance only";
        ASSERT_EQ(slots(*state, k), slots(*image, 0)) << "symmetry " << k << " at " << state->to_string();
        const std::vector<Action> legal = state->legal_actions();
        const Action a = legal[rng.uniform(legal.size())];
        const int slot = game_->symmetric_policy_slot(k, state->policy_slot(a));
        Action mirrored = -1;
        for (Action b : image->legal_actions()) {
          if (image->policy_slot(b) == slot) mirrored = b;
        }
        ASSERT_GE(mirrored, 0);
        ASSERT_TRUE(state->apply(a).ok());
        ASSERT_TRUE(image->apply(mirrored).ok());
      }
      EXPECT_EQ(state->returns(), image->returns());
    }
  }
}

TEST_P(Conformance, LegalActionsAreSortedInRangeAndParseBack) {
  for_each_state([&](const State& s) {
    if (s.is_terminal()) {
      for (Player p = 0; p < game_->num_players(); ++p) {
        EXPECT_TRUE(s.legal_actions(p).empty());
      }
      return;
    }
    std::vector<std::pair<Player, std::vector<Action>>> to_check;
    if (s.is_chance_node()) {
      to_check.emplace_back(kChancePlayer, s.legal_actions());
    } else {
      for (Player p : s.players_to_act()) to_check.emplace_back(p, s.legal_actions(p));
      ASSERT_FALSE(to_check.empty()) << "a non-terminal decision node must have someone to act";
    }
    if (s.current_player() >= 0) {
      for (Player p = 0; p < game_->num_players(); ++p) {
        if (p != s.current_player()) {
          EXPECT_TRUE(s.legal_actions(p).empty()) << "only the player to move has actions";
        }
      }
    }
    for (const auto& [player, legal] : to_check) {
      ASSERT_FALSE(legal.empty());
      EXPECT_TRUE(std::is_sorted(legal.begin(), legal.end()));
      EXPECT_EQ(std::adjacent_find(legal.begin(), legal.end()), legal.end()) << "duplicate legal actions";
      const int space =
          player == kChancePlayer ? game_->max_chance_outcomes() : game_->num_distinct_actions();
      std::set<std::string> texts;
      for (Action a : legal) {
        ASSERT_GE(a, 0);
        ASSERT_LT(a, space);
        if (player == s.current_player() && player >= 0) {
          const int slot = s.policy_slot(a);
          EXPECT_GE(slot, 0) << "the network's policy slot of " << a;
          EXPECT_LT(slot, game_->num_policy_slots()) << "the network's policy slot of " << a;
        }
        const std::string text = s.action_to_string(player, a);
        EXPECT_TRUE(texts.insert(text).second) << "two legal actions are both written '" << text << "'";
        Result<Action> parsed = s.parse_action(player, text);
        ASSERT_TRUE(parsed.ok()) << "'" << text << "': " << parsed.error().message;
        EXPECT_EQ(*parsed, a) << "'" << text << "' parsed to another action";
      }
    }
  });
}

TEST_P(Conformance, PlayoutActionsAreANonEmptySubsetOfLegalActions) {
  for_each_state([&](const State& s) {
    if (s.current_player() < 0) return;  // sequential decision nodes only
    const std::vector<Action> legal = s.legal_actions();
    const std::vector<Action> playout = s.playout_actions();
    ASSERT_FALSE(playout.empty()) << "no playout action where legal actions exist: " << s.to_string();
    for (Action a : playout) {
      EXPECT_TRUE(std::binary_search(legal.begin(), legal.end(), a))
          << "playout action " << a << " is not legal: " << s.to_string();
    }
  });
}

TEST_P(Conformance, IllegalAndMalformedInputIsRejectedAndChangesNothing) {
  const int stride = std::max(1, game_->max_game_length() / 100);  // long games: about 100 states each
  for_each_state([&](const State& s) {
    if (s.ply() % stride != 0 && !s.is_terminal()) return;
    std::unique_ptr<State> state = s.clone();
    const std::string before = fingerprint(*state);
    auto expect_rejected = [&](Status status, const std::string& what) {
      EXPECT_FALSE(status.ok()) << what << " was accepted at " << state->to_string();
      if (!status.ok()) {
        EXPECT_EQ(status.error().code, "illegal_action") << what;
        EXPECT_FALSE(status.error().message.empty());
      }
      EXPECT_EQ(fingerprint(*state), before) << what << " changed the state";
    };
    expect_rejected(state->apply(-1), "action -1");
    expect_rejected(state->apply(game_->num_distinct_actions() + game_->max_chance_outcomes()),
                    "an out-of-range id");
    if (!state->is_simultaneous_node() && !state->is_terminal()) {
      const std::vector<Action> legal = state->legal_actions();
      const int space =
          state->is_chance_node() ? game_->max_chance_outcomes() : game_->num_distinct_actions();
      for (Action a = 0; a < space; ++a) {
        if (!std::binary_search(legal.begin(), legal.end(), a)) {
          expect_rejected(state->apply(a), "illegal action " + std::to_string(a));
          break;
        }
      }
      expect_rejected(state->apply_orders({}), "orders at a sequential node");
    }
    if (state->is_simultaneous_node()) {
      expect_rejected(state->apply(0), "a single action at a simultaneous node");
      expect_rejected(state->apply_orders({}), "no orders");
      std::vector<std::vector<Action>> orders(game_->num_players());
      for (Player seat : state->players_to_act()) {
        for (const auto& group : state->order_groups(seat)) orders[seat].push_back(group.front());
      }
      auto too_many = orders;
      too_many[state->players_to_act().front()].push_back(0);
      expect_rejected(state->apply_orders(too_many), "an extra order");
      auto out_of_range = orders;
      out_of_range[state->players_to_act().front()].front() = -5;
      expect_rejected(state->apply_orders(out_of_range), "an order id out of range");
    }
    for (const char* text : {"", "   ", "%%%", "definitely not a move 12345", "\x01\xff"}) {
      Player who = state->is_chance_node() ? kChancePlayer : std::max<Player>(0, state->current_player());
      Result<Action> parsed = state->parse_action(who, text);
      EXPECT_FALSE(parsed.ok()) << "'" << text << "' parsed";
      if (!parsed.ok()) {
        EXPECT_EQ(parsed.error().code, "parse_error");
      }
    }
    EXPECT_EQ(fingerprint(*state), before);
  });
}

TEST_P(Conformance, BadSerializationsAreErrors) {
  const std::string good = game_->new_initial_state()->serialize();
  for (const std::string& bad :
       {std::string(""), std::string("{"), std::string("[]"), std::string("{\"game\": 3, \"history\": []}"),
        "{\"game\": \"" + game_->spec() + "\", \"history\": [-7]}",
        "{\"game\": \"" + game_->spec() + "\", \"history\": [99999999999]}",
        "{\"game\": \"" + game_->spec() + "\", \"history\": [\"x\"]}",
        std::string("{\"game\": \"no_such_game\", \"history\": []}")}) {
    Result<std::unique_ptr<State>> s = deserialize_state(bad);
    EXPECT_FALSE(s.ok()) << bad;
  }
  EXPECT_TRUE(deserialize_state(good).ok());
}

TEST_P(Conformance, ReturnsAreInRangeAndRewardsAddUpToThem) {
  for_each_state([&](const State& s) {
    const std::vector<double> returns = s.returns();
    ASSERT_EQ(returns.size(), static_cast<size_t>(game_->num_players()));
    ASSERT_EQ(s.rewards().size(), returns.size());
    if (!s.is_terminal()) return;
    double sum = 0;
    for (double r : returns) {
      EXPECT_GE(r, game_->min_utility() - 1e-9);
      EXPECT_LE(r, game_->max_utility() + 1e-9);
      sum += r;
    }
    if (auto expected = game_->utility_sum()) {
      EXPECT_NEAR(sum, *expected, 1e-9);
    }
    // Replaying the history, the per-step rewards add up to the returns.
    std::unique_ptr<State> replay = game_->new_initial_state();
    std::vector<double> total(game_->num_players(), 0.0);
    for (const Step& step : s.history()) {
      Status st =
          step.player == kSimultaneousPlayer ? replay->apply_orders(step.orders) : replay->apply(step.action);
      ASSERT_TRUE(st.ok());
      const std::vector<double> r = replay->rewards();
      for (size_t p = 0; p < total.size(); ++p) total[p] += r[p];
      if (game_->type().reward_model == RewardModel::kTerminal && !replay->is_terminal()) {
        for (double x : r) {
          EXPECT_EQ(x, 0.0) << "a terminal-reward game paid a reward mid-game";
        }
      }
    }
    for (size_t p = 0; p < total.size(); ++p) {
      EXPECT_NEAR(total[p], returns[p], 1e-9);
    }
  });
}

TEST_P(Conformance, ForfeitsDrawsAndExportsAreWellFormed) {
  for_each_state([&](const State& s) {
    if (s.is_terminal()) {
      ExportInfo info;
      for (Player p = 0; p < game_->num_players(); ++p) info.players.push_back("player" + std::to_string(p));
      info.round = "1";
      info.returns = s.returns();
      if (std::optional<ExportText> text = s.export_text(info)) {
        EXPECT_FALSE(text->format.empty());
        EXPECT_FALSE(text->content_type.empty());
        EXPECT_NE(text->text.find("player0"), std::string::npos) << "an export names its players";
      }
      return;
    }
    for (Player loser = 0; loser < game_->num_players(); ++loser) {
      const std::vector<double> r = s.forfeit_returns(loser);
      ASSERT_EQ(r.size(), static_cast<size_t>(game_->num_players()));
      double sum = 0;
      for (Player p = 0; p < game_->num_players(); ++p) {
        EXPECT_GE(r[p], game_->min_utility());
        EXPECT_LE(r[p], game_->max_utility());
        if (p != loser) {
          EXPECT_GE(r[p], r[loser]) << "the one who forfeits does not come out ahead";
        }
        sum += r[p];
      }
      if (auto expected = game_->utility_sum()) {
        EXPECT_NEAR(sum, *expected, 1e-9);
      }
    }
    const std::vector<double> draw = s.draw_returns();
    ASSERT_EQ(draw.size(), static_cast<size_t>(game_->num_players()));
    if (game_->num_players() > 1) {
      EXPECT_EQ(std::adjacent_find(draw.begin(), draw.end(), std::not_equal_to<>()), draw.end());
    }
    if (game_->num_players() > 1) {
      EXPECT_FALSE(s.puzzle().has_value()) << "only one-player games are puzzles";
    }
  });
}

TEST_P(Conformance, PuzzlesLabelEveryStepAndTheirSolverPlaysLegalSteps) {
  for_each_state([&](const State& s) {
    const std::vector<PuzzleStep> steps = s.puzzle_steps();
    const std::optional<Action> solver = s.solver_action();
    if (game_->num_players() > 1) {
      EXPECT_TRUE(steps.empty()) << "only puzzles label steps";
      EXPECT_FALSE(solver.has_value()) << "only puzzles have an exact solver";
      return;
    }
    if (std::optional<PuzzleInfo> info = s.puzzle()) {
      EXPECT_FALSE(info->problem.empty()) << info->spec;
      EXPECT_FALSE(info->answer.empty()) << info->spec;
      ASSERT_TRUE(make_game(info->spec).ok()) << "the puzzle's spec sets it up: " << info->spec;
    }
    if (game_->type().reward_model == RewardModel::kPerStep && s.puzzle()) {
      // One labelled step per decision taken (chance deals are not steps).
      size_t decisions = 0;
      for (const Step& step : s.history()) decisions += step.player >= 0;
      EXPECT_EQ(steps.size(), decisions) << s.to_string();
    }
    for (const PuzzleStep& step : steps) {
      EXPECT_FALSE(step.text.empty());
      EXPECT_FALSE(step.verdict.empty()) << step.text;
      EXPECT_TRUE(step.rating >= -1 && step.rating <= 1) << step.text << " rated " << step.rating;
    }
    if (s.is_chance_node() || s.is_terminal()) {
      EXPECT_FALSE(solver.has_value()) << "the solver answers only where the player is to move";
    } else if (solver) {
      EXPECT_TRUE(s.is_legal(*solver)) << "the solver's step " << *solver << " at " << s.to_string();
    }
  });
}

TEST_P(Conformance, ChanceOutcomesAreAProbabilityDistribution) {
  int chance_nodes = 0;
  for_each_state([&](const State& s) {
    if (!s.is_chance_node()) {
      EXPECT_TRUE(s.chance_outcomes().empty());
      return;
    }
    ++chance_nodes;
    const auto outcomes = s.chance_outcomes();
    ASSERT_FALSE(outcomes.empty());
    double sum = 0;
    std::set<Action> seen;
    for (const auto& [a, p] : outcomes) {
      EXPECT_GT(p, 0.0);
      EXPECT_GE(a, 0);
      EXPECT_LT(a, game_->max_chance_outcomes());
      EXPECT_TRUE(seen.insert(a).second) << "outcome listed twice";
      sum += p;
    }
    EXPECT_NEAR(sum, 1.0, 1e-9);
  });
  if (!game_->type().has_chance) {
    EXPECT_EQ(chance_nodes, 0);
  }
}

// Views and observations may depend only on what their viewer knows (information_key):
// two states a viewer cannot tell apart must look the same to it. For games with hidden
// information this is what keeps hole cards and secret orders out of the wrong views.
TEST_P(Conformance, ViewsAndObservationsRevealOnlyWhatTheViewerKnows) {
  std::map<std::pair<Player, std::string>, std::pair<std::string, std::string>> seen;  // -> (state, view)
  std::map<std::pair<Player, std::string>, std::vector<float>> seen_obs;
  int ambiguous_spectator_groups = 0;
  for_each_state([&](const State& s) {
    std::vector<Player> viewers = {kSpectator};
    for (Player p = 0; p < game_->num_players(); ++p) viewers.push_back(p);
    for (Player viewer : viewers) {
      const auto key = std::make_pair(viewer, s.information_key(viewer));
      const std::string view = s.view(viewer).dump();
      auto [it, inserted] = seen.emplace(key, std::make_pair(s.to_string(), view));
      if (!inserted) {
        EXPECT_EQ(it->second.second, view)
            << "viewer " << viewer << " sees a difference between two states it "
            << "cannot tell apart:\n  " << it->second.first << "\n  " << s.to_string();
        if (viewer == kSpectator && it->second.first != s.to_string()) ++ambiguous_spectator_groups;
      }
      if (game_->type().perfect_information) {
        EXPECT_EQ(view, s.view(kSpectator).dump())
            << "with perfect information seat " << viewer
            << " sees what a spectator sees (the arena renders it once)";
      }
      if (viewer >= 0) {
        const std::vector<float> obs = s.observation_tensor(viewer);
        auto [oit, oinserted] = seen_obs.emplace(key, obs);
        if (!oinserted) {
          EXPECT_EQ(oit->second, obs) << "observation of seat " << viewer << " leaks hidden information";
        }
      }
    }
  });
  if (!game_->type().perfect_information) {
    EXPECT_GT(ambiguous_spectator_groups, 0)
        << "an imperfect-information game should have states that look alike to a spectator";
  }
}

// resample_from_infostate: where a game implements it (perfect-information games by default),
// the state it draws looks the same to the viewer as the real one and plays on.
TEST_P(Conformance, ResampledStatesMatchTheViewersInformationAndArePlayable) {
  Rng draw(17), play(18);
  int resampled = 0;
  for_each_state([&](const State& s) {
    for (Player viewer = 0; viewer < game_->num_players(); ++viewer) {
      std::unique_ptr<State> r = s.resample_from_infostate(viewer, draw);
      if (game_->type().perfect_information) {
        ASSERT_NE(r, nullptr) << "perfect information: the default resample is a clone";
      }
      if (r == nullptr) continue;
      ++resampled;
      EXPECT_EQ(r->information_key(viewer), s.information_key(viewer))
          << s.to_string() << " vs " << r->to_string();
      EXPECT_EQ(r->current_player(), s.current_player());
      EXPECT_EQ(r->ply(), s.ply());
      // Playable: its history replays and a few steps apply (on a sample of the states, to
      // keep long games quick).
      if (resampled % 37 != 1) continue;
      Result<std::unique_ptr<State>> replay = game_->state_from_history(r->history());
      ASSERT_TRUE(replay.ok()) << "a resampled state must have a legal history";
      for (int step = 0; step < 4 && !r->is_terminal(); ++step) {
        random_step(*r, play);
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  });
  if (game_->type().perfect_information) {
    EXPECT_GT(resampled, 0);
  }
}

// Kuhn poker: with the king in hand, the opponent's card is the jack or the queen, each
// half of the time, whatever it really is.
TEST(ResampleFromInfostate, KuhnPokerDrawsTheUnseenCardUniformly) {
  auto game = make_game("kuhn_poker");
  ASSERT_TRUE(game.ok());
  for (Action opponent_card : {0, 1}) {
    std::unique_ptr<State> s = (*game)->new_initial_state();
    ASSERT_TRUE(s->apply(2).ok());  // seat 0: K
    ASSERT_TRUE(s->apply(opponent_card).ok());
    ASSERT_TRUE(s->apply(1).ok());  // seat 0 bets
    Rng rng(5);
    std::map<Action, int> counts;
    constexpr int kDraws = 4000;
    for (int i = 0; i < kDraws; ++i) {
      std::unique_ptr<State> r = s->resample_from_infostate(0, rng);
      ASSERT_NE(r, nullptr);
      ASSERT_EQ(r->history()[0].action, 2);
      ++counts[r->history()[1].action];
    }
    EXPECT_EQ(counts.size(), 2u);
    EXPECT_EQ(counts.count(2), 0u) << "the king is the viewer's own";
    for (Action c : {0, 1}) {
      EXPECT_GT(counts[c], kDraws / 2 - 200) << "card " << c;
      EXPECT_LT(counts[c], kDraws / 2 + 200) << "card " << c;
    }
    // Seat 1 sees its own card; seat 0's is drawn from the other two.
    std::map<Action, int> seat0;
    for (int i = 0; i < kDraws; ++i) ++seat0[s->resample_from_infostate(1, rng)->history()[0].action];
    EXPECT_EQ(seat0.count(opponent_card), 0u);
    EXPECT_EQ(seat0.size(), 2u);
  }
  // A spectator's draw: both cards unseen, never equal.
  std::unique_ptr<State> s = (*game)->new_initial_state();
  ASSERT_TRUE(s->apply(0).ok());
  ASSERT_TRUE(s->apply(1).ok());
  Rng rng(6);
  for (int i = 0; i < 100; ++i) {
    std::unique_ptr<State> r = s->resample_from_infostate(kSpectator, rng);
    ASSERT_NE(r, nullptr);
    EXPECT_NE(r->history()[0].action, r->history()[1].action);
    EXPECT_EQ(r->information_key(kSpectator), s->information_key(kSpectator));
  }
}

INSTANTIATE_TEST_SUITE_P(AllGames, Conformance, ::testing::ValuesIn(conformance_specs()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name;
                           for (char c : info.param)
                             name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name + "_" + std::to_string(info.index);
                         });

}  // namespace
}  // namespace arena
