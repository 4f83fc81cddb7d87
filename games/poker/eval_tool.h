// `arena poker eval`: poker hands evaluated from standard input (or --hand), or every hand
// of 5, 6 or 7 cards counted by category (--enumerate).
#pragma once

#include <string>
#include <vector>

namespace arena::poker {

// The tool's body: the exit code (0 success, 1 a bad hand, 2 a usage error).
int run_eval_tool(const std::vector<std::string>& argv);

}  // namespace arena::poker
