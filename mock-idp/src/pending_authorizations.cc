#include "toolauth/idp/pending_authorizations.h"

#include <algorithm>

#include "toolauth/core/constant_time.h"
#include "toolauth/jose/hash.h"

namespace toolauth::idp {

std::string PendingAuthorizationStore::start(PendingAuthorization pending,
                                             core::Clock::time_point now) {
  if (flows_.size() >= kMaxPendingAuthorizations) purge(now);
  while (flows_.size() >= kMaxPendingAuthorizations) {
    auto oldest = std::min_element(flows_.begin(), flows_.end(), [](const auto& a, const auto& b) {
      return a.second.order < b.second.order;
    });
    flows_.erase(oldest);
  }
  std::string flow_id = jose::random_token(32);
  pending.flow_hash = jose::short_hash(flow_id);
  pending.expires = now + kPendingLifetime;
  flows_[jose::sha256_base64url(flow_id)] = Entry{std::move(pending), {}, next_order_++};
  return flow_id;
}

PendingAuthorization* PendingAuthorizationStore::find(std::string_view flow_id,
                                                      core::Clock::time_point now) {
  if (flow_id.empty()) return nullptr;
  auto it = flows_.find(jose::sha256_base64url(flow_id));
  if (it == flows_.end() || it->second.pending.expires <= now) return nullptr;
  return &it->second.pending;
}

std::string PendingAuthorizationStore::issue_csrf_token(std::string_view flow_id) {
  auto it = flows_.find(jose::sha256_base64url(flow_id));
  if (it == flows_.end()) return {};
  std::string token = jose::random_token(32);
  it->second.csrf_hash = jose::sha256_base64url(token);
  return token;
}

bool PendingAuthorizationStore::consume_csrf_token(std::string_view flow_id,
                                                   std::string_view token) {
  auto it = flows_.find(jose::sha256_base64url(flow_id));
  if (it == flows_.end() || it->second.csrf_hash.empty() || token.empty()) return false;
  if (!core::constant_time_equal(jose::sha256_base64url(token), it->second.csrf_hash)) return false;
  it->second.csrf_hash.clear();
  return true;
}

void PendingAuthorizationStore::finish(std::string_view flow_id) {
  flows_.erase(jose::sha256_base64url(flow_id));
}

void PendingAuthorizationStore::purge(core::Clock::time_point now) {
  std::erase_if(flows_, [&](const auto& item) { return item.second.pending.expires <= now; });
}

}  // namespace toolauth::idp
