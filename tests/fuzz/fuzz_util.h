// What the cross-cutting fuzz targets share: failing loudly (libFuzzer then keeps the input
// as a crash) and checking that a text may go into a JSON answer.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json.h"

namespace arena::fuzz {

// Stops the run with a message; libFuzzer saves the input that caused it.
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what.c_str());
  std::abort();
}

inline void check(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

// Whether `text` can be written as a JSON string (nlohmann's dump throws on invalid UTF-8):
// every error message the server sends back must pass when the client's text did.
inline bool json_safe(std::string_view text) {
  try {
    (void)Json(std::string(text)).dump();
    return true;
  } catch (const Json::exception&) {
    return false;
  }
}

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace arena::fuzz
