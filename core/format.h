// Numbers as text for tables and reports.
#pragma once

#include <cstdio>
#include <string>

namespace arena {

// `v` with exactly `digits` digits after the point ("%.*f").
inline std::string fixed(double v, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}

}  // namespace arena
