#include "toolauth/idp/device_codes.h"

#include <algorithm>
#include <array>

#include "toolauth/core/random.h"
#include "toolauth/jose/hash.h"

namespace toolauth::idp {

namespace {
std::string random_user_code() {
  // 32 symbols: a byte's low five bits pick one without bias.
  static_assert(kUserCodeAlphabet.size() == 32);
  std::array<unsigned char, kUserCodeLength> bytes{};
  core::random_bytes(bytes);
  std::string code;
  for (auto b : bytes) code.push_back(kUserCodeAlphabet[b & 31]);
  return code;
}
}  // namespace

std::string DeviceCodeStore::normalise_user_code(std::string_view user_code) {
  std::string out;
  for (char c : user_code) {
    if (c == '-' || c == ' ' || c == '\t') continue;
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

DeviceCodeStore::Issued DeviceCodeStore::issue(DeviceAuthorization authorization) {
  while (authorizations_.size() >= kMaxDeviceAuthorizations) {
    erase(std::min_element(
        authorizations_.begin(), authorizations_.end(),
        [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; }));
  }
  std::string user_code;
  do {
    user_code = random_user_code();
  } while (by_user_code_.contains(user_code));
  authorization.user_code = user_code;
  std::string device_code = jose::random_token(48);
  if (witness_) witness_->saw(device_code);
  auto hash = jose::sha256_base64url(device_code);
  by_user_code_[user_code] = hash;
  authorizations_[std::move(hash)] = std::move(authorization);
  return {std::move(device_code), std::move(user_code)};
}

DeviceAuthorization* DeviceCodeStore::find(std::string_view device_code) {
  if (device_code.empty()) return nullptr;
  auto it = authorizations_.find(jose::sha256_base64url(device_code));
  return it == authorizations_.end() ? nullptr : &it->second;
}

DeviceAuthorization* DeviceCodeStore::find_by_user_code(std::string_view user_code,
                                                        core::Clock::time_point now) {
  auto index = by_user_code_.find(normalise_user_code(user_code));
  if (index == by_user_code_.end()) return nullptr;
  auto it = authorizations_.find(index->second);
  if (it == authorizations_.end() || it->second.state != DeviceAuthorization::State::pending ||
      it->second.expires <= now) {
    return nullptr;
  }
  return &it->second;
}

void DeviceCodeStore::erase(std::map<std::string, DeviceAuthorization, std::less<>>::iterator it) {
  by_user_code_.erase(it->second.user_code);
  authorizations_.erase(it);
}

void DeviceCodeStore::purge(core::Clock::time_point now) {
  // Kept a day past expiry, so a late poll gets expired_token, not bad_verification_code.
  for (auto it = authorizations_.begin(); it != authorizations_.end();) {
    auto next = std::next(it);
    if (it->second.expires + std::chrono::hours(24) < now) erase(it);
    it = next;
  }
}

}  // namespace toolauth::idp
