#include "toolauth/core/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace toolauth::core {
namespace {

std::vector<std::string> problems_of(const ConfigReader& reader) {
  std::vector<std::string> out;
  for (const auto& p : reader.problems()) out.push_back(p.to_string());
  return out;
}

TEST(ConfigTest, ReadsTypedValues) {
  const auto doc = nlohmann::json::parse(
      R"({"name": "contoso", "port": 4781, "strict": true, "scopes": ["a", "b"],
          "users": [{"name": "alice"}], "extra": {"k": 1}})");
  ConfigReader reader(doc, "world.json");
  auto root = reader.root();
  EXPECT_EQ(root.required<std::string>("name"), "contoso");
  EXPECT_EQ(root.required<std::int64_t>("port"), 4781);
  EXPECT_EQ(root.optional<bool>("strict", false), true);
  EXPECT_EQ(root.optional<std::string>("profile", "entra"), "entra");
  EXPECT_EQ(root.required<std::vector<std::string>>("scopes"),
            (std::vector<std::string>{"a", "b"}));
  auto users = root.array("users");
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].required<std::string>("name"), "alice");
  EXPECT_EQ(users[0].path(), "/users/0");
  auto extra = root.object("extra");
  ASSERT_TRUE(extra.has_value());
  EXPECT_EQ(extra->required<nlohmann::json>("k"), 1);
  root.reject_unknown_keys();
  EXPECT_TRUE(reader.ok()) << reader.result().error().detail;
}

TEST(ConfigTest, EveryProblemNamesFileAndJsonPath) {
  const auto doc = nlohmann::json::parse(
      R"({"users": [{"name": "alice"}, {"name": 7, "pasword": "x"}], "a/b": {"c": "d"}})");
  ConfigReader reader(doc, "world.json");
  auto root = reader.root();
  for (auto user : root.array("users")) {
    (void)user.required<std::string>("name");
    (void)user.required<std::string>("password");
    user.reject_unknown_keys();
  }
  (void)root.object("a/b")->required<std::int64_t>("c");
  (void)root.required<std::string>("tenant");
  root.reject_unknown_keys();
  EXPECT_EQ(problems_of(reader), (std::vector<std::string>{
                                     "world.json: /users/0/password: is required",
                                     "world.json: /users/1/name: expected a string",
                                     "world.json: /users/1/password: is required",
                                     "world.json: /users/1/pasword: unknown key",
                                     "world.json: /a~1b/c: expected an integer",
                                     "world.json: /tenant: is required",
                                 }));
  EXPECT_EQ(reader.result().code(), Errc::config_invalid);
}

TEST(ConfigTest, ElementThatIsNotAnObjectIsReportedOnce) {
  const auto doc = nlohmann::json::parse(R"({"users": ["alice"]})");
  ConfigReader reader(doc, "w.json");
  for (auto user : reader.root().array("users")) {
    (void)user.required<std::string>("name");
    (void)user.required<std::string>("password");
  }
  EXPECT_EQ(problems_of(reader),
            (std::vector<std::string>{"w.json: /users/0: expected an object"}));
}

TEST(ConfigTest, LoadJsonFileNamesFileAndPosition) {
  const auto dir = std::filesystem::temp_directory_path() / "toolauth_config_test";
  std::filesystem::create_directories(dir);
  const auto file = dir / "bad.json";
  std::ofstream(file) << "{\n  \"a\": [1,,2]\n}\n";
  auto r = load_json_file(file);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::config_invalid);
  EXPECT_NE(r.error().detail.find(file.string() + ": line 2"), std::string::npos)
      << r.error().detail;
  EXPECT_EQ(load_json_file(dir / "missing.json").code(), Errc::io_error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace toolauth::core
