#include "toolauth/emulator/hosted_agent.h"

#include <gtest/gtest.h>

namespace toolauth::emulator {
namespace {

nlohmann::json valid() {
  return {{"kind", "hosted"},
          {"container_protocol_versions", {{{"protocol", "responses"}, {"version", "2.0.0"}}}},
          {"container_configuration",
           {{"command", "node"}, {"args", {"agent.mjs", "--quiet"}}, {"env", {{"LOG", "debug"}}}}},
          {"environment_variables", {{"TOOLBOX_NAME", "tools"}, {"MODEL", "gpt"}}},
          {"cpu", "1"},
          {"memory", "2Gi"}};
}

std::string problem_of(const nlohmann::json& definition) {
  auto spec = parse_hosted_definition(definition);
  return spec.ok() ? std::string("(accepted)") : spec.error().detail;
}

TEST(HostedAgentTest, ValidDefinitionGivesCommandArgsEnvironmentAndToolbox) {
  auto spec = parse_hosted_definition(valid());
  ASSERT_TRUE(spec.ok()) << spec.error().message();
  EXPECT_EQ(spec->command, "node");
  EXPECT_EQ(spec->args, (std::vector<std::string>{"agent.mjs", "--quiet"}));
  EXPECT_EQ(spec->environment, (std::map<std::string, std::string>{
                                   {"LOG", "debug"}, {"MODEL", "gpt"}, {"TOOLBOX_NAME", "tools"}}));
  EXPECT_EQ(spec->toolbox, "tools");
  EXPECT_TRUE(is_hosted_definition(valid()));
  EXPECT_FALSE(is_hosted_definition({{"kind", "prompt"}}));
}

TEST(HostedAgentTest, ProtocolVersionsIsAnotherNameButNotBoth) {
  auto d = valid();
  d["protocol_versions"] = d["container_protocol_versions"];
  EXPECT_NE(problem_of(d).find("not both"), std::string::npos) << problem_of(d);
  d.erase("container_protocol_versions");
  EXPECT_TRUE(parse_hosted_definition(d).ok());
}

TEST(HostedAgentTest, OnlyResponses200Runs) {
  auto d = valid();
  d["container_protocol_versions"] = {{{"protocol", "responses"}, {"version", "1.0.0"}}};
  EXPECT_NE(problem_of(d).find("1.0.0 has no x-agent-foundry-call-id"), std::string::npos);
  d["container_protocol_versions"] = {{{"protocol", "invocations"}, {"version", "1.0.0"}}};
  EXPECT_NE(problem_of(d).find("'responses' protocol only"), std::string::npos);
  d.erase("container_protocol_versions");
  EXPECT_NE(problem_of(d).find("container_protocol_versions"), std::string::npos);
}

TEST(HostedAgentTest, ImagesAndCodeConfigurationAreRefused) {
  auto d = valid();
  d["image"] = "myregistry.azurecr.io/agent:1";
  EXPECT_NE(problem_of(d).find("/image"), std::string::npos) << problem_of(d);
  d = valid();
  d.erase("container_configuration");
  EXPECT_NE(problem_of(d).find("container_configuration"), std::string::npos);
  d = valid();
  d["container_configuration"]["command"] = "";
  EXPECT_NE(problem_of(d).find("must not be empty"), std::string::npos);
}

TEST(HostedAgentTest, PlatformVariablesCannotBeSetByTheDefinition) {
  for (const char* name :
       {"PORT", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "FOUNDRY_AGENT_NAME", "AGENT_ANYTHING"}) {
    auto d = valid();
    d["environment_variables"][name] = "mine";
    EXPECT_NE(problem_of(d).find("is set by the platform"), std::string::npos) << name;
    d = valid();
    d["container_configuration"]["env"][name] = "mine";
    EXPECT_NE(problem_of(d).find("is set by the platform"), std::string::npos) << name;
  }
}

TEST(HostedAgentTest, BadOrDuplicateVariablesAreProblems) {
  auto d = valid();
  d["environment_variables"]["LOG"] = "info";
  EXPECT_NE(problem_of(d).find("also set by container_configuration.env"), std::string::npos);
  d = valid();
  d["environment_variables"]["1BAD"] = "x";
  EXPECT_NE(problem_of(d).find("not a valid environment variable name"), std::string::npos);
  d = valid();
  d["environment_variables"]["N"] = 3;
  EXPECT_NE(problem_of(d).find("expected a string"), std::string::npos);
}

TEST(HostedAgentTest, UnknownKeysAreRefused) {
  auto d = valid();
  d["tools"] = nlohmann::json::array();
  EXPECT_NE(problem_of(d).find("tools"), std::string::npos) << problem_of(d);
  d = valid();
  d["container_configuration"]["workdir"] = "/tmp";
  EXPECT_NE(problem_of(d).find("workdir"), std::string::npos) << problem_of(d);
}

}  // namespace
}  // namespace toolauth::emulator
