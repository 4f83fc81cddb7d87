// REST request targets (server/net/query.h): any target reads as decoded segments and query
// parameters, or a "bad_request" Error; whatever is accepted can be written as JSON. The
// UTF-8 check is compared with nlohmann's own (the one that throws when dumping).
#include "server/net/query.h"
#include "tests/fuzz/fuzz_util.h"

using namespace arena;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  fuzz::check(net::is_valid_utf8(text) == fuzz::json_safe(text), "is_valid_utf8 disagrees with nlohmann");

  const std::string decoded = net::percent_decode(text);
  fuzz::check(decoded.size() <= text.size(), "percent_decode grew the text");
  if (text.find_first_of("%+") == std::string_view::npos)
    fuzz::check(decoded == text, "decoded plain text changed");

  Result<net::RequestTarget> target = net::parse_target(text);
  if (!target.ok()) {
    fuzz::check(target.error().code == "bad_request", "an error other than bad_request");
    fuzz::check(!net::is_valid_utf8(text) || text.find('%') != std::string_view::npos,
                "refused a UTF-8 target without escapes");
    return 0;
  }
  Json answer = Json::object();
  answer["path"] = target->path;
  answer["segments"] = target->segments;
  for (const auto& [key, value] : target->query) answer["query"][key] = value;
  (void)answer.dump();  // throws (and so fails) on anything that is not UTF-8
  for (const std::string& segment : target->segments) fuzz::check(!segment.empty(), "an empty path segment");
  return 0;
}
