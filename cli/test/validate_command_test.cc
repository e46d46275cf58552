// `toolauth validate` as a user runs it: files on disk, the output, the exit code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "commands.h"
#include "toolauth/core/random.h"

namespace toolauth::cli {
namespace {

using ::testing::HasSubstr;

class ValidateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("validate-test-" + core::random_hex(8));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  static std::string fixture(const char* name) {
    return (std::filesystem::path(TOOLAUTH_SOURCE_DIR) / "fixtures/default" / name).string();
  }
  // Runs `toolauth validate ARGS...`; returns the exit code, stdout in `out_`.
  int validate(std::vector<std::string> args) {
    args.insert(args.begin(), "validate");
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    ::testing::internal::CaptureStdout();
    const int code = run_validate(static_cast<int>(argv.size()), argv.data());
    out_ = ::testing::internal::GetCapturedStdout();
    return code;
  }

  std::filesystem::path dir_;
  std::string out_;
};

TEST_F(ValidateCommandTest, DefaultWorldFilesAreValid) {
  EXPECT_EQ(validate({fixture("idp.json"), fixture("mcp.json"), fixture("emulator.json")}), 0);
  EXPECT_THAT(out_, HasSubstr("idp.json: valid idp fixtures"));
  EXPECT_THAT(out_, HasSubstr("mcp.json: valid mcp fixtures"));
  EXPECT_THAT(out_, HasSubstr("emulator.json: valid emulator fixtures"));
}

TEST_F(ValidateCommandTest, BadFileExitsOneNamingEachPath) {
  const auto bad = write("bad.json", R"({"mounts": [{"name": "a", "auth": {"kind": "nope"}},
                                                   {"name": "a b", "auth": {"kind": "none"}}]})");
  EXPECT_EQ(validate({fixture("mcp.json"), bad}), 1);
  EXPECT_THAT(out_, HasSubstr(bad + ": /mounts/0/auth/kind: "));
  EXPECT_THAT(out_, HasSubstr(bad + ": /mounts/1/name: "));
  EXPECT_THAT(out_, HasSubstr("mcp.json: valid mcp fixtures"));
}

TEST_F(ValidateCommandTest, SyntaxErrorNamesLineAndColumn) {
  const auto broken = write("broken.json", "{\n  \"mounts\": [,]\n}\n");
  EXPECT_EQ(validate({broken}), 1);
  EXPECT_THAT(out_, HasSubstr(broken));
  EXPECT_THAT(out_, HasSubstr("line 2"));
}

TEST_F(ValidateCommandTest, UnknownKindNeedsKindOption) {
  const auto unknown = write("unknown.json", R"({"tenants": []})");
  EXPECT_EQ(validate({unknown}), 1);
  EXPECT_THAT(out_, HasSubstr("--kind"));
  EXPECT_EQ(validate({"--kind", "emulator", unknown}), 1);
  EXPECT_THAT(out_, HasSubstr(unknown + ": /projects: "));
}

TEST_F(ValidateCommandTest, KindOptionOverridesDetection) {
  EXPECT_EQ(validate({"--kind", "idp", fixture("mcp.json")}), 1);
  EXPECT_THAT(out_, HasSubstr("mcp.json: /mounts: "));
}

TEST_F(ValidateCommandTest, UsageErrorsExitTwo) {
  EXPECT_EQ(validate({}), 2);
  EXPECT_EQ(validate({"--kind", "world", fixture("idp.json")}), 2);
  EXPECT_EQ(validate({"--no-such-option", fixture("idp.json")}), 2);
}

}  // namespace
}  // namespace toolauth::cli
