#include "toolauth/emulator/unavailable_tool_auth.h"

namespace toolauth::emulator {

boost::asio::awaitable<ToolAuthOutcome> UnavailableToolAuth::authorize(const ToolCallContext&) {
  co_return ToolAuthFailure{
      "auth_type_unavailable",
      "the auth type " + std::string(to_string(type_)) + " is not available in this build"};
}

}  // namespace toolauth::emulator
