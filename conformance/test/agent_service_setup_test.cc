#include "toolauth/conformance/agent_service_setup.h"

#include <gtest/gtest.h>

#include "world_fixture.h"

namespace toolauth::conformance {
namespace {

nlohmann::json setup_document() {
  return testing::with_environment<nlohmann::json>(
      [](Environment& env) -> boost::asio::awaitable<nlohmann::json> {
        auto setup = agent_service_setup(env);
        if (!setup.ok()) throw std::runtime_error(setup.error().message());
        (*setup)["_idp_url"] = env.idp_url();
        (*setup)["_mcp_url"] = env.mcp_url();
        (*setup)["_ca_exists"] = std::filesystem::exists((*setup)["ca_file"].get<std::string>());
        (*setup)["_passwords"] = nlohmann::json::array();
        for (const auto& u : env.world()["users"]) (*setup)["_passwords"].push_back(u["password"]);
        co_return *setup;
      });
}

TEST(AgentServiceSetupTest, ListsTheCatalogueConnectionsWithLiveUrls) {
  const auto setup = setup_document();
  const std::string mcp = setup["_mcp_url"];
  const std::string idp = setup["_idp_url"];
  const auto* key = setup_connection(setup, "alpha", "api-key");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ((*key)["auth_type"], "CustomKeys");
  EXPECT_EQ((*key)["target"], mcp + "/mcp/api-key");
  EXPECT_TRUE((*key)["credentials"]["keys"].contains("X-API-Key"));
  const auto* functions = setup_connection(setup, "alpha", "functions-key");
  ASSERT_NE(functions, nullptr);
  EXPECT_TRUE((*functions)["credentials"]["keys"].contains("x-functions-key"));
  for (const auto* name :
       {"open", "project-mi", "agent-identity", "oauth-invoke", "oauth-read", "user-entra"})
    EXPECT_NE(setup_connection(setup, "alpha", name), nullptr) << name;
  const auto* alpha = setup_connection(setup, "alpha", "oauth-invoke");
  const auto* beta = setup_connection(setup, "beta", "oauth-invoke");
  ASSERT_NE(beta, nullptr);
  EXPECT_EQ((*alpha)["target"], (*beta)["target"]);
  EXPECT_TRUE((*alpha)["authorization_url"].get<std::string>().starts_with(idp + "/"));
  const auto scopes = (*alpha)["scopes"];
  EXPECT_NE(std::find(scopes.begin(), scopes.end(), "offline_access"), scopes.end());
  EXPECT_EQ(setup["_ca_exists"], true);
  EXPECT_EQ(setup["tenant"]["name"], "contoso");
  EXPECT_TRUE(setup["tenant"]["issuer"].get<std::string>().starts_with(idp + "/"));
}

TEST(AgentServiceSetupTest, OneAgentPerConnectionPlusTheSecondAgentAndTheApprovalAgents) {
  const auto setup = setup_document();
  EXPECT_EQ(setup_agent_for(setup, "alpha", "api-key"), "api-key-agent");
  EXPECT_EQ(setup_agent_for(setup, "beta", "oauth-invoke"), "oauth-invoke-agent");
  // The approval agent on oauth-invoke is never the connection's default agent.
  EXPECT_EQ(setup_agent_for(setup, "alpha", "oauth-invoke"), "oauth-invoke-agent");
  EXPECT_EQ(setup["agents"].size(), setup["connections"].size() + 3);
  bool approval = false, oauth_approval = false;
  for (const auto& a : setup["agents"]) {
    approval |= a["name"] == kApprovalAgent && a["require_approval"] == "always";
    oauth_approval |= a["name"] == kOAuthApprovalAgent && a["connection"] == "oauth-invoke" &&
                      a["require_approval"] == "always";
  }
  EXPECT_TRUE(approval);
  EXPECT_TRUE(oauth_approval);
}

TEST(AgentServiceSetupTest, HoldsNoPasswordAndNoSecretButTheConnectionClients) {
  const auto setup = setup_document();
  auto text = setup;
  text.erase("_passwords");
  const auto dumped = text.dump();
  for (const auto& password : setup["_passwords"])
    EXPECT_EQ(dumped.find(password.get<std::string>()), std::string::npos);
  for (const auto& client : setup["world"]["clients"])
    EXPECT_EQ(client.contains("client_secret"), client["name"] == kConnectorClient)
        << client["name"];
  for (const auto& identity : setup["world"]["identities"])
    EXPECT_FALSE(identity.contains("client_secret"));
}

}  // namespace
}  // namespace toolauth::conformance
