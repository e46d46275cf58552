// TokenEndpointClient against the real mock IdP over HTTPS: every grant the tool-auth engine
// uses, both client authentication methods, and each class of failure with its exact error.

#include "toolauth/oauth/token_endpoint_client.h"

#include <gtest/gtest.h>

#include "idp_for_oauth.h"
#include "toolauth/http/error.h"
#include "toolauth/oauth/authorization_request.h"
#include "toolauth/oauth/error.h"
#include "toolauth/oauth/pkce.h"

namespace toolauth::oauth {
namespace {

namespace net = boost::asio;
using testing::OauthIdp;

class TokenEndpointClientTest : public ::testing::Test {
 protected:
  ClientAuthentication foundry_post() {
    return ClientAuthentication::secret_post(idp_.client_id("clients", "foundry"),
                                             idp_.secret("clients", "foundry"));
  }
  ClientAuthentication connector() {
    return ClientAuthentication::secret_post(idp_.client_id("clients", "connector"),
                                             idp_.secret("clients", "connector"));
  }
  TokenResult client_credentials(const ClientAuthentication& auth, std::string scope) {
    return idp_.run_token([&](TokenEndpointClient& client) {
      return client.client_credentials(idp_.token_url(), auth, {.scope = scope});
    });
  }
  // A user token for the foundry API (aud https://ai.azure.com), as a caller of the emulator
  // would present it: ROPC with the public caller client.
  std::string caller_token(std::string_view user) {
    const auto person = idp_.world("users", user);
    auto token = idp_.run_token([&](TokenEndpointClient& client) {
      return client.request(
          idp_.token_url(),
          ClientAuthentication::public_client(idp_.client_id("clients", "caller")),
          {{"grant_type", "password"},
           {"username", person.value("username", "")},
           {"password", person.value("password", "")},
           {"scope", "https://ai.azure.com/user_impersonation"}});
    });
    EXPECT_TRUE(token.ok()) << token.error().summary();
    return token.ok() ? token->access_token : std::string();
  }
  // Signs `user` in through the pages with the connector client and returns the code.
  struct CodeFlow {
    std::string code;
    std::string redirect_uri;
    std::string verifier;
  };
  CodeFlow sign_in(std::string_view user) {
    const auto pkce = Pkce::generate().value();
    const std::string redirect = idp_.world("clients", "connector")["redirect_uris"][0];
    const auto url = build_authorization_url(
        {.authorization_url = idp_.authorize_url(),
         .client_id = idp_.client_id("clients", "connector"),
         .redirect_uri = redirect,
         .scopes = {idp_.world("resources", "mcp-api").value("app_id_uri", "") + "/Tools.Read"},
         .state = "state-for-" + std::string(user),
         .code_challenge = pkce.challenge});
    EXPECT_TRUE(url.ok());
    auto params = idp_.sign_in(*url, user);
    EXPECT_EQ(params.get("state"), "state-for-" + std::string(user));
    return {std::string(params.get("code").value_or("")), redirect, pkce.verifier};
  }
  TokenResult redeem(const CodeFlow& flow) {
    return idp_.run_token([&](TokenEndpointClient& client) {
      return client.authorization_code(
          idp_.token_url(), connector(),
          {.code = flow.code, .redirect_uri = flow.redirect_uri, .code_verifier = flow.verifier});
    });
  }

  OauthIdp idp_;
};

TEST_F(TokenEndpointClientTest, ClientCredentialsWithSecretInTheBody) {
  auto token = client_credentials(foundry_post(), idp_.default_scope("mcp-api"));
  ASSERT_TRUE(token.ok()) << token.error().summary();
  EXPECT_EQ(token->token_type, "Bearer");
  EXPECT_GT(token->expires_in.count(), 0);
  EXPECT_TRUE(token->refresh_token.empty());
  const auto payload = idp::testing::claims_of(token->access_token);
  EXPECT_EQ(payload["aud"], idp_.client_id("resources", "mcp-api"));
  EXPECT_EQ(payload["azp"], idp_.client_id("clients", "foundry"));
  EXPECT_EQ(payload["roles"], nlohmann::json::array({"Tools.Invoke.All"}));
}

TEST_F(TokenEndpointClientTest, ClientCredentialsWithHttpBasic) {
  const auto seq = idp_.journal_seq();
  auto token =
      client_credentials(ClientAuthentication::secret_basic(idp_.client_id("clients", "foundry"),
                                                            idp_.secret("clients", "foundry")),
                         idp_.default_scope("mcp-api"));
  ASSERT_TRUE(token.ok()) << token.error().summary();
  auto entries = idp_.journal("token", seq);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].fields["outcome"], "issued");
  EXPECT_EQ(entries[0].fields["client"], "foundry");
}

