// The three servers started together on free ports: every template follows the ports the run
// got, the ready document has every section, and a caller reaches an MCP tool through the
// emulator (the emulator verified the IdP's token and called mock-mcp at their real URLs).
#include "local_stack.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <future>
#include <thread>

#include "toolauth/core/json.h"
#include "toolauth/core/random.h"
#include "toolauth/http/client.h"
#include "toolauth/http/params.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const nlohmann::json& named(const nlohmann::json& list, const std::string& name) {
  for (const auto& entry : list) {
    if (entry.value("name", "") == name) return entry;
  }
  throw std::runtime_error("nothing named " + name);
}

class LocalStackTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("local-stack-test-" + core::random_hex(8)));
    io_ = new boost::asio::io_context(1);
    LocalStack::Options o;
    o.idp_port = o.idp_mi_port = o.mcp_port = o.emulator_port = 0;
    o.emulator_http_port = 0;
    o.state_dir = *dir_;
    auto started = LocalStack::start(io_->get_executor(), *clock_, o);
    if (!started.ok()) throw std::runtime_error(started.error().message());
    stack_ = started->release();
    ready_ = new nlohmann::json(stack_->ready_document());
    work_ = new Work(boost::asio::make_work_guard(*io_));
    thread_ = new std::thread([] { io_->run(); });
  }
  static void TearDownTestSuite() {
    boost::asio::post(*io_, [] { stack_->stop(); });
    work_->reset();
    thread_->join();
    delete thread_;
    delete work_;
    delete stack_;
    delete io_;
    delete ready_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  static const nlohmann::json& ready() { return *ready_; }
  static std::string at(const char* pointer) {
    return ready().at(nlohmann::json::json_pointer(pointer)).get<std::string>();
  }

  static http::ClientResponse send(http::ClientRequest request) {
    const auto ca = at("/ca_file");
    auto response = toolauth::testing::run_sync<core::Result<http::ClientResponse>>(
        [&]() -> boost::asio::awaitable<core::Result<http::ClientResponse>> {
          http::Client client(co_await boost::asio::this_coro::executor, {.ca_file = ca});
          co_return co_await client.send(request);
        });
    if (!response.ok()) throw std::runtime_error(response.error().message());
    return *response;
  }

  static std::string alice_token() {
    const auto& world = ready()["world"];
    const auto& alice = named(world["users"], "alice");
    const auto& contoso = named(world["tenants"], "contoso");
    http::ClientRequest request{
        .method = http::Method::post,
        .url = at("/idp/url") + "/" + contoso["id"].get<std::string>() + "/oauth2/v2.0/token"};
    request.headers.set("Content-Type", "application/x-www-form-urlencoded");
    request.body = http::encode_form(
        {{"grant_type", "password"},
         {"client_id", named(world["clients"], "caller")["client_id"].get<std::string>()},
         {"username", alice["username"].get<std::string>()},
         {"password", alice["password"].get<std::string>()},
         {"scope", "https://ai.azure.com/user_impersonation"}});
    auto reply = send(std::move(request));
    if (reply.status != 200) throw std::runtime_error("ROPC failed: " + reply.body);
    return core::parse_json(reply.body).value()["access_token"].get<std::string>();
  }

  using Work = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  static inline std::filesystem::path* dir_ = nullptr;
  static inline core::SystemClock* clock_ = new core::SystemClock();
  static inline boost::asio::io_context* io_ = nullptr;
  static inline LocalStack* stack_ = nullptr;
  static inline nlohmann::json* ready_ = nullptr;
  static inline Work* work_ = nullptr;
  static inline std::thread* thread_ = nullptr;
};

