// The math family's command-line tools: `arena puzzle solve`.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace arena {

// `arena puzzle solve --game game24|countdown`: reads one puzzle a line from `in` and writes
// one answer a line to `out`. game24: four numbers ("4 7 8 8") -> one solution
// ("(8/(3-(8/3)))") or "none". countdown: six numbers and the target last
// ("25 50 75 100 3 6 952") -> the best expression and its value ("... = 952"). A bad line
// gets an error on `err` (and no answer); the run goes on and returns 1 at the end. Returns
// 0 when every line was good, 2 for a usage error.
int run_solve_tool(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                   std::ostream& err);

}  // namespace arena
