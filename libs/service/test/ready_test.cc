#include "toolauth/service/ready.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "temp_dir.h"
#include "toolauth/service/error.h"

namespace toolauth::service {
namespace {

using nlohmann::json;
using testing::TempDir;

const json kDocument = {{"component", "idp"},
                        {"url", "https://127.0.0.1:4781"},
                        {"pid", 1234},
                        {"world", {{"users", {{{"upn", "adele@contoso"}, {"password", "P@ss"}}}}}}};

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(ReadyTest, ReadyFileHoldsTheWholeDocumentWithMode0600) {
  TempDir dir;
  const auto file = dir.path() / "ready.json";
  ASSERT_TRUE(write_ready_file(file, kDocument).ok());
  const auto text = read_all(file);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(json::parse(text), kDocument);
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(ReadyTest, ReadyFileReplacesAnOlderOneAndLeavesNoTemporaryFiles) {
  TempDir dir;
  const auto file = dir.path() / "ready.json";
  {
    std::ofstream out(file);
    out << "stale";
  }
  ::chmod(file.c_str(), 0644);
  ASSERT_TRUE(write_ready_file(file, {{"n", 2}}).ok());
  EXPECT_EQ(json::parse(read_all(file)), (json{{"n", 2}}));
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST(ReadyTest, ReadyFileInAMissingDirectoryGivesIoError) {
  TempDir dir;
  const auto file = dir.path() / "missing" / "ready.json";
  const auto result = write_ready_file(file, kDocument);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.code(), Errc::io_error);
  EXPECT_EQ(result.error().detail,
            "cannot create a temporary file for " + file.string() + ": No such file or directory");
}

TEST(ReadyTest, ReadyLineLeavesOutTheWorldAndIsOneFlushedLine) {
  std::ostringstream out;
  print_ready_line(out, kDocument);
  const auto line = out.str();
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_EQ(line.find("P@ss"), std::string::npos);
  EXPECT_EQ(line.find("world"), std::string::npos);
  EXPECT_EQ(json::parse(line),
            (json{{"component", "idp"}, {"url", "https://127.0.0.1:4781"}, {"pid", 1234}}));
}

TEST(ReadyTest, PublicDocumentOfANonObjectIsUnchanged) {
  EXPECT_EQ(public_ready_document(json::array({1})), json::array({1}));
  EXPECT_EQ(public_ready_document({{"a", 1}}), (json{{"a", 1}}));
}

}  // namespace
}  // namespace toolauth::service
