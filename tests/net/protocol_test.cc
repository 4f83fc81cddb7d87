#include "server/net/protocol.h"

#include <gtest/gtest.h>

#include "server/net/wire.h"

namespace arena::net {
namespace {

template <typename T>
T parsed_as(const std::string& text) {
  Result<Incoming> in = parse_client_message(text);
  EXPECT_TRUE(in.ok()) << text << ": " << (in.ok() ? "" : in.error().message);
  if (!in.ok()) return T{};
  const T* t = std::get_if<T>(&in->message);
  EXPECT_NE(t, nullptr) << text;
  return t ? *t : T{};
}

std::string error_of(const std::string& text) {
  Result<Incoming> in = parse_client_message(text);
  EXPECT_FALSE(in.ok()) << text;
  return in.ok() ? "" : in.error().code + ": " + in.error().message;
}

TEST(Protocol, ParsesEveryClientMessage) {
  EXPECT_EQ(parsed_as<Hello>(R"({"type":"hello","protocol":1})").protocol, 1);
  SeekMessage seek = parsed_as<SeekMessage>(
      R"({"type":"seek","games":["kuhn_poker","game24"],"time_controls":["5s"],"rated":false})");
  EXPECT_EQ(seek.games, (std::vector<std::string>{"kuhn_poker", "game24"}));
  EXPECT_EQ(seek.time_controls, (std::vector<std::string>{"5s"}));
  EXPECT_FALSE(seek.rated);
  EXPECT_TRUE(parsed_as<SeekMessage>(R"({"type":"seek","games":["go"]})").rated);
  EXPECT_EQ(parsed_as<CancelSeek>(R"({"type":"cancel_seek","seek_id":4})").seek_id, 4);
  ChallengeMessage c =
      parsed_as<ChallengeMessage>(R"({"type":"challenge","to":"random","game":"kuhn_poker"})");
  EXPECT_EQ(c.to, "random");
  EXPECT_EQ(c.time_control, "untimed");
  EXPECT_EQ(parsed_as<AcceptChallenge>(R"({"type":"accept_challenge","challenge_id":9})").challenge_id, 9);
  EXPECT_EQ(parsed_as<DeclineChallenge>(R"({"type":"decline_challenge","challenge_id":9})").challenge_id, 9);
  MoveMessage move = parsed_as<MoveMessage>(R"({"type":"move","match_id":3,"ply":2,"action":"bet"})");
  EXPECT_EQ(move.match_id, 3);
  EXPECT_EQ(move.ply, 2);
  EXPECT_EQ(move.action, "bet");
  EXPECT_FALSE(move.orders);
  MoveMessage orders =
      parsed_as<MoveMessage>(R"({"type":"move","match_id":3,"ply":0,"orders":["A PAR H","F BRE - MAO"]})");
  ASSERT_TRUE(orders.orders);
  EXPECT_EQ(orders.orders->size(), 2u);
  EXPECT_EQ(parsed_as<Resign>(R"({"type":"resign","match_id":5})").match_id, 5);
  EXPECT_EQ(parsed_as<Abort>(R"({"type":"abort","match_id":5})").match_id, 5);
  EXPECT_EQ(parsed_as<OfferDraw>(R"({"type":"offer_draw","match_id":5})").match_id, 5);
  EXPECT_EQ(parsed_as<Spectate>(R"({"type":"spectate","match_id":5})").match_id, 5);
  EXPECT_EQ(parsed_as<Unspectate>(R"({"type":"unspectate","match_id":5})").match_id, 5);
  EXPECT_EQ(parsed_as<Resync>(R"({"type":"resync","match_id":5,"last_ply":7})").last_ply, 7);
  parsed_as<Ping>(R"({"type":"ping"})");
}

TEST(Protocol, KeepsTheClientsRef) {
  Result<Incoming> in = parse_client_message(R"({"type":"ping","ref":"move-7"})");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->ref, "move-7");
  EXPECT_EQ(pong_message(in->ref)["ref"], "move-7");
  in = parse_client_message(R"({"type":"ping","ref":42})");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(pong_message(in->ref)["ref"], 42);
}

TEST(Protocol, ARefIsAShortStringOrAnInteger) {
  const std::string longest(kMaxRefLength, 'r');
  Result<Incoming> in = parse_client_message(R"({"type":"ping","ref":")" + longest + R"("})");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->ref, longest);
  EXPECT_NE(error_of(R"({"type":"ping","ref":")" + longest + R"(r"})").find("'ref'"), std::string::npos);
  EXPECT_NE(error_of(R"({"type":"ping","ref":{"a":[1,2,3]}})").find("'ref'"), std::string::npos);
  EXPECT_NE(error_of(R"({"type":"ping","ref":[1]})").find("'ref'"), std::string::npos);
  EXPECT_NE(error_of(R"({"type":"ping","ref":1.5})").find("'ref'"), std::string::npos);
}

