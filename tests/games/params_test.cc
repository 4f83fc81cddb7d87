#include "games/params.h"

#include <gtest/gtest.h>

namespace arena {
namespace {

TEST(ParseSpec, NameAlone) {
  Result<RawSpec> s = parse_spec("  kuhn_poker ");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->name, "kuhn_poker");
  EXPECT_TRUE(s->params.empty());
}

TEST(ParseSpec, ParametersWithSpacesAndQuotes) {
  Result<RawSpec> s = parse_spec("go( size = 9 , komi=7.5, name='a, b (c)')");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->name, "go");
  ASSERT_EQ(s->params.size(), 3u);
  EXPECT_EQ(s->params[0], (std::pair<std::string, std::string>{"size", "9"}));
  EXPECT_EQ(s->params[1], (std::pair<std::string, std::string>{"komi", "7.5"}));
  EXPECT_EQ(s->params[2], (std::pair<std::string, std::string>{"name", "a, b (c)"}));
}

TEST(ParseSpec, EmptyParentheses) {
  Result<RawSpec> s = parse_spec("chess()");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->params.empty());
}

TEST(ParseSpec, RejectsMalformedText) {
  for (const char* bad :
       {"", "(", "go(size=9", "go(size)", "go(size=9,size=9)", "go(=3)", "g o", "go(a='x)", "go(9x=1,)x"}) {
    Result<RawSpec> s = parse_spec(bad);
    EXPECT_FALSE(s.ok()) << bad;
    if (!s.ok()) {
      EXPECT_EQ(s.error().code, "bad_spec");
    }
  }
}

TEST(GameParams, DefaultsTypesAndErrors) {
  const std::vector<ParamSpec> specs = {{"size", int64_t{19}, ""},
                                        {"komi", 7.5, ""},
                                        {"fast", false, ""},
                                        {"map", std::string("standard"), ""}};
  Result<GameParams> p = GameParams::resolve(specs, {{"size", "9"}, {"fast", "true"}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->get_int("size"), 9);
  EXPECT_EQ(p->get_double("komi"), 7.5);
  EXPECT_TRUE(p->get_bool("fast"));
  EXPECT_EQ(p->get_string("map"), "standard");

  Result<GameParams> unknown = GameParams::resolve(specs, {{"colour", "red"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("valid: size, komi, fast, map"), std::string::npos)
      << unknown.error().message;

  for (auto [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"size", "nine"}, {"size", "9.5"}, {"komi", "x"}, {"komi", "inf"}, {"fast", "yes"}}) {
    Result<GameParams> bad = GameParams::resolve(specs, {{key, value}});
    EXPECT_FALSE(bad.ok()) << key << "=" << value;
  }
}

TEST(FormatParam, ReadsBackAsTheSameValue) {
  EXPECT_EQ(format_param(int64_t{9}), "9");
  EXPECT_EQ(format_param(7.5), "7.5");
  EXPECT_EQ(format_param(6.0), "6.0");
  EXPECT_EQ(format_param(0.1), "0.1");
  EXPECT_EQ(format_param(true), "true");
  EXPECT_EQ(format_param(std::string("3 3 8 8")), "\"3 3 8 8\"");
  EXPECT_EQ(format_param(std::string("standard")), "standard");
}

}  // namespace
}  // namespace arena
