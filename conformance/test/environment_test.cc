#include "toolauth/conformance/environment.h"

#include <gtest/gtest.h>

#include "world_fixture.h"

namespace toolauth::conformance {
namespace {

using boost::asio::awaitable;

TEST(EnvironmentTest, StartsBothServersOnOneClockAndOneCa) {
  auto seen = testing::with_environment<nlohmann::json>([](Environment& env)
                                                            -> awaitable<nlohmann::json> {
    nlohmann::json out;
    auto idp = co_await env.client().send({.url = env.idp_url() + "/_admin/readyz"});
    auto mcp = co_await env.client().send({.url = env.mcp_url() + "/_admin/readyz"});
    out["idp"] = idp.ok() ? idp->status : -1;
    out["mcp"] = mcp.ok() ? mcp->status : -1;
    env.clock().advance(std::chrono::hours(1));
    auto clock = co_await env.client().send({.url = env.mcp_url() + "/_admin/clock"});
    out["offset"] =
        clock.ok() ? nlohmann::json::parse(clock->body)["offset_seconds"] : nlohmann::json(-1);
    env.clock().reset();
    out["users"] = find_named(env.world(), "users", "alice") != nullptr;
    out["mounts"] = find_named(env.world(), "mounts", "bearer") != nullptr;
    out["issuer_on_idp"] =
        find_named(env.world(), "mounts", "bearer")->value("issuer", "").starts_with(env.idp_url());
    co_return out;
  });
  EXPECT_EQ(seen["idp"], 200);
  EXPECT_EQ(seen["mcp"], 200);  // the same client, trusting one CA, reaches both
  EXPECT_EQ(seen["offset"], 3600);
  EXPECT_EQ(seen["users"], true);
  EXPECT_EQ(seen["mounts"], true);
  EXPECT_EQ(seen["issuer_on_idp"], true);
}

TEST(EnvironmentTest, FindNamedLooksUpSections) {
  const nlohmann::json world = {{"users", {{{"name", "alice"}, {"oid", "1"}}}}};
  ASSERT_NE(find_named(world, "users", "alice"), nullptr);
  EXPECT_EQ(find_named(world, "users", "bob"), nullptr);
  EXPECT_EQ(find_named(world, "tenants", "alice"), nullptr);
  EXPECT_EQ(find_named(nlohmann::json::array(), "users", "alice"), nullptr);
}

}  // namespace
}  // namespace toolauth::conformance
