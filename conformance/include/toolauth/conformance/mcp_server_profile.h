#pragma once
// Profile `mcp-server`: the IUT is a protected MCP server (Streamable HTTP) configured to trust
// the run's mock IdP, or one protected by an API key. It must refuse exactly the wrong
// credentials with the exact status and challenge, and accept the right ones.
//
// What a bearer IUT must be configured with (toolauth certify --print-setup shows the live
// values): issuer <idp>/<contoso tenant id>/v2.0, JWKS <idp>/<tenant>/discovery/v2.0/keys, the
// audience of the resource app `mcp-api` (its client id or App ID URI), the delegated scope
// Tools.Invoke required, and the local CA to reach the IdP over HTTPS.
//
// Capabilities, learned by prepare():
//   bearer   the target is a bearer target (the default)
//   api-key  the target is an API-key target whose right key the suite knows
//   whoami   the IUT lists a tool named whoami (answering with the caller's identity)

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "toolauth/conformance/environment.h"
#include "toolauth/conformance/idp_tokens.h"
#include "toolauth/conformance/profile.h"

namespace toolauth::conformance {

inline constexpr std::string_view kMcpServerProfile = "mcp-server";
// 1.1.0: RFC 6750 §3.1 (no error code without credentials) is its own should scenario.
inline constexpr std::string_view kMcpServerProfileVersion = "1.1.0";

// The fixture names of the default world the profile uses.
inline constexpr std::string_view kMcpTenant = "contoso";
inline constexpr std::string_view kMcpOtherTenant = "fabrikam";
inline constexpr std::string_view kMcpResource = "mcp-api";
inline constexpr std::string_view kMcpRequiredScope = "Tools.Invoke";
inline constexpr std::string_view kMcpReadScope = "Tools.Read";
inline constexpr std::string_view kMcpUser = "alice";
inline constexpr std::string_view kMcpOtherTenantUser = "carol";
inline constexpr std::string_view kForeignResourceScope = "https://graph.microsoft.com/User.Read";

enum class McpTargetAuth { bearer, api_key };

struct McpServerTarget {
  std::string url;           // the MCP endpoint
  std::string metadata_url;  // RFC 9728 document; empty: from the challenge, else well-known
  McpTargetAuth auth = McpTargetAuth::bearer;
  std::string api_key_header;  // api-key targets
  std::string api_key;         // the right key (a secret: never reported)
};

// What a bearer IUT must trust, with the run's live URLs.
nlohmann::json mcp_server_setup(const Environment& env);

class McpServerProfile final : public Profile {
 public:
  // `env` may be null for listing the catalogue only.
  McpServerProfile(Environment* env, McpServerTarget target);
  ~McpServerProfile() override;

  std::string name() const override { return std::string(kMcpServerProfile); }
  std::string version() const override { return std::string(kMcpServerProfileVersion); }
  const std::vector<Scenario>& scenarios() const override { return scenarios_; }
  boost::asio::awaitable<core::Result<void>> prepare() override;
  std::set<std::string> capabilities() const override { return capabilities_; }
  nlohmann::json target() const override;
  std::vector<std::string> defects() const override { return defects_; }
  std::vector<JournalSource> journals() override;
  boost::asio::awaitable<void> after_scenario() override;

  IdpTokens& tokens() { return *tokens_; }

  struct Fixture;

 private:
  Environment* env_;
  McpServerTarget target_;
  std::unique_ptr<IdpTokens> tokens_;
  std::unique_ptr<Fixture> fixture_;
  std::vector<Scenario> scenarios_;
  std::set<std::string> capabilities_;
  std::vector<std::string> defects_;
};

// RFC 9728 §3.1: the metadata URL of a resource: the well-known segment inserted before the
// resource's path (https://h/mcp/x -> https://h/.well-known/oauth-protected-resource/mcp/x).
std::string well_known_metadata_url(std::string_view resource);
// Whether `url` is plain http to a loopback host (localhost, 127.0.0.0/8, [::1]): the only
// plain-HTTP IUTs certify talks to (tokens go to it in clear).
bool plain_http_on_loopback(std::string_view url);
// The resource_metadata parameter of a Bearer challenge ("" when absent).
std::string challenge_parameter(std::string_view challenge, std::string_view name);

}  // namespace toolauth::conformance
