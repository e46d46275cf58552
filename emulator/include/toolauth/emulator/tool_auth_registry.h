#pragma once
// One ToolAuth per auth type. The default registry has None and CustomKeys and an
// UnavailableToolAuth for every other type; install() replaces a type's implementation (the
// token flows of libs/oauth plug in here).

#include <map>
#include <memory>

#include "toolauth/emulator/tool_auth.h"

namespace toolauth::emulator {

class ToolAuthRegistry {
 public:
  ToolAuthRegistry();
  void install(std::unique_ptr<ToolAuth> auth);
  ToolAuth& for_type(AuthType type);

 private:
  std::map<AuthType, std::unique_ptr<ToolAuth>> by_type_;
};

}  // namespace toolauth::emulator
