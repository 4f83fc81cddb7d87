// What the shared network knows of the games it plays, without LibTorch: the canvas each
// game's observation is laid on, the sizes of its heads, and the trunk's size. The command
// line, the tests and the self-play code read these; only agents/nn/*.cc see tensors.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "games/game.h"

namespace arena::nn {

// One game's stem and heads. Games with the same key share them, so every parameterisation
// of a game with the same shapes (go(size=9) and go(size=9,komi=0.5), every game24 puzzle)
// is played by the same heads.
struct GameHead {
  std::string key;      // "<game type>[<observation shape>]/<policy slots>", e.g. "go[13x9x9]/82"
  std::string spec;     // the spec the head was made from (for messages), e.g. "go(size=9)"
  int planes = 0;       // the observation on a planes x height x width canvas: a rank-3
  int height = 1;       // observation is taken as it is; any other is flattened into
  int width = 1;        // planes on a 1x1 canvas
  int num_actions = 0;  // the policy head's width: Game::num_policy_slots() (most games: the action space)
  int num_players = 0;  // the value head's width: one value per seat

  int input_size() const { return planes * height * width; }
  bool operator==(const GameHead&) const = default;
};

GameHead game_head(const Game& game);
std::string head_key(const Game& game);

// The network's shape: a residual trunk of `blocks` blocks of `channels` channels, and one
// stem and pair of heads per game.
struct NetConfig {
  int blocks = 4;
  int channels = 64;
  std::vector<GameHead> games;

  // The index of the head for `game`, or -1 when the network does not know it.
  int index_of(const Game& game) const;
  int index_of_key(const std::string& key) const;
  Json to_json() const;
  static Result<NetConfig> from_json(const Json& json);
  bool operator==(const NetConfig&) const = default;
};

// A NetConfig for the games named by `specs` ("go(size=9);kuhn_poker;game24"); games with
// the same key get one head. A bad spec is its "bad_spec" Error.
Result<NetConfig> net_config_for(const std::vector<std::string>& specs, int blocks, int channels);

}  // namespace arena::nn
