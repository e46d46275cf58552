#include "fixture_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "toolauth/core/config.h"

namespace toolauth::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

nlohmann::json default_fixtures(const char* name) {
  auto document =
      core::load_json_file(std::filesystem::path(TOOLAUTH_SOURCE_DIR) / "fixtures/default" / name);
  if (!document.ok()) throw std::runtime_error(document.error().message());
  return *document;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

TEST(FixtureValidationTest, DefaultWorldIsValid) {
  EXPECT_THAT(fixture_problems(default_fixtures("idp.json"), "idp.json", FixtureKind::idp),
              IsEmpty());
  EXPECT_THAT(fixture_problems(default_fixtures("mcp.json"), "mcp.json", FixtureKind::mcp),
              IsEmpty());
  EXPECT_THAT(
      fixture_problems(default_fixtures("emulator.json"), "emulator.json", FixtureKind::emulator),
      IsEmpty());
}

TEST(FixtureValidationTest, DetectsTheKindByTopLevelKeys) {
  EXPECT_EQ(detect_fixture_kind(default_fixtures("idp.json")).value(), FixtureKind::idp);
  EXPECT_EQ(detect_fixture_kind(default_fixtures("mcp.json")).value(), FixtureKind::mcp);
  EXPECT_EQ(detect_fixture_kind(default_fixtures("emulator.json")).value(), FixtureKind::emulator);
  // Both idp and emulator files have tenants: that alone does not tell them apart.
  EXPECT_FALSE(detect_fixture_kind({{"tenants", nlohmann::json::array()}}).ok());
  EXPECT_FALSE(detect_fixture_kind({{"users", 1}, {"mounts", 1}}).ok());
  EXPECT_FALSE(detect_fixture_kind(nlohmann::json::array()).ok());
}

TEST(FixtureValidationTest, KindNamesRoundTrip) {
  for (auto kind : {FixtureKind::idp, FixtureKind::mcp, FixtureKind::emulator})
    EXPECT_EQ(parse_fixture_kind(to_string(kind)), kind);
  EXPECT_EQ(parse_fixture_kind("world"), std::nullopt);
}

TEST(FixtureValidationTest, IdpProblemNamesTheJsonPath) {
  auto document = default_fixtures("idp.json");
  document["users"][1]["password"] = 42;
  document["applications"][0]["grants"] = {"implicit"};
  const auto problems = joined(fixture_problems(document, "w.json", FixtureKind::idp));
  EXPECT_THAT(problems, HasSubstr("w.json: /users/1/password: "));
  EXPECT_THAT(problems, HasSubstr("w.json: /applications/0/grants: unknown grant type"));
}

TEST(FixtureValidationTest, McpProblemNamesTheJsonPath) {
  auto document = default_fixtures("mcp.json");
  document["mounts"][2]["auth"]["kind"] = "basic";
  document["mounts"][0]["colour"] = "blue";
  const auto problems = joined(fixture_problems(document, "m.json", FixtureKind::mcp));
  EXPECT_THAT(problems, HasSubstr("m.json: /mounts/2/auth/kind: "));
  EXPECT_THAT(problems, HasSubstr("m.json: /mounts/0/colour: "));
}

TEST(FixtureValidationTest, EmulatorProblemNamesTheJsonPath) {
  auto document = default_fixtures("emulator.json");
  document["projects"][0]["connections"][1]["auth_type"] = "Basic";
  const auto problems = joined(fixture_problems(document, "e.json", FixtureKind::emulator));
  EXPECT_THAT(problems, HasSubstr("e.json: /projects/0/connections/1/auth_type: "));
}

TEST(FixtureValidationTest, EmulatorTemplateTypoIsAProblem) {
  auto document = default_fixtures("emulator.json");
  document["projects"][0]["connections"][0]["target"] = "{mcp_ulr}/mcp/open";
  const auto problems = joined(fixture_problems(document, "e.json", FixtureKind::emulator));
  EXPECT_THAT(problems, HasSubstr("/projects/0/connections/0/target: no value for the template "
                                  "{mcp_ulr}"));
}

TEST(FixtureValidationTest, AFileOfAnotherKindIsFullOfProblems) {
  EXPECT_THAT(fixture_problems(default_fixtures("mcp.json"), "m.json", FixtureKind::idp),
              ::testing::Not(IsEmpty()));
}

}  // namespace
}  // namespace toolauth::cli
