#pragma once
// Private to libs/jose: small POSIX file helpers for the CA and TLS state folder.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "toolauth/core/result.h"

namespace toolauth::jose::internal {

// The whole file (at most `max_bytes`). Errors: Errc::io_error.
core::Result<std::string> read_file(const std::filesystem::path& path,
                                    std::size_t max_bytes = 1024 * 1024);

// Writes `content` to a temporary file beside `path` created with `mode` from the start, then
// renames it over `path`: readers see the old file or the new one, never a half-written one,
// and a private key is never readable by others, not even for a moment. The final mode is
// exactly `mode` whatever the umask. Errors: Errc::io_error.
core::Result<void> write_file_atomically(const std::filesystem::path& path,
                                         std::string_view content, mode_t mode);

// An exclusive flock(2) on `path` (created if missing), held until destruction, so that two
// processes sharing a state folder do not both generate a CA.
class FileLock {
 public:
  static core::Result<FileLock> acquire(const std::filesystem::path& path);
  FileLock(FileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace toolauth::jose::internal
