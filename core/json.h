// The project's JSON type (nlohmann/json) and small helpers around it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace arena {

using Json = nlohmann::json;

// Deeper JSON than this is refused by parse_json: nothing the arena reads nests near it,
// and a deep document costs stack and time wherever it is walked.
inline constexpr int kMaxJsonDepth = 64;

// Whether arrays and objects in `text` nest deeper than `max_depth` (strings skipped).
inline bool json_nests_deeper_than(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

// Parses text without throwing; nullopt when it is not valid JSON or nests deeper than
// kMaxJsonDepth.
inline std::optional<Json> parse_json(std::string_view text) {
  if (json_nests_deeper_than(text, kMaxJsonDepth)) return std::nullopt;
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

}  // namespace arena
