#include "file_io.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "toolauth/jose/error.h"

namespace toolauth::jose::internal {
namespace {

core::Error io_error(std::string_view what, const std::filesystem::path& path, int error) {
  return core::Error{Errc::io_error,
                     std::string(what) + " " + path.string() + ": " + std::strerror(error)};
}

}  // namespace

core::Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", path, errno);
  std::string content;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return io_error("cannot read", path, error);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > max_bytes) {
      ::close(fd);
      return core::Error{Errc::io_error,
                         path.string() + " is larger than " + std::to_string(max_bytes) + " bytes"};
    }
  }
  ::close(fd);
  return content;
}

core::Result<void> write_file_atomically(const std::filesystem::path& path,
                                         std::string_view content, mode_t mode) {
  std::string temporary = path.string() + ".tmp-XXXXXX";
  // mkstemp creates the file 0600, so even a public file starts out private.
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) return io_error("cannot create a temporary file for", path, errno);
  auto fail = [&](std::string_view what) {
    const int error = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    return io_error(what, path, error);
  };
  for (std::size_t written = 0; written < content.size();) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write");
    written += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, mode) != 0) return fail("cannot set the mode of");
  if (::fsync(fd) != 0) return fail("cannot sync");
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    return io_error("cannot close", path, error);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    return io_error("cannot rename into", path, error);
  }
  return {};
}

core::Result<FileLock> FileLock::acquire(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot open lock file", path, errno);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int error = errno;
    ::close(fd);
    return io_error("cannot lock", path, error);
  }
  return FileLock(fd);
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace toolauth::jose::internal
