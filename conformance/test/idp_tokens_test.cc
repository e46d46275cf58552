#include "toolauth/conformance/idp_tokens.h"

#include <gtest/gtest.h>

#include "toolauth/jose/jwt.h"
#include "world_fixture.h"

namespace toolauth::conformance {
namespace {

using boost::asio::awaitable;
using namespace std::chrono_literals;

TEST(IdpTokensTest, MintsRealTokensConsentingOnceAndShiftingTimeOnlyForTheRequest) {
  auto seen =
      testing::with_environment<nlohmann::json>([](Environment& env) -> awaitable<nlohmann::json> {
        IdpTokens tokens(env);
        const auto app = find_named(env.world(), "resources", "mcp-api")->value("app_id_uri", "");
        nlohmann::json out;
        auto valid = co_await tokens.user_token({"alice", app + "/Tools.Invoke"});
        out["valid"] = valid.ok() ? jose::decode_jwt(*valid)->payload : nlohmann::json();
        out["consent_walks"] = env.idp_journal().query({.kind = "authorize"}).size();
        auto expired = co_await tokens.user_token({"alice", app + "/Tools.Invoke", -2h, 1h});
        out["expired"] = expired.ok() ? jose::decode_jwt(*expired)->payload : nlohmann::json();
        out["consent_walks_after"] = env.idp_journal().query({.kind = "authorize"}).size();
        out["offset_after"] =
            std::chrono::duration_cast<std::chrono::seconds>(env.clock().offset()).count();
        out["now"] = env.clock().unix_seconds();
        out["minted"] = tokens.minted().size();
        auto unknown = co_await tokens.user_token({"nobody", "x"});
        out["unknown_user_refused"] = !unknown.ok();
        co_return out;
      });
  ASSERT_TRUE(seen["valid"].is_object());
  EXPECT_NE(seen["valid"]["scp"].get<std::string>().find("Tools.Invoke"), std::string::npos);
  EXPECT_GT(seen["consent_walks"].get<int>(), 0);
  EXPECT_EQ(seen["consent_walks_after"], seen["consent_walks"]);  // consent is remembered
  ASSERT_TRUE(seen["expired"].is_object());
  EXPECT_LT(seen["expired"]["exp"].get<std::int64_t>(), seen["now"].get<std::int64_t>() - 3000);
  EXPECT_EQ(seen["offset_after"], 0);
  EXPECT_GE(seen["minted"].get<int>(), 2);
  EXPECT_EQ(seen["unknown_user_refused"], true);
}

}  // namespace
}  // namespace toolauth::conformance
