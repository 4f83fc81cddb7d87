// REST request bodies: the JSON reader the handlers use (core/json.h parse_json) and the
// body shapes of POST /api/bots, /api/humans and /api/challenges (server/net/rest_bodies.h).
// Any body reads as a value or an Error, never an exception; errors can be sent as JSON.
#include "core/json.h"
#include "server/net/rest_bodies.h"
#include "tests/fuzz/fuzz_util.h"

using namespace arena;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  if (std::optional<Json> j = parse_json(text)) {
    // What was read is JSON again, and reads back as the same value.
    const std::string again = j->dump();
    std::optional<Json> back = parse_json(again);
    fuzz::check(back.has_value() && back->dump() == again, "JSON does not read back as itself");
  }
  Result<std::string> name = net::parse_registration_body(text, "my-bot");
  if (!name.ok()) fuzz::check(name.error().code == "bad_request", "registration: not bad_request");
  Result<net::ChallengeBody> challenge = net::parse_challenge_body(text);
  if (!challenge.ok()) {
    fuzz::check(challenge.error().code == "bad_request" || challenge.error().code == "bad_time_control",
                "challenge: an unexpected error code");
    fuzz::check(fuzz::json_safe(challenge.error().message), "challenge: an error message that is not UTF-8");
  }
  return 0;
}
