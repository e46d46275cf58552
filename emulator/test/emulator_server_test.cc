// The emulator's listeners, ready document and admin plane.

#include "toolauth/emulator/emulator_server.h"

#include <gtest/gtest.h>

#include "stack.h"
#include "toolauth/emulator/emulator_state.h"
#include "toolauth/service/state_store.h"

namespace toolauth::emulator {
namespace {

using testing::Stack;

TEST(EmulatorServerTest, ReadyDocumentListsTheWorld) {
  Stack stack;
  auto ready = stack.on_server_thread([&] { return stack.emulator().ready_document(); });
  EXPECT_EQ(ready["emulator"]["url"], stack.emulator().url());
  EXPECT_TRUE(ready["emulator"]["http_url"].get<std::string>().starts_with("http://"));
  EXPECT_EQ(ready["ca_file"], stack.ca_file());
  const auto& projects = ready["world"]["projects"];
  ASSERT_EQ(projects.size(), 2u);
  EXPECT_EQ(projects[0]["name"], "alpha");
  EXPECT_EQ(projects[0]["url"], stack.emulator().url() + "/api/projects/alpha");
  EXPECT_EQ(projects[0]["connections"].size(), 8u);
  for (const auto& c : projects[0]["connections"]) {
    EXPECT_TRUE(c.contains("id") && c.contains("auth_type") && c.contains("target"));
  }
  bool approval = false;
  for (const auto& a : projects[0]["agents"]) approval |= a["require_approval"] == "always";
  EXPECT_TRUE(approval);
}

TEST(EmulatorServerTest, PlainHttpServesTheSameRoutes) {
  Stack stack;
  auto url = stack.on_server_thread([&] { return stack.emulator().http_url(); });
  auto reply = stack.send({.method = http::Method::get, .url = url + "/_admin/healthz"});
  EXPECT_EQ(reply.status, 200);
  auto data = stack.call(http::Method::get, url + "/api/projects/alpha/connections?api-version=v1",
                         stack.user_token("alice"));
  EXPECT_EQ(data.status, 200) << data.text;
}

TEST(EmulatorServerTest, ResetRestoresTheFixtures) {
  Stack stack;
  const auto token = stack.user_token("alice");
  const auto agent_url = stack.project_url("alpha") + "/agents/open-agent?api-version=v1";
  ASSERT_EQ(stack.call(http::Method::delete_, agent_url, token).status, 200);
  EXPECT_EQ(stack.call(http::Method::get, agent_url, token).status, 404);
  auto reset =
      stack.send({.method = http::Method::post, .url = stack.emulator().url() + "/_admin/reset"});
  EXPECT_EQ(reset.status, 200) << reset.text;
  EXPECT_EQ(stack.call(http::Method::get, agent_url, token).status, 200);
}

TEST(EmulatorServerTest, ExportImportRoundTrip) {
  Stack stack;
  const auto admin = stack.emulator().url() + "/_admin/state";
  auto exported = stack.send({.method = http::Method::get, .url = admin});
  ASSERT_EQ(exported.status, 200);
  EXPECT_TRUE(exported.body.contains("connections"));
  http::ClientRequest put{.method = http::Method::put, .url = admin, .body = exported.text};
  put.headers.set("Content-Type", "application/json");
  EXPECT_EQ(stack.send(std::move(put)).status, 200);
}

TEST(EmulatorServerTest, StateSurvivesARestart) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("emulator-restart-" + core::random_hex(6));
  core::SystemClock clock;
  auto run = [&](auto body) {
    boost::asio::io_context io;
    EmulatorServerOptions o;
    o.port = 0;
    o.http_port = std::nullopt;
    o.state_dir = dir;
    auto server = EmulatorServer::start(io.get_executor(), clock, o);
    ASSERT_TRUE(server.ok()) << server.error().message();
    body(**server);
    (*server)->stop();
  };
  run([](EmulatorServer& server) {
    auto ready = server.ready_document();
    EXPECT_EQ(ready["world"]["projects"][0]["agents"].size(), 9u);
  });
  // Delete an agent through the state the server owns, as the data plane would.
  {
    auto store = service::StateStore::open((dir / "emulator.db").string());
    ASSERT_TRUE(store.ok());
    EmulatorState state(**store);
    ASSERT_TRUE(*state.erase_agent("alpha", "open-agent"));
  }
  run([](EmulatorServer& server) {
    auto ready = server.ready_document();
    EXPECT_EQ(ready["world"]["projects"][0]["agents"].size(), 8u);  // not re-seeded
  });
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace toolauth::emulator
