#include "file_io.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "toolauth/core/random.h"
#include "toolauth/jose/error.h"

namespace toolauth::jose::internal {
namespace {

namespace fs = std::filesystem;

class JoseFileIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("toolauth-jose-file-io-" + core::random_hex(8));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static mode_t mode_of(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_mode & 07777;
  }
  fs::path dir_;
};

TEST_F(JoseFileIoTest, WritesExactModeWhateverTheUmaskAndReadsBack) {
  const mode_t old_umask = ::umask(0);
  ASSERT_TRUE(write_file_atomically(dir_ / "key", "secret", 0600).ok());
  ::umask(077);
  ASSERT_TRUE(write_file_atomically(dir_ / "public", "hello", 0644).ok());
  ::umask(old_umask);
  EXPECT_EQ(mode_of(dir_ / "key"), 0600u);
  EXPECT_EQ(mode_of(dir_ / "public"), 0644u);
  EXPECT_EQ(read_file(dir_ / "key").value(), "secret");
}

TEST_F(JoseFileIoTest, ReplacingAFileTightensItsModeAndLeavesNoTemporaryBehind) {
  ASSERT_TRUE(write_file_atomically(dir_ / "key", "old", 0644).ok());
  ASSERT_TRUE(write_file_atomically(dir_ / "key", "new", 0600).ok());
  EXPECT_EQ(mode_of(dir_ / "key"), 0600u);
  EXPECT_EQ(read_file(dir_ / "key").value(), "new");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(JoseFileIoTest, ReportsMissingFilesAndDirectories) {
  EXPECT_EQ(read_file(dir_ / "missing").code(), Errc::io_error);
  EXPECT_EQ(write_file_atomically(dir_ / "no" / "such" / "dir", "x", 0600).code(), Errc::io_error);
}

TEST_F(JoseFileIoTest, RefusesFilesOverTheLimit) {
  ASSERT_TRUE(write_file_atomically(dir_ / "big", std::string(100, 'x'), 0600).ok());
  EXPECT_EQ(read_file(dir_ / "big", 99).code(), Errc::io_error);
  EXPECT_TRUE(read_file(dir_ / "big", 100).ok());
}

TEST_F(JoseFileIoTest, LockIsReleasedOnDestruction) {
  {
    auto lock = FileLock::acquire(dir_ / "lock");
    ASSERT_TRUE(lock.ok());
  }
  EXPECT_TRUE(FileLock::acquire(dir_ / "lock").ok());
}

}  // namespace
}  // namespace toolauth::jose::internal
