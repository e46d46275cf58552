#include "toolauth/idp/client_metadata.h"

#include <gtest/gtest.h>

namespace toolauth::idp {
namespace {

nlohmann::json with(nlohmann::json extra) {
  nlohmann::json body = {{"redirect_uris", {"https://client.example/callback"}}};
  for (const auto& [key, value] : extra.items()) body[key] = value;
  return body;
}

void expect_refused(const nlohmann::json& body, std::string_view error) {
  auto result = validate_client_metadata(body);
  ASSERT_FALSE(result.ok()) << body.dump();
  EXPECT_EQ(result.error().error, error) << body.dump();
  EXPECT_FALSE(result.error().description.empty());
}

TEST(ClientMetadataTest, DefaultsAreFilledIn) {
  auto metadata = validate_client_metadata(with({}));
  ASSERT_TRUE(metadata.ok()) << metadata.error().description;
  EXPECT_EQ(*metadata, nlohmann::json({{"redirect_uris", {"https://client.example/callback"}},
                                       {"token_endpoint_auth_method", "client_secret_basic"},
                                       {"grant_types", {"authorization_code"}},
                                       {"response_types", {"code"}}}));
}

TEST(ClientMetadataTest, McpSdkRegistrationIsAccepted) {
  // What the MCP TypeScript SDK's client (and the MCP Inspector) registers.
  const nlohmann::json body = {
      {"redirect_uris", {"http://localhost:6274/oauth/callback", "http://127.0.0.1:33418/"}},
      {"token_endpoint_auth_method", "none"},
      {"grant_types", {"authorization_code", "refresh_token"}},
      {"response_types", {"code"}},
      {"client_name", "MCP Inspector"},
      {"client_uri", "https://github.com/modelcontextprotocol/inspector"},
      {"scope", "mcp.tools offline_access"}};
  auto metadata = validate_client_metadata(body);
  ASSERT_TRUE(metadata.ok()) << metadata.error().description;
  EXPECT_EQ(*metadata, body);
}

TEST(ClientMetadataTest, UnknownMembersAreIgnoredAndNotRegistered) {
  auto metadata = validate_client_metadata(with(
      {{"software_id", "x"}, {"contacts", {"a@example.com"}}, {"jwks_uri", 5}, {"tos_uri", {}}}));
  ASSERT_TRUE(metadata.ok()) << metadata.error().description;
  EXPECT_FALSE(metadata->contains("software_id"));
  EXPECT_FALSE(metadata->contains("contacts"));
  EXPECT_FALSE(metadata->contains("jwks_uri"));
}

TEST(ClientMetadataTest, LoopbackHostsMayUsePlainHttp) {
  for (const auto* uri : {"http://localhost/cb", "http://LOCALHOST:8080/cb", "http://127.0.0.1/cb",
                          "http://127.8.9.10:1/", "http://[::1]:3000/cb"}) {
    EXPECT_TRUE(validate_client_metadata({{"redirect_uris", {uri}}}).ok()) << uri;
  }
}

TEST(ClientMetadataTest, MissingOrEmptyRedirectUrisAreRefused) {
  expect_refused(nlohmann::json::object(), "invalid_redirect_uri");
  expect_refused({{"redirect_uris", nlohmann::json::array()}}, "invalid_redirect_uri");
  expect_refused({{"redirect_uris", "https://client.example/cb"}}, "invalid_redirect_uri");
  expect_refused({{"redirect_uris", {1}}}, "invalid_redirect_uri");
}

TEST(ClientMetadataTest, PlainHttpRedirectToARemoteHostIsRefused) {
  // The authorization code would cross the network in clear text.
  expect_refused({{"redirect_uris", {"http://attacker.example/cb"}}}, "invalid_redirect_uri");
  expect_refused({{"redirect_uris", {"http://localhost.attacker.example/cb"}}},
                 "invalid_redirect_uri");
  expect_refused({{"redirect_uris", {"http://128.0.0.1/cb"}}}, "invalid_redirect_uri");
}

TEST(ClientMetadataTest, RedirectUriWithFragmentIsRefused) {
  // RFC 6749 §3.1.2: a fragment would swallow the code the server appends.
  expect_refused({{"redirect_uris", {"https://client.example/cb#frag"}}}, "invalid_redirect_uri");
  expect_refused({{"redirect_uris", {"https://client.example/cb#"}}}, "invalid_redirect_uri");
}

TEST(ClientMetadataTest, RedirectUriWithUserInformationIsRefused) {
  expect_refused({{"redirect_uris", {"https://trusted.example@attacker.example/cb"}}},
                 "invalid_redirect_uri");
}

TEST(ClientMetadataTest, ScriptAndRelativeRedirectUrisAreRefused) {
  for (const auto* uri : {"javascript:alert(1)", "data:text/html,<script>", "/callback",
                          "//client.example/cb", "client.example/cb", "https:/cb", "https:///cb",
                          "com.example.app:/callback", "file:///etc/passwd", ""}) {
    expect_refused({{"redirect_uris", {uri}}}, "invalid_redirect_uri");
  }
}

TEST(ClientMetadataTest, OversizedRedirectUrisAreRefused) {
  expect_refused({{"redirect_uris", {"https://client.example/" + std::string(kMaxUriLength, 'a')}}},
                 "invalid_redirect_uri");
  nlohmann::json many = nlohmann::json::array();
  for (std::size_t i = 0; i <= kMaxRedirectUris; ++i)
    many.push_back("https://client.example/" + std::to_string(i));
  expect_refused({{"redirect_uris", many}}, "invalid_redirect_uri");
}

TEST(ClientMetadataTest, UnsupportedAuthMethodsAreRefused) {
  for (const auto* method : {"private_key_jwt", "client_secret_jwt", "tls_client_auth", "", "NONE"})
    expect_refused(with({{"token_endpoint_auth_method", method}}), "invalid_client_metadata");
  expect_refused(with({{"token_endpoint_auth_method", 1}}), "invalid_client_metadata");
}

TEST(ClientMetadataTest, ClientCredentialsGrantIsRefused) {
  // Open registration must not hand out app-only tokens to strangers.
  expect_refused(with({{"grant_types", {"authorization_code", "client_credentials"}}}),
                 "invalid_client_metadata");
  for (const auto* grant : {"password", "implicit", "urn:ietf:params:oauth:grant-type:jwt-bearer",
                            "urn:ietf:params:oauth:grant-type:token-exchange"}) {
    expect_refused(with({{"grant_types", {"authorization_code", grant}}}),
                   "invalid_client_metadata");
  }
}

TEST(ClientMetadataTest, GrantTypesWithoutAuthorizationCodeAreRefused) {
  expect_refused(with({{"grant_types", {"refresh_token"}}}), "invalid_client_metadata");
  expect_refused(with({{"grant_types", nlohmann::json::array()}}), "invalid_client_metadata");
  expect_refused(with({{"grant_types", "authorization_code"}}), "invalid_client_metadata");
}

TEST(ClientMetadataTest, ImplicitAndInconsistentResponseTypesAreRefused) {
  expect_refused(with({{"response_types", {"token"}}}), "invalid_client_metadata");
  expect_refused(with({{"response_types", {"code", "id_token"}}}), "invalid_client_metadata");
  expect_refused(with({{"response_types", nlohmann::json::array()}}), "invalid_client_metadata");
}

TEST(ClientMetadataTest, DuplicateGrantTypesCollapse) {
  auto metadata = validate_client_metadata(
      with({{"grant_types", {"authorization_code", "refresh_token", "authorization_code"}}}));
  ASSERT_TRUE(metadata.ok());
  EXPECT_EQ((*metadata)["grant_types"],
            nlohmann::json::array({"authorization_code", "refresh_token"}));
}

TEST(ClientMetadataTest, TextAndUriMembersAreTypeChecked) {
  expect_refused(with({{"client_name", 42}}), "invalid_client_metadata");
  expect_refused(with({{"client_name", std::string(kMaxTextLength + 1, 'n')}}),
                 "invalid_client_metadata");
  expect_refused(with({{"scope", {"a", "b"}}}), "invalid_client_metadata");
  expect_refused(with({{"client_uri", "javascript:alert(1)"}}), "invalid_client_metadata");
  expect_refused(with({{"logo_uri", "not a uri"}}), "invalid_client_metadata");
  expect_refused(with({{"logo_uri", nullptr}}), "invalid_client_metadata");
  // Logos may live on plain http sites: only redirect URIs carry codes.
  EXPECT_TRUE(validate_client_metadata(with({{"logo_uri", "http://cdn.example/logo.png"}})).ok());
}

TEST(ClientMetadataTest, NonObjectBodiesAreRefused) {
  for (const auto& body : {nlohmann::json::array(), nlohmann::json("x"), nlohmann::json(nullptr)})
    expect_refused(body, "invalid_client_metadata");
}

}  // namespace
}  // namespace toolauth::idp
