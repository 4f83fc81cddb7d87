#include "server/net/protocol.h"

namespace arena::net {
namespace {

Error bad(const std::string& message) { return make_error("bad_message", message); }

// Field readers: each says what was wrong with which field.
Result<int64_t> get_id(const Json& j, const char* key) {
  if (!j.contains(key)) return bad(std::string("'") + key + "' is missing");
  const Json& v = j[key];
  if (!v.is_number_integer() || v.get<int64_t>() < 0)
    return bad(std::string("'") + key + "' must be a non-negative integer");
  return v.get<int64_t>();
}

Result<std::string> get_string(const Json& j, const char* key, bool required = true,
                               std::string fallback = "") {
  if (!j.contains(key)) {
    if (required) return bad(std::string("'") + key + "' is missing");
    return fallback;
  }
  if (!j[key].is_string()) return bad(std::string("'") + key + "' must be a string");
  return j[key].get<std::string>();
}

Result<std::vector<std::string>> get_strings(const Json& j, const char* key, bool required) {
  if (!j.contains(key)) {
    if (required) return bad(std::string("'") + key + "' is missing");
    return std::vector<std::string>{};
  }
  const Json& v = j[key];
  if (!v.is_array()) return bad(std::string("'") + key + "' must be an array of strings");
  std::vector<std::string> out;
  for (const Json& item : v) {
    if (!item.is_string()) return bad(std::string("'") + key + "' must be an array of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<bool> get_bool(const Json& j, const char* key, bool fallback) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_boolean()) return bad(std::string("'") + key + "' must be true or false");
  return j[key].get<bool>();
}

template <typename T>
Result<ClientMessage> with_match_id(const Json& j) {
  Result<int64_t> id = get_id(j, "match_id");
  if (!id.ok()) return id.error();
  T t;
  t.match_id = *id;
  return ClientMessage(t);
}

Result<ClientMessage> parse_body(const std::string& type, const Json& j) {
  if (type == "hello") {
    if (!j.contains("protocol") || !j["protocol"].is_number_integer())
      return bad("'protocol' is missing (use 1)");
    const int version = j["protocol"].get<int>();
    if (version != kProtocolVersion) {
      return make_error("unsupported_protocol", "protocol " + std::to_string(version) +
                                                    " is not supported; use " +
                                                    std::to_string(kProtocolVersion));
    }
    return ClientMessage(Hello{version});
  }
  if (type == "seek") {
    SeekMessage m;
    auto games = get_strings(j, "games", true);
    if (!games.ok()) return games.error();
    if (games->empty()) return bad("'games' must name at least one game");
    auto tcs = get_strings(j, "time_controls", false);
    if (!tcs.ok()) return tcs.error();
    auto rated = get_bool(j, "rated", true);
    if (!rated.ok()) return rated.error();
    m.games = *games;
    m.time_controls = *tcs;
    m.rated = *rated;
    return ClientMessage(m);
  }
  if (type == "cancel_seek") {
    auto id = get_id(j, "seek_id");
    if (!id.ok()) return id.error();
    return ClientMessage(CancelSeek{*id});
  }
  if (type == "challenge") {
    ChallengeMessage m;
    auto to = get_string(j, "to");
    if (!to.ok()) return to.error();
    auto game = get_string(j, "game");
    if (!game.ok()) return game.error();
    auto tc = get_string(j, "time_control", false, "untimed");
    if (!tc.ok()) return tc.error();
    auto rated = get_bool(j, "rated", true);
    if (!rated.ok()) return rated.error();
    m.to = *to;
    m.game = *game;
    m.time_control = *tc;
    m.rated = *rated;
    return ClientMessage(m);
  }
  if (type == "accept_challenge" || type == "decline_challenge") {
    auto id = get_id(j, "challenge_id");
    if (!id.ok()) return id.error();
    if (type == "accept_challenge") return ClientMessage(AcceptChallenge{*id});
    return ClientMessage(DeclineChallenge{*id});
  }
  if (type == "move") {
    MoveMessage m;
    auto id = get_id(j, "match_id");
    if (!id.ok()) return id.error();
    auto ply = get_id(j, "ply");
    if (!ply.ok()) return ply.error();
    m.match_id = *id;
    m.ply = static_cast<int>(*ply);
    if (j.contains("orders")) {
      auto orders = get_strings(j, "orders", true);
      if (!orders.ok()) return orders.error();
      m.orders = *orders;
    } else {
      auto action = get_string(j, "action");
      if (!action.ok()) return bad("a move needs 'action' (or 'orders' in a simultaneous phase)");
      m.action = *action;
    }
    return ClientMessage(m);
  }
  if (type == "resign") return with_match_id<Resign>(j);
  if (type == "abort") return with_match_id<Abort>(j);
  if (type == "offer_draw") return with_match_id<OfferDraw>(j);
  if (type == "spectate") return with_match_id<Spectate>(j);
  if (type == "unspectate") return with_match_id<Unspectate>(j);
  if (type == "resync") {
    auto id = get_id(j, "match_id");
    if (!id.ok()) return id.error();
    Resync r;
    r.match_id = *id;
    if (j.contains("last_ply")) {
      if (!j["last_ply"].is_number_integer()) return bad("'last_ply' must be an integer");
      r.last_ply = j["last_ply"].get<int>();
    }
    return ClientMessage(r);
  }
  if (type == "ping") return ClientMessage(Ping{});
  return bad(
      "unknown message type '" + type +
      "'; expected hello, seek, cancel_seek, challenge, accept_challenge, decline_challenge, move, resign, "
      "abort, offer_draw, spectate, unspectate, resync or ping");
}

}  // namespace

Result<Incoming> parse_client_message(std::string_view text) {
  std::optional<Json> j = parse_json(text);
  if (!j) return bad("not valid JSON (or nested deeper than " + std::to_string(kMaxJsonDepth) + ")");
  if (!j->is_object()) return bad("a message is a JSON object");
  if (!j->contains("type") || !(*j)["type"].is_string()) return bad("'type' is missing");
  Json ref;
  if (j->contains("ref")) {
    ref = (*j)["ref"];
    const bool short_string = ref.is_string() && ref.get_ref<const std::string&>().size() <= kMaxRefLength;
    if (!short_string && !ref.is_number_integer()) {
      return bad("'ref' must be an integer or a string of at most " + std::to_string(kMaxRefLength) +
                 " bytes");
    }
  }
  Result<ClientMessage> m = parse_body((*j)["type"].get<std::string>(), *j);
  if (!m.ok()) return m.error();
  return Incoming{std::move(m).value(), std::move(ref)};
}

}  // namespace arena::net
