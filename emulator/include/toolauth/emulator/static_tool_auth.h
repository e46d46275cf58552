#pragma once
// The auth types that need no token service: None (no credentials at all) and CustomKeys
// (each key of the connection sent as its own header, to that connection's server only: the
// engine sends a connection's calls to its target and nowhere else).

#include <map>
#include <string>

#include "toolauth/emulator/defects.h"
#include "toolauth/emulator/tool_auth.h"

namespace toolauth::emulator {

class NoneToolAuth final : public ToolAuth {
 public:
  AuthType type() const override { return AuthType::none; }
  boost::asio::awaitable<ToolAuthOutcome> authorize(const ToolCallContext& context) override;
};

class CustomKeysToolAuth final : public ToolAuth {
 public:
  // Defects honoured here: wrong-key-header, stale-key.
  explicit CustomKeysToolAuth(EmulatorDefects defects = {}) : defects_(defects) {}
  AuthType type() const override { return AuthType::custom_keys; }
  boost::asio::awaitable<ToolAuthOutcome> authorize(const ToolCallContext& context) override;

 private:
  EmulatorDefects defects_;
  // Defect stale-key: the keys each connection ("<project>/<name>") had at its first call.
  std::map<std::string, std::map<std::string, std::string>> first_keys_;
};

}  // namespace toolauth::emulator
