#pragma once
// Integration tests of the mock IdP over real HTTPS: an IdpServer on port 0 whose io_context
// runs on a background thread, and blocking calls to it through http::Client trusting the
// server's CA.
//
//   IdpInstance idp;                                // built-in world, state in memory
//   auto reply = idp.post_form(idp.token_path("contoso"), {{"grant_type", "..."}});
//   EXPECT_EQ(reply.status, 200);
//   idp.on_server_thread([&] { return idp.provider().refresh_tokens().issue(...); });
//
// Each instance has its own SystemClock, so clock moves through the admin plane stay in the
// test that made them.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "reply.h"
#include "toolauth/core/json.h"
#include "toolauth/http/client.h"
#include "toolauth/http/params.h"
#include "toolauth/idp/idp_server.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/jwks.h"
#include "toolauth/jose/verifier.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::idp::testing {

using toolauth::testing::run_sync;

// A fresh directory under the system temp dir, removed with everything in it afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "toolauth-idp-test-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The built-in world's idp.json, for tests that add principals of their own.
inline nlohmann::json default_fixtures_document() {
  return nlohmann::json::parse(default_idp_fixtures());
}

// Principals the integration tests add to the built-in world (test_fixtures()).
inline constexpr std::string_view kDaemonSecret = "daemon:secret+with/%&= chars";
inline constexpr std::string_view kFabrikamDaemonSecret = "fabrikam-daemon-secret-8c1e";
inline constexpr std::string_view kFabrikamMcpRole = "Mcp.Call";
inline constexpr std::string_view kFabrikamMcpSecret = "fabrikam-mcp-secret-41d7";

// The built-in world plus
//   contoso  "test-daemon"      confidential, client_credentials, mcp-api Tools.Invoke.All;
//                               its secret needs form-encoding in HTTP Basic; with
//                               `certificate_pem` it also holds that certificate
//   fabrikam "fabrikam-daemon"  confidential, client_credentials, fabrikam-mcp Mcp.Call
//   fabrikam-mcp               gains the app role Mcp.Call and a secret (an API that
//                               introspects the tokens it receives)
//   fabrikam user "dave".
inline nlohmann::json test_fixtures(const std::string& certificate_pem = {}) {
  auto document = default_fixtures_document();
  nlohmann::json daemon = {{"name", "test-daemon"},
                           {"client_id", "5f0c7d0e-2b7a-4c38-9d1e-6a4f1e3b2c01"},
                           {"object_id", "0b6e9a51-7c2d-4e8f-a1b3-c4d5e6f70812"},
                           {"tenant", "contoso"},
                           {"secrets", {{{"value", kDaemonSecret}}}},
                           {"grants", {"client_credentials"}},
                           {"app_permissions", {{"mcp-api", {"Tools.Invoke.All"}}}}};
  if (!certificate_pem.empty()) daemon["certificates"] = {{{"certificate_pem", certificate_pem}}};
  document["applications"].push_back(daemon);
  document["applications"].push_back({{"name", "fabrikam-daemon"},
                                      {"client_id", "c2d7e1f4-5a6b-4c8d-9e0f-1a2b3c4d5e6f"},
                                      {"object_id", "e3f4a5b6-c7d8-4e9f-8a0b-1c2d3e4f5a6b"},
                                      {"tenant", "fabrikam"},
                                      {"secrets", {{{"value", kFabrikamDaemonSecret}}}},
                                      {"grants", {"client_credentials"}},
                                      {"app_permissions", {{"fabrikam-mcp", {kFabrikamMcpRole}}}}});
  for (auto& app : document["applications"]) {
    if (app["name"] != "fabrikam-mcp") continue;
    app["app_roles"] = {{{"value", kFabrikamMcpRole}, {"description", "Call the tools"}}};
    app["secrets"] = {{{"value", kFabrikamMcpSecret}}};
  }
  document["users"].push_back({{"name", "dave"},
                               {"username", "dave@fabrikam.onmicrosoft.com"},
                               {"password", "dave-Passw0rd!"},
                               {"oid", "f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9"},
                               {"tenant", "fabrikam"}});
  return document;
}

