#include "toolauth/oauth/vault_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "temp_dir.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/oauth/error.h"

namespace toolauth::oauth {
namespace {

using service::testing::TempDir;

const std::string kKeyText = jose::base64url_encode(std::string(32, '\x42'));

unsigned mode_of(const std::filesystem::path& file) {
  struct stat info {};
  EXPECT_EQ(::stat(file.c_str(), &info), 0);
  return info.st_mode & 0777;
}

TEST(VaultKeyTest, EnvironmentValueWinsOverTheKeyFile) {
  TempDir dir;
  auto key = VaultKey::load(dir.path(), kKeyText);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->source(), VaultKey::Source::environment);
  EXPECT_EQ(key->bytes(), std::string(32, '\x42'));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / VaultKey::kFileName));
}

TEST(VaultKeyTest, MalformedEnvironmentValueIsAnErrorNotAFallback) {
  TempDir dir;
  for (const std::string& bad :
       {std::string(), std::string("short"), jose::base64url_encode(std::string(31, 'k')),
        jose::base64url_encode(std::string(33, 'k')), kKeyText + "=", std::string(43, '*')}) {
    auto key = VaultKey::load(dir.path(), bad);
    ASSERT_FALSE(key.ok()) << bad;
    EXPECT_EQ(key.code(), Errc::vault_key_invalid);
    EXPECT_EQ(key.error().message().find(bad.empty() ? "\x01" : bad), std::string::npos)
        << "the value must not be echoed";
  }
}

TEST(VaultKeyTest, KeyFileIsCreatedPrivateAndReusedOnTheNextStart) {
  TempDir dir;
  auto first = VaultKey::load(dir.path(), std::nullopt);
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_EQ(first->source(), VaultKey::Source::file);
  const auto file = dir.path() / VaultKey::kFileName;
  EXPECT_EQ(mode_of(file), 0600u);
  auto second = VaultKey::load(dir.path(), std::nullopt);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->bytes(), first->bytes());
  EXPECT_EQ(second->id(), first->id());
}

TEST(VaultKeyTest, KeyFileReadableByOthersIsRefused) {
  TempDir dir;
  ASSERT_TRUE(VaultKey::load(dir.path(), std::nullopt).ok());
  const auto file = dir.path() / VaultKey::kFileName;
  std::filesystem::permissions(file, std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  auto key = VaultKey::load(dir.path(), std::nullopt);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.code(), Errc::vault_key_invalid);
}

TEST(VaultKeyTest, KeyFileWithGarbageIsRefused) {
  TempDir dir;
  const auto file = dir.path() / VaultKey::kFileName;
  std::ofstream(file) << "not a key\n";
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto key = VaultKey::load(dir.path(), std::nullopt);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.code(), Errc::vault_key_invalid);
}

TEST(VaultKeyTest, WithoutStateDirTheKeyIsEphemeral) {
  auto a = VaultKey::load({}, std::nullopt);
  auto b = VaultKey::load({}, std::nullopt);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->source(), VaultKey::Source::ephemeral);
  EXPECT_NE(a->bytes(), b->bytes());
}

TEST(VaultKeyTest, KeyIdIsShortStableAndNotTheKey) {
  auto key = VaultKey::from_base64url(kKeyText).value();
  EXPECT_EQ(key.id().size(), 12u);
  EXPECT_EQ(key.id(), VaultKey::from_base64url(kKeyText).value().id());
  EXPECT_NE(key.id(), VaultKey::generate().id());
  EXPECT_EQ(kKeyText.find(key.id()), std::string::npos);
}

}  // namespace
}  // namespace toolauth::oauth
