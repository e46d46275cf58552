#pragma once
// The admin plane every server mounts under /_admin/: health and readiness, reset to
// fixtures, the shared clock, the journal, fault rules and state export/import. Tests and the
// conformance runner drive servers through it; it is never part of the emulated protocols.
//
//   GET    /_admin/healthz       200 {"status":"ok","component"}
//   GET    /_admin/readyz        200 {"status":"ready","component"} | 503
//   {"status":"not_ready",...} POST   /_admin/reset         200 {"status":"reset"} (hooks.reset)
//   GET    /_admin/clock         200 {"now": RFC 3339, "unix": seconds, "offset_seconds"}
//   POST   /_admin/clock         {"advance_seconds": N} | {"set_unix": T} | {"offset_seconds": N}
//                                (exactly one; N may have a fraction) -> 200 as GET
//   GET    /_admin/journal       ?kind=&after=&limit=&<field>=<value> ->
//                                200 {"entries": [...], "last_seq", "dropped"}
//   DELETE /_admin/journal       200 {"status":"cleared","last_seq"}
//   GET    /_admin/faults        200 FaultInjector::list()
//   POST   /_admin/faults        rule JSON -> 201 {"id"}
//   DELETE /_admin/faults        200 {"status":"cleared"}
//   DELETE /_admin/faults/{id}   200 {"status":"removed","id"} | 404
//   POST   /_admin/faults/seed   {"seed": N} -> 200 {"seed": N}
//   GET    /_admin/state         200 hooks.export_state()
//   PUT    /_admin/state         document -> 200 {"status":"imported"}      (hooks.import_state)
//
// Every error is JSON {"error", "error_description"}: bad input (a body that is not strict
// JSON, unknown or missing fields, wrong types, values out of range) gets 400, a route whose
// hook is absent 404, a hook that fails for reasons other than its input 500. Responses carry
// Cache-Control: no-store (state exports hold secrets).
//
// Access: mount_admin does not check who is asking; install check_admin_access (or
// admin_access_hook) as, or inside, the router's pre-routing hook.
//
// Thread safety: the handlers run on the server's thread and touch the clock, journal and
// fault injector only through their thread-safe members; the hooks run on the server's
// thread as well.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/http/message.h"
#include "toolauth/http/router.h"
#include "toolauth/service/faults.h"
#include "toolauth/service/journal.h"

namespace toolauth::service {

struct AdminHooks {
  std::string component;               // "idp", "mcp", "emulator"
  core::SystemClock* clock = nullptr;  // the shared adjustable clock (nullptr: clock routes 404)
  Journal* journal = nullptr;          // nullptr: journal routes 404
  FaultInjector* faults = nullptr;     // nullptr: fault routes 404
  // Needed by requests that do not come from loopback; used by admin_access_hook, not by
  // mount_admin itself.
  std::string admin_key;
  // readyz is green only when this returns true; absent: ready whenever the server answers.
  std::function<bool()> ready;
  // Back to fixtures (what else a reset clears, e.g. fault rules, is the server's choice).
  std::function<core::Result<void>()> reset;
  std::function<core::Result<nlohmann::json>()> export_state;
  // Errors with Errc::storage_error or Errc::io_error (of service or core) answer 500; every
  // other error is taken to be about the document and answers 400.
  std::function<core::Result<void>(const nlohmann::json&)> import_state;
};

// The farthest the admin plane moves the clock from real time (either way): 100 years keeps
// every time point, and the sum of an offset and a step, representable in the clock's
// nanoseconds.
inline constexpr std::chrono::seconds kMaxClockOffset{100LL * 365 * 24 * 3600};

// Adds the routes above to `router`. The pointers in `hooks` must outlive the router.
void mount_admin(http::Router& router, AdminHooks hooks);

// For the pre-routing hook: a request under /_admin/ from a non-loopback address must present
// `admin_key` as `Authorization: Bearer <key>` or `X-Toolauth-Admin-Key: <key>` (compared in
// constant time); otherwise 401 {"error":"admin_key_required"} with WWW-Authenticate. With an
// empty `admin_key` such requests are always refused with 403 {"error":"admin_forbidden"}.
// nullopt: let the request through (it is not an admin request, comes from loopback, or
// carries the key).
std::optional<http::Response> check_admin_access(const http::Request& request,
                                                 std::string_view admin_key);

// check_admin_access as a complete pre-routing hook, for servers that need no other.
http::Router::PreRoutingHook admin_access_hook(std::string admin_key);

// {"error": error, "error_description": description} with `status` and Cache-Control: no-store.
http::Response admin_error(int status, std::string_view error, std::string_view description);

}  // namespace toolauth::service
