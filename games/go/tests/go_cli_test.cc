// `arena go score` against hand-counted fixtures, and a Go match with GNU Go played,
// exported as SGF and read back by GNU Go, all through the `arena` binary.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "core/json.h"
#include "tests/cli/run_arena.h"

namespace arena {
namespace {

using testing::Output;
using testing::run_command;

Output arena(const std::string& args) { return testing::run_arena(args); }

std::string last_line(const std::string& text) {
  std::string line, last;
  std::istringstream in(text);
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

std::string fixture(const std::string& name) { return std::string(GO_FIXTURES) + "/" + name; }

// Each fixture's area score, counted by hand (see the comment in each file).
TEST(GoCli, ScoreAgreesWithTheFixtures) {
  const std::pair<const char*, const char*> cases[] = {
      {"empty_board.sgf", "W+7.5"},       // no area on either side: komi decides
      {"two_walls.sgf", "B+4.5"},         // 15 - 10 - 0.5
      {"neutral_column.sgf", "0"},        // 10 - 10 - 0, a draw
      {"capture.sgf", "B+25"},            // the corner stone is taken, the whole board is Black's
      {"dead_stone_stays.sgf", "W+6.5"},  // 5 - 11 - 0.5: the dead stone is not removed
      {"short_game.sgf", "0"},            // 4 stones each, one empty region touching both
  };
  for (const auto& [file, expected] : cases) {
    Output r = arena("go score < " + fixture(file));
    EXPECT_EQ(r.exit_code, 0) << file << ": " << r.out;
    EXPECT_EQ(last_line(r.out), expected) << file << ": " << r.out;
  }
}

TEST(GoCli, BadSgfIsAnErrorThatSaysWhere) {
  Output r = run_command("printf '(;GM[1]SZ[9];B[dd];W[zz])' | " + std::string(ARENA_BINARY) + " go score");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("arena go score: line 1, column"), std::string::npos) << r.out;
  r = arena("go frobnicate");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("arena go: unknown tool 'frobnicate'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("usage: arena go <tool>"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("score"), std::string::npos) << r.out;
}

std::string gnugo() {
  for (const char* path : {"/usr/games/gnugo", "/usr/bin/gnugo"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return "";
}

// `arena play` against GNU Go to the end, recorded; the SGF export scores as its RE says
// and GNU Go loads it and counts the same result.
TEST(GoCli, PlayAgainstGnuGoExportsSgfThatGnuGoLoads) {
  const std::string engine = gnugo();
  ASSERT_FALSE(engine.empty()) << "GNU Go is not installed: run scripts/setup";
  const std::string dir = ::testing::TempDir() + "go_cli_" + std::to_string(getpid());
  ASSERT_EQ(run_command("mkdir -p " + dir).exit_code, 0);
  const std::string db = dir + "/arena.db";

  Output r = arena("play --game 'go(size=9)' --agents 'random,gtp:gnugo(level=1)' --seed 7 --db " + db);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::optional<Json> match = parse_json(r.out.substr(0, r.out.find('\n')));
  ASSERT_TRUE(match && match->contains("id")) << r.out;
  EXPECT_GT((*match)["length"].get<int>(), 20) << "a 9x9 game lasts more than a few moves";
  EXPECT_EQ((*match)["returns"], Json::array({-1.0, 1.0})) << "GNU Go beats random";

  const std::string sgf = dir + "/game.sgf";
  r = arena("export --match " + std::to_string((*match)["id"].get<int64_t>()) + " --db " + db + " > " + sgf);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::ifstream in(sgf);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(text.rfind("(;GM[1]FF[4]", 0), 0u) << text;
  const size_t re = text.find("RE[");
  ASSERT_NE(re, std::string::npos) << text;
  const std::string result = text.substr(re + 3, text.find(']', re) - re - 3);
  EXPECT_EQ(result.rfind("W+", 0), 0u) << result;

  r = arena("go score < " + sgf);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(last_line(r.out), result);

  // GNU Go reads the file (it answers `loadsgf` with the colour to move) and, with area
  // rules and the game played out, counts the same result.
  r = run_command("printf 'loadsgf " + sgf + "\\nfinal_score\\nquit\\n' | " + engine +
                  " --mode gtp --chinese-rules");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(r.out.rfind("= black", 0) == 0 || r.out.rfind("= white", 0) == 0) << r.out;
  EXPECT_NE(r.out.find("= " + result), std::string::npos) << r.out;
  run_command("rm -rf " + dir);
}

}  // namespace
}  // namespace arena