TEST_F(LocalStackTest, ReadyDocumentHasEverySection) {
  for (const char* key : {"ca_file", "idp", "mcp", "emulator", "env", "world"})
    EXPECT_TRUE(ready().contains(key)) << key;
  for (const char* key :
       {"tenants", "users", "clients", "resources", "identities", "mounts", "projects"})
    EXPECT_TRUE(ready()["world"].contains(key)) << key;
  EXPECT_THAT(at("/ca_file"), StartsWith("/"));
  EXPECT_THAT(at("/emulator/http_url"), StartsWith("http://localhost:"));
  EXPECT_THAT(at("/idp/mi_url"), StartsWith("http://localhost:"));
}

TEST_F(LocalStackTest, PortZeroGetsFreePortsNotTheDefaults) {
  for (const char* pointer : {"/emulator/url", "/idp/url", "/mcp/url"}) {
    const auto url = at(pointer);
    for (const char* default_port : {":4780", ":4781", ":4783"})
      EXPECT_THAT(url, ::testing::Not(::testing::EndsWith(default_port))) << url;
  }
}

TEST_F(LocalStackTest, EnvNamesWhatAClientNeeds) {
  const auto& env = ready()["env"];
  EXPECT_EQ(env["NODE_EXTRA_CA_CERTS"], at("/ca_file"));
  EXPECT_EQ(env["IDENTITY_ENDPOINT"], at("/idp/mi_url") + "/msi/token");
  EXPECT_FALSE(env["IDENTITY_HEADER"].get<std::string>().empty());
  EXPECT_EQ(env["TOOLAUTH_EMULATOR_URL"], at("/emulator/url"));
  EXPECT_EQ(env["TOOLAUTH_EMULATOR_HTTP_URL"], at("/emulator/http_url"));
  EXPECT_EQ(env["TOOLAUTH_IDP_URL"], at("/idp/url"));
  EXPECT_EQ(env["TOOLAUTH_MCP_URL"], at("/mcp/url"));
  EXPECT_EQ(env["AZURE_AI_PROJECT_ENDPOINT"], at("/emulator/url") + "/api/projects/alpha");
}

TEST_F(LocalStackTest, TemplatesFollowTheActualUrls) {
  const auto& world = ready()["world"];
  // The connector app's redirect URIs are the emulator's callbacks.
  EXPECT_THAT(named(world["clients"], "connector")["redirect_uris"],
              ::testing::UnorderedElementsAre(at("/emulator/url") + "/oauth/callback",
                                              at("/emulator/http_url") + "/oauth/callback"));
  // The fabrikam MCP resource is the mock-mcp mount it protects.
  EXPECT_EQ(named(world["resources"], "fabrikam-mcp")["app_id_uri"],
            at("/mcp/url") + "/mcp/bearer-fabrikam");
  // Connections point at mock-mcp; bearer mounts trust the IdP.
  const auto& alpha = named(world["projects"], "alpha");
  EXPECT_EQ(named(alpha["connections"], "open")["target"], at("/mcp/url") + "/mcp/open");
  EXPECT_THAT(named(world["mounts"], "bearer")["issuer"].get<std::string>(),
              StartsWith(at("/idp/url") + "/"));
}

TEST_F(LocalStackTest, OneClockForAllThree) {
  http::ClientRequest advance{.method = http::Method::post,
                              .url = at("/emulator/url") + "/_admin/clock",
                              .body = R"({"advance_seconds": 3600})"};
  advance.headers.set("Content-Type", "application/json");
  ASSERT_EQ(send(advance).status, 200);
  for (const char* pointer : {"/idp/url", "/mcp/url"}) {
    auto reply = send({.method = http::Method::get, .url = at(pointer) + "/_admin/clock"});
    ASSERT_EQ(reply.status, 200);
    EXPECT_GE(core::parse_json(reply.body).value()["offset_seconds"].get<double>(), 3600.0)
        << pointer;
  }
  http::ClientRequest back{.method = http::Method::post,
                           .url = at("/idp/url") + "/_admin/clock",
                           .body = R"({"offset_seconds": 0})"};
  back.headers.set("Content-Type", "application/json");
  ASSERT_EQ(send(back).status, 200);
}

