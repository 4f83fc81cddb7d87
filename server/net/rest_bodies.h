// The JSON bodies REST clients send (POST /api/bots, /api/humans, /api/challenges), read
// into plain values before any handler touches the store or the arena. Pure functions;
// fuzzed by tests/fuzz/rest_body_fuzz.cc.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "server/arena/time_control.h"

namespace arena::net {

// {"name": "..."}: the name a registration asks for (whether the name is allowed is the
// handler's business). Anything else is a "bad_request" Error that shows the shape, with
// `example_name` as the name ("my-bot", "your name").
Result<std::string> parse_registration_body(std::string_view body, std::string_view example_name);

// {"to": "random", "game": "kuhn_poker", "time_control": "untimed", "rated": true}, the last
// two optional. A wrong shape or type is a "bad_request" Error; a time control that does not
// read is TimeControl::parse's "bad_time_control" Error.
struct ChallengeBody {
  std::string to;
  std::string game;
  TimeControl time_control;
  bool rated = true;
};
Result<ChallengeBody> parse_challenge_body(std::string_view body);

}  // namespace arena::net
