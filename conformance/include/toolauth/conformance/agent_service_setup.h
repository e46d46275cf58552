#pragma once
// The setup document of the agent-service profile: what an implementation under test must be
// configured with to be certified, with the run's live URLs. `toolauth certify --print-setup
// --profile agent-service` prints it; Driver::setup (and the exec protocol's `setup` op)
// receive it.
//
//   {"profile": "agent-service",
//    "world": {tenants, users (no passwords), clients (no secrets but the connection client's),
//              resources, identities},
//    "tenant": {"name", "id", "issuer"}: the platform's own tenant (contoso), where its
//              projects live; callers of another tenant are to be refused,
//    "ca_file": "<the local CA the mock servers use>",
//    "connections": [{"name", "project", "auth_type", "target", "credentials"?: {"keys"},
//                     "audience"?, "client_id"?, "client_secret"?, "authorization_url"?,
//                     "token_url"?, "refresh_url"?, "scopes"?}, ...],
//    "agents": [{"name", "project", "connection", "require_approval": "never|always"}, ...]}
//
// Connections (project alpha unless said): api-key and functions-key (CustomKeys on mock-mcp's
// key mounts), open (None), project-mi (ProjectManagedIdentity), agent-identity
// (AgenticIdentityToken), oauth-invoke and oauth-read (OAuth2, the same server, other scopes),
// beta/oauth-invoke (same name and target as alpha's), user-entra (UserEntraToken). Agents:
// `<connection>-agent` per connection with require_approval never, a second agent on
// agent-identity, approval-agent on open and oauth-approval-agent on oauth-invoke with always.

#include <nlohmann/json.hpp>
#include <string_view>

#include "toolauth/conformance/environment.h"

namespace toolauth::conformance {

inline constexpr std::string_view kAgentServiceProfile = "agent-service";
// The fixture names of the default world the profile uses.
inline constexpr std::string_view kProjectAlpha = "alpha";
inline constexpr std::string_view kProjectBeta = "beta";
inline constexpr std::string_view kConnectorClient = "connector";
inline constexpr std::string_view kToolResource = "mcp-api";
inline constexpr std::string_view kToolTenant = "contoso";
inline constexpr std::string_view kProjectIdentity = "project-alpha";
inline constexpr std::string_view kSecondAgentIdentityAgent = "agent-identity-second-agent";
inline constexpr std::string_view kApprovalAgent = "approval-agent";
inline constexpr std::string_view kOAuthApprovalAgent = "oauth-approval-agent";
// The audience (App ID URI) of Foundry's own API: callers' tokens are for it.
inline constexpr std::string_view kFoundryScope = "https://ai.azure.com/user_impersonation";

// Errors: the world lacks a fixture the document needs (core::Errc::not_found).
core::Result<nlohmann::json> agent_service_setup(const Environment& env);

// The setup document entry of a connection; nullptr when absent.
const nlohmann::json* setup_connection(const nlohmann::json& setup, std::string_view project,
                                       std::string_view name);
// The agent running `connection` without approval; empty when none.
std::string setup_agent_for(const nlohmann::json& setup, std::string_view project,
                            std::string_view connection);

}  // namespace toolauth::conformance
