#include "games/diplomacy/tools.h"

#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "core/args.h"
#include "games/diplomacy/datc.h"

namespace arena::diplomacy {

int run_adjudicate_tool(const std::vector<std::string>& argv) {
  cli::Options options(
      "diplomacy adjudicate",
      "Adjudicates one phase given on standard input as a JSON object shaped like a case of the DATC's "
      "datc.json: \"phase\" (Main, Retreat or Build), optional \"starting_state\" ([\"ENG: F lon\", ...]), "
      "\"orders\" keyed by order text (\"ENG: F nth -> pic\", \"GER: A ber Supports A pru -> sil\", or the "
      "short form \"F NTH - PIC\" after the power), \"preceding_main_phase\" for a retreat, \"occupiers\" "
      "for "
      "builds. Prints {\"orders\": {<order>: \"Succeeds\" | \"Fails\"}, \"dislodged\": [...], \"units\": "
      "[...]} "
      "(and \"civil_disorder\" for builds).");
  if (std::optional<int> code = options.parse(argv)) return *code;
  const std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  Result<Json> result = adjudicate_case_text(text);
  if (!result.ok()) {
    std::fprintf(stderr, "arena diplomacy adjudicate: %s\n", result.error().message.c_str());
    return 1;
  }
  std::printf("%s\n", result->dump(2).c_str());
  return 0;
}

}  // namespace arena::diplomacy
