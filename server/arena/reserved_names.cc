#include "server/arena/reserved_names.h"

#include <cctype>

#include "agents/registry.h"

namespace arena {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::optional<std::string> reserved_name(const std::string& name) {
  static const char* const kReserved[] = {"shared", "admin",  "administrator", "arena",
                                          "house",  "system", "anonymous",     "guest",
                                          "root",   "server", "moderator"};
  const std::string key = lower(name);
  for (const char* word : kReserved) {
    if (key == word) return "the name '" + name + "' is reserved";
  }
  for (const AgentRegistration& agent : agent_registrations()) {
    if (key == lower(agent.name)) {
      return "the name '" + name + "' belongs to the house agent '" + agent.name + "'";
    }
  }
  return std::nullopt;
}

}  // namespace arena