TEST_F(TokenEndpointClientTest, WrongClientSecretIsRejectedWithAadsts7000215) {
  auto token = client_credentials(
      ClientAuthentication::secret_post(idp_.client_id("clients", "foundry"), "not-the-secret"),
      idp_.default_scope("mcp-api"));
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().failure, TokenFailure::rejected);
  EXPECT_EQ(token.error().http_status, 401);
  EXPECT_EQ(token.error().error, "invalid_client");
  EXPECT_EQ(token.error().aadsts, 7000215);
  EXPECT_FALSE(token.error().needs_consent());
}

TEST_F(TokenEndpointClientTest, AuthorizationCodeWithPkceThenRefreshAtTheRefreshUrl) {
  const auto flow = sign_in("alice");
  ASSERT_FALSE(flow.code.empty());
  auto tokens = redeem(flow);
  ASSERT_TRUE(tokens.ok()) << tokens.error().summary();
  EXPECT_FALSE(tokens->refresh_token.empty());  // offline_access was added to the request
  EXPECT_EQ(idp::testing::claims_of(tokens->access_token)["oid"],
            idp_.world("users", "alice")["oid"]);

  // The connection's refresh URL differs from its token URL (the tenant by domain rather than
  // GUID here): the refresh must go there, and the IdP sees it there.
  const std::string domain = idp_.world("tenants", "contoso")["domain"];
  const auto refresh_url = idp_.url() + "/" + domain + "/oauth2/v2.0/token";
  const auto seq = idp_.journal_seq();
  auto refreshed = idp_.run_token([&](TokenEndpointClient& client) {
    return client.refresh(refresh_url, connector(), {.refresh_token = tokens->refresh_token});
  });
  ASSERT_TRUE(refreshed.ok()) << refreshed.error().summary();
  EXPECT_NE(refreshed->access_token, tokens->access_token);
  EXPECT_FALSE(refreshed->refresh_token.empty());
  auto entries = idp_.journal("token", seq);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].fields["grant_type"], "refresh_token");
  EXPECT_EQ(entries[0].fields["tenant"], domain);
}

TEST_F(TokenEndpointClientTest, CodeRedeemedWithAnotherVerifierIsInvalidGrant501481) {
  auto flow = sign_in("alice");
  flow.verifier = Pkce::generate().value().verifier;
  auto tokens = redeem(flow);
  ASSERT_FALSE(tokens.ok());
  EXPECT_EQ(tokens.error().failure, TokenFailure::invalid_grant);
  EXPECT_EQ(tokens.error().aadsts, 501481);
}

TEST_F(TokenEndpointClientTest, RevokedRefreshTokenIsInvalidGrantAndNeedsConsent) {
  auto tokens = redeem(sign_in("bob"));
  ASSERT_TRUE(tokens.ok()) << tokens.error().summary();
  const auto connector_id = idp_.client_id("clients", "connector");
  // The IdP's store names users by their world name.
  const auto revoked = idp_.server().on_server_thread([&] {
    return idp_.server().server().provider().refresh_tokens().revoke_user("bob", connector_id);
  });
  ASSERT_GT(revoked, 0u);
  auto refreshed = idp_.run_token([&](TokenEndpointClient& client) {
    return client.refresh(idp_.token_url(), connector(), {.refresh_token = tokens->refresh_token});
  });
  ASSERT_FALSE(refreshed.ok());
  EXPECT_EQ(refreshed.error().error, "invalid_grant");
  EXPECT_EQ(refreshed.error().failure, TokenFailure::invalid_grant);
  EXPECT_TRUE(refreshed.error().needs_consent());
  EXPECT_EQ(refreshed.error().http_status, 400);
  EXPECT_NE(refreshed.error().aadsts, 0);
}

TEST_F(TokenEndpointClientTest, OnBehalfOfTheCallersToken) {
  const auto assertion = caller_token("alice");
  ASSERT_FALSE(assertion.empty());
  const auto mcp = idp_.world("resources", "mcp-api").value("app_id_uri", "");
  auto token = idp_.run_token([&](TokenEndpointClient& client) {
    return client.on_behalf_of(idp_.token_url(), foundry_post(),
                               {.assertion = assertion, .scope = mcp + "/Tools.Read"});
  });
  ASSERT_TRUE(token.ok()) << token.error().summary();
  const auto claims = idp::testing::claims_of(token->access_token);
  EXPECT_EQ(claims["oid"], idp_.world("users", "alice")["oid"]);
  EXPECT_EQ(claims["aud"], idp_.client_id("resources", "mcp-api"));
  EXPECT_EQ(claims["scp"], "Tools.Read");
}

