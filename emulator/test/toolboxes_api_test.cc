// The toolboxes management routes over real loopback HTTPS (stack.h).

#include <gtest/gtest.h>

#include "stack.h"

namespace toolauth::emulator {
namespace {

using testing::HttpReply;
using testing::Stack;

class ToolboxesApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stack_ = new Stack(); }
  static void TearDownTestSuite() { delete stack_; }
  void SetUp() override {
    stack_->send({.method = http::Method::post, .url = stack_->emulator().url() + "/_admin/reset"});
    alice_ = stack_->user_token("alice");
  }
  HttpReply call(http::Method method, const std::string& path, const nlohmann::json& body = nullptr,
                 bool preview = true) {
    http::Headers headers;
    if (preview) headers.set("Foundry-Features", "Toolboxes=V1Preview");
    return stack_->call(method,
                        stack_->project_url("alpha") + "/toolboxes" + path + "?api-version=v1",
                        alice_, body, std::move(headers));
  }
  static nlohmann::json tools(const std::string& connection) {
    return {
        {"tools",
         {{{"type", "mcp"}, {"server_label", connection}, {"project_connection_id", connection}}}}};
  }

  static Stack* stack_;
  std::string alice_;
};
Stack* ToolboxesApiTest::stack_ = nullptr;

TEST_F(ToolboxesApiTest, CreateVersionsListGetPinAndDelete) {
  auto first = call(http::Method::post, "/tb/versions", tools("open"));
  ASSERT_EQ(first.status, 200) << first.text;
  EXPECT_EQ(first.body["id"], "tb:1");
  EXPECT_EQ(first.body["version"], "1");
  EXPECT_EQ(first.body["tools"][0]["server_label"], "open");
  auto second = call(http::Method::post, "/tb/versions", tools("api-key"));
  EXPECT_EQ(second.body["version"], "2");

  auto toolbox = call(http::Method::get, "/tb");
  ASSERT_EQ(toolbox.status, 200) << toolbox.text;
  EXPECT_EQ(toolbox.body["name"], "tb");
  EXPECT_EQ(toolbox.body["default_version"], "2");
  EXPECT_EQ(toolbox.body["versions"]["latest"]["version"], "2");

  auto list = call(http::Method::get, "");
  ASSERT_EQ(list.body["data"].size(), 1u);
  EXPECT_EQ(list.body["object"], "list");
  auto versions = call(http::Method::get, "/tb/versions");
  ASSERT_EQ(versions.body["data"].size(), 2u);
  EXPECT_EQ(versions.body["data"][0]["version"], "2");  // newest first
  EXPECT_EQ(call(http::Method::get, "/tb/versions/1").body["tools"][0]["server_label"], "open");

  auto pinned = call(http::Method::patch, "/tb", {{"default_version", "1"}});
  ASSERT_EQ(pinned.status, 200) << pinned.text;
  EXPECT_EQ(pinned.body["default_version"], "1");
  auto third = call(http::Method::post, "/tb/versions", tools("open"));
  EXPECT_EQ(third.body["version"], "3");
  EXPECT_EQ(call(http::Method::get, "/tb").body["default_version"], "1");  // still pinned

  auto refused = call(http::Method::delete_, "/tb/versions/1");
  EXPECT_EQ(refused.status, 400) << refused.text;  // the pinned default
  EXPECT_EQ(call(http::Method::delete_, "/tb/versions/2").status, 200);
  EXPECT_EQ(call(http::Method::get, "/tb/versions/2").inner_code(), "ToolboxVersionNotFound");
  // Numbers are never reused.
  EXPECT_EQ(call(http::Method::post, "/tb/versions", tools("open")).body["version"], "4");

  auto deleted = call(http::Method::delete_, "/tb");
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body["deleted"], true);
  auto gone = call(http::Method::get, "/tb");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.inner_code(), "ToolboxNotFound");
}

TEST_F(ToolboxesApiTest, TheOnlyVersionCannotBeDeleted) {
  ASSERT_EQ(call(http::Method::post, "/tb/versions", tools("open")).status, 200);
  auto refused = call(http::Method::delete_, "/tb/versions/1");
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body["error"]["message"].get<std::string>().find("only version"),
            std::string::npos);
}

TEST_F(ToolboxesApiTest, BadBodiesAreClear400s) {
  auto unknown = call(http::Method::post, "/tb/versions", tools("missing"));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.text.find("no connection 'missing'"), std::string::npos) << unknown.text;
  auto not_json = stack_->call_raw(
      http::Method::post, stack_->project_url("alpha") + "/toolboxes/tb/versions?api-version=v1",
      alice_, "{");
  EXPECT_EQ(not_json.status, 400);
  auto bad_name = call(http::Method::post, "/bad%20name/versions", tools("open"));
  EXPECT_EQ(bad_name.status, 400);
  ASSERT_EQ(call(http::Method::post, "/tb/versions", tools("open")).status, 200);
  auto pin = call(http::Method::patch, "/tb", {{"default_version", "7"}});
  EXPECT_EQ(pin.status, 404);
  EXPECT_EQ(pin.inner_code(), "ToolboxVersionNotFound");
  auto pin_type = call(http::Method::patch, "/tb", {{"default_version", 1}});
  EXPECT_EQ(pin_type.status, 400);
}

TEST_F(ToolboxesApiTest, PreviewHeaderApiVersionAndTokenAreRequired) {
  auto no_preview = call(http::Method::get, "", nullptr, false);
  EXPECT_EQ(no_preview.status, 400);
  EXPECT_EQ(no_preview.inner_code(), "PreviewFeatureRequired");
  auto no_version =
      stack_->call(http::Method::get, stack_->project_url("alpha") + "/toolboxes", alice_);
  EXPECT_EQ(no_version.status, 400);
  EXPECT_EQ(no_version.error_code(), "MissingApiVersionParameter");
  auto no_token = stack_->call(http::Method::get,
                               stack_->project_url("alpha") + "/toolboxes?api-version=v1", "");
  EXPECT_EQ(no_token.status, 401);
}

TEST_F(ToolboxesApiTest, ToolboxesSurviveARestartAndGoOnReset) {
  ASSERT_EQ(call(http::Method::post, "/tb/versions", tools("open")).status, 200);
  stack_->restart_emulator();
  EXPECT_EQ(call(http::Method::get, "/tb").status, 200);
  stack_->send({.method = http::Method::post, .url = stack_->emulator().url() + "/_admin/reset"});
  EXPECT_EQ(call(http::Method::get, "/tb").status, 404);
}

}  // namespace
}  // namespace toolauth::emulator
