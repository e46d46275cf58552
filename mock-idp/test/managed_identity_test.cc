// The managed identity endpoints (IMDS and App Service) over plain HTTP against a running IdP.

#include <gtest/gtest.h>

#include "idp_server_thread.h"
#include "toolauth/core/random.h"

namespace toolauth::idp {
namespace {

using testing::aadsts;
using testing::claims_of;

constexpr std::string_view kImds = "/metadata/identity/oauth2/token?api-version=2018-02-01";

class ManagedIdentityTest : public ::testing::Test {
 protected:
  testing::IdpServerThread idp_;
  const Directory& d_ = idp_.directory();
  const Identity& alpha_ = *d_.identity_named("project-alpha");
  const Identity& uami_ = *d_.identity_named("tools-uami");

  std::string identity_header() {
    return idp_.ready_document()["env"]["IDENTITY_HEADER"].get<std::string>();
  }
  testing::Reply imds(const std::string& query,
                      const testing::HeaderList& headers = {{"Metadata", "true"}}) {
    return idp_.get_mi(std::string(kImds) + query, headers);
  }
  testing::Reply app_service(const std::string& query, std::optional<std::string> header) {
    testing::HeaderList headers;
    if (header) headers.emplace_back("X-IDENTITY-HEADER", *header);
    return idp_.get_mi("/msi/token?api-version=2019-08-01" + query, headers);
  }
  std::string mcp_api_uri() { return "api://" + d_.application_named("mcp-api")->client_id; }
};

TEST_F(ManagedIdentityTest, ImdsGivesSystemAssignedTokenWithEveryValueAString) {
  auto reply = imds("&resource=https://ai.azure.com/");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  for (const auto* key : {"access_token", "refresh_token", "expires_in", "expires_on",
                          "ext_expires_in", "not_before", "resource", "token_type", "client_id"}) {
    ASSERT_TRUE(reply.body.contains(key)) << key;
    EXPECT_TRUE(reply.body[key].is_string()) << key;
  }
  EXPECT_EQ(reply.body["refresh_token"], "");
  EXPECT_EQ(reply.body["expires_in"], "3600");
  EXPECT_EQ(reply.body["resource"], "https://ai.azure.com/");
  EXPECT_EQ(reply.body["token_type"], "Bearer");
  EXPECT_EQ(reply.body["client_id"], alpha_.client_id);
  EXPECT_EQ(reply.headers.get("cache-control"), "no-store");

  const auto claims = claims_of(reply.body["access_token"]);
  EXPECT_EQ(std::to_string(claims["exp"].get<std::int64_t>()), reply.body["expires_on"]);
  EXPECT_EQ(std::to_string(claims["nbf"].get<std::int64_t>()), reply.body["not_before"]);
  EXPECT_EQ(claims["aud"], "https://ai.azure.com/");  // as requested
  EXPECT_EQ(claims["iss"], idp_.server().url() + "/" + idp_.tenant("contoso").id + "/");
  EXPECT_EQ(claims["ver"], "1.0");
  EXPECT_EQ(claims["appid"], alpha_.client_id);
  EXPECT_EQ(claims["appidacr"], "2");
  EXPECT_EQ(claims["idtyp"], "app");
  EXPECT_EQ(claims["oid"], alpha_.object_id);
  EXPECT_EQ(claims["sub"], alpha_.object_id);
  EXPECT_EQ(claims["xms_mirid"], alpha_.resource_id);
  EXPECT_FALSE(claims.contains("roles"));

  auto journal = idp_.server().provider().journal().query({.kind = "managed_identity"});
  ASSERT_EQ(journal.size(), 1u);
  EXPECT_EQ(journal[0].fields["source"], "imds");
  EXPECT_EQ(journal[0].fields["identity"], "project-alpha");
  EXPECT_EQ(journal[0].fields["resource"], "https://ai.azure.com/");
  EXPECT_EQ(journal[0].fields["outcome"], "issued");
  EXPECT_EQ(journal[0].fields.dump().find(reply.body["access_token"].get<std::string>()),
            std::string::npos);
}

TEST_F(ManagedIdentityTest, TokenCarriesTheIdentitysApplicationPermissionsAsRoles) {
  auto reply = imds("&resource=" + mcp_api_uri() + "/.default");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(reply.body["resource"], mcp_api_uri());
  const auto claims = claims_of(reply.body["access_token"]);
  EXPECT_EQ(claims["aud"], mcp_api_uri());
  EXPECT_EQ(claims["roles"], nlohmann::json({"Tools.Invoke.All"}));
}

TEST_F(ManagedIdentityTest, ImdsPathWithDoubledSlashAsMsalBuildsItIsServed) {
  auto reply = idp_.get_mi("/" + std::string(kImds) + "&resource=api://AzureADTokenExchange",
                           {{"Metadata", "true"}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(claims_of(reply.body["access_token"])["aud"], "api://AzureADTokenExchange");
}

// MSAL Node 5.6 (@azure/identity 4.13) asks for ".../oauth2/token/?api-version=2018-02-01".
TEST_F(ManagedIdentityTest, ImdsPathWithTrailingSlashAsMsalNodeBuildsItIsServed) {
  for (const std::string prefix : {"", "/"}) {
    auto reply = idp_.get_mi(prefix +
                                 "/metadata/identity/oauth2/token/?api-version=2018-02-01"
                                 "&resource=api://AzureADTokenExchange",
                             {{"Metadata", "true"}});
    ASSERT_EQ(reply.status, 200) << prefix << reply.body.dump();
    EXPECT_EQ(claims_of(reply.body["access_token"])["aud"], "api://AzureADTokenExchange");
  }
}

TEST_F(ManagedIdentityTest, ImdsWithoutMetadataHeaderIsRefused) {
  for (const auto& headers : {testing::HeaderList{}, testing::HeaderList{{"Metadata", "false"}}}) {
    auto reply = imds("&resource=https://ai.azure.com", headers);
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(reply.body,
              nlohmann::json({{"error", "invalid_request"},
                              {"error_description", "Required metadata header not specified"}}));
  }
  auto journal = idp_.server().provider().journal().query(
      {.kind = "managed_identity", .where = {{"outcome", "error"}}});
  EXPECT_EQ(journal.size(), 2u);
}

TEST_F(ManagedIdentityTest, ImdsParameterErrors) {
  auto reply = imds("");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error_description"], "Required audience parameter not specified");
  reply = idp_.get_mi("/metadata/identity/oauth2/token?resource=https://ai.azure.com",
                      {{"Metadata", "true"}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "invalid_request");
  reply = imds("&resource=https://ai.azure.com&resource=https://ai.azure.com");
  EXPECT_EQ(reply.status, 400);
  reply = imds("&resource=https://ai.azure.com&client_id=" + uami_.client_id +
               "&object_id=" + uami_.object_id);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "invalid_request");
}

TEST_F(ManagedIdentityTest, UserAssignedIdentityIsSelectedByEachSelectorOnBothEndpoints) {
  const std::vector<std::string> selectors = {
      "&client_id=" + uami_.client_id, "&object_id=" + uami_.object_id,
      "&msi_res_id=" + uami_.resource_id, "&mi_res_id=" + uami_.resource_id};
  for (const auto& selector : selectors) {
    auto reply = imds("&resource=https://ai.azure.com" + selector);
    ASSERT_EQ(reply.status, 200) << selector << reply.body.dump();
    EXPECT_EQ(reply.body["client_id"], uami_.client_id) << selector;
    auto claims = claims_of(reply.body["access_token"]);
    EXPECT_EQ(claims["oid"], uami_.object_id) << selector;
    EXPECT_EQ(claims["xms_mirid"], uami_.resource_id) << selector;

    reply = app_service("&resource=https://ai.azure.com" + selector, identity_header());
    ASSERT_EQ(reply.status, 200) << selector << reply.body.dump();
    EXPECT_EQ(reply.body["client_id"], uami_.client_id) << selector;
  }
}

TEST_F(ManagedIdentityTest, UnknownIdentityIsRefusedWith400) {
  const std::vector<std::string> selectors = {
      "&client_id=" + core::uuid_v4(), "&object_id=" + core::uuid_v4(),
      "&msi_res_id=/subscriptions/x/resourceGroups/y",
      "&client_id=" + d_.identity_named("agent-blueprint")->client_id};
  for (const auto& selector : selectors) {
    auto reply = imds("&resource=https://ai.azure.com" + selector);
    EXPECT_EQ(reply.status, 400) << selector;
    EXPECT_EQ(reply.body, nlohmann::json({{"error", "invalid_request"},
                                          {"error_description", "Identity not found"}}));
    reply = app_service("&resource=https://ai.azure.com" + selector, identity_header());
    EXPECT_EQ(reply.status, 400) << selector;
    EXPECT_EQ(reply.body["statusCode"], 400);
    EXPECT_EQ(reply.body["message"], "Identity not found");
  }
}

TEST_F(ManagedIdentityTest, UnknownResourceIsRefusedWithEntrasBodyAnd400) {
  auto reply = imds("&resource=https://management.example.invalid/");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "invalid_resource");
  EXPECT_EQ(aadsts(reply), 500011);
}

TEST_F(ManagedIdentityTest, AppServiceGivesTokenInItsShape) {
  auto reply = app_service("&resource=https://ai.azure.com", identity_header());
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  std::vector<std::string> keys;
  for (const auto& [key, value] : reply.body.items()) {
    keys.push_back(key);
    EXPECT_TRUE(value.is_string()) << key;
  }
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"access_token", "client_id", "expires_on", "resource",
                                            "token_type"}));
  EXPECT_EQ(reply.body["client_id"], alpha_.client_id);
  const auto claims = claims_of(reply.body["access_token"]);
  EXPECT_EQ(std::to_string(claims["exp"].get<std::int64_t>()), reply.body["expires_on"]);
}

