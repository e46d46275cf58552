// Bad bearer tokens against mock-mcp with the real mock IdP over HTTPS: both servers run in
// this process on port 0, on one io_context and one shared clock, and every token comes from
// the IdP's own grants (or is forged from one of its tokens). mock-mcp fetches the IdP's JWKS
// over TLS trusting the IdP's CA. Each refusal is checked by status and by the exact
// WWW-Authenticate challenge a client would parse.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_support.h"
#include "toolauth/core/random.h"
#include "toolauth/http/params.h"
#include "toolauth/idp/idp_server.h"
#include "toolauth/jose/forge.h"
#include "toolauth/jose/jwt.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::mcp {
namespace {

using namespace std::chrono_literals;
using testing::IoThread;
using testing::McpReply;
using testing::McpTestClient;
namespace net = boost::asio;

struct HttpReply {
  int status = 0;
  http::Headers headers;
  nlohmann::json body;
};

// The mock IdP and mock MCP server side by side, as `toolauth up` runs them.
class IdpAndMcp {
 public:
  IdpAndMcp() {
    io_.run_on([this] {
      idp::IdpServerOptions idp_options;
      idp_options.port = 0;
      idp_options.mi_port = 0;
      idp_options.fixtures = write_world();
      auto idp = idp::IdpServer::start(io_.executor(), clock_, idp_options);
      if (!idp.ok()) throw std::runtime_error(idp.error().message());
      idp_ = std::move(*idp);
      McpServerOptions mcp_options;
      mcp_options.port = 0;
      mcp_options.templates = {{"idp_url", idp_->url()}};
      mcp_options.jwks_ca_file = idp_->ca_file().string();
      auto mcp = McpServer::start(io_.executor(), clock_, mcp_options);
      if (!mcp.ok()) throw std::runtime_error(mcp.error().message());
      mcp_ = std::move(*mcp);
      return 0;
    });
  }
  ~IdpAndMcp() {
    io_.run_on([this] {
      mcp_->stop();
      idp_->stop();
      mcp_.reset();
      idp_.reset();
      return 0;
    });
    std::error_code ignored;
    std::filesystem::remove_all(scratch_, ignored);
  }

  core::SystemClock& clock() { return clock_; }
  const idp::Directory& directory() { return idp_->provider().directory(); }
  std::string tenant_id(std::string_view name) { return directory().tenant_named(name)->id; }
  std::string issuer_v2(std::string_view tenant) {
    return idp_->url() + "/" + tenant_id(tenant) + "/v2.0";
  }
  std::string jwks_url(std::string_view tenant) {
    return idp_->url() + "/" + tenant_id(tenant) + "/discovery/v2.0/keys";
  }
  const idp::Application& app(std::string_view name) {
    return *directory().application_named(name);
  }
  std::string mount_url(std::string_view name) { return mcp_->url() + "/mcp/" + std::string(name); }
  std::string metadata_url(std::string_view name) {
    return mcp_->url() + "/.well-known/oauth-protected-resource/mcp/" + std::string(name);
  }

  // The IdP's active signing key, for forging tokens from its claims.
  jose::SigningKey idp_signing_key() {
    return io_.run_on([this] { return idp_->provider().keys().active(); });
  }

  HttpReply post_token(std::string_view tenant, const http::Params& form) {
    return send_json(
        http::Method::post, idp_->url() + "/" + tenant_id(tenant) + "/oauth2/v2.0/token",
        http::encode_form(form), "application/x-www-form-urlencoded", idp_->ca_file().string());
  }
  HttpReply idp_admin(std::string_view path, const nlohmann::json& body) {
    return send_json(http::Method::post, idp_->url() + "/_admin/" + std::string(path), body.dump(),
                     "application/json", idp_->ca_file().string());
  }
  HttpReply mcp_admin(std::string_view path, const nlohmann::json& body) {
    return send_json(http::Method::post, mcp_->url() + "/_admin/" + std::string(path), body.dump(),
                     "application/json", mcp_->ca_file().string());
  }

  // An MCP initialize on `mount` with `token` as the bearer credential.
  McpReply initialize(std::string_view mount, const std::string& token) {
    McpTestClient client(mount_url(mount), mcp_->ca_file().string());
    client.extra_headers.add("Authorization", "Bearer " + token);
    return client.initialize();
  }

 private:
  static HttpReply send_json(http::Method method, std::string url, std::string body,
                             std::string content_type, std::string ca_file) {
    return toolauth::testing::run_sync<HttpReply>([&]() -> net::awaitable<HttpReply> {
      http::Client client(co_await net::this_coro::executor, {.ca_file = ca_file});
      http::ClientRequest request{.method = method, .url = url, .body = body};
      request.headers.add("Content-Type", content_type);
      auto response = co_await client.send(std::move(request));
      if (!response.ok()) throw std::runtime_error(response.error().message());
      HttpReply reply{.status = response->status, .headers = response->headers};
      reply.body = nlohmann::json::parse(response->body, nullptr, false);
      co_return reply;
    });
  }

