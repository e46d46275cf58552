#include "client_environment.h"

#include <gtest/gtest.h>

#include <sstream>

namespace toolauth::cli {
namespace {

const nlohmann::json kReady = {
    {"ca_file", "/state/tls/ca.pem"},
    {"emulator", {{"url", "https://localhost:4780"}, {"http_url", "http://localhost:4784"}}},
    {"idp", {{"url", "https://localhost:4781"}, {"mi_url", "http://localhost:4782"}}},
    {"mcp", {{"url", "https://localhost:4783"}}},
    {"env",
     {{"NODE_EXTRA_CA_CERTS", "/state/tls/ca.pem"},
      {"IDENTITY_HEADER", "it's-a-header"},
      {"NOT_A_STRING", 4}}},
    {"world",
     {{"users", {{{"name", "alice"}, {"password", "alice-secret-password"}}}},
      {"projects", {{{"name", "alpha"}, {"url", "https://localhost:4780/api/projects/alpha"}}}}}}};

TEST(ClientEnvironmentTest, TakesTheStringMembersOfEnv) {
  const auto env = client_environment(kReady);
  EXPECT_EQ(env.size(), 2u);
  EXPECT_EQ(env.at("NODE_EXTRA_CA_CERTS"), "/state/tls/ca.pem");
  EXPECT_EQ(env.at("IDENTITY_HEADER"), "it's-a-header");
}

TEST(ClientEnvironmentTest, NoEnvIsNoVariables) {
  EXPECT_TRUE(client_environment(nlohmann::json::object()).empty());
  EXPECT_TRUE(client_environment({{"env", "not an object"}}).empty());
}

TEST(ClientEnvironmentTest, SummaryNamesTheUrlsAndExportsTheVariablesQuoted) {
  std::ostringstream out;
  print_summary(out, kReady);
  const auto text = out.str();
  EXPECT_NE(text.find("https://localhost:4780  (plain HTTP http://localhost:4784)"),
            std::string::npos);
  EXPECT_NE(text.find("http://localhost:4782"), std::string::npos);
  EXPECT_NE(text.find("https://localhost:4780/api/projects/alpha"), std::string::npos);
  EXPECT_NE(text.find("export NODE_EXTRA_CA_CERTS='/state/tls/ca.pem'\n"), std::string::npos);
  EXPECT_NE(text.find("export IDENTITY_HEADER='it'\\''s-a-header'\n"), std::string::npos);
}

TEST(ClientEnvironmentTest, SummaryNeverShowsTheWorldsSecrets) {
  std::ostringstream out;
  print_summary(out, kReady);
  EXPECT_EQ(out.str().find("alice-secret-password"), std::string::npos);
}

}  // namespace
}  // namespace toolauth::cli
