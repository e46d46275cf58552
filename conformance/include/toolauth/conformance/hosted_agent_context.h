#pragma once
// What the hosted-agent scenario groups share (hosted_agent_profile.h): the environment with
// the reference emulator the hosted agent under test runs in, the agent's and its toolbox's
// names, and the helpers every group needs: asking the agent an instruction as a fixture user
// or as an application, the headless user agent for consent links, the toolbox endpoint for
// the suite's own attacks, and the journals.
//
// The agent under test is driven through the emulator's Responses API (the agent's dedicated
// endpoint) with one JSON instruction as the input; it answers with one assistant message whose
// text is a JSON object, or ends `incomplete` with an `oauth_consent_request` item
// (examples/hosted-agent/README.md "The instructions" is the contract).
//
// Scenario bodies run one at a time; the context lives as long as the profile. Helpers are
// only called from bodies, after prepare(); the context is constructed without an environment
// for --list.

#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/conformance/profile_context.h"
#include "toolauth/conformance/scenario.h"

namespace toolauth::conformance {

inline constexpr std::string_view kHostedAgentProfile = "hosted-agent";
inline constexpr std::string_view kHostedProject = "alpha";
inline constexpr std::string_view kHostedAgentName = "hosted-agent-under-test";
inline constexpr std::string_view kHostedToolbox = "hosted-agent-tools";
// The toolbox's tool sources: one per connection, labelled with the connection's name.
inline constexpr std::string_view kHostedOAuthLabel = "oauth-invoke";      // OAuth2
inline constexpr std::string_view kHostedAgenticLabel = "agent-identity";  // AgenticIdentityToken
inline constexpr std::string_view kHostedKeyLabel = "api-key";             // CustomKeys
// The application that calls the agent without a user: another agent identity of the project.
inline constexpr std::string_view kHostedAppCaller = "agent-two";

// Who asks: a fixture user (their token for https://ai.azure.com), or, with `app`, the
// application kHostedAppCaller with its own app-only token.
struct HostedAsk {
  std::string user = "alice";
  bool app = false;
  nlohmann::json instruction;
  http::Headers headers;  // sent besides Authorization and Content-Type
};

struct HostedAnswer {
  int status = 0;               // the HTTP status of the Responses call
  nlohmann::json body;          // the whole answer
  std::string response_status;  // its "status": completed, incomplete, ...
  // The agent's JSON answer (the message text): an object, empty when there is none.
  nlohmann::json answer = nlohmann::json::object();
  std::optional<std::string> consent_link;  // from an oauth_consent_request item
  nlohmann::json consent_item;              // that item without its link
};

class HostedAgentContext : public ProfileContext {
 public:
  // `env` may be null (listing only).
  explicit HostedAgentContext(Environment* env);
  ~HostedAgentContext();

  // A scenario of this profile: id "hosted-agent/<group>/<name>".
  Scenario scenario(std::string id, std::string title, Severity severity,
                    std::vector<std::string> spec_refs, std::vector<std::string> steps,
                    Scenario::Body body) const;

  // --- the world ------------------------------------------------------------------------
  // The client id and object id of the agent identity the hosted agent under test acts as.
  std::string agent_identity_client_id() const;
  std::string agent_identity_oid() const;
  // The mock-mcp mount of a toolbox source (its connection's target).
  std::string mount_of(std::string_view label) const;
  std::string project_url() const;
  std::string toolbox_url() const;

  // --- tokens (secrets) -------------------------------------------------------------------
  boost::asio::awaitable<core::Result<std::string>> caller_token(const std::string& user);
  // kHostedAppCaller's app-only token for https://ai.azure.com (Entra Agent ID: the blueprint's
  // exchange token redeemed by the agent identity).
  boost::asio::awaitable<core::Result<std::string>> app_token();

  // --- acting -----------------------------------------------------------------------------
  // Sends the instruction to the agent under test; records a step and an observation (the
  // answer's shape, never a token or a consent link). A transport failure, a non-200 answer or
  // a body that is not a response aborts the record: nullopt.
  boost::asio::awaitable<std::optional<HostedAnswer>> ask(ScenarioRecord& record, HostedAsk ask);
  // `{"toolauth":"call","tool":"<label>___whoami","arguments":{}}`, with `call_id` when given.
  static nlohmann::json call_instruction(std::string_view label, std::string_view tool = "whoami",
                                         std::optional<std::string> call_id = std::nullopt);
  // The emulator forgets the user's delegated tokens now and after the scenario. False when
  // it could not (the record is aborted).
  boost::asio::awaitable<bool> without_consents(ScenarioRecord& record,
                                                std::vector<std::string> users);
  // Makes sure `user` has consented on the OAuth2 source: asks whoami on it; on a consent
  // request follows it (approve) and asks again. The answer with a result, else the record is
  // aborted and nullopt answered.
  boost::asio::awaitable<std::optional<HostedAnswer>> ensure_consent(ScenarioRecord& record,
                                                                     const std::string& user);
  // A JSON-RPC request of the suite itself to the toolbox's MCP endpoint with `token`;
  // {status, body} (the body parsed, or its text). Transport failures abort: nullopt.
  boost::asio::awaitable<std::optional<std::pair<int, nlohmann::json>>> toolbox_request(
      ScenarioRecord& record, const std::string& token, nlohmann::json rpc, http::Headers headers);

 private:
  boost::asio::awaitable<core::Result<std::string>> token_request(
      std::map<std::string, std::string> form);
  boost::asio::awaitable<core::Result<void>> forget(const std::string& user);

  std::map<std::string, std::string> caller_tokens_;
};

// The instruction answers' kinds, for checks: "result", "error <status> <code>", "consent
// request", "no answer".
std::string describe(const HostedAnswer& answer);

// Group registrations (one file each).
void add_hosted_headers_scenarios(HostedAgentContext& ctx, std::vector<Scenario>& out);
void add_hosted_toolbox_scenarios(HostedAgentContext& ctx, std::vector<Scenario>& out);
void add_hosted_identity_scenarios(HostedAgentContext& ctx, std::vector<Scenario>& out);
void add_hosted_call_id_scenarios(HostedAgentContext& ctx, std::vector<Scenario>& out);
void add_hosted_runtime_scenarios(HostedAgentContext& ctx, std::vector<Scenario>& out);
void add_hosted_obo_scenarios(HostedAgentContext& ctx, std::vector<Scenario>& out);

// The one scope the agent definition allows for on-behalf-of tokens (its metadata
// "toolauth.obo_allowed_scopes"): the MCP tools API's "<App ID URI>/.default".
std::string hosted_obo_allowed_scope(const nlohmann::json& world);

}  // namespace toolauth::conformance
