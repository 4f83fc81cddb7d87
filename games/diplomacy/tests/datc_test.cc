// The Diplomacy Adjudicator Test Cases (DATC v3.0, as JSON in data/datc.json, MIT licence in
// data/datc.LICENSE) through the adjudicator, one test per case name.
//
// Editions: a name that appears once per rulebook edition is checked against its 2023 entry,
// else its 1982 one, else (6.G.19, whose 2023 entry the file itself marks ignored) the one
// entry that is not ignored. 159 names have an entry that is not ignored; each must give its
// expected result, with one exception stated below. The ignored entries are about parsing;
// they are checked as the DATC text prefers: a support naming no coast is accepted (6.B.7,
// 6.B.8, 6.B.15) and a support or convoy in a retreat phase is refused with a clear error
// (6.H.1-6.H.3).
//
// The exception: 6.J.9's second scenario. The file expects the fleet in Skagerrak removed;
// the DATC's text (6.J.9: "The distance of the fleet to St Petersburg(sc) is three but to
// St Petersburg(nc) is two. So, the army in Greece must be removed.") removes the army, as
// counting from both coasts does (Skagerrak - Norway - St Petersburg(nc) is two; the army in
// Albania is three from Sevastopol). We follow the text and check that.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "games/diplomacy/datc.h"
#include "tests/cli/run_arena.h"

namespace arena::diplomacy {
namespace {

const CaseJson& all_cases() {
  static const CaseJson cases = [] {
    std::ifstream in(DATC_JSON);
    std::stringstream text;
    text << in.rdbuf();
    return CaseJson::parse(text.str())["cases"];
  }();
  return cases;
}

// The entry we check for each case name that has one not ignored.
std::map<std::string, CaseJson> chosen_cases() {
  std::map<std::string, std::vector<CaseJson>> by_name;
  for (const CaseJson& c : all_cases()) by_name[c["name"].get<std::string>()].push_back(c);
  std::map<std::string, CaseJson> out;
  for (const auto& [name, entries] : by_name) {
    const CaseJson* pick = nullptr;
    for (const char* edition : {"2023", "1982"}) {
      for (const CaseJson& c : entries) {
        if (pick == nullptr && c.value("edition", "") == edition && !c.contains("ignore")) pick = &c;
      }
    }
    for (const CaseJson& c : entries) {
      if (pick == nullptr && !c.contains("ignore")) pick = &c;
    }
    if (pick != nullptr) out[name] = *pick;
  }
  return out;
}

Json as_json(const CaseJson& c) { return Json::parse(c.dump()); }

// Differences between what a case expects and what the adjudicator gave, one per line.
std::string differences(const CaseJson& c, const Json& got) {
  std::string diff;
  auto compare = [&](const CaseJson& want, const Json& have, const std::string& where) {
    for (const auto& [order, expected] : want.items()) {
      if (expected.is_null()) continue;
      if (!have.contains(order) || have[order] != as_json(expected)) {
        diff += where + order + ": expected " + expected.dump() + ", got " +
                (have.contains(order) ? have[order].dump() : "nothing") + "\n";
      }
    }
  };
  compare(c["orders"], got["orders"], "");
  if (c.contains("preceding_main_phase")) {
    compare(c["preceding_main_phase"]["orders"], got["preceding_main_phase"]["orders"], "main phase: ");
  }
  if (c.contains("civil_disorder")) {
    std::multiset<std::string> want, have;
    for (const auto& u : c["civil_disorder"]) want.insert(u.get<std::string>());
    for (const auto& u : got["civil_disorder"]) have.insert(u.get<std::string>());
    if (want != have)
      diff += "civil disorder: expected " + as_json(c["civil_disorder"]).dump() + ", got " +
              got["civil_disorder"].dump() + "\n";
  }
  return diff;
}

class Datc : public ::testing::TestWithParam<std::string> {};

TEST_P(Datc, GivesTheExpectedResult) {
  const std::map<std::string, CaseJson> cases = chosen_cases();
  CaseJson c = cases.at(GetParam());
  if (GetParam() == "t6j09_civil_disorder_must_be_counted_from_both_coasts_second_scenario") {
    c["civil_disorder"] = CaseJson::array({"RUS: A alb"});  // the DATC's text (see the top of the file)
  }
  Result<Json> got = adjudicate_case(c);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(differences(c, *got), "") << c.dump(2) << "\n" << got->dump(2);
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& [name, c] : chosen_cases()) names.push_back(name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(AllCases, Datc, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(DatcFile, Has159CasesThatAreNotIgnored) { EXPECT_EQ(chosen_cases().size(), 159u); }

CaseJson find_case(const std::string& name) {
  for (const CaseJson& c : all_cases()) {
    if (c["name"] == name) return c;
  }
  ADD_FAILURE() << "no case " << name;
  return {};
}

TEST(DatcIgnored, SupportWithoutACoastIsAccepted) {
  // 6.B.7 and 6.B.8: the support counts, so the two moves into Spain bounce.
  for (const char* name : {"t6b07_supporting_with_unspecified_coast",
                           "t6b08_supporting_with_unspecified_coast_when_only_one_coast_is_possible"}) {
    const CaseJson c = find_case(name);
    Result<Json> got = adjudicate_case(c);
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(differences(c, *got), "") << name;
  }
  // 6.B.15: France's support without a coast counts for England's move to the north coast,
  // two against Italy's two: both fail.
  Result<Json> got = adjudicate_case(find_case("t6b15_supporting_foreign_unit_with_unspecified_coast"));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)["orders"]["ENG: F mao -> spa(nc)"], "Fails");
  EXPECT_EQ((*got)["orders"]["ITA: F wes -> spa(sc)"], "Fails");
  EXPECT_EQ((*got)["orders"]["FRA: F por supports F mao -> spa"], "Succeeds");
}

TEST(DatcIgnored, SupportAndConvoyInARetreatAreRefused) {
  CaseJson c = find_case("t6h01_no_supports_during_retreat");
  c["orders"]["ITA: F aeg Supports F ion -> gre"] = nullptr;  // the DATC's order the file leaves out
  Result<Json> got = adjudicate_case(c);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, "parse_error");
  EXPECT_NE(got.error().message.find("only retreats and disbands"), std::string::npos) << got.error().message;
  // Without it both retreats to Albania bounce and both units are disbanded.
  got = adjudicate_case(find_case("t6h01_no_supports_during_retreat"));
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ((*got)["orders"]["AUS: F tri -> alb"], "Fails");
  EXPECT_EQ((*got)["orders"]["TUR: F gre -> alb"], "Fails");
  c = find_case("t6h03_no_convoy_during_retreat");
  c["orders"]["ENG: F nth convoys hol -> yor"] = nullptr;
  got = adjudicate_case(c);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("only retreats and disbands"), std::string::npos);
}

