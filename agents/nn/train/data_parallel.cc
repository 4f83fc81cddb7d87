#include "agents/nn/train/data_parallel.h"

#include <algorithm>
#include <cctype>

namespace arena::nn {

Result<HostPort> parse_host_port(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return make_error("bad_config", "master \"" + text + "\": expected host:port, e.g. 127.0.0.1:29500");
  HostPort out;
  out.host = text.substr(0, colon);
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']')
    out.host = out.host.substr(1, out.host.size() - 2);  // [::1]:29500
  const std::string digits = text.substr(colon + 1);
  if (digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(c); }))
    return make_error("bad_config", "master \"" + text + "\": the port must be a number in [1, 65535]");
  const int port = std::stoi(digits);
  if (port < 1 || port > 65535)
    return make_error("bad_config", "master \"" + text + "\": the port must be a number in [1, 65535]");
  out.port = static_cast<uint16_t>(port);
  return out;
}

Status validate(const DataParallelConfig& c) {
  if (c.nodes < 1) return make_error("bad_config", "nodes must be at least 1");
  if (!c.enabled()) {
    if (c.rank != 0 || !c.master.empty())
      return make_error("bad_config", "a rank and a master need at least two nodes");
    return {};
  }
  if (c.rank < 0 || c.rank >= c.nodes)
    return make_error("bad_config",
                      "rank " + std::to_string(c.rank) + " is not in [0, " + std::to_string(c.nodes) + ")");
  if (Result<HostPort> master = parse_host_port(c.master); !master.ok()) return master.error();
  if (!(c.timeout_s > 0)) return make_error("bad_config", "the rendezvous timeout must be positive");
  return {};
}

}  // namespace arena::nn
