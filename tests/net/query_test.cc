// Request targets (server/net/query.h): decoding as the REST API always did, and the UTF-8
// check that keeps text JSON cannot hold out of its answers.
#include "server/net/query.h"

#include <gtest/gtest.h>

namespace arena::net {
namespace {

TEST(Query, PercentDecodingKeepsWhatIsNotAnEscape) {
  EXPECT_EQ(percent_decode("a+b%20c%2fd"), "a b c/d");
  EXPECT_EQ(percent_decode("%41%4a%4A"), "AJJ");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%4"), "%4");
  EXPECT_EQ(percent_decode("%zz%"), "%zz%");
  EXPECT_EQ(percent_decode("%41"), "A");
  EXPECT_EQ(percent_decode(std::string_view("%00", 3)), std::string(1, '\0'));
}

TEST(Query, QueryPairsAreDecodedAndTheLastOfAKeyWins) {
  const auto q = parse_query("game=go%28size%3D9%29&limit=5&&flag&=empty&limit=7");
  EXPECT_EQ(q.at("game"), "go(size=9)");
  EXPECT_EQ(q.at("limit"), "7");
  EXPECT_EQ(q.at("flag"), "");
  EXPECT_EQ(q.at(""), "empty");
  EXPECT_EQ(q.size(), 4u);
  EXPECT_TRUE(parse_query("").empty());
}

TEST(Query, PathSegmentsAreDecodedAndEmptyOnesDropped) {
  EXPECT_EQ(split_path("/api//matches/12/"), (std::vector<std::string>{"api", "matches", "12"}));
  EXPECT_EQ(split_path("/a%2Fb/c+d"), (std::vector<std::string>{"a/b", "c d"}));
  EXPECT_TRUE(split_path("///").empty());
}

TEST(Query, Utf8IsCheckedAsJsonWouldCheckIt) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xC3\xA9t\xC3\xA9 \xE2\x98\x85 \xF0\x9F\x8E\xB2"));  // été ★ 🎲
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));                                 // U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\x80"));              // a continuation byte first
  EXPECT_FALSE(is_valid_utf8("\xC3"));              // cut short
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong, three bytes
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
}

TEST(Query, ATargetThatIsNotUtf8IsABadRequest) {
  Result<RequestTarget> t = parse_target("/api/matches?game=go%28size%3D9%29&limit=5");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->path, "/api/matches");
  EXPECT_EQ(t->segments, (std::vector<std::string>{"api", "matches"}));
  EXPECT_EQ(t->query.at("game"), "go(size=9)");

  ASSERT_TRUE(parse_target("/api/players/%C3%A9?x=%E2%98%85").ok());
  for (const char* bad : {"/api/leaderboard?game=%FF", "/api/leaderboard?%C3=1", "/api/x?game=\xFF"}) {
    Result<RequestTarget> r = parse_target(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "bad_request");
    EXPECT_EQ(r.error().message, "query is not valid UTF-8");
  }
  for (const char* bad : {"/api/%FF", "/api/\xC3", "/api/%ED%A0%80/x"}) {
    Result<RequestTarget> r = parse_target(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().message, "path is not valid UTF-8");
  }
}

}  // namespace
}  // namespace arena::net
