#include "toolauth/service/ready.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ostream>

#include "toolauth/service/error.h"

namespace toolauth::service {
namespace {

core::Error io_error(std::string_view what, const std::filesystem::path& path, int error) {
  return core::Error{Errc::io_error,
                     std::string(what) + " " + path.string() + ": " + std::strerror(error)};
}

std::string serialise(const nlohmann::json& document) {
  // `replace` keeps a stray invalid UTF-8 byte from throwing at the moment of announcing.
  return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

core::Result<void> write_ready_file(const std::filesystem::path& file,
                                    const nlohmann::json& document) {
  const std::string content = serialise(document) + "\n";
  std::string temporary = file.string() + ".tmp-XXXXXX";
  // mkstemp creates the file with mode 0600 whatever the umask is.
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) return io_error("cannot create a temporary file for", file, errno);
  auto fail = [&](std::string_view what) {
    const int error = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    return io_error(what, file, error);
  };
  for (std::size_t written = 0; written < content.size();) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write");
    written += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0600) != 0) return fail("cannot set the mode of");
  if (::fsync(fd) != 0) return fail("cannot sync");
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    return io_error("cannot close", file, error);
  }
  if (::rename(temporary.c_str(), file.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    return io_error("cannot rename into", file, error);
  }
  // The rename is durable only once the directory entry is.
  const auto parent = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  const int dir = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

nlohmann::json public_ready_document(const nlohmann::json& document) {
  nlohmann::json out = document;
  if (out.is_object()) out.erase(kReadyWorldMember);
  return out;
}

void print_ready_line(std::ostream& out, const nlohmann::json& document) {
  out << serialise(public_ready_document(document)) << '\n' << std::flush;
}

}  // namespace toolauth::service