// The member of `items` (a world array) whose "name" is `name`; fails the test when absent.
inline nlohmann::json named(const nlohmann::json& items, std::string_view name) {
  for (const auto& item : items) {
    if (item.value("name", "") == name) return item;
  }
  ADD_FAILURE() << "no world entry named " << name;
  return nlohmann::json::object();
}

// Checks an Entra error body: status, OAuth error and the one AADSTS code.
inline void expect_aad_error(const Reply& reply, int status, std::string_view error, int code) {
  EXPECT_EQ(reply.status, status) << reply.text;
  EXPECT_EQ(reply.body.value("error", ""), error) << reply.text;
  EXPECT_EQ(reply.body.value("error_codes", nlohmann::json()), nlohmann::json::array({code}))
      << reply.text;
}

struct IdpInstanceOptions {
  std::filesystem::path state_dir;         // empty: state in memory
  std::optional<nlohmann::json> fixtures;  // an idp.json document; absent: the built-in world
  std::uint16_t port = 0;
};

class IdpInstance {
 public:
  explicit IdpInstance(IdpInstanceOptions options = {}) : work_(boost::asio::make_work_guard(io_)) {
    IdpServerOptions o;
    o.port = options.port;
    o.mi_port = 0;
    o.state_dir = options.state_dir;
    o.logger = core::null_logger();
    if (options.fixtures) {
      o.fixtures = files_.path() / "idp.json";
      std::ofstream(o.fixtures) << options.fixtures->dump();
    }
    auto started = IdpServer::start(io_.get_executor(), clock_, o);
    if (!started.ok()) throw std::runtime_error(started.error().message());
    server_ = std::move(*started);
    url_ = server_->url();
    ca_file_ = server_->ca_file().string();
    const auto ready = server_->ready_document();
    world_ = ready["world"];
    mi_url_ = ready["idp"]["mi_url"].get<std::string>();
    thread_ = std::thread([this] { io_.run(); });
  }

  ~IdpInstance() {
    on_server_thread([this] { server_->stop(); });
    work_.reset();
    thread_.join();
    server_.reset();
  }
  IdpInstance(const IdpInstance&) = delete;
  IdpInstance& operator=(const IdpInstance&) = delete;

  const std::string& url() const { return url_; }
  const std::string& mi_url() const { return mi_url_; }
  const std::string& ca_file() const { return ca_file_; }
  std::uint16_t port() const {
    return static_cast<std::uint16_t>(std::stoi(url_.substr(url_.rfind(':') + 1)));
  }
  // The world as the ready document showed it at start.
  const nlohmann::json& world() const { return world_; }
  nlohmann::json client(std::string_view name) const { return named(world_["clients"], name); }
  std::string tenant_id(std::string_view name) const {
    return named(world_["tenants"], name)["id"].get<std::string>();
  }
  // "/<tenant GUID>/oauth2/v2.0/<endpoint>"
  std::string endpoint_path(std::string_view tenant, std::string_view endpoint = "token") const {
    return "/" + tenant_id(tenant) + "/oauth2/v2.0/" + std::string(endpoint);
  }
  // A client_credentials token; fails the test unless one is issued.
  std::string app_token(std::string_view tenant, std::string_view client_id,
                        std::string_view secret, std::string_view scope) const {
    auto reply = post_form(endpoint_path(tenant), {{"grant_type", "client_credentials"},
                                                   {"client_id", std::string(client_id)},
                                                   {"client_secret", std::string(secret)},
                                                   {"scope", std::string(scope)}});
    EXPECT_EQ(reply.status, 200) << reply.text;
    return reply.body.value("access_token", "");
  }
  // A refresh token stored as a grant would store it (in `family`, or a new family), for tests
  // of the endpoints that take refresh tokens back.
  std::string issue_refresh_token(const std::string& tenant, const std::string& user,
                                  const std::string& client_id, const std::string& family = {}) {
    return on_server_thread([&] {
      auto& idp = provider();
      RefreshToken record;
      record.family_id = family;
      record.client_id = client_id;
      record.tenant = tenant;
      record.user = user;
      record.scope = "openid offline_access";
      record.issued = idp.clock().now();
      record.expires = record.issued + idp.options().lifetimes.refresh_token;
      auto token = idp.refresh_tokens().issue(std::move(record));
      idp.changed();
      return token;
    });
  }
  std::string family_of(const std::string& refresh_token) {
    return on_server_thread(
        [&] { return provider().refresh_tokens().find(refresh_token)->family_id; });
  }

