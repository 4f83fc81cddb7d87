// The typed option table of the command line: values land in their variables, bad input is
// a usage error (exit 2) that says what is wrong, and --help shows every default.
#include "core/args.h"

#include <gtest/gtest.h>

namespace arena::cli {
namespace {

struct Table {
  std::string game = "kuhn_poker";
  int64_t games = 1;
  int threads = 4;
  double minutes = 0;
  bool json = false;
  std::string out;
  Options options{"demo", "A demonstration."};
  Table() {
    options.text("game", &game, "game spec")
        .integer("games", &games, "matches", 1)
        .integer("threads", &threads, "threads", 1, 256)
        .number("minutes", &minutes, "time budget", 0)
        .flag("json", &json, "JSON output")
        .text("out", &out, "folder")
        .required();
  }
};

TEST(Options, FillsTheBoundVariables) {
  Table t;
  EXPECT_EQ(t.options.parse({"--game", "go(size=9)", "--games=7", "--threads", "2", "--minutes", "1.5",
                             "--json", "--out", "runs/x"}),
            std::nullopt);
  EXPECT_EQ(t.game, "go(size=9)");
  EXPECT_EQ(t.games, 7);
  EXPECT_EQ(t.threads, 2);
  EXPECT_DOUBLE_EQ(t.minutes, 1.5);
  EXPECT_TRUE(t.json);
  EXPECT_TRUE(t.options.given("games"));
  EXPECT_FALSE(Table().options.given("games"));
}

TEST(Options, DefaultsStayWhenNotGiven) {
  Table t;
  EXPECT_EQ(t.options.parse({"--out", "o"}), std::nullopt);
  EXPECT_EQ(t.game, "kuhn_poker");
  EXPECT_EQ(t.games, 1);
  EXPECT_FALSE(t.json);
}

TEST(Options, ARepeatableOptionCollectsEveryValueInPlaceOfItsDefault) {
  std::vector<std::string> origins = {"http://default"};
  Options options("demo", "A demonstration.");
  options.texts("origin", &origins, "origins");
  EXPECT_EQ(options.parse({"--origin", "https://a", "--origin=https://b"}), std::nullopt);
  EXPECT_EQ(origins, (std::vector<std::string>{"https://a", "https://b"}));
  EXPECT_NE(options.usage().find("may be repeated"), std::string::npos) << options.usage();

  std::vector<std::string> untouched = {"http://default"};
  Options none("demo", "A demonstration.");
  none.texts("origin", &untouched, "origins");
  EXPECT_EQ(none.parse({}), std::nullopt);
  EXPECT_EQ(untouched, std::vector<std::string>{"http://default"});
}

TEST(Options, BadInputIsAUsageError) {
  for (const std::vector<std::string>& argv :
       std::vector<std::vector<std::string>>{{"--out", "o", "--games", "many"},    // not an integer
                                             {"--out", "o", "--games", "0"},       // below the minimum
                                             {"--out", "o", "--threads", "300"},   // above the maximum
                                             {"--out", "o", "--minutes", "soon"},  // not a number
                                             {"--out", "o", "--json=yes"},         // a flag takes no value
                                             {"--out", "o", "--colour", "red"},    // unknown
                                             {"--out"},                            // no value
                                             {"--games", "2"},                     // --out is required
                                             {"--out", "o", "stray"}}) {
    Table t;
    EXPECT_EQ(t.options.parse(argv), 2) << argv.back();
  }
}

TEST(Options, HelpShowsEveryOptionWithItsDefault) {
  Table t;
  testing::internal::CaptureStdout();
  EXPECT_EQ(t.options.parse({"--help"}), 0);
  const std::string help = testing::internal::GetCapturedStdout();
  EXPECT_NE(help.find("usage: arena demo [options]"), std::string::npos) << help;
  EXPECT_NE(help.find("--games VALUE"), std::string::npos) << help;
  EXPECT_NE(help.find("matches (default 1)"), std::string::npos) << help;
  EXPECT_NE(help.find("game spec (default kuhn_poker)"), std::string::npos) << help;
  EXPECT_NE(help.find("folder (required)"), std::string::npos) << help;
  EXPECT_NE(help.find("--json "), std::string::npos) << help;
  EXPECT_EQ(help.find("JSON output (default"), std::string::npos) << help;
}

TEST(SplitSpecs, SplitsOutsideParentheses) {
  EXPECT_EQ(split_specs("mcts(a=1,b=2), random ,", ','),
            (std::vector<std::string>{"mcts(a=1,b=2)", "random"}));
}

}  // namespace
}  // namespace arena::cli
