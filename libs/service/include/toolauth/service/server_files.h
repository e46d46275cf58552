#pragma once
// What a server keeps on disk, opened the same way by mock-idp, mock-mcp and the emulator: its
// state folder (absolute, so the ready document's ca_file works from any working directory),
// its TLS files in tls/ (jose::LocalTls) and its store, `<name>.db` in the folder. Without a
// state folder the server runs on a new temporary one, which its owner removes when it stops,
// and keeps its store in memory.

#include <filesystem>
#include <memory>
#include <string_view>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/jose/local_tls.h"
#include "toolauth/service/state_store.h"

namespace toolauth::service {

struct ServerFiles {
  std::filesystem::path dir;
  std::filesystem::path temporary_dir;  // `dir` when it is temporary, else empty
  jose::LocalTls tls;
  std::unique_ptr<StateStore> store;
};

// Errors: core::Errc::io_error (the folder), and those of LocalTls::load_or_create and
// StateStore::open. A temporary folder is removed again when opening fails.
core::Result<ServerFiles> open_server_files(std::string_view name,
                                            const std::filesystem::path& state_dir,
                                            const core::Clock& clock);

}  // namespace toolauth::service
