#pragma once
// The AES-256-GCM key that encrypts the token vault at rest, and where it comes from:
//   1. env TOOLAUTH_VAULT_KEY: base64url (unpadded) of 32 bytes — for deployments that keep
//      keys in a secret store; a malformed value is an error, never a silent fallback;
//   2. otherwise <state_dir>/vault.key, created on first start with a fresh key and mode 0600
//      (O_EXCL, so two processes starting together agree on one key); an existing file that
//      group or others may read is refused: the key is only as secret as the file;
//   3. without a state dir (tests, `:memory:` state), a fresh key held in memory only.
//
// Each key has an id (the first 12 hex digits of HMAC-SHA256(key, fixed label)) stored beside
// every row it sealed and bound into the row's associated data, so a row sealed under another
// key is reported as such instead of as tampering. The id reveals nothing about the key.
//
// Holds a secret: never log one; there is no operator<<.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "toolauth/core/result.h"

namespace toolauth::oauth {

class VaultKey {
 public:
  static constexpr std::string_view kEnvironmentVariable = "TOOLAUTH_VAULT_KEY";
  static constexpr std::string_view kFileName = "vault.key";

  enum class Source { environment, file, ephemeral };

  // The rules above, with `environment_value` as TOOLAUTH_VAULT_KEY (nullopt: unset).
  // Errors: Errc::vault_key_invalid (bad value, bad file content, file readable by others),
  // Errc::storage_error (the file cannot be created or read).
  static core::Result<VaultKey> load(const std::filesystem::path& state_dir,
                                     std::optional<std::string> environment_value);
  // The same with the process environment.
  static core::Result<VaultKey> load_from_environment(const std::filesystem::path& state_dir);

  // Errors: Errc::vault_key_invalid.
  static core::Result<VaultKey> from_base64url(std::string_view text);
  static VaultKey generate();

  std::string_view bytes() const { return key_; }
  const std::string& id() const { return id_; }
  Source source() const { return source_; }

 private:
  VaultKey(std::string key, Source source);
  std::string key_;
  std::string id_;
  Source source_;
};

}  // namespace toolauth::oauth
