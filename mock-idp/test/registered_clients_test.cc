#include "toolauth/idp/registered_clients.h"

#include <gtest/gtest.h>

#include "test_world.h"
#include "toolauth/core/random.h"

namespace toolauth::idp {
namespace {

ClientRegistration registration(std::string secret = "s3cret", std::string tenant = "fabrikam") {
  ClientRegistration r;
  r.client_id = core::uuid_v4();
  r.object_id = core::uuid_v4();
  r.tenant = std::move(tenant);
  r.client_secret = std::move(secret);
  r.issued_at = 1'700'000'000;
  r.metadata = {
      {"redirect_uris", {"https://client.example/callback"}},
      {"token_endpoint_auth_method", r.client_secret.empty() ? "none" : "client_secret_post"},
      {"grant_types", {"authorization_code", "refresh_token"}},
      {"response_types", {"code"}},
      {"client_name", "Example"}};
  return r;
}

std::size_t dynamic_applications(const Directory& directory) {
  return static_cast<std::size_t>(
      std::count_if(directory.applications.begin(), directory.applications.end(),
                    [](const Application& a) { return a.registered_dynamically; }));
}

TEST(RegisteredClientsTest, AddPutsTheClientInTheDirectory) {
  auto directory = testing::default_directory();
  RegisteredClients clients;
  const auto confidential = registration();
  const auto public_client = registration("");
  ASSERT_TRUE(clients.add(directory, confidential));
  ASSERT_TRUE(clients.add(directory, public_client));

  const auto* app = directory.find_application(confidential.client_id);
  ASSERT_NE(app, nullptr);
  EXPECT_TRUE(app->registered_dynamically);
  EXPECT_FALSE(app->public_client);
  ASSERT_EQ(app->secrets.size(), 1u);
  EXPECT_EQ(app->secrets[0].value, "s3cret");
  EXPECT_EQ(app->name, confidential.client_id);
  EXPECT_EQ(app->object_id, confidential.object_id);
  EXPECT_EQ(app->tenant, "fabrikam");
  EXPECT_EQ(app->display_name, "Example");
  EXPECT_EQ(app->redirect_uris, std::vector<std::string>{"https://client.example/callback"});
  EXPECT_TRUE(app->allows_grant("refresh_token"));
  EXPECT_FALSE(app->allows_grant("client_credentials"));
  EXPECT_TRUE(directory.find_application(public_client.client_id)->public_client);
  EXPECT_EQ(clients.find(confidential.client_id)->issued_at, 1'700'000'000);
}

TEST(RegisteredClientsTest, ResponseFollowsRfc7591) {
  const auto r = registration();
  const auto body = r.response();
  EXPECT_EQ(body["client_id"], r.client_id);
  EXPECT_EQ(body["client_secret"], "s3cret");
  EXPECT_EQ(body["client_secret_expires_at"], 0);
  EXPECT_EQ(body["client_id_issued_at"], 1'700'000'000);
  EXPECT_EQ(body["client_name"], "Example");
  EXPECT_FALSE(registration("").response().contains("client_secret"));
}

TEST(RegisteredClientsTest, TakenClientIdsAreRefused) {
  auto directory = testing::default_directory();
  RegisteredClients clients;
  auto r = registration();
  r.client_id = directory.application_named("foundry")->client_id;
  EXPECT_FALSE(clients.add(directory, r));
  r.client_id = directory.identity_named("agent-one")->client_id;
  EXPECT_FALSE(clients.add(directory, r));
  EXPECT_EQ(clients.size(), 0u);
}

TEST(RegisteredClientsTest, AtMostKMaxClients) {
  auto directory = testing::default_directory();
  RegisteredClients clients;
  for (std::size_t i = 0; i < RegisteredClients::kMaxClients; ++i)
    ASSERT_TRUE(clients.add(directory, registration()));
  EXPECT_FALSE(clients.add(directory, registration()));
  EXPECT_EQ(dynamic_applications(directory), RegisteredClients::kMaxClients);
}

TEST(RegisteredClientsTest, JsonRoundTripRestoresTheApplications) {
  auto directory = testing::default_directory();
  RegisteredClients clients;
  const auto r = registration();
  ASSERT_TRUE(clients.add(directory, r));
  ASSERT_TRUE(clients.add(directory, registration("")));

  auto restarted_directory = testing::default_directory();
  RegisteredClients restarted;
  restarted.load_json(clients.to_json(), restarted_directory);
  EXPECT_EQ(restarted.to_json(), clients.to_json());
  EXPECT_EQ(dynamic_applications(restarted_directory), 2u);
  const auto* app = restarted_directory.find_application(r.client_id);
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->secrets.at(0).value, "s3cret");
}

TEST(RegisteredClientsTest, LoadReplacesEarlierRegistrations) {
  auto directory = testing::default_directory();
  RegisteredClients clients;
  const auto stale = registration();
  ASSERT_TRUE(clients.add(directory, stale));
  RegisteredClients other;
  auto other_directory = testing::default_directory();
  const auto kept = registration();
  ASSERT_TRUE(other.add(other_directory, kept));

  clients.load_json(other.to_json(), directory);
  EXPECT_EQ(directory.find_application(stale.client_id), nullptr);
  EXPECT_NE(directory.find_application(kept.client_id), nullptr);
  EXPECT_EQ(dynamic_applications(directory), 1u);
  EXPECT_NE(directory.application_named("foundry"), nullptr);  // fixtures stay
}

TEST(RegisteredClientsTest, LoadSkipsEntriesARegistrationWouldRefuse) {
  // Imported state comes from outside (PUT /_admin/state).
  auto entry = [&](auto change) {
    auto r = registration();
    change(r);
    RegisteredClients one;
    auto d = testing::default_directory();
    EXPECT_TRUE(one.add(d, r));
    return one.to_json()[0];
  };
  nlohmann::json document = nlohmann::json::array({
      entry([](ClientRegistration& r) { r.client_id = "not-a-guid"; }),
      entry([](ClientRegistration& r) { r.tenant = "contoso"; }),  // an entra tenant
      entry([](ClientRegistration& r) { r.tenant = "nowhere"; }),
      entry([](ClientRegistration& r) {
        r.metadata["redirect_uris"] = {"http://attacker.example/cb"};
      }),
      entry([](ClientRegistration& r) { r.client_secret.clear(); }),  // method says confidential
      entry([](ClientRegistration& r) { r.metadata.erase("grant_types"); }),  // defaults apply
      nlohmann::json("garbage"),
      nlohmann::json{{"client_id", 5}, {"metadata", "x"}},
  });
  auto directory = testing::default_directory();
  RegisteredClients clients;
  clients.load_json(document, directory);
  ASSERT_EQ(clients.size(), 1u);
  EXPECT_EQ(directory.find_application(document[5]["client_id"].get<std::string>())->grants,
            std::vector<std::string>{"authorization_code"});
  clients.load_json(nlohmann::json("not an array"), directory);
  EXPECT_EQ(clients.size(), 0u);
  EXPECT_EQ(dynamic_applications(directory), 0u);
}

}  // namespace
}  // namespace toolauth::idp
