// The Entra Agent ID two-step against the real mock IdP: the blueprint's exchange token T1
// (by secret, or by the project's managed identity token as a federated credential), then
// the agent identity's own token for the MCP API.

#include "toolauth/oauth/agent_identity.h"

#include <gtest/gtest.h>

#include "idp_for_oauth.h"
#include "toolauth/oauth/managed_identity_client.h"

namespace toolauth::oauth {
namespace {

namespace net = boost::asio;
using testing::OauthIdp;

class AgentIdentityTest : public ::testing::Test {
 protected:
  ClientAuthentication blueprint_secret() {
    return ClientAuthentication::secret_post(idp_.client_id("identities", "agent-blueprint"),
                                             idp_.secret("identities", "agent-blueprint"));
  }
  OauthIdp idp_;
};

TEST_F(AgentIdentityTest, BlueprintSecretThenAgentTokenForTheMcpApi) {
  const auto seq = idp_.journal_seq();
  auto token = idp_.run_token([&](TokenEndpointClient& client) {
    return request_agent_identity_token(
        client, {.token_url = idp_.token_url(),
                 .blueprint = blueprint_secret(),
                 .agent_client_id = idp_.client_id("identities", "agent-one"),
                 .scope = idp_.default_scope("mcp-api")});
  });
  ASSERT_TRUE(token.ok()) << token.error().summary();
  const auto claims = idp::testing::claims_of(token->access_token);
  EXPECT_EQ(claims["aud"], idp_.client_id("resources", "mcp-api"));
  EXPECT_EQ(claims["azp"], idp_.client_id("identities", "agent-one"));
  EXPECT_EQ(claims["oid"], idp_.world("identities", "agent-one")["object_id"]);
  EXPECT_EQ(claims["xms_par_app_azp"], idp_.client_id("identities", "agent-blueprint"));

  // Exactly two token requests: T1 by the blueprint, then the agent's.
  auto entries = idp_.journal("token", seq);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].fields["client"], "agent-blueprint");
  EXPECT_EQ(entries[1].fields["client"], "agent-one");
  EXPECT_EQ(entries[1].fields["outcome"], "issued");
}

TEST_F(AgentIdentityTest, ExchangeTokenIsForTheTokenExchangeAudience) {
  auto t1 = idp_.run_token([&](TokenEndpointClient& client) {
    return request_agent_exchange_token(client, idp_.token_url(), blueprint_secret(),
                                        idp_.client_id("identities", "agent-two"));
  });
  ASSERT_TRUE(t1.ok()) << t1.error().summary();
  EXPECT_EQ(idp::testing::claims_of(t1->access_token)["aud"], "api://AzureADTokenExchange");
}

TEST_F(AgentIdentityTest, SiblingAgentPresentingAnotherAgentsT1IsRefusedWith700211) {
  auto token = idp_.run_token([&](TokenEndpointClient& client) -> net::awaitable<TokenResult> {
    auto t1 = co_await request_agent_exchange_token(client, idp_.token_url(), blueprint_secret(),
                                                    idp_.client_id("identities", "agent-one"));
    if (!t1.ok()) co_return t1;
    co_return co_await request_agent_token(client, idp_.token_url(),
                                           idp_.client_id("identities", "agent-two"),
                                           t1->access_token, idp_.default_scope("mcp-api"));
  });
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().failure, TokenFailure::rejected);
  EXPECT_EQ(token.error().error, "invalid_client");
  EXPECT_EQ(token.error().aadsts, 700211);
}

TEST_F(AgentIdentityTest, BlueprintAuthenticatedByTheProjectManagedIdentity) {
  const auto env = idp_.ready()["env"];
  auto token = idp_.run<TokenResult>(
      [&](TokenEndpointClient& client, http::Client& http) -> net::awaitable<TokenResult> {
        ManagedIdentityClient mi(
            http, idp_.clock(),
            ManagedIdentityEndpoint::app_service(env["IDENTITY_ENDPOINT"], env["IDENTITY_HEADER"]));
        auto assertion = co_await mi.get_token("api://AzureADTokenExchange");
        if (!assertion.ok()) co_return assertion;
        co_return co_await request_agent_identity_token(
            client, {.token_url = idp_.token_url(),
                     .blueprint = ClientAuthentication::with_assertion(
                         idp_.client_id("identities", "agent-blueprint"), assertion->access_token),
                     .agent_client_id = idp_.client_id("identities", "agent-one"),
                     .scope = idp_.default_scope("mcp-api")});
      });
  ASSERT_TRUE(token.ok()) << token.error().summary();
  EXPECT_EQ(idp::testing::claims_of(token->access_token)["azp"],
            idp_.client_id("identities", "agent-one"));
}

TEST_F(AgentIdentityTest, AgentActsOnBehalfOfAUserWhoseTokenIsForTheBlueprint) {
  // Alice's token for the blueprint (no grant of the default world yields one: minted as the
  // IdP would, as mock-idp's own agent OBO tests do).
  auto& server = idp_.server();
  idp::AccessTokenRequest alice;
  alice.tenant = &server.tenant("contoso");
  alice.client_id = idp_.client_id("clients", "caller");
  alice.user = server.directory().user_named("alice");
  alice.resource_identifier = idp_.client_id("identities", "agent-blueprint");
  alice.scopes = {"user_impersonation"};
  alice.session_id = "session-1";
  alice.version = 2;
  const auto user_token = server.mint(alice);
  const auto agent = idp_.client_id("identities", "agent-one");
  auto token = idp_.run_token([&](TokenEndpointClient& client) -> net::awaitable<TokenResult> {
    auto t1 =
        co_await request_agent_exchange_token(client, idp_.token_url(), blueprint_secret(), agent);
    if (!t1.ok()) co_return t1;
    co_return co_await request_agent_token_on_behalf_of(client, idp_.token_url(), agent,
                                                        t1->access_token, user_token,
                                                        idp_.default_scope("mcp-api"));
  });
  ASSERT_TRUE(token.ok()) << token.error().summary();
  const auto claims = idp::testing::claims_of(token->access_token);
  EXPECT_EQ(claims["oid"], idp_.world("users", "alice")["oid"]);
  EXPECT_EQ(claims["idtyp"], "user");
  EXPECT_EQ(claims["azp"], agent);
  EXPECT_FALSE(claims.contains("roles"));
}

TEST_F(AgentIdentityTest, FailureOfTheBlueprintStepIsReturnedAsItIs) {
  auto token = idp_.run_token([&](TokenEndpointClient& client) {
    return request_agent_identity_token(
        client, {.token_url = idp_.token_url(),
                 .blueprint = ClientAuthentication::secret_post(
                     idp_.client_id("identities", "agent-blueprint"), "wrong-secret"),
                 .agent_client_id = idp_.client_id("identities", "agent-one"),
                 .scope = idp_.default_scope("mcp-api")});
  });
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().aadsts, 7000215);
}

}  // namespace
}  // namespace toolauth::oauth
