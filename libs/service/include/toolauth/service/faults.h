#pragma once
// Fault injection shared by every server. A test (through POST /_admin/faults) adds rules;
// before serving a request a server calls take() with what it knows about the request
// ({"endpoint": "token", "grant_type": "refresh_token", "client_id": ...}) and, when a rule
// fires, renders the action in its own protocol: an OAuth error body, a JSON-RPC error, a
// dropped connection, a delay before the normal answer.
//
// Rule JSON (every key but "action" optional; unknown keys are refused):
//   {"id": "expire-refresh",                          // default: "fault-<n>"
//    "match": {"endpoint": "token", "grant_type": "refresh_token"},  // "*": any value present
//    "action": {"status": 400, "error": "invalid_grant", "error_description": "...",
//               "code": "AADSTS50173", "retry_after": 5, "latency_ms": 200, "drop": false,
//               "after_handling": false, "extra": {...}},
//    "count": 1,          // fires at most this often (absent: without limit)
//    "probability": 0.5}  // in (0, 1]; drawn from std::mt19937_64 seeded with the seed
//
// "after_handling": true applies the latency and drop to the answer of a request the server
// has carried out (its effects stand: a code or refresh token stays redeemed, the journal
// records it) — an answer that arrives late or is lost on the way. mock-idp's token endpoint
// honours it (crash and lost-answer tests of refresh-token rotation); other endpoints and
// servers apply the action before handling, as without it.
//
// Draws are reproducible: with the same seed, rules and sequence of take() calls, the same
// rules fire. Only rules with a probability below 1 that otherwise match consume a draw.
//
// Thread safety: every member may be called from any thread (one mutex).

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/result.h"

namespace toolauth::service {

struct FaultAction {
  static constexpr std::chrono::milliseconds kMaxLatency{600'000};

  int status = 0;  // 0: the server keeps its own status (a latency-only fault)
  std::string error;
  std::string error_description;
  std::string code;  // e.g. an AADSTS code, rendered by the IdP in its error body
  std::optional<int> retry_after_seconds;
  std::chrono::milliseconds latency{0};
  bool drop_connection = false;
  bool after_handling = false;  // latency and drop apply to the answer, once handled
  nlohmann::json extra = nlohmann::json::object();

  // The action in the rule JSON's shape, with only the members that are set.
  nlohmann::json to_json() const;
};

struct FaultRule {
  std::string id;
  std::map<std::string, std::string> match;
  FaultAction action;
  std::optional<std::uint64_t> remaining;  // nullopt: without limit
  double probability = 1.0;
  std::uint64_t hits = 0;

  // {"id", "match", "action", "remaining" (null without limit), "probability", "hits"}
  nlohmann::json to_json() const;
};

class FaultInjector {
 public:
  explicit FaultInjector(std::uint64_t seed = 0);

  // Validates `rule` strictly and appends it; returns its id. Errors: Errc::invalid_rule with
  // a detail naming the bad key ("action.status: expected an integer in 100..599"): unknown
  // keys, wrong types, an empty action, probability outside (0, 1], count below 1, status
  // outside 100..599, negative or over-long latency, negative retry_after, an id already used.
  core::Result<std::string> add(const nlohmann::json& rule);
  // False when there is no rule with that id.
  bool remove(std::string_view id);
  void clear();
  // Restarts the random sequence; rules and their counts are kept.
  void reseed(std::uint64_t seed);
  std::uint64_t seed() const;

  // The first rule, in insertion order, whose every `match` entry equals context[key] ("*"
  // matches any value that is present; a key absent from the context never matches), that has
  // count left, and whose probability draw succeeds. Counts the hit and decrements the count;
  // exhausted rules stay listed with remaining 0 but never fire again.
  std::optional<FaultAction> take(const std::map<std::string, std::string>& context);

  std::vector<FaultRule> rules() const;
  // True when no rule can fire: lets hot paths skip building a fault context.
  bool idle() const;
  // {"seed": N, "rules": [FaultRule::to_json(), ...]}
  nlohmann::json list() const;

 private:
  mutable std::mutex mutex_;
  std::uint64_t seed_;
  std::mt19937_64 random_;
  std::uint64_t next_id_ = 1;
  std::vector<FaultRule> rules_;
};

}  // namespace toolauth::service
