#include "toolauth/oauth/vault_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "toolauth/jose/aes_gcm.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/hash.h"
#include "toolauth/oauth/error.h"

namespace toolauth::oauth {
namespace {

constexpr std::string_view kKeyIdLabel = "toolauth vault key id";

core::Error key_error(std::string detail) {
  return core::Error{Errc::vault_key_invalid, std::move(detail)};
}

core::Error file_error(const std::filesystem::path& file, std::string_view what) {
  return core::Error{Errc::storage_error,
                     file.string() + ": " + std::string(what) + ": " + std::strerror(errno)};
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  return text;
}

core::Result<std::string> decode_key(std::string_view text, std::string_view origin) {
  auto bytes = jose::base64url_decode(trim(text));
  if (!bytes.ok() || bytes->size() != jose::kAesGcmKeyBytes) {
    return key_error(std::string(origin) + " must be base64url of 32 bytes");
  }
  return std::move(*bytes);
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

core::Result<std::string> read_key_file(const std::filesystem::path& file) {
  FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) return file_error(file, "cannot open");
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return file_error(file, "cannot stat");
  if (!S_ISREG(info.st_mode)) return key_error(file.string() + " is not a regular file");
  if ((info.st_mode & 077) != 0) {
    return key_error(file.string() + " may be read by group or others (chmod 600 it)");
  }
  char buffer[256];
  const auto size = ::read(fd.get(), buffer, sizeof buffer);
  if (size < 0) return file_error(file, "cannot read");
  return decode_key(std::string_view(buffer, static_cast<std::size_t>(size)), file.string());
}

// Creates the file with a fresh key; false (and no error) when it already exists.
core::Result<bool> create_key_file(const std::filesystem::path& file, std::string_view key) {
  FileDescriptor fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    if (errno == EEXIST) return false;
    return file_error(file, "cannot create");
  }
  const std::string text = jose::base64url_encode(key) + "\n";
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
      ::fsync(fd.get()) != 0) {
    const auto error = file_error(file, "cannot write");
    ::unlink(file.c_str());
    return error;
  }
  return true;
}

}  // namespace

VaultKey::VaultKey(std::string key, Source source)
    : key_(std::move(key)),
      id_(jose::short_hash(jose::hmac_sha256(key_, kKeyIdLabel))),
      source_(source) {}

VaultKey VaultKey::generate() {
  return VaultKey(jose::aes256gcm_generate_key(), Source::ephemeral);
}

core::Result<VaultKey> VaultKey::from_base64url(std::string_view text) {
  TOOLAUTH_ASSIGN_OR_RETURN(auto key, decode_key(text, kEnvironmentVariable));
  return VaultKey(std::move(key), Source::environment);
}

core::Result<VaultKey> VaultKey::load(const std::filesystem::path& state_dir,
                                      std::optional<std::string> environment_value) {
  if (environment_value) return from_base64url(*environment_value);
  if (state_dir.empty()) return generate();
  const auto file = state_dir / kFileName;
  auto fresh = jose::aes256gcm_generate_key();
  TOOLAUTH_ASSIGN_OR_RETURN(const bool created, create_key_file(file, fresh));
  if (created) return VaultKey(std::move(fresh), Source::file);
  TOOLAUTH_ASSIGN_OR_RETURN(auto existing, read_key_file(file));
  return VaultKey(std::move(existing), Source::file);
}

core::Result<VaultKey> VaultKey::load_from_environment(const std::filesystem::path& state_dir) {
  const char* value = std::getenv(std::string(kEnvironmentVariable).c_str());
  return load(state_dir, value != nullptr ? std::optional<std::string>(value) : std::nullopt);
}

}  // namespace toolauth::oauth
