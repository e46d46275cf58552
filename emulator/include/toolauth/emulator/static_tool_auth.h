#pragma once
// The auth types that need no token service: None (no credentials at all) and CustomKeys
// (each key of the connection sent as its own header, to that connection's server only: the
// engine sends a connection's calls to its target and nowhere else).

#include "toolauth/emulator/tool_auth.h"

namespace toolauth::emulator {

class NoneToolAuth final : public ToolAuth {
 public:
  AuthType type() const override { return AuthType::none; }
  boost::asio::awaitable<ToolAuthOutcome> authorize(const ToolCallContext& context) override;
};

class CustomKeysToolAuth final : public ToolAuth {
 public:
  AuthType type() const override { return AuthType::custom_keys; }
  boost::asio::awaitable<ToolAuthOutcome> authorize(const ToolCallContext& context) override;
};

}  // namespace toolauth::emulator