TEST_F(LocalStackTest, CallerReachesAnMcpToolThroughTheEmulator) {
  http::ClientRequest request{
      .method = http::Method::post,
      .url = named(ready()["world"]["projects"], "alpha")["url"].get<std::string>() +
             "/openai/v1/responses",
      .body = R"({"agent": {"type": "agent_reference", "name": "api-key-agent"},
                  "input": "whoami"})"};
  request.headers.set("Authorization", "Bearer " + alice_token());
  request.headers.set("Content-Type", "application/json");
  auto reply = send(std::move(request));
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto body = core::parse_json(reply.body).value();
  bool called = false;
  for (const auto& item : body["output"]) {
    if (item["type"] != "mcp_call") continue;
    called = true;
    EXPECT_EQ(item["name"], "whoami");
    EXPECT_EQ(item["status"], "completed") << item.dump();
    EXPECT_THAT(item.value("output", ""), HasSubstr("api-key"));
  }
  EXPECT_TRUE(called) << body.dump();
}

TEST_F(LocalStackTest, ProjectManagedIdentityReachesTheStacksOwnIdp) {
  // The emulator must fetch project identity tokens from this stack's managed identity
  // listener (port 0), not from the default port.
  http::ClientRequest request{
      .method = http::Method::post,
      .url = named(ready()["world"]["projects"], "alpha")["url"].get<std::string>() +
             "/openai/v1/responses",
      .body = R"({"agent": {"type": "agent_reference", "name": "project-mi-agent"},
                  "input": "whoami"})"};
  request.headers.set("Authorization", "Bearer " + alice_token());
  request.headers.set("Content-Type", "application/json");
  auto reply = send(std::move(request));
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto body = core::parse_json(reply.body).value();
  const auto identity = named(ready()["world"]["identities"], "project-alpha");
  bool called = false;
  for (const auto& item : body["output"]) {
    if (item["type"] != "mcp_call") continue;
    called = true;
    EXPECT_EQ(item["status"], "completed") << item.dump();
    EXPECT_THAT(item.value("output", ""), HasSubstr(identity["object_id"].get<std::string>()));
  }
  EXPECT_TRUE(called) << body.dump();
}

TEST(MergeReadyDocumentsTest, MergesEnvAndWorldAndKeepsTheFirstOfEverythingElse) {
  const auto merged = merge_ready_documents({{{"ca_file", "/a"},
                                              {"idp", {{"url", "i"}}},
                                              {"env", {{"A", "1"}}},
                                              {"world", {{"users", {1}}}}},
                                             {{"ca_file", "/b"},
                                              {"mcp", {{"url", "m"}}},
                                              {"env", {{"A", "2"}, {"B", "3"}}},
                                              {"world", {{"mounts", {2}}}}}});
  EXPECT_EQ(merged["ca_file"], "/a");
  EXPECT_EQ(merged["idp"]["url"], "i");
  EXPECT_EQ(merged["mcp"]["url"], "m");
  EXPECT_EQ(merged["env"], (nlohmann::json{{"A", "1"}, {"B", "3"}}));
  EXPECT_EQ(merged["world"], (nlohmann::json{{"users", {1}}, {"mounts", {2}}}));
}

TEST(MergeReadyDocumentsTest, DefectsAreEveryServersDefects) {
  const auto merged = merge_ready_documents({{{"defects", nlohmann::json::array()}},
                                             {{"defects", {"accept-expired"}}},
                                             {{"defects", {"no-pkce", "skip-state-check"}}}});
  EXPECT_EQ(merged["defects"], (nlohmann::json{"accept-expired", "no-pkce", "skip-state-check"}));
}

TEST(UrlOfTest, BracketsIpv6Literals) {
  EXPECT_EQ(url_of("https", "localhost", 4780), "https://localhost:4780");
  EXPECT_EQ(url_of("http", "127.0.0.1", 1), "http://127.0.0.1:1");
  EXPECT_EQ(url_of("https", "::1", 4781), "https://[::1]:4781");
}

}  // namespace
}  // namespace toolauth::cli