TEST(Protocol, DeeplyNestedJsonIsRefusedUnparsed) {
  std::string deep =
      R"({"type":"ping","x":)" + std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']') + "}";
  EXPECT_EQ(error_of(deep).rfind("bad_message", 0), 0u) << error_of(deep);
  // Brackets inside strings do not count.
  const std::string quoted = R"({"type":"ping","ref":"[[[[[[[[","x":")" + std::string(1000, '[') + R"("})";
  EXPECT_TRUE(parse_client_message(quoted).ok());
  EXPECT_FALSE(json_nests_deeper_than(R"({"a":[{"b":[]}]})", 4));
  EXPECT_TRUE(json_nests_deeper_than(R"({"a":[{"b":[[]]}]})", 4));
}

TEST(Protocol, MalformedMessagesAreBadMessageWithTheReason) {
  EXPECT_NE(error_of("not json").find("bad_message: not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("[1,2]").find("a message is a JSON object"), std::string::npos);
  EXPECT_NE(error_of(R"({"match_id":1})").find("'type' is missing"), std::string::npos);
  EXPECT_NE(error_of(R"({"type":"teleport"})").find("unknown message type 'teleport'"), std::string::npos);
  EXPECT_NE(error_of(R"({"type":"move","match_id":"x","ply":1,"action":"a"})").find("'match_id' must be"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"type":"move","match_id":1,"ply":-1,"action":"a"})").find("'ply'"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"type":"move","match_id":1,"ply":1})").find("needs 'action'"), std::string::npos);
  EXPECT_NE(error_of(R"({"type":"move","match_id":1,"ply":1,"orders":[1]})").find("array of strings"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"type":"seek","games":[]})").find("at least one game"), std::string::npos);
  EXPECT_NE(error_of(R"({"type":"seek","games":["a"],"rated":"yes"})").find("true or false"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"type":"challenge","game":"kuhn_poker"})").find("'to' is missing"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"type":"hello","protocol":2})").find("unsupported_protocol"), std::string::npos);
  EXPECT_NE(error_of(R"({"type":"hello"})").find("'protocol' is missing"), std::string::npos);
}

// A state message as the hub builds it, read back.
Json state_json(const StateChanged& s, int seat, const Json& last_move) {
  return Json::parse(state_message(s, seat, view_for(s, seat).dump(), last_move.dump()));
}

TEST(Protocol, StateMessagesShowEachViewerOnlyItsOwnView) {
  StateChanged s;
  s.match_id = 4;
  s.ply = 2;
  s.to_act = {0};
  s.seat_views = {std::make_shared<const Json>(Json{{"cards", {"K", nullptr}}}),
                  std::make_shared<const Json>(Json{{"cards", {nullptr, "J"}}})};
  s.spectator_view = std::make_shared<const Json>(Json{{"cards", {nullptr, nullptr}}});
  s.legal = {{"check", "bet"}, {}};
  s.clocks_ms = {-1, -1};
  const Json seat0 = state_json(s, 0, nullptr);
  EXPECT_EQ(seat0["type"], "state");
  EXPECT_EQ(seat0["match_id"], 4);
  EXPECT_EQ(seat0["ply"], 2);
  EXPECT_EQ(seat0["to_act"], Json::array({0}));
  EXPECT_TRUE(seat0["last_move"].is_null());
  EXPECT_EQ(seat0["state"]["cards"], Json::array({"K", nullptr}));
  EXPECT_EQ(seat0["legal"], Json::array({"check", "bet"}));
  EXPECT_EQ(seat0["seat"], 0);
  const Json seat1 = state_json(s, 1, nullptr);
  EXPECT_EQ(seat1["state"]["cards"], Json::array({nullptr, "J"}));
  EXPECT_EQ(seat1["legal"], Json::array());
  const Json spectator = state_json(s, -1, Json{{"ply", 1}, {"action", "bet"}});
  EXPECT_EQ(spectator["state"]["cards"], Json::array({nullptr, nullptr}));
  EXPECT_TRUE(spectator["seat"].is_null());
  EXPECT_EQ(spectator["legal"], Json::array());
  EXPECT_EQ(spectator["last_move"]["action"], "bet");
  EXPECT_EQ(spectator.dump().find("\"K\""), std::string::npos);
}

TEST(Protocol, ChanceMovesAreNotNamed) {
  MoveMade chance{1, 0, -1, "", 0, {}};
  EXPECT_TRUE(move_json(chance)["action"].is_null());
  MoveMade bet{1, 2, 0, "bet", 12, {}};
  EXPECT_EQ(move_json(bet)["action"], "bet");
}

TEST(Protocol, ErrorsCarryCodeMessageRefAndRetry) {
  const Json e = error_message(make_error("rate_limited", "slow down"), "r1", 0.25);
  EXPECT_EQ(e["type"], "error");
  EXPECT_EQ(e["code"], "rate_limited");
  EXPECT_EQ(e["ref"], "r1");
  EXPECT_DOUBLE_EQ(e["retry_after_s"].get<double>(), 0.25);
  EXPECT_FALSE(error_message(make_error("x", "y"), nullptr).contains("ref"));
}

}  // namespace
}  // namespace arena::net
