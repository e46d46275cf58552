#pragma once
// What the contexts of the agent-service and hosted-agent profiles share: the environment and
// its mock-idp tokens, the world's users, the headless user agent on consent links, the
// journals since a mark, and the cleanups that run after a scenario.
//
// Scenario bodies run one at a time; a context lives as long as its profile. It is constructed
// without an environment for --list: helpers are only called from bodies.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/conformance/environment.h"
#include "toolauth/conformance/idp_tokens.h"
#include "toolauth/conformance/scenario.h"
#include "toolauth/conformance/user_agent.h"

namespace toolauth::conformance {

class ProfileContext {
 public:
  // `env` may be null (listing only).
  explicit ProfileContext(Environment* env);
  ~ProfileContext();

  Environment& env() { return *env_; }
  IdpTokens& tokens() { return *tokens_; }

  // A fixture user's object id ("" when the world has no such user).
  std::string user_oid(std::string_view user) const;

  // The headless user agent opens a consent link as `user` and approves or declines; the walk
  // is observed (trail, final status), never the password. `tamper_state_at`: see
  // UserAgent::tamper_state_at (a redirect URI of the implementation under test).
  boost::asio::awaitable<core::Result<UserAgentWalk>> follow_consent(
      ScenarioRecord& record, const std::string& link, const std::string& user,
      ConsentDecision decision, const std::string& tamper_state_at = {});

  // --- evidence ---------------------------------------------------------------------------
  std::uint64_t idp_mark() const;
  std::uint64_t mcp_mark() const;
  // Journal entries after a mark, oldest first ({"seq","at","kind",...fields}); `kind` ""
  // for all kinds. mcp_since filters on the mount ("" for all) and kind "mcp".
  nlohmann::json idp_since(std::uint64_t mark, std::string_view kind = "") const;
  nlohmann::json mcp_since(std::uint64_t mark, std::string_view mount = "") const;

  // Runs after the current scenario (last registered first).
  void on_cleanup(std::function<boost::asio::awaitable<void>()> undo);

  // Runs the cleanups registered since the last call, last registered first.
  boost::asio::awaitable<void> run_cleanups();

 protected:
  Environment* env_;
  std::unique_ptr<IdpTokens> tokens_;

 private:
  std::vector<std::function<boost::asio::awaitable<void>()>> cleanups_;
};

}  // namespace toolauth::conformance
