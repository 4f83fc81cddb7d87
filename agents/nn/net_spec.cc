#include "agents/nn/net_spec.h"

#include "games/registry.h"

namespace arena::nn {
namespace {

std::string join_dims(const std::vector<int>& dims) {
  std::string out;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) out += 'x';
    out += std::to_string(dims[i]);
  }
  return out;
}

Error bad_config(const std::string& message) { return make_error("bad_config", message); }

// A positive integer field of `json`, or an Error naming it.
Result<int> positive_int(const Json& json, const char* field, const std::string& where) {
  const auto it = json.find(field);
  if (it == json.end() || !it->is_number_integer() || it->get<int64_t>() < 1 ||
      it->get<int64_t>() > (1 << 30)) {
    return bad_config(where + ": \"" + field + "\" must be a positive integer");
  }
  return static_cast<int>(it->get<int64_t>());
}

Result<GameHead> head_from_json(const Json& json, size_t index) {
  const std::string where = "net.games[" + std::to_string(index) + "]";
  if (!json.is_object()) return bad_config(where + " is not an object");
  GameHead head;
  for (const char* field : {"key", "spec"}) {
    const auto it = json.find(field);
    if (it == json.end() || !it->is_string() || it->get<std::string>().empty()) {
      return bad_config(where + ": \"" + field + "\" must be a non-empty string");
    }
  }
  head.key = json["key"].get<std::string>();
  head.spec = json["spec"].get<std::string>();
  int* fields[] = {&head.planes, &head.height, &head.width, &head.num_actions, &head.num_players};
  const char* names[] = {"planes", "height", "width", "num_actions", "num_players"};
  for (size_t i = 0; i < 5; ++i) {
    Result<int> v = positive_int(json, names[i], where);
    if (!v.ok()) return v.error();
    *fields[i] = *v;
  }
  return head;
}

}  // namespace

GameHead game_head(const Game& game) {
  GameHead head;
  head.key = head_key(game);
  head.spec = game.spec();
  const std::vector<int> shape = game.observation_shape();
  if (shape.size() == 3) {
    head.planes = shape[0];
    head.height = shape[1];
    head.width = shape[2];
  } else {
    head.planes = game.observation_size();
    head.height = 1;
    head.width = 1;
  }
  head.num_actions = game.num_policy_slots();
  head.num_players = game.num_players();
  return head;
}

std::string head_key(const Game& game) {
  std::string key = game.type().name + "[" + join_dims(game.observation_shape()) + "]/" +
                    std::to_string(game.num_policy_slots());
  // The value head has a row per seat: the seven powers and France-Austria, or hold'em for
  // two and for six, are different heads.
  if (game.num_players() > 2) key += "/" + std::to_string(game.num_players()) + "p";
  return key;
}

int NetConfig::index_of(const Game& game) const {
  const GameHead head = game_head(game);
  for (size_t i = 0; i < games.size(); ++i) {
    const GameHead& g = games[i];
    if (g.key == head.key && g.planes == head.planes && g.height == head.height && g.width == head.width &&
        g.num_actions == head.num_actions && g.num_players == head.num_players) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int NetConfig::index_of_key(const std::string& key) const {
  for (size_t i = 0; i < games.size(); ++i) {
    if (games[i].key == key) return static_cast<int>(i);
  }
  return -1;
}

Json NetConfig::to_json() const {
  Json heads = Json::array();
  for (const GameHead& g : games) {
    heads.push_back({{"key", g.key},
                     {"spec", g.spec},
                     {"planes", g.planes},
                     {"height", g.height},
                     {"width", g.width},
                     {"num_actions", g.num_actions},
                     {"num_players", g.num_players}});
  }
  return Json{{"blocks", blocks}, {"channels", channels}, {"games", std::move(heads)}};
}

Result<NetConfig> NetConfig::from_json(const Json& json) {
  if (!json.is_object()) return bad_config("net is not a JSON object");
  NetConfig config;
  const auto blocks = json.find("blocks");
  if (blocks == json.end() || !blocks->is_number_integer() || blocks->get<int64_t>() < 0 ||
      blocks->get<int64_t>() > 1000) {
    return bad_config("net: \"blocks\" must be an integer in [0, 1000]");
  }
  config.blocks = static_cast<int>(blocks->get<int64_t>());
  Result<int> channels = positive_int(json, "channels", "net");
  if (!channels.ok()) return channels.error();
  config.channels = *channels;
  const auto games = json.find("games");
  if (games == json.end() || !games->is_array()) return bad_config("net: \"games\" must be an array");
  for (size_t i = 0; i < games->size(); ++i) {
    Result<GameHead> head = head_from_json((*games)[i], i);
    if (!head.ok()) return head.error();
    if (config.index_of_key(head->key) >= 0)
      return bad_config("net: head \"" + head->key + "\" appears twice");
    config.games.push_back(std::move(*head));
  }
  return config;
}

Result<NetConfig> net_config_for(const std::vector<std::string>& specs, int blocks, int channels) {
  if (blocks < 0 || channels < 1) {
    return bad_config("a network needs blocks >= 0 and channels >= 1 (got " + std::to_string(blocks) +
                      " and " + std::to_string(channels) + ")");
  }
  if (specs.empty()) return make_error("bad_spec", "a network needs at least one game");
  NetConfig config;
  config.blocks = blocks;
  config.channels = channels;
  for (const std::string& spec : specs) {
    Result<std::shared_ptr<const Game>> game = make_game(spec);
    if (!game.ok()) return game.error();
    GameHead head = game_head(**game);
    if (config.index_of_key(head.key) >= 0) continue;  // same shapes: the same stem and heads
    config.games.push_back(std::move(head));
  }
  return config;
}

}  // namespace arena::nn