  // The default world plus a tenant-wide consent of the public caller client to the
  // fabrikam MCP app, so carol can get a fabrikam token without the consent page.
  std::filesystem::path write_world() {
    auto world = nlohmann::json::parse(idp::default_idp_fixtures());
    world["consents"].push_back({{"client", "caller"},
                                 {"resource", "fabrikam-mcp"},
                                 {"scopes", {"mcp.tools"}},
                                 {"tenant", "fabrikam"}});
    std::filesystem::create_directories(scratch_);
    const auto file = scratch_ / "idp.json";
    std::ofstream(file) << world.dump(2);
    return file;
  }

  std::filesystem::path scratch_ =
      std::filesystem::temp_directory_path() / ("mcp-bearer-idp-" + core::random_hex(8));
  core::SystemClock clock_;
  IoThread io_;
  std::unique_ptr<idp::IdpServer> idp_;
  std::unique_ptr<McpServer> mcp_;
};

nlohmann::json claims_of(const std::string& token) {
  auto decoded = jose::decode_jwt(token);
  return decoded.ok() ? decoded->payload : nlohmann::json();
}

class BearerWithIdpTest : public ::testing::Test {
 protected:
  // client_credentials for the MCP API: the app-only token the `bearer` mount accepts.
  std::string app_token() {
    const auto& foundry = servers_.app("foundry");
    auto reply = servers_.post_token("contoso",
                                     {{"grant_type", "client_credentials"},
                                      {"client_id", foundry.client_id},
                                      {"client_secret", foundry.secrets.front().value},
                                      {"scope", mcp_api().identifier_uris.front() + "/.default"}});
    return token_of(reply);
  }

  // alice's token from the public caller client (ROPC) for `scope`.
  std::string user_token(std::string_view tenant, std::string_view user, std::string scope) {
    const auto* account = servers_.directory().user_named(user);
    auto reply = servers_.post_token(tenant, {{"grant_type", "password"},
                                              {"client_id", servers_.app("caller").client_id},
                                              {"username", account->username},
                                              {"password", account->password},
                                              {"scope", std::move(scope)}});
    return token_of(reply);
  }

  // foundry exchanging alice's token for a delegated MCP API token with `scopes`.
  std::string on_behalf_of_alice(std::string scopes) {
    const auto& foundry = servers_.app("foundry");
    auto reply = servers_.post_token(
        "contoso",
        {{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
         {"requested_token_use", "on_behalf_of"},
         {"client_id", foundry.client_id},
         {"client_secret", foundry.secrets.front().value},
         {"assertion", user_token("contoso", "alice", "https://ai.azure.com/user_impersonation")},
         {"scope", std::move(scopes)}});
    return token_of(reply);
  }

  const idp::Application& mcp_api() { return servers_.app("mcp-api"); }

  static std::string token_of(const HttpReply& reply) {
    EXPECT_EQ(reply.status, 200) << reply.body.dump();
    return reply.body.value("access_token", "");
  }

  // The exact challenge of a mount for a refusal: the `bearer` mount advertises its scope,
  // runtime mounts of these tests advertise none.
  std::string challenge(std::string_view mount, std::string_view error,
                        std::string_view description) {
    std::string value = "Bearer resource_metadata=\"" + servers_.metadata_url(mount) + "\"";
    if (mount == "bearer")
      value += ", scope=\"" + mcp_api().identifier_uris.front() + "/Tools.Invoke\"";
    return value + ", error=\"" + std::string(error) + "\", error_description=\"" +
           std::string(description) + "\"";
  }

  void expect_refused(std::string_view mount, const std::string& token, int status,
                      std::string_view error, std::string_view description) {
    auto reply = servers_.initialize(mount, token);
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.headers.get("www-authenticate").value_or(""),
              challenge(mount, error, description));
  }

  void expect_accepted(std::string_view mount, const std::string& token) {
    auto reply = servers_.initialize(mount, token);
    EXPECT_EQ(reply.status, 200) << reply.body;
  }