TEST_F(TokenEndpointClientTest, OnBehalfOfAnAppTokenIsRefused) {
  // An app-only token has no user to act for.
  auto app = client_credentials(foundry_post(), "https://ai.azure.com/.default");
  ASSERT_TRUE(app.ok()) << app.error().summary();
  auto token = idp_.run_token([&](TokenEndpointClient& client) {
    return client.on_behalf_of(
        idp_.token_url(), foundry_post(),
        {.assertion = app->access_token, .scope = idp_.default_scope("mcp-api")});
  });
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().http_status, 400);
  EXPECT_FALSE(token.error().is_transient());
}

TEST_F(TokenEndpointClientTest, ServiceUnavailableIsTransient) {
  idp_.add_fault({{"match", {{"endpoint", "token"}, {"grant_type", "client_credentials"}}},
                  {"action", {{"status", 503}}},
                  {"count", 1}});
  auto token = client_credentials(foundry_post(), idp_.default_scope("mcp-api"));
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().failure, TokenFailure::transient);
  EXPECT_EQ(token.error().http_status, 503);
  EXPECT_TRUE(client_credentials(foundry_post(), idp_.default_scope("mcp-api")).ok());
}

TEST_F(TokenEndpointClientTest, ThrottlingKeepsRetryAfter) {
  idp_.add_fault({{"match", {{"endpoint", "token"}}},
                  {"action", {{"status", 429}, {"retry_after", 12}}},
                  {"count", 1}});
  auto token = client_credentials(foundry_post(), idp_.default_scope("mcp-api"));
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().failure, TokenFailure::transient);
  EXPECT_EQ(token.error().http_status, 429);
  EXPECT_EQ(token.error().retry_after, std::chrono::seconds(12));
}

TEST_F(TokenEndpointClientTest, InjectedInvalidGrantKeepsTheAadstsCode) {
  idp_.add_fault(
      {{"match", {{"grant_type", "refresh_token"}}},
       {"action", {{"status", 400}, {"error", "invalid_grant"}, {"code", "AADSTS700082"}}}});
  auto refreshed = idp_.run_token([&](TokenEndpointClient& client) {
    return client.refresh(idp_.token_url(), connector(), {.refresh_token = "whatever"});
  });
  ASSERT_FALSE(refreshed.ok());
  EXPECT_EQ(refreshed.error().failure, TokenFailure::invalid_grant);
  EXPECT_EQ(refreshed.error().aadsts, 700082);
}

TEST_F(TokenEndpointClientTest, NoAnswerIsTransientWithTheTransportError) {
  auto token = idp_.run_token([&](TokenEndpointClient& client) {
    // Port 1 on loopback: nothing listens there.
    return client.client_credentials("https://127.0.0.1:1/t/oauth2/v2.0/token", foundry_post(),
                                     {.scope = "x/.default"});
  });
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().failure, TokenFailure::transient);
  EXPECT_EQ(token.error().transport, http::Errc::connect_failed);
  EXPECT_EQ(token.error().http_status, 0);
}

TEST_F(TokenEndpointClientTest, RefusesToSendASecretOverPlainHttpToARemoteHost) {
  auto token = idp_.run_token([&](TokenEndpointClient& client) {
    return client.client_credentials("http://login.example/t/oauth2/v2.0/token", foundry_post(),
                                     {.scope = "x/.default"});
  });
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().failure, TokenFailure::bad_request);
}

TEST(CredentialUrlTest, AllowsHttpsAndLoopbackHttpOnly) {
  EXPECT_TRUE(check_credential_url("https://login.example/t/token").ok());
  EXPECT_TRUE(check_credential_url("http://localhost:4781/t/token").ok());
  EXPECT_TRUE(check_credential_url("http://127.0.0.1:4781/t/token").ok());
  EXPECT_TRUE(check_credential_url("http://[::1]:4781/t/token").ok());
  for (const char* bad : {"http://login.example/t/token", "http://localhost.evil.example/token",
                          "ftp://localhost/token", "/relative", "not a url"}) {
    EXPECT_EQ(check_credential_url(bad).code(), Errc::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace toolauth::oauth
