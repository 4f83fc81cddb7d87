// Runs the `arena` binary as a user would and checks what it prints.
#include <gtest/gtest.h>

#include <array>
#include <set>
#include <cstdio>
#include <sstream>
#include <sys/wait.h>

#include "core/json.h"

namespace arena {
namespace {

struct Output {
  int exit_code;
  std::string out;  // stdout and stderr together
};

Output run_arena(const std::string& args) {
  const std::string command = std::string(ARENA_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(Cli, GamesListsEveryGameAsJson) {
  Output r = run_arena("games");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::optional<Json> j = parse_json(r.out);
  ASSERT_TRUE(j && j->is_array()) << r.out;
  std::set<std::string> names;
  for (const Json& g : *j) {
    names.insert(g["name"].get<std::string>());
    for (const char* key : {"parameters", "players", "perfect_information", "chance", "simultaneous",
                            "num_distinct_actions", "observation_shape", "description"}) {
      EXPECT_TRUE(g.contains(key)) << g["name"] << " lacks " << key;
    }
  }
  EXPECT_TRUE(names.count("kuhn_poker"));
  EXPECT_TRUE(names.count("game24"));
}

TEST(Cli, PlayPrintsOneLinePerMatchAndASummary) {
  Output r = run_arena("play --game kuhn_poker --agents random,random --games 20 --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::vector<std::string> out = lines(r.out);
  ASSERT_EQ(out.size(), 21u);
  double total0 = 0;
  for (int i = 0; i < 20; ++i) {
    std::optional<Json> m = parse_json(out[i]);
    ASSERT_TRUE(m) << out[i];
    EXPECT_EQ((*m)["match"], i);
    EXPECT_EQ((*m)["game"], "kuhn_poker");
    const std::vector<double> returns = (*m)["returns"];
    ASSERT_EQ(returns.size(), 2u);
    EXPECT_EQ(returns[0] + returns[1], 0.0);
    // Seats alternate, so the first agent's return is returns[i % 2].
    total0 += returns[i % 2];
    EXPECT_GE((*m)["length"].get<int>(), 4);
  }
  std::optional<Json> summary = parse_json(out[20]);
  ASSERT_TRUE(summary && summary->contains("summary")) << out[20];
  const Json& first = (*summary)["summary"]["agents"][0];
  EXPECT_NEAR(first["mean_return"].get<double>(), total0 / 20, 1e-9);
  EXPECT_EQ(first["wins"].get<int>() + first["losses"].get<int>() + first["draws"].get<int>(), 20);
  // The same seed plays the same matches.
  EXPECT_EQ(run_arena("play --game kuhn_poker --agents random,random --games 20 --seed 3").out, r.out);
}

TEST(Cli, PlaysAOnePlayerPuzzle) {
  Output r = run_arena("play --game 'game24(puzzle=1)' --agents random --games 5");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(lines(r.out).size(), 6u);
}

TEST(Cli, BadInputGivesAClearErrorAndExitCode) {
  Output r = run_arena("play --game chess2 --agents random,random");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("unknown game 'chess2'"), std::string::npos) << r.out;
  r = run_arena("play --game kuhn_poker --agents random");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("has 2 seats"), std::string::npos) << r.out;
  r = run_arena("play --game kuhn_poker --agents random,random --games lots");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("expects an integer"), std::string::npos) << r.out;
  r = run_arena("play --colour red");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("unknown option '--colour'"), std::string::npos) << r.out;
  r = run_arena("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("unknown command"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace arena
