#include "toolauth/emulator/tool_auth_registry.h"

#include <gtest/gtest.h>

#include "toolauth/testing/run_sync.h"

namespace toolauth::emulator {
namespace {

ToolAuthOutcome authorize(ToolAuthRegistry& registry, const Connection& connection) {
  ToolCallContext context;
  context.connection = &connection;
  return toolauth::testing::run_sync<ToolAuthOutcome>(
      [&]() -> boost::asio::awaitable<ToolAuthOutcome> {
        co_return co_await registry.for_type(connection.auth_type).authorize(context);
      });
}

class FixedAuth final : public ToolAuth {
 public:
  AuthType type() const override { return AuthType::oauth2; }
  boost::asio::awaitable<ToolAuthOutcome> authorize(const ToolCallContext&) override {
    co_return ConsentRequired{"https://idp/consent", "oauthreq_1"};
  }
};

TEST(ToolAuthRegistryTest, TokenTypesAreUnavailableUntilInstalled) {
  ToolAuthRegistry registry;
  for (auto type : {AuthType::project_managed_identity, AuthType::agentic_identity_token,
                    AuthType::oauth2, AuthType::user_entra_token}) {
    Connection c;
    c.auth_type = type;
    auto outcome = authorize(registry, c);
    auto* failure = std::get_if<ToolAuthFailure>(&outcome);
    ASSERT_NE(failure, nullptr) << to_string(type);
    EXPECT_EQ(failure->code, "auth_type_unavailable");
    EXPECT_EQ(failure->message,
              "the auth type " + std::string(to_string(type)) + " is not available in this build");
  }
}

TEST(ToolAuthRegistryTest, InstallReplacesAType) {
  ToolAuthRegistry registry;
  registry.install(std::make_unique<FixedAuth>());
  Connection c;
  c.auth_type = AuthType::oauth2;
  auto outcome = authorize(registry, c);
  ASSERT_TRUE(std::holds_alternative<ConsentRequired>(outcome));
}

}  // namespace
}  // namespace toolauth::emulator