TEST(DatcTool, AdjudicatesACaseFromStandardInput) {
  const std::string input =
      R"({"phase": "Main", "orders": {"GER: A ber -> sil": null, "GER: A mun Supports A ber -> sil": null, "RUS: A war -> sil": null}})";
  const std::string file = ::testing::TempDir() + "datc_tool_case.json";
  std::ofstream(file) << input;
  testing::Output r = testing::run_command(std::string(ARENA_BINARY) + " diplomacy adjudicate < " + file);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const Json out = Json::parse(r.out);
  EXPECT_EQ(out["orders"]["GER: A ber -> sil"], "Succeeds");
  EXPECT_EQ(out["orders"]["RUS: A war -> sil"], "Fails");
  EXPECT_EQ(out["units"], Json({"GER: A sil", "GER: A mun", "RUS: A war"}));
  std::ofstream(file) << R"({"phase": "Main", "orders": {"ENG: A xyz -> lon": null}})";
  r = testing::run_command(std::string(ARENA_BINARY) + " diplomacy adjudicate < " + file + " 2>&1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("unknown province 'xyz'"), std::string::npos) << r.out;
  std::ofstream(file) << "not json";
  r = testing::run_command(std::string(ARENA_BINARY) + " diplomacy adjudicate < " + file + " 2>&1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("not valid JSON"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace arena::diplomacy
