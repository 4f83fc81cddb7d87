// SGF for Go (games/go/sgf.h): any text reads as a Go state or a "parse_error" whose message
// says where. A state that reads is written back as SGF, and that text reads as the same
// game and moves. Built with ARENA_FUZZ=ON (tests/fuzz/README.md).
#include <cstdio>
#include <cstdlib>

#include "games/go/sgf.h"

using namespace arena;

namespace {

void check(bool ok, const std::string& what) {
  if (ok) return;
  std::fprintf(stderr, "sgf_fuzz check failed: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<std::unique_ptr<GoState>> state = parse_go_sgf(text);
  if (!state.ok()) {
    check(state.error().code == "parse_error", "an error other than parse_error: " + state.error().code);
    check(state.error().message.rfind("line ", 0) == 0, "an error that does not say where");
    return 0;
  }
  ExportInfo info;
  info.players = {"black", "white"};
  const std::string sgf = export_go_sgf(**state, info);
  Result<std::unique_ptr<GoState>> again = parse_go_sgf(sgf);
  check(again.ok(),
        "the written SGF does not read: " + (again.ok() ? "" : again.error().message) + "\n" + sgf);
  check((*again)->serialize() == (*state)->serialize(), "the written SGF reads as another game:\n" + sgf);
  return 0;
}
