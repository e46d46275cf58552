#include "toolauth/conformance/profile_context.h"

#include <gtest/gtest.h>

#include "world_fixture.h"

namespace toolauth::conformance {
namespace {

using boost::asio::awaitable;

TEST(ProfileContextTest, NamesUsersByTheirObjectIds) {
  auto seen =
      testing::with_environment<nlohmann::json>([](Environment& env) -> awaitable<nlohmann::json> {
        ProfileContext ctx(&env);
        co_return nlohmann::json{
            {"alice", ctx.user_oid("alice")},
            {"fixture", find_named(env.world(), "users", "alice")->value("oid", "")},
            {"nobody", ctx.user_oid("nobody")}};
      });
  EXPECT_FALSE(seen["alice"].get<std::string>().empty());
  EXPECT_EQ(seen["alice"], seen["fixture"]);
  EXPECT_EQ(seen["nobody"], "");
}

TEST(ProfileContextTest, JournalsAnswerOnlyWhatCameAfterTheMarkOfTheKindAsked) {
  auto seen =
      testing::with_environment<nlohmann::json>([](Environment& env) -> awaitable<nlohmann::json> {
        ProfileContext ctx(&env);
        const auto mark = ctx.idp_mark();
        const auto app = find_named(env.world(), "resources", "mcp-api")->value("app_id_uri", "");
        auto token = co_await ctx.tokens().user_token({"alice", app + "/Tools.Invoke"});
        co_return nlohmann::json{{"minted", token.ok()},
                                 {"mark", mark},
                                 {"all", ctx.idp_since(mark)},
                                 {"authorize", ctx.idp_since(mark, "authorize")},
                                 {"after_last", ctx.idp_since(ctx.idp_mark())},
                                 {"other_mount", ctx.mcp_since(0, "no-such-mount")}};
      });
  ASSERT_EQ(seen["minted"], true);
  ASSERT_FALSE(seen["authorize"].empty());
  EXPECT_GT(seen["all"].size(), seen["authorize"].size());
  for (const auto& entry : seen["all"]) EXPECT_GT(entry["seq"], seen["mark"]);
  for (const auto& entry : seen["authorize"]) EXPECT_EQ(entry["kind"], "authorize");
  EXPECT_TRUE(seen["after_last"].empty());
  EXPECT_TRUE(seen["other_mount"].empty());
}

TEST(ProfileContextTest, CleanupsRunLastRegisteredFirstAndOnlyOnce) {
  auto ran = toolauth::testing::run_sync<std::vector<int>>([]() -> awaitable<std::vector<int>> {
    ProfileContext ctx(nullptr);
    std::vector<int> order;
    for (int i = 1; i <= 3; ++i)
      ctx.on_cleanup([&order, i]() -> awaitable<void> {
        order.push_back(i);
        co_return;
      });
    co_await ctx.run_cleanups();
    co_await ctx.run_cleanups();
    co_return order;
  });
  EXPECT_EQ(ran, (std::vector<int>{3, 2, 1}));
}

TEST(ProfileContextTest, ConsentLinkForAnUnknownUserIsRefusedBeforeAnyStep) {
  auto seen =
      testing::with_environment<nlohmann::json>([](Environment& env) -> awaitable<nlohmann::json> {
        ProfileContext ctx(&env);
        ScenarioRecord record;
        auto walk = co_await ctx.follow_consent(record, env.idp_url() + "/authorize", "nobody",
                                                ConsentDecision::approve);
        co_return nlohmann::json{{"not_found", !walk.ok() && walk.code() == core::Errc::not_found},
                                 {"steps", record.steps().size()}};
      });
  EXPECT_EQ(seen["not_found"], true);
  EXPECT_EQ(seen["steps"], 0);
}

}  // namespace
}  // namespace toolauth::conformance
