#include "games/math/tools.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace arena {
namespace {

struct ToolRun {
  int code;
  std::string out, err;
};

ToolRun solve(const std::vector<std::string>& args, const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out, err;
  const int code = run_solve_tool(args, in, out, err);
  return {code, out.str(), err.str()};
}

TEST(SolveTool, Game24AnswersEachLine) {
  const ToolRun r = solve({"--game", "game24"}, "4 7 8 8\n1 1 1 1\n\n3 3 8 8\n");
  EXPECT_EQ(r.code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string first, second, third;
  std::getline(lines, first);
  std::getline(lines, second);
  std::getline(lines, third);
  EXPECT_FALSE(first.empty());
  EXPECT_NE(first, "none");
  EXPECT_EQ(second, "none");
  EXPECT_NE(third, "none");
  EXPECT_TRUE(r.err.empty());
}

TEST(SolveTool, CountdownPrintsTheBestExpressionAndValue) {
  const ToolRun r = solve({"--game=countdown"}, "25 50 75 100 3 6 952\n1 1 2 2 3 3 999\n");
  EXPECT_EQ(r.code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_NE(first.find(" = 952"), std::string::npos) << first;
  EXPECT_EQ(second.find(" = 999"), std::string::npos) << second;
}

TEST(SolveTool, BadLinesAreReportedAndTheRestAnswered) {
  const ToolRun r = solve({"--game", "game24"}, "4 7 8\nfour 7 8 8\n4 7 8 8\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("line 1: expected four numbers, got 3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 2: 'four' is not an integer"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  const ToolRun c = solve({"--game", "countdown"}, "25 50 75 100 3 6\n25 50 75 100 3 6 0\n");
  EXPECT_EQ(c.code, 1);
  EXPECT_NE(c.err.find("line 1: expected six numbers and the target"), std::string::npos) << c.err;
  EXPECT_NE(c.err.find("line 2: the target must be"), std::string::npos) << c.err;
}

TEST(SolveTool, UsageErrors) {
  EXPECT_EQ(solve({"--game", "chess"}, "").code, 2);
  EXPECT_EQ(solve({}, "").code, 2);
  EXPECT_EQ(solve({"--help"}, "").code, 0);
}

}  // namespace
}  // namespace arena
