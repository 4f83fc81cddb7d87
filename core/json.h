// The project's JSON type (nlohmann/json) and small helpers around it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace arena {

using Json = nlohmann::json;

// Parses text without throwing; nullopt when it is not valid JSON.
inline std::optional<Json> parse_json(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

}  // namespace arena
