#include "toolauth/service/faults.h"

#include <algorithm>
#include <limits>

#include "toolauth/service/error.h"

namespace toolauth::service {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxIdLength = 128;

core::Error bad(std::string_view key, std::string_view what) {
  return core::Error{Errc::invalid_rule, std::string(key) + ": " + std::string(what)};
}

// The value of an integer JSON number (floats such as 400.0 are not integers here), or
// nullopt for anything else, including integers that do not fit in int64.
std::optional<std::int64_t> as_int(const json& value) {
  if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(v);
  }
  if (value.is_number_integer()) return value.get<std::int64_t>();
  return std::nullopt;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
  });
}

core::Result<FaultAction> parse_action(const json& value) {
  if (!value.is_object()) return bad("action", "expected an object");
  if (value.empty()) return bad("action", "expected at least one member");
  FaultAction action;
  for (const auto& [key, item] : value.items()) {
    const std::string path = "action." + key;
    if (key == "status") {
      const auto status = as_int(item);
      if (!status || *status < 100 || *status > 599) {
        return bad(path, "expected an integer in 100..599");
      }
      action.status = static_cast<int>(*status);
    } else if (key == "error" || key == "error_description" || key == "code") {
      if (!item.is_string()) return bad(path, "expected a string");
      auto& target = key == "error"               ? action.error
                     : key == "error_description" ? action.error_description
                                                  : action.code;
      target = item.get<std::string>();
    } else if (key == "retry_after") {
      const auto seconds = as_int(item);
      if (!seconds || *seconds < 0 || *seconds > std::numeric_limits<int>::max()) {
        return bad(path, "expected a non-negative integer (seconds)");
      }
      action.retry_after_seconds = static_cast<int>(*seconds);
    } else if (key == "latency_ms") {
      const auto ms = as_int(item);
      if (!ms || *ms < 0 || *ms > FaultAction::kMaxLatency.count()) {
        return bad(path,
                   "expected an integer in 0.." + std::to_string(FaultAction::kMaxLatency.count()));
      }
      action.latency = std::chrono::milliseconds(*ms);
    } else if (key == "drop") {
      if (!item.is_boolean()) return bad(path, "expected true or false");
      action.drop_connection = item.get<bool>();
    } else if (key == "after_handling") {
      if (!item.is_boolean()) return bad(path, "expected true or false");
      action.after_handling = item.get<bool>();
    } else if (key == "extra") {
      if (!item.is_object()) return bad(path, "expected an object");
      action.extra = item;
    } else {
      return bad(path, "unknown key");
    }
  }
  return action;
}

bool rule_matches(const FaultRule& rule, const std::map<std::string, std::string>& context) {
  for (const auto& [key, expected] : rule.match) {
    const auto it = context.find(key);
    if (it == context.end()) return false;
    if (expected != "*" && it->second != expected) return false;
  }
  return true;
}

}  // namespace

json FaultAction::to_json() const {
  json out = json::object();
  if (status != 0) out["status"] = status;
  if (!error.empty()) out["error"] = error;
  if (!error_description.empty()) out["error_description"] = error_description;
  if (!code.empty()) out["code"] = code;
  if (retry_after_seconds) out["retry_after"] = *retry_after_seconds;
  if (latency.count() != 0) out["latency_ms"] = latency.count();
  if (drop_connection) out["drop"] = true;
  if (after_handling) out["after_handling"] = true;
  if (!extra.empty()) out["extra"] = extra;
  return out;
}

json FaultRule::to_json() const {
  json match_json = json::object();
  for (const auto& [key, value] : match) match_json[key] = value;
  return {{"id", id},
          {"match", std::move(match_json)},
          {"action", action.to_json()},
          {"remaining", remaining ? json(*remaining) : json(nullptr)},
          {"probability", probability},
          {"hits", hits}};
}

FaultInjector::FaultInjector(std::uint64_t seed) : seed_(seed), random_(seed) {}

