#pragma once
// Deliberate defects ("mutants") of the emulator for the conformance suite's self-test
// (DESIGN.md "Mutants"): each makes the emulator wrong in one named way, so the suite can prove
// that the scenarios meant to catch it do (conformance/emulator_mutants.h lists the
// agent-service ones, conformance/hosted_agent_mutants.h the hosted-agent ones). They are off
// unless `toolauth emulator --defect NAME` (or a test) turns them on; the CLI refuses them
// unless every listener is loopback, prints a banner on stderr, and the ready document names
// them.
//
// This file is the one list of them. The checks that honour them are small explicit branches
// (`if (defects.has(Defect::skip_state_check))`) next to the rule they break.

#include <bitset>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/result.h"

namespace toolauth::emulator {

enum class Defect {
  leak_key_across_connections,  // every CustomKeys key of the project goes with every call
  wrong_key_header,             // every key goes out as X-API-Key, whatever header it names
  key_in_output,                // the key a call was sent with is echoed in the tool output
  stale_key,                    // a connection's first keys are used forever (no rotation)
  mi_ignore_audience,           // the managed identity token is not for the audience asked
  mi_no_cache,                  // a managed identity token is requested for every call
  user_token_as_agent,          // AgenticIdentityToken acts as the user (on-behalf-of)
  shared_agent_identity,        // every agent acts as the project's agent identity
  no_pkce,                      // the authorization request has no code_challenge
  consent_not_per_user,         // one vault entry per connection, shared by all users
  consent_not_per_connection,   // one vault entry per user and project, for every connection
  consent_not_per_project,      // one vault entry per user and connection name, all projects
  skip_state_check,             // a callback's unknown state falls back to the pending request
  reusable_consent_link,        // a consent link can be followed again after use
  declined_500,                 // a declined consent fails the continuation with a 500
  no_refresh,                   // an expiring access token leads to a new consent, no refresh
  reuse_refresh_token,          // a rotated refresh token is dropped; the first one is kept
  no_single_flight,             // concurrent calls each refresh the same entry
  retry_loop_on_401,            // a refusing MCP server is refreshed and retried again and again
  token_in_output,              // the user's access token is echoed in the tool output
  accept_cross_tenant,          // a caller of another tenant than the project's is let in
  vault_in_memory,              // the vault lives in memory: a restart forgets every consent
  obo_wrong_scope,              // on-behalf-of asks for the audience without "/.default"
  approval_skips_consent,       // an approved call goes out without the connection's auth
  // Hosted agents (caught by the hosted-agent profile, conformance/hosted_agent_mutants.h):
  forward_authorization,      // the caller's Authorization and Cookie reach the container
  call_id_not_bound_to_user,  // an ended request's call id still acts for its user
  consent_without_user,       // an app-only caller is taken for a user (consent for nobody)
  agent_token_as_user,        // the toolbox takes a user's token for the agent's
  obo_any_audience,           // runtime API obo_token ignores the agent's scope allow-list
};

inline constexpr std::size_t kDefectCount = static_cast<std::size_t>(Defect::obo_any_audience) + 1;

// "leak-key-across-connections", ... as --defect takes them.
std::string_view to_string(Defect defect);

class EmulatorDefects {
 public:
  bool has(Defect defect) const { return on_.test(static_cast<std::size_t>(defect)); }
  void add(Defect defect) { on_.set(static_cast<std::size_t>(defect)); }
  bool any() const { return on_.any(); }
  // The names, in the order of known_emulator_defects().
  std::vector<std::string> names() const;

 private:
  std::bitset<kDefectCount> on_;
};

// Every defect name, in declaration order.
const std::vector<std::string_view>& known_emulator_defects();

// Errors: core::Errc::invalid_argument naming the unknown defect and listing the known ones.
core::Result<EmulatorDefects> parse_emulator_defects(const std::set<std::string>& names);

}  // namespace toolauth::emulator
