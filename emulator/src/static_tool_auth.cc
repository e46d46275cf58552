#include "toolauth/emulator/static_tool_auth.h"

namespace toolauth::emulator {

boost::asio::awaitable<ToolAuthOutcome> NoneToolAuth::authorize(const ToolCallContext&) {
  co_return ToolCredentials{};
}

boost::asio::awaitable<ToolAuthOutcome> CustomKeysToolAuth::authorize(
    const ToolCallContext& context) {
  auto keys = context.connection->keys;
  if (defects_.has(Defect::stale_key)) {
    // The keys of the first call are kept forever: a rotated key never takes effect.
    const auto name = context.project + "/" + context.connection->name;
    keys = first_keys_.try_emplace(name, keys).first->second;
  }
  ToolCredentials credentials;
  for (const auto& [header, value] : keys) {
    const bool wrong_header = defects_.has(Defect::wrong_key_header);
    credentials.headers.set(wrong_header ? "X-API-Key" : header, value);
  }
  co_return credentials;
}

}  // namespace toolauth::emulator
