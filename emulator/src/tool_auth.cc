#include "toolauth/emulator/tool_auth.h"

namespace toolauth::emulator {

boost::asio::awaitable<void> ToolAuth::refused(const ToolCallContext&) { co_return; }

}  // namespace toolauth::emulator