core::Result<std::string> FaultInjector::add(const json& rule) {
  if (!rule.is_object()) return bad("rule", "expected an object");
  FaultRule parsed;
  std::optional<std::string> id;
  bool has_action = false;
  for (const auto& [key, item] : rule.items()) {
    if (key == "id") {
      if (!item.is_string() || !valid_id(item.get_ref<const std::string&>())) {
        return bad(key, "expected 1 to 128 characters from A-Z a-z 0-9 - _ . ~");
      }
      id = item.get<std::string>();
    } else if (key == "match") {
      if (!item.is_object()) return bad(key, "expected an object");
      for (const auto& [name, value] : item.items()) {
        if (!value.is_string()) return bad("match." + name, "expected a string");
        parsed.match.emplace(name, value.get<std::string>());
      }
    } else if (key == "action") {
      TOOLAUTH_ASSIGN_OR_RETURN(parsed.action, parse_action(item));
      has_action = true;
    } else if (key == "count") {
      const auto count = as_int(item);
      if (!count || *count < 1) return bad(key, "expected an integer of at least 1");
      parsed.remaining = static_cast<std::uint64_t>(*count);
    } else if (key == "probability") {
      if (!item.is_number()) return bad(key, "expected a number in (0, 1]");
      const auto p = item.get<double>();
      if (!(p > 0.0 && p <= 1.0)) return bad(key, "expected a number in (0, 1]");
      parsed.probability = p;
    } else {
      return bad(key, "unknown key");
    }
  }
  if (!has_action) return bad("action", "missing");

  std::lock_guard lock(mutex_);
  auto taken = [this](std::string_view candidate) {
    return std::any_of(rules_.begin(), rules_.end(),
                       [&](const FaultRule& r) { return r.id == candidate; });
  };
  if (id) {
    if (taken(*id)) return bad("id", "already used by another rule");
    parsed.id = std::move(*id);
  } else {
    do {
      parsed.id = "fault-" + std::to_string(next_id_++);
    } while (taken(parsed.id));
  }
  rules_.push_back(std::move(parsed));
  return rules_.back().id;
}

bool FaultInjector::remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  const auto it =
      std::find_if(rules_.begin(), rules_.end(), [&](const FaultRule& r) { return r.id == id; });
  if (it == rules_.end()) return false;
  rules_.erase(it);
  return true;
}

void FaultInjector::clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
}

void FaultInjector::reseed(std::uint64_t seed) {
  std::lock_guard lock(mutex_);
  seed_ = seed;
  random_.seed(seed);
}

std::uint64_t FaultInjector::seed() const {
  std::lock_guard lock(mutex_);
  return seed_;
}

std::optional<FaultAction> FaultInjector::take(const std::map<std::string, std::string>& context) {
  std::lock_guard lock(mutex_);
  for (auto& rule : rules_) {
    if (rule.remaining && *rule.remaining == 0) continue;
    if (!rule_matches(rule, context)) continue;
    if (rule.probability < 1.0) {
      // 53 random bits as a double in [0, 1): unlike std::uniform_real_distribution, whose
      // algorithm is the library's choice, this gives the same draws with every toolchain.
      const double draw = static_cast<double>(random_() >> 11) * 0x1.0p-53;
      if (!(draw < rule.probability)) continue;
    }
    ++rule.hits;
    if (rule.remaining) --*rule.remaining;
    return rule.action;
  }
  return std::nullopt;
}

std::vector<FaultRule> FaultInjector::rules() const {
  std::lock_guard lock(mutex_);
  return rules_;
}

bool FaultInjector::idle() const {
  std::lock_guard lock(mutex_);
  return std::none_of(rules_.begin(), rules_.end(),
                      [](const FaultRule& r) { return !r.remaining || *r.remaining > 0; });
}

json FaultInjector::list() const {
  std::lock_guard lock(mutex_);
  json rules = json::array();
  for (const auto& rule : rules_) rules.push_back(rule.to_json());
  return {{"seed", seed_}, {"rules", std::move(rules)}};
}

}  // namespace toolauth::service
