#include "toolauth/service/server_files.h"

#include <string>
#include <system_error>

#include "toolauth/core/random.h"

namespace toolauth::service {

namespace {

core::Result<ServerFiles> open_in(std::string_view name, const std::filesystem::path& dir,
                                  bool temporary, const core::Clock& clock) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return core::Error{core::Errc::io_error, dir.string() + ": " + ec.message()};
  TOOLAUTH_ASSIGN_OR_RETURN(auto tls, jose::LocalTls::load_or_create(dir / "tls", clock));
  TOOLAUTH_ASSIGN_OR_RETURN(
      auto store, StateStore::open(temporary ? std::string(":memory:")
                                             : (dir / (std::string(name) + ".db")).string()));
  return ServerFiles{dir, temporary ? dir : std::filesystem::path(), std::move(tls),
                     std::move(store)};
}

}  // namespace

core::Result<ServerFiles> open_server_files(std::string_view name,
                                            const std::filesystem::path& state_dir,
                                            const core::Clock& clock) {
  if (!state_dir.empty()) {
    std::error_code ec;
    const auto dir = std::filesystem::absolute(state_dir, ec);
    if (ec) return core::Error{core::Errc::io_error, state_dir.string() + ": " + ec.message()};
    return open_in(name, dir, false, clock);
  }
  const auto dir = std::filesystem::temp_directory_path() /
                   ("toolauth-" + std::string(name) + "-" + core::random_hex(8));
  auto files = open_in(name, dir, true, clock);
  if (!files.ok()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  return files;
}

}  // namespace toolauth::service
