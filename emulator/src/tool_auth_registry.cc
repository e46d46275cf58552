#include "toolauth/emulator/tool_auth_registry.h"

#include "toolauth/emulator/static_tool_auth.h"
#include "toolauth/emulator/unavailable_tool_auth.h"

namespace toolauth::emulator {

ToolAuthRegistry::ToolAuthRegistry() {
  for (auto type : kAllAuthTypes) by_type_[type] = std::make_unique<UnavailableToolAuth>(type);
  install(std::make_unique<NoneToolAuth>());
  install(std::make_unique<CustomKeysToolAuth>());
}

void ToolAuthRegistry::install(std::unique_ptr<ToolAuth> auth) {
  const auto type = auth->type();
  by_type_[type] = std::move(auth);
}

ToolAuth& ToolAuthRegistry::for_type(AuthType type) { return *by_type_.at(type); }

}  // namespace toolauth::emulator
