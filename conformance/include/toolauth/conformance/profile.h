#pragma once
// A conformance profile: the scenario catalogue for one kind of implementation under test
// (agent-service, mcp-server, hosted-agent), what the IUT turned out to be capable of, and
// where the evidence comes from.
//
// Lifecycle: the runner calls prepare() once, then runs each selected scenario's body and
// after_scenario() after each one. scenarios() must work without prepare() (for --list).

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "toolauth/conformance/scenario.h"
#include "toolauth/core/result.h"

namespace toolauth::conformance {

// Evidence per journal and scenario is capped (the oldest entries after the mark are kept).
inline constexpr std::size_t kMaxEvidenceEntriesPerJournal = 50;

// A journal the runner reads evidence from: the mark before a scenario, what came after.
struct JournalSource {
  std::string name;  // "idp", "mcp"
  std::function<boost::asio::awaitable<core::Result<std::uint64_t>>()> last_seq;
  std::function<boost::asio::awaitable<core::Result<nlohmann::json>>(std::uint64_t after)>
      entries_after;
};

class Profile {
 public:
  virtual ~Profile() = default;

  virtual std::string name() const = 0;
  // The catalogue's version: bumped when a scenario is added, removed or judged differently.
  virtual std::string version() const = 0;
  std::string stamp() const { return name() + "@" + version(); }

  virtual const std::vector<Scenario>& scenarios() const = 0;
  // Learns what the IUT can do; an error means nothing can be judged (the run fails).
  virtual boost::asio::awaitable<core::Result<void>> prepare() = 0;
  virtual std::set<std::string> capabilities() const = 0;
  // The IUT as reports describe it (no secrets).
  virtual nlohmann::json target() const = 0;
  // Deliberate defects the IUT announced (mutants); stamped into every report.
  virtual std::vector<std::string> defects() const = 0;
  virtual std::vector<JournalSource> journals() = 0;
  // Undoes what a scenario may have changed in the shared world (clock, lifetimes).
  virtual boost::asio::awaitable<void> after_scenario() { co_return; }
};

}  // namespace toolauth::conformance
