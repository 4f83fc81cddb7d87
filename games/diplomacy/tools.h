// The family's command-line tools: `arena diplomacy adjudicate`.
#pragma once

#include <string>
#include <vector>

namespace arena::diplomacy {

// `arena diplomacy adjudicate`: one case (datc.h) on standard input, its result on standard
// output as JSON; a bad case: the reason on standard error and exit code 1.
int run_adjudicate_tool(const std::vector<std::string>& args);

}  // namespace arena::diplomacy
