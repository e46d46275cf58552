#include "toolauth/service/server_files.h"

#include <gtest/gtest.h>

#include <fstream>

#include "temp_dir.h"

namespace toolauth::service {
namespace {

using testing::TempDir;

TEST(ServerFilesTest, AStateFolderGetsTheTlsFilesAndTheNamedStore) {
  TempDir parent;
  core::ManualClock clock;
  const auto state_dir = parent.path() / "state";
  auto files = open_server_files("idp", state_dir, clock);
  ASSERT_TRUE(files.ok()) << files.error().message();
  EXPECT_EQ(files->dir, state_dir);
  EXPECT_TRUE(files->temporary_dir.empty());
  EXPECT_TRUE(std::filesystem::exists(state_dir / "tls" / "ca.pem"));
  ASSERT_TRUE(files->store->put("c", "k", 1).ok());
  EXPECT_TRUE(std::filesystem::exists(state_dir / "idp.db"));
  EXPECT_EQ(files->tls.ca_file, state_dir / "tls" / "ca.pem");
}

TEST(ServerFilesTest, ARelativeStateFolderIsMadeAbsolute) {
  TempDir parent;
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(parent.path());
  core::ManualClock clock;
  auto files = open_server_files("mcp", "state", clock);
  std::filesystem::current_path(previous);
  ASSERT_TRUE(files.ok()) << files.error().message();
  EXPECT_TRUE(files->dir.is_absolute());
  EXPECT_EQ(files->dir, std::filesystem::canonical(parent.path()) / "state");
  EXPECT_TRUE(files->tls.ca_file.is_absolute());
}

TEST(ServerFilesTest, WithoutAStateFolderATemporaryOneHoldsTheTlsFilesAndTheStoreIsInMemory) {
  core::ManualClock clock;
  auto files = open_server_files("emulator", {}, clock);
  ASSERT_TRUE(files.ok()) << files.error().message();
  EXPECT_EQ(files->temporary_dir, files->dir);
  EXPECT_NE(files->dir.filename().string().find("toolauth-emulator-"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(files->dir / "tls" / "ca.pem"));
  ASSERT_TRUE(files->store->put("c", "k", 1).ok());
  EXPECT_FALSE(std::filesystem::exists(files->dir / "emulator.db"));
  std::filesystem::remove_all(files->temporary_dir);
}

TEST(ServerFilesTest, AFolderThatCannotBeCreatedIsAnIoError) {
  TempDir parent;
  std::ofstream(parent.path() / "file") << "not a folder";
  core::ManualClock clock;
  auto files = open_server_files("idp", parent.path() / "file" / "state", clock);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().code, core::Errc::io_error);
}

}  // namespace
}  // namespace toolauth::service
