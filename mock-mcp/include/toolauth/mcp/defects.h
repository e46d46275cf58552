#pragma once
// Deliberate defects ("mutants") for the conformance suite's self-test (DESIGN.md "Mutants"):
// each makes mock-mcp wrong in one named way, so the suite can prove that the scenarios meant
// to catch it do. They are off unless `toolauth mcp --defect NAME` (or a test) turns them on;
// the CLI refuses them unless every listener is loopback, prints a banner on stderr, names them
// in the ready line, and every response then carries `X-Toolauth-Defects`.
//
// This file is the one list of them; the checks that honour them read these flags and live
// next to the rule they break (authenticator.cc, streamable_http.cc).

#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/result.h"

namespace toolauth::mcp {

struct McpDefects {
  bool accept_expired = false;    // a bearer token past its exp is accepted
  bool ignore_audience = false;   // a bearer token for another audience is accepted
  bool accept_alg_none = false;   // an unsigned bearer token (alg none) is accepted
  bool key_prefix_match = false;  // an API key that is a prefix of a configured key is accepted
  bool no_challenge = false;      // 401 answers carry no WWW-Authenticate header (403s do)
  // A request without credentials gets error="invalid_token" in its challenge (as the MCP
  // TypeScript SDK's requireBearerAuth does; RFC 6750 §3.1 says SHOULD NOT).
  bool error_without_credentials = false;

  bool any() const;
  // The names, as --defect takes them, in the order of known_mcp_defects().
  std::vector<std::string> names() const;
};

// Every defect name: accept-expired, ignore-audience, accept-alg-none, key-prefix-match,
// no-challenge, error-without-credentials.
const std::vector<std::string_view>& known_mcp_defects();

// Errors: core::Errc::invalid_argument naming the unknown defect and listing the known ones.
core::Result<McpDefects> parse_mcp_defects(const std::vector<std::string>& names);

}  // namespace toolauth::mcp
