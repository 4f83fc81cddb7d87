// PrometheusText: Prometheus's text exposition format (version 0.0.4), the one writer of
// the server's /metrics: metric families (HELP and TYPE lines), then their samples with
// optional labels. Integral values are written exactly, others with six significant digits.
//
// A plain value: build one per scrape on one thread.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace arena {

class PrometheusText {
 public:
  // Starts a family: "# HELP name help" and "# TYPE name type" (counter, gauge, histogram).
  void family(std::string_view name, std::string_view help, std::string_view type) {
    text_.append("# HELP ").append(name).append(" ").append(help).append("\n");
    text_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  }
  // One sample, "name{labels} value"; `labels` as label() writes them, joined by commas.
  void sample(std::string_view name, std::string_view labels, double value) {
    text_.append(name);
    if (!labels.empty()) text_.append("{").append(labels).append("}");
    text_.append(" ").append(number(value)).append("\n");
  }
  // A family of one unlabelled sample.
  void metric(std::string_view name, std::string_view help, std::string_view type, double value) {
    family(name, help, type);
    sample(name, "", value);
  }
  // key="value", the value escaped as the format asks (backslash, quote, newline).
  static std::string label(std::string_view key, std::string_view value) {
    std::string out(key);
    out += "=\"";
    for (char c : value) {
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  }

  const std::string& text() const { return text_; }

 private:
  static std::string number(double v) {
    char buffer[32];
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15) {
      std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(v));
    } else {
      std::snprintf(buffer, sizeof buffer, "%g", v);
    }
    return buffer;
  }

  std::string text_;
};

}  // namespace arena
