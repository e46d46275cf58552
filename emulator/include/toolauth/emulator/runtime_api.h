#pragma once
// The hosted-agent runtime API: an EMULATOR EXTENSION (nothing like it exists in the real
// service; /work/runtime-api-spec.md is the contract, emulator/README.md documents it). A
// hosted agent's container, serving one Responses request, asks the platform for what the
// real service does not give it (reference/foundry-agent-service.md §6.4, §8):
//
//   POST {project}/runtime/connections/{connection}/token?api-version=v1
//        the call's user's delegated token for an OAuth2 (identity passthrough) connection,
//        from the vault (refreshed single-flight when expiring), or
//        {"consent_required": true, "consent_link", "server_label"} (the consent link prompt
//        agents get, bound to the call's user)
//   POST {project}/runtime/responses/current/consent_request?api-version=v1
//        {"connection", "server_label"?}: an oauth_consent_request item for the call's user,
//        inserted into the response the caller gets (hosted_consent_items.h); 409
//        AlreadyConsented when the vault holds the user's entry
//   POST {project}/runtime/obo_token?api-version=v1
//        {"scope": "api://<app>/.default"}: an on-behalf-of token of the call's user for a
//        scope of the agent version's metadata["toolauth.obo_allowed_scopes"] (space-
//        separated, exact match). The agent identity is the confidential client: T1 from its
//        blueprint (fmi_path), the user's token for the blueprint (the emulator's own
//        on-behalf-of exchange of the caller's token, which lives with the call only), then
//        jwt-bearer on_behalf_of with client_id = the agent identity and client_assertion = T1.
//        An IdP refusal is 400 TokenRequestFailed (the AADSTS code in the message), no answer
//        502.
//
// Off unless enabled (EmulatorServerOptions::runtime_api): then every path under runtime/
// answers 404 NotFound. Enabled, in this order: project (404 ProjectNotFound), api-version v1
// only, the caller's token (CallerAuthenticator), the toolbox's caller rules
// (resolve_toolbox_caller: agent token of a project agent identity, call id live and the
// agent's), `Foundry-Features: RuntimeApi=V1Preview` (403 preview_feature_required), then the
// endpoint's own checks: call id required (400 CallIdRequired), a user behind the call (400
// UserRequired), the request body, the connection (404 ConnectionNotFound, 400
// UnsupportedAuthType) or the scope (400 InvalidScope, 403 ScopeNotAllowed).
//
// Errors: {"error": {"code", "message", "type", "param", "innererror": {"code"}}} where code
// and innererror.code both name the reason (CallIdUnknown, UserRequired, ...). Tokens are
// never journalled or logged; journal kind "runtime_api" records endpoint, agent, outcome.
//
// Defect honoured here: obo-any-audience (the allow-list is skipped).
//
// Threading: the server's io_context thread.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "toolauth/emulator/agent_identity_tool_auth.h"
#include "toolauth/emulator/caller_authenticator.h"
#include "toolauth/emulator/defects.h"
#include "toolauth/emulator/emulator_state.h"
#include "toolauth/emulator/hosted_call_registry.h"
#include "toolauth/emulator/oauth2_tool_auth.h"
#include "toolauth/emulator/on_behalf_of_tool_auth.h"
#include "toolauth/emulator/toolbox_caller.h"
#include "toolauth/emulator/world.h"
#include "toolauth/http/router.h"
#include "toolauth/service/journal.h"

namespace toolauth::emulator {

inline constexpr std::string_view kRuntimeApiPreview = "RuntimeApi=V1Preview";
// The agent version metadata key that holds the scopes obo_token may give.
inline constexpr std::string_view kOboAllowedScopesKey = "toolauth.obo_allowed_scopes";

// Whether `scope` is one scope an on-behalf-of request may name: "<resource>/<permission>"
// where the resource is an api:// or https:// identifier; printable ASCII, no space.
bool valid_obo_scope(std::string_view scope);
// Whether `metadata[kOboAllowedScopesKey]` (space-separated) lists `scope` exactly.
bool obo_scope_allowed(const nlohmann::json& metadata, std::string_view scope);

struct RuntimeApiServices {
  const EmulatorWorld* world = nullptr;
  EmulatorState* state = nullptr;
  CallerAuthenticator* callers = nullptr;
  HostedCallRegistry* calls = nullptr;
  OAuth2ToolAuth* oauth2 = nullptr;                 // delegated tokens and consent links
  OnBehalfOfToolAuth* foundry_obo = nullptr;        // the caller's token for the blueprint
  AgentIdentityToolAuth* agent_identity = nullptr;  // T1 and the agent's on-behalf-of
  service::Journal* journal = nullptr;
};

class RuntimeApi {
 public:
  // Every service must outlive the API.
  RuntimeApi(RuntimeApiServices services, bool enabled, EmulatorDefects defects = {});

  void mount(http::Router& router);

 private:
  enum class Endpoint { connection_token, consent_request, obo_token };
  struct Route {
    Endpoint endpoint;
    std::string connection;  // connections/{connection}/token, percent-decoded
  };
  struct Target;
  // The endpoint a path under runtime/ names; nullopt: none (404).
  static std::optional<Route> route(std::string_view path);
  boost::asio::awaitable<http::Response> handle(http::Request& request);
  boost::asio::awaitable<http::Response> connection_token(const http::Request& request,
                                                          const Target& target,
                                                          const std::string& name);
  boost::asio::awaitable<http::Response> consent_request(const http::Request& request,
                                                         const Target& target);
  boost::asio::awaitable<http::Response> obo_token(const http::Request& request,
                                                   const Target& target);
  // The project's OAuth2 connection `name`, or the error to answer.
  std::variant<Connection, ApiError> oauth2_connection(const Target& target,
                                                       const std::string& name) const;
  // The tool-auth context of the call's user for `connection` (which must outlive it).
  ToolCallContext tool_context(const Target& target, const Connection& connection) const;
  void journal(const Target& target, std::string_view endpoint, std::string_view outcome);

  RuntimeApiServices s_;
  bool enabled_;
  EmulatorDefects defects_;
};

}  // namespace toolauth::emulator
