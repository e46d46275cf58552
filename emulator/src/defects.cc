#include "toolauth/emulator/defects.h"

#include <array>

#include "toolauth/core/error.h"

namespace toolauth::emulator {

namespace {

constexpr std::array<std::string_view, kDefectCount> kNames = {
    "leak-key-across-connections",
    "wrong-key-header",
    "key-in-output",
    "stale-key",
    "mi-ignore-audience",
    "mi-no-cache",
    "user-token-as-agent",
    "shared-agent-identity",
    "no-pkce",
    "consent-not-per-user",
    "consent-not-per-connection",
    "consent-not-per-project",
    "skip-state-check",
    "reusable-consent-link",
    "declined-500",
    "no-refresh",
    "reuse-refresh-token",
    "no-single-flight",
    "retry-loop-on-401",
    "token-in-output",
    "accept-cross-tenant",
    "vault-in-memory",
    "obo-wrong-scope",
    "approval-skips-consent",
    "forward-authorization",
    "call-id-not-bound-to-user",
    "consent-without-user",
    "agent-token-as-user",
    "obo-any-audience",
};

}  // namespace

std::string_view to_string(Defect defect) { return kNames.at(static_cast<std::size_t>(defect)); }

std::vector<std::string> EmulatorDefects::names() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < kDefectCount; ++i) {
    if (on_.test(i)) out.emplace_back(kNames[i]);
  }
  return out;
}

const std::vector<std::string_view>& known_emulator_defects() {
  static const std::vector<std::string_view> names(kNames.begin(), kNames.end());
  return names;
}

core::Result<EmulatorDefects> parse_emulator_defects(const std::set<std::string>& names) {
  EmulatorDefects defects;
  for (const auto& name : names) {
    std::size_t i = 0;
    while (i < kDefectCount && kNames[i] != name) ++i;
    if (i == kDefectCount) {
      std::string known;
      for (auto n : kNames) known += (known.empty() ? "" : ", ") + std::string(n);
      return core::Error{core::make_error_code(core::Errc::invalid_argument),
                         "unknown emulator defect \"" + name + "\" (known: " + known + ")"};
    }
    defects.add(static_cast<Defect>(i));
  }
  return defects;
}

}  // namespace toolauth::emulator
