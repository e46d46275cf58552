#pragma once
// The ready contract. Once a server listens and has loaded its fixtures it announces itself
// exactly once:
//  - one JSON line on stdout (what a harness that started the process reads), without the
//    document's "world" member: fixture passwords and client secrets never reach a terminal
//    or a CI log;
//  - with `--ready-file F`, the full document, "world" included, in F with mode 0600, written
//    atomically so a reader polling for F never sees half a document.
//
//   nlohmann::json ready = {{"component", "idp"}, {"url", url}, {"pid", getpid()},
//                           {"world", {{"users", ...}, {"clients", ...}}}};
//   if (ready_file) TOOLAUTH_RETURN_IF_ERROR(write_ready_file(*ready_file, ready));
//   print_ready_line(std::cout, ready);

#include <filesystem>
#include <iosfwd>
#include <nlohmann/json.hpp>

#include "toolauth/core/result.h"

namespace toolauth::service {

// The member of a ready document that only the ready file carries.
inline constexpr const char* kReadyWorldMember = "world";

// Writes `document` (as JSON and a newline) to `file` atomically: a temporary file in the same
// directory, created 0600, written, fsync'ed, renamed over `file`, then the directory fsync'ed,
// so after a crash F is either absent, the previous document or the new one. Errors:
// Errc::io_error naming the file and the system's reason.
core::Result<void> write_ready_file(const std::filesystem::path& file,
                                    const nlohmann::json& document);

// `document` without its "world" member, as one line.
nlohmann::json public_ready_document(const nlohmann::json& document);

// Writes public_ready_document(document) to `out` as one line and flushes it.
void print_ready_line(std::ostream& out, const nlohmann::json& document);

}  // namespace toolauth::service