TEST_F(ManagedIdentityTest, AppServiceWithoutIdentityHeaderIsRefusedWith401) {
  EXPECT_EQ(app_service("&resource=https://ai.azure.com", std::nullopt).status, 401);
}

TEST_F(ManagedIdentityTest, AppServiceWithWrongIdentityHeaderIsRefusedWith403) {
  auto wrong = identity_header();
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  auto reply = app_service("&resource=https://ai.azure.com", wrong);
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.body.dump().find(identity_header()), std::string::npos);
}

TEST_F(ManagedIdentityTest, AppServiceRefusesOtherApiVersions) {
  auto reply = idp_.get_mi("/msi/token?api-version=2017-09-01&resource=https://ai.azure.com",
                           {{"X-IDENTITY-HEADER", identity_header()}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["statusCode"], 400);
}

TEST_F(ManagedIdentityTest, ReadyDocumentPointsAzureSdksAtBothEndpoints) {
  const auto env = idp_.ready_document()["env"];
  EXPECT_EQ(env["IDENTITY_ENDPOINT"], idp_.server().mi_url() + "/msi/token");
  EXPECT_EQ(env["AZURE_POD_IDENTITY_AUTHORITY_HOST"], idp_.server().mi_url());
  EXPECT_GE(env["IDENTITY_HEADER"].get<std::string>().size(), 32u);
}

TEST_F(ManagedIdentityTest, InjectedFaultAnswersInsteadOfTheToken) {
  auto added = idp_.server().provider().faults().add(
      {{"match",
        {{"endpoint", "managed_identity"}, {"source", "imds"}, {"client_id", uami_.client_id}}},
       {"action", {{"status", 503}}},
       {"count", 1}});
  ASSERT_TRUE(added.ok()) << added.error().message();
  auto reply = imds("&resource=https://ai.azure.com&client_id=" + uami_.client_id);
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(imds("&resource=https://ai.azure.com").status, 200);  // another identity
  EXPECT_EQ(imds("&resource=https://ai.azure.com&client_id=" + uami_.client_id).status, 200);
  auto journal = idp_.server().provider().journal().query(
      {.kind = "managed_identity", .where = {{"outcome", "fault"}}});
  EXPECT_EQ(journal.size(), 1u);
}

TEST(ManagedIdentityStateTest, IdentityHeaderSurvivesARestart) {
  const auto state =
      std::filesystem::temp_directory_path() / ("idp-mi-state-" + core::random_hex(8));
  std::string first;
  {
    testing::IdpServerThread idp({.state_dir = state});
    first = idp.ready_document()["env"]["IDENTITY_HEADER"];
  }
  {
    testing::IdpServerThread idp({.state_dir = state});
    EXPECT_EQ(idp.ready_document()["env"]["IDENTITY_HEADER"], first);
    auto reply = idp.get_mi("/msi/token?api-version=2019-08-01&resource=https://ai.azure.com",
                            {{"X-IDENTITY-HEADER", first}});
    EXPECT_EQ(reply.status, 200);
  }
  std::filesystem::remove_all(state);
}

}  // namespace
}  // namespace toolauth::idp
