#include "toolauth/emulator/static_tool_auth.h"

namespace toolauth::emulator {

boost::asio::awaitable<ToolAuthOutcome> NoneToolAuth::authorize(const ToolCallContext&) {
  co_return ToolCredentials{};
}

boost::asio::awaitable<ToolAuthOutcome> CustomKeysToolAuth::authorize(
    const ToolCallContext& context) {
  ToolCredentials credentials;
  for (const auto& [header, value] : context.connection->keys)
    credentials.headers.set(header, value);
  co_return credentials;
}

}  // namespace toolauth::emulator
