#include "toolauth/emulator/hosted_call_registry.h"

#include "toolauth/core/random.h"

namespace toolauth::emulator {

std::string HostedCallRegistry::begin(HostedCall call) {
  std::string id = core::random_hex(16);
  calls_.emplace(id, std::move(call));
  return id;
}

const HostedCall* HostedCallRegistry::find(std::string_view call_id) const {
  // A std::map lookup compares keys, not in constant time; the id is 128 random bits, so
  // timing reveals nothing an attacker can build on.
  auto it = calls_.find(call_id);
  return it == calls_.end() ? nullptr : &it->second;
}

HostedCall* HostedCallRegistry::find(std::string_view call_id) {
  auto it = calls_.find(call_id);
  return it == calls_.end() ? nullptr : &it->second;
}

void HostedCallRegistry::end(std::string_view call_id) {
  if (defects_.has(Defect::call_id_not_bound_to_user)) return;
  if (auto it = calls_.find(call_id); it != calls_.end()) calls_.erase(it);
}

}  // namespace toolauth::emulator
