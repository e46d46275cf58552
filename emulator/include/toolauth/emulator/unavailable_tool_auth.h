#pragma once
// Stands in for an auth type whose token flows are not wired into this build: every call
// fails with `auth_type_unavailable`, naming the type, never a silent success.

#include "toolauth/emulator/tool_auth.h"

namespace toolauth::emulator {

class UnavailableToolAuth final : public ToolAuth {
 public:
  explicit UnavailableToolAuth(AuthType type) : type_(type) {}
  AuthType type() const override { return type_; }
  boost::asio::awaitable<ToolAuthOutcome> authorize(const ToolCallContext& context) override;

 private:
  AuthType type_;
};

}  // namespace toolauth::emulator
