// Connections on the data plane (read) and the ARM-like control plane (write).

#include <gtest/gtest.h>

#include "stack.h"

namespace toolauth::emulator {
namespace {

using testing::HttpReply;
using testing::Stack;

class ConnectionsApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new Stack();
    token_ = new std::string(stack_->user_token("alice"));
  }
  static void TearDownTestSuite() {
    delete stack_;
    delete token_;
  }
  HttpReply get(const std::string& path) {
    return stack_->call(http::Method::get, stack_->project_url("alpha") + path, *token_);
  }
  std::string arm_url(std::string_view project, std::string_view name,
                      std::string_view subscription = "3994693e-a3ae-4e68-9323-451b4a95902a") {
    return stack_->emulator().url() + "/subscriptions/" + std::string(subscription) +
           "/resourceGroups/toolauth/providers/Microsoft.CognitiveServices/accounts/toolauth/"
           "projects/" +
           std::string(project) + "/connections/" + std::string(name) +
           "?api-version=2025-04-01-preview";
  }
  static Stack* stack_;
  static std::string* token_;
};
Stack* ConnectionsApiTest::stack_ = nullptr;
std::string* ConnectionsApiTest::token_ = nullptr;

TEST_F(ConnectionsApiTest, ListsTheProjectsConnectionsWithoutSecrets) {
  auto reply = get("/connections?api-version=v1");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["value"].size(), 8u);
  EXPECT_EQ(reply.text.find("tak-primary"), std::string::npos);
  EXPECT_EQ(reply.text.find("connector-secret"), std::string::npos);
}

TEST_F(ConnectionsApiTest, GetsOneInFoundrysShape) {
  auto reply = get("/connections/api-key?api-version=v1");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["name"], "api-key");
  EXPECT_EQ(reply.body["type"], "RemoteTool_Preview");
  EXPECT_EQ(reply.body["credentials"], nlohmann::json({{"type", "CustomKeys"}}));
  EXPECT_TRUE(reply.body["id"].get<std::string>().ends_with("/projects/alpha/connections/api-key"));
}

TEST_F(ConnectionsApiTest, GetConnectionWithCredentialsShowsTheKeys) {
  auto reply = stack_->call(http::Method::post,
                            stack_->project_url("alpha") +
                                "/connections/api-key/getConnectionWithCredentials?api-version=v1",
                            *token_);
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["credentials"]["keys"]["X-API-Key"], "tak-primary-5b9d2e71c0a84f36");
}

TEST_F(ConnectionsApiTest, EchoesTheClientRequestId) {
  http::Headers headers;
  headers.set("x-ms-client-request-id", "req-42");
  auto reply =
      stack_->call(http::Method::get, stack_->project_url("alpha") + "/connections?api-version=v1",
                   *token_, nullptr, headers);
  EXPECT_EQ(reply.headers.get("x-ms-client-request-id"), "req-42");
}

TEST_F(ConnectionsApiTest, UnknownConnectionIs404) {
  auto reply = get("/connections/nope?api-version=v1");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.error_code(), "NotFound");
  EXPECT_EQ(reply.inner_code(), "ConnectionNotFound");
}

TEST_F(ConnectionsApiTest, UnknownProjectIs404) {
  auto reply = stack_->call(http::Method::get,
                            stack_->project_url("gamma") + "/connections?api-version=v1", *token_);
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.inner_code(), "ProjectNotFound");
}

TEST_F(ConnectionsApiTest, BadApiVersionIs400) {
  auto reply = get("/connections?api-version=2023-01-01");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error_code(), "UnsupportedApiVersion");
  EXPECT_EQ(get("/connections").error_code(), "MissingApiVersionParameter");
}

TEST_F(ConnectionsApiTest, BetasConnectionIsNotAlphas) {
  auto beta = stack_->call(http::Method::get,
                           stack_->project_url("beta") + "/connections/oauth-invoke?api-version=v1",
                           *token_);
  auto alpha = get("/connections/oauth-invoke?api-version=v1");
  ASSERT_EQ(beta.status, 200);
  EXPECT_EQ(beta.body["target"], alpha.body["target"]);
  EXPECT_NE(beta.body["id"], alpha.body["id"]);
}

TEST_F(ConnectionsApiTest, ControlPlaneCreatesUpdatesAndDeletesAnOAuth2Connection) {
  nlohmann::json body = {{"properties",
                          {{"category", "RemoteTool"},
                           {"authType", "OAuth2"},
                           {"target", stack_->mcp().url() + "/mcp/bearer"},
                           {"credentials", {{"clientId", "cid"}, {"clientSecret", "very-secret"}}},
                           {"authorizationUrl", "https://idp.example/authorize"},
                           {"tokenUrl", "https://idp.example/token"},
                           {"refreshUrl", "https://idp.example/refresh"},
                           {"scopes", {"api://x/Tools.Invoke", "offline_access"}}}}};
  auto created = stack_->call(http::Method::put, arm_url("alpha", "my-oauth"), *token_, body);
  ASSERT_EQ(created.status, 201) << created.text;
  EXPECT_EQ(created.body["properties"]["redirectUrl"],
            stack_->emulator().url() + "/oauth/callback");
  EXPECT_EQ(created.body["properties"]["refreshUrl"], "https://idp.example/refresh");
  EXPECT_EQ(created.text.find("very-secret"), std::string::npos);
  EXPECT_EQ(get("/connections/my-oauth?api-version=v1").body["credentials"]["type"], "OAuth2");

  body["properties"]["scopes"] = {"api://x/Tools.Read"};
  auto updated = stack_->call(http::Method::put, arm_url("alpha", "my-oauth"), *token_, body);
  EXPECT_EQ(updated.status, 200) << updated.text;
  EXPECT_EQ(updated.body["properties"]["scopes"], nlohmann::json({"api://x/Tools.Read"}));

  EXPECT_EQ(stack_->call(http::Method::delete_, arm_url("alpha", "my-oauth"), *token_).status, 200);
  EXPECT_EQ(stack_->call(http::Method::delete_, arm_url("alpha", "my-oauth"), *token_).status, 204);
  EXPECT_EQ(get("/connections/my-oauth?api-version=v1").status, 404);
}

TEST_F(ConnectionsApiTest, ControlPlaneRefusesMalformedJson) {
  auto reply =
      stack_->call_raw(http::Method::put, arm_url("alpha", "x"), *token_, "{\"properties\":");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error_code(), "invalid_request");
}

TEST_F(ConnectionsApiTest, ControlPlaneValidationNamesThePath) {
  auto reply = stack_->call(
      http::Method::put, arm_url("alpha", "x"), *token_,
      {{"properties",
        {{"category", "RemoteTool"}, {"authType", "CustomKeys"}, {"target", "https://m/mcp"}}}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error_code(), "ValidationError");
  EXPECT_NE(reply.body["error"]["message"].get<std::string>().find("credentials.keys"),
            std::string::npos);
}

TEST_F(ConnectionsApiTest, ControlPlaneOfAnotherSubscriptionIs404) {
  auto reply =
      stack_->call(http::Method::get,
                   arm_url("alpha", "api-key", "00000000-0000-0000-0000-000000000000"), *token_);
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.error_code(), "ResourceNotFound");
}

}  // namespace
}  // namespace toolauth::emulator