  IdpAndMcp servers_;
};

TEST_F(BearerWithIdpTest, AcceptsTheIdpsAppTokenAndDelegatedToken) {
  expect_accepted("bearer", app_token());
  const auto delegated = on_behalf_of_alice(mcp_api().identifier_uris.front() + "/Tools.Invoke");
  EXPECT_EQ(claims_of(delegated)["scp"], "Tools.Invoke");
  expect_accepted("bearer", delegated);
}

TEST_F(BearerWithIdpTest, RefusesATokenExpiredOnTheSharedClock) {
  const auto token = app_token();
  expect_accepted("bearer", token);
  // Past exp and the mount's 30 s leeway: the cached verdict must not outlive the token.
  const auto exp = claims_of(token)["exp"].get<std::int64_t>();
  servers_.clock().advance(std::chrono::seconds(exp - servers_.clock().unix_seconds()) +
                           BearerPolicy::kDefaultLeeway + 1s);
  expect_refused("bearer", token, 401, "invalid_token", "the token has expired");
}

TEST_F(BearerWithIdpTest, RefusesATokenForAnotherAudience) {
  // alice's token for the foundry app: right issuer and tenant, wrong audience.
  const auto token = user_token("contoso", "alice", "https://ai.azure.com/user_impersonation");
  EXPECT_EQ(claims_of(token)["aud"], "https://ai.azure.com");
  expect_refused("bearer", token, 401, "invalid_token",
                 "the token was not issued for this resource");
}

TEST_F(BearerWithIdpTest, RefusesATokenOfAnotherTenantsIssuer) {
  const auto fabrikam_app = servers_.app("fabrikam-mcp").client_id;
  const auto token = user_token("fabrikam", "carol", "api://" + fabrikam_app + "/mcp.tools");
  EXPECT_EQ(claims_of(token)["iss"], servers_.issuer_v2("fabrikam"));
  expect_refused("bearer", token, 401, "invalid_token",
                 "the token was not issued by a trusted issuer");
}

TEST_F(BearerWithIdpTest, RefusesATenantOutsideTheAllowList) {
  // A mount that trusts both tenants' issuers and audiences but allows contoso only: the
  // tenant check is its own step after the issuer.
  const auto fabrikam_app = servers_.app("fabrikam-mcp").client_id;
  const nlohmann::json mount = {
      {"name", "contoso-only"},
      {"auth",
       {{"kind", "bearer"},
        {"issuers", {servers_.issuer_v2("contoso"), servers_.issuer_v2("fabrikam")}},
        {"audiences", {fabrikam_app, "api://" + fabrikam_app}},
        {"jwks_url", servers_.jwks_url("fabrikam")},
        {"authorization_servers", {servers_.issuer_v2("fabrikam")}},
        {"required_scopes", {"mcp.tools"}},
        {"tenants", {servers_.tenant_id("contoso")}}}}};
  const auto added = servers_.mcp_admin("mounts", mount);
  ASSERT_EQ(added.status, 201) << added.body.dump();
  const auto token = user_token("fabrikam", "carol", "api://" + fabrikam_app + "/mcp.tools");
  expect_refused("contoso-only", token, 401, "invalid_token",
                 "tokens of tenant '" + servers_.tenant_id("fabrikam") + "' are not accepted");
}

TEST_F(BearerWithIdpTest, RefusesATokenRevokedByJtiAtTheMcpAdminPlane) {
  const auto token = app_token();
  expect_accepted("bearer", token);  // now cached as verified
  const auto claims = claims_of(token);
  const auto id = claims.contains("jti") ? claims["jti"] : claims["uti"];
  ASSERT_EQ(servers_.mcp_admin("revoke", {{"jti", id}}).status, 200);
  expect_refused("bearer", token, 401, "invalid_token", "the token has been revoked");
  expect_accepted("bearer", app_token());  // a fresh token has its own id
}

TEST_F(BearerWithIdpTest, RefetchesTheJwksForAKeyRotatedInAtTheIdpButNotWithinTheCooldown) {
  const auto before_rotation = app_token();
  expect_accepted("bearer", before_rotation);  // the first JWKS fetch
  servers_.clock().advance(JwksCache::kDefaultCooldown);

  // A token under a key the MCP server has not seen: one refetch finds it.
  ASSERT_EQ(servers_.idp_admin("keys/rotate", nlohmann::json::object()).status, 200);
  const auto rotated_once = app_token();
  EXPECT_NE(jose::decode_jwt(rotated_once)->header["kid"],
            jose::decode_jwt(before_rotation)->header["kid"]);
  expect_accepted("bearer", rotated_once);
  expect_accepted("bearer", before_rotation);  // still published during the overlap

  // Another rotation right away: within the cooldown an unknown kid does not refetch...
  ASSERT_EQ(servers_.idp_admin("keys/rotate", nlohmann::json::object()).status, 200);
  const auto rotated_twice = app_token();
  expect_refused("bearer", rotated_twice, 401, "invalid_token",
                 "the token's signing key is unknown");
  // ... and once the cooldown has run on the shared clock, it does.
  servers_.clock().advance(JwksCache::kDefaultCooldown);
  expect_accepted("bearer", rotated_twice);
}

TEST_F(BearerWithIdpTest, RefusesAlgNoneMadeFromARealToken) {
  const auto claims = claims_of(app_token());
  jose::TokenForge forge(servers_.idp_signing_key(), servers_.clock());
  expect_refused("bearer", *forge.alg_none(claims), 401, "invalid_token",
                 "unsigned tokens (alg none) are refused");
}

TEST_F(BearerWithIdpTest, RefusesHs256MacedWithTheIdpsPublicKey) {
  const auto claims = claims_of(app_token());
  jose::TokenForge forge(servers_.idp_signing_key(), servers_.clock());
  expect_refused("bearer", *forge.hs256_with_public_key(claims), 401, "invalid_token",
                 "the token's signing algorithm is not accepted");
}

TEST_F(BearerWithIdpTest, RefusesADelegatedTokenWithoutTheRequiredScopeAs403) {
  const auto token = on_behalf_of_alice(mcp_api().identifier_uris.front() + "/Tools.Read");
  EXPECT_EQ(claims_of(token)["scp"], "Tools.Read");
  expect_refused("bearer", token, 403, "insufficient_scope", "the token lacks a required scope");
}

}  // namespace
}  // namespace toolauth::mcp
