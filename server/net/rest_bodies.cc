#include "server/net/rest_bodies.h"

#include "core/json.h"

namespace arena::net {

Result<std::string> parse_registration_body(std::string_view body, std::string_view example_name) {
  std::optional<Json> j = parse_json(body);
  if (!j || !j->is_object() || !j->contains("name") || !(*j)["name"].is_string()) {
    return make_error("bad_request", "send {\"name\": \"" + std::string(example_name) + "\"}");
  }
  return (*j)["name"].get<std::string>();
}

Result<ChallengeBody> parse_challenge_body(std::string_view body) {
  const Error shape = make_error("bad_request",
                                 "send {\"to\": \"random\", \"game\": \"kuhn_poker\", \"time_control\": "
                                 "\"untimed\", \"rated\": true}");
  std::optional<Json> j = parse_json(body);
  if (!j || !j->is_object()) return shape;
  const auto string_field = [&](const char* key) { return j->contains(key) && (*j)[key].is_string(); };
  if (!string_field("to") || !string_field("game")) return shape;
  if (j->contains("time_control") && !string_field("time_control")) return shape;
  if (j->contains("rated") && !(*j)["rated"].is_boolean()) return shape;
  ChallengeBody out;
  out.to = (*j)["to"].get<std::string>();
  out.game = (*j)["game"].get<std::string>();
  Result<TimeControl> tc = TimeControl::parse(j->value("time_control", std::string("untimed")));
  if (!tc.ok()) return tc.error();
  out.time_control = *tc;
  out.rated = j->value("rated", true);
  return out;
}

}  // namespace arena::net