  // The claims of `token` verified against this server's JWKS of `tenant` (v2 or v1 issuer).
  core::Result<jose::VerifiedJwt> verify(std::string_view tenant, std::string_view token) const {
    const auto tid = tenant_id(tenant);
    TOOLAUTH_ASSIGN_OR_RETURN(
        auto keys, jose::JwkSet::from_json(get("/" + tid + "/discovery/v2.0/keys").body));
    TOOLAUTH_ASSIGN_OR_RETURN(auto verifier,
                              jose::Verifier::builder()
                                  .allow(jose::Alg::RS256)
                                  .keys(std::make_shared<jose::JwkSet>(std::move(keys)))
                                  .issuers({url_ + "/" + tid + "/v2.0", url_ + "/" + tid + "/"})
                                  .any_audience()
                                  .clock(clock_)
                                  .build());
    return verifier.verify(token);
  }
  core::SystemClock& clock() { return clock_; }
  // Only from on_server_thread().
  IdentityProvider& provider() { return server_->provider(); }

  // Runs `fn` on the server thread and waits for it.
  template <class F>
  auto on_server_thread(F fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto future = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return future.get();
  }

  // One request over a fresh client; `target` is a path on this server or an absolute URL.
  Reply send(http::Method method, const std::string& target, std::string body = {},
             http::Headers headers = {}) const {
    http::ClientRequest request{.method = method,
                                .url = target.starts_with("http") ? target : url_ + target,
                                .headers = std::move(headers),
                                .body = std::move(body)};
    const std::string ca = ca_file_;
    auto response = run_sync<core::Result<http::ClientResponse>>(
        [&]() -> boost::asio::awaitable<core::Result<http::ClientResponse>> {
          http::Client client(co_await boost::asio::this_coro::executor, {.ca_file = ca});
          co_return co_await client.send(request);
        });
    if (!response.ok()) throw std::runtime_error(response.error().message());
    return to_reply(*response);
  }
  Reply get(const std::string& target, http::Headers headers = {}) const {
    return send(http::Method::get, target, {}, std::move(headers));
  }
  Reply post_form(const std::string& target, const http::Params& form,
                  http::Headers headers = {}) const {
    headers.set("Content-Type", "application/x-www-form-urlencoded");
    return send(http::Method::post, target, http::encode_form(form), std::move(headers));
  }
  Reply send_json(http::Method method, const std::string& target,
                  const nlohmann::json& body = nlohmann::json::object()) const {
    http::Headers headers;
    headers.set("Content-Type", "application/json");
    return send(method, target, body.dump(), std::move(headers));
  }

 private:
  TempDir files_;
  core::SystemClock clock_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<IdpServer> server_;
  std::string url_;
  std::string ca_file_;
  std::string mi_url_;
  nlohmann::json world_;
  std::thread thread_;
};

// "Basic base64(urlencode(id):urlencode(secret))" (RFC 6749 §2.3.1).
inline std::string basic_credentials(std::string_view client_id, std::string_view secret) {
  auto encode = [](std::string_view value) {
    return http::encode_form({{"v", std::string(value)}}).substr(2);
  };
  return "Basic " + jose::base64_encode(encode(client_id) + ":" + encode(secret));
}

}  // namespace toolauth::idp::testing
