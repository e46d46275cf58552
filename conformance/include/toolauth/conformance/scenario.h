#pragma once
// A conformance scenario and what one run of it recorded (DESIGN.md "Conformance model").
//
// A scenario is data (id, title, severity, profile, the capabilities it needs, the spec
// sections it checks, the steps it takes) plus a body. The body drives the implementation
// under test (IUT) and records steps and checks in a ScenarioRecord; the runner adds the
// evidence (what the mock IdP and MCP server journaled meanwhile) and turns the record into
// a verdict: skipped when a capability is missing or the body skipped, failed when any check
// failed or the body could not finish, passed otherwise. A body that checks nothing fails:
// a scenario that cannot fail proves nothing.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace toolauth::conformance {

enum class Severity { must, should };
std::string_view to_string(Severity severity);

enum class Verdict { passed, failed, skipped };
std::string_view to_string(Verdict verdict);

// One judgement: what was expected, what was seen (both for humans; never a secret).
struct Check {
  std::string name;
  bool passed = false;
  std::string expected;
  std::string actual;
};

// Filled in by a scenario body while it runs.
class ScenarioRecord {
 public:
  void step(std::string description) { steps_.push_back(std::move(description)); }
  // Records a check and returns `passed`, so a body can stop early on a failed one.
  bool check(std::string name, bool passed, std::string expected, std::string actual);
  // Ends the scenario as skipped (e.g. the driver answered "unsupported").
  void skip(std::string reason) { skip_reason_ = std::move(reason); }
  // The body could not go on (the IUT unreachable, a fixture missing): the scenario fails.
  void abort(std::string reason) { abort_reason_ = std::move(reason); }
  // An HTTP exchange or other observation for the evidence (must hold no secret).
  void observe(nlohmann::json observation) { observations_.push_back(std::move(observation)); }

  const std::vector<std::string>& steps() const { return steps_; }
  const std::vector<Check>& checks() const { return checks_; }
  const std::optional<std::string>& skip_reason() const { return skip_reason_; }
  const std::optional<std::string>& abort_reason() const { return abort_reason_; }
  const nlohmann::json& observations() const { return observations_; }
  bool failed() const;

 private:
  std::vector<std::string> steps_;
  std::vector<Check> checks_;
  std::optional<std::string> skip_reason_;
  std::optional<std::string> abort_reason_;
  nlohmann::json observations_ = nlohmann::json::array();
};

struct Scenario {
  using Body = std::function<boost::asio::awaitable<void>(ScenarioRecord&)>;

  std::string id;  // "<profile>/<group>/<name>", stable across versions
  std::string title;
  Severity severity = Severity::must;
  std::string profile;
  std::vector<std::string> capabilities;  // all needed, else skipped
  std::vector<std::string> spec_refs;     // e.g. "RFC 6750 §3.1"
  std::vector<std::string> steps;         // what the body does, for --list and reports
  Body body;
};

// The catalogue entry without its body, as reports and --list show it.
nlohmann::json describe(const Scenario& scenario);

}  // namespace toolauth::conformance
