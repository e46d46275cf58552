#include "toolauth/service/admin.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "toolauth/core/constant_time.h"
#include "toolauth/core/error.h"
#include "toolauth/core/json.h"
#include "toolauth/core/log.h"
#include "toolauth/http/headers.h"
#include "toolauth/service/error.h"

namespace toolauth::service {
namespace {

using http::Method;
using http::Request;
using http::Response;
using nlohmann::json;

constexpr std::string_view kAdminPrefix = "/_admin";
constexpr std::string_view kBearer = "bearer ";

Response ok_json(int status, const json& body) {
  auto response = Response::json(status, body);
  response.headers.set("Cache-Control", "no-store");
  return response;
}

Response bad_request(std::string_view description) {
  return admin_error(400, "invalid_request", description);
}

Response absent(std::string_view what) {
  return admin_error(404, "not_found", "this server has no " + std::string(what));
}

// Reads the body as a strict JSON object into `out`; otherwise returns the 400 to answer.
std::optional<Response> read_object_body(const Request& request, json* out) {
  auto parsed = core::parse_json(request.body);
  if (!parsed.ok()) return bad_request("body: " + parsed.error().message());
  if (!parsed->is_object()) return bad_request("body: expected a JSON object");
  *out = std::move(*parsed);
  return std::nullopt;
}

json clock_json(const core::SystemClock& clock) {
  const auto now = clock.now();
  const auto offset_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock.offset());
  return {
      {"now", core::format_rfc3339_millis(now)},
      {"unix", std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()},
      {"offset_seconds", static_cast<double>(offset_ms.count()) / 1000.0}};
}

// Seconds (possibly fractional) as a clock duration, when they are within the offset bound.
std::optional<core::Clock::duration> to_duration(double seconds) {
  if (!std::isfinite(seconds) || std::abs(seconds) > static_cast<double>(kMaxClockOffset.count())) {
    return std::nullopt;
  }
  return std::chrono::duration_cast<core::Clock::duration>(std::chrono::duration<double>(seconds));
}

bool within_bound(core::Clock::duration offset) {
  return offset <= kMaxClockOffset && offset >= -kMaxClockOffset;
}

Response post_clock(core::SystemClock& clock, const Request& request) {
  json body;
  if (auto refused = read_object_body(request, &body)) return std::move(*refused);
  static constexpr std::string_view kOperations[] = {"advance_seconds", "set_unix",
                                                     "offset_seconds"};
  for (const auto& [key, value] : body.items()) {
    if (std::find(std::begin(kOperations), std::end(kOperations), key) == std::end(kOperations)) {
      return bad_request(key +
                         ": unknown field (expected advance_seconds, set_unix or "
                         "offset_seconds)");
    }
    if (!value.is_number()) return bad_request(key + ": expected a number of seconds");
  }
  if (body.size() != 1) {
    return bad_request("expected exactly one of advance_seconds, set_unix, offset_seconds");
  }
  const auto first = body.begin();
  const std::string key = first.key();
  const double seconds = first.value().get<double>();
  const std::string out_of_range = key + ": out of range (the clock stays within " +
                                   std::to_string(kMaxClockOffset.count()) +
                                   " seconds of real time)";
  if (key == "advance_seconds") {
    if (seconds < 0) {
      return bad_request("advance_seconds: must not be negative (time never runs back)");
    }
    const auto step = to_duration(seconds);
    if (!step || !within_bound(clock.offset() + *step)) return bad_request(out_of_range);
    clock.advance(*step);
  } else if (key == "set_unix") {
    if (seconds < 0) return bad_request("set_unix: must not be negative");
    const auto real_now = std::chrono::system_clock::now();
    const double real_seconds = std::chrono::duration<double>(real_now.time_since_epoch()).count();
    const auto offset = to_duration(seconds - real_seconds);
    if (!offset) return bad_request(out_of_range);
    clock.set(real_now + *offset);
  } else {
    const auto offset = to_duration(seconds);
    if (!offset) return bad_request(out_of_range);
    clock.set(std::chrono::system_clock::now() + *offset);
  }
  return ok_json(200, clock_json(clock));
}

Response get_journal(const Journal& journal, const Request& request) {
  auto params = request.query_params();
  if (!params.ok()) return bad_request("query: " + params.error().message());
  auto query = Journal::query_from(*params);
  if (!query.ok()) return bad_request(query.error().detail);
  // One snapshot, so last_seq is exact for the entries returned (see JournalPage).
  const auto page = journal.page(*query);
  json entries = json::array();
  for (const auto& entry : page.entries) entries.push_back(Journal::to_json(entry));
  return ok_json(
      200,
      {{"entries", std::move(entries)}, {"last_seq", page.last_seq}, {"dropped", page.dropped}});
}

Response post_seed(FaultInjector& faults, const Request& request) {
  json body;
  if (auto refused = read_object_body(request, &body)) return std::move(*refused);
  for (const auto& [key, value] : body.items()) {
    if (key != "seed") return bad_request(key + ": unknown field (expected seed)");
  }
  const auto it = body.find("seed");
  if (it == body.end()) return bad_request("seed: missing");
  if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<std::int64_t>() >= 0)) {
    return bad_request("seed: expected a non-negative integer");
  }
  const auto seed = it->get<std::uint64_t>();
  faults.reseed(seed);
  return ok_json(200, {{"seed", seed}});
}

bool is_server_failure(const std::error_code& code) {
  return code == Errc::storage_error || code == Errc::io_error || code == core::Errc::io_error;
}

bool is_admin_path(std::string_view path) {
  return path == kAdminPrefix ||
         (path.size() > kAdminPrefix.size() &&
          path.substr(0, kAdminPrefix.size()) == kAdminPrefix && path[kAdminPrefix.size()] == '/');
}

// The credential after "Bearer " (scheme matched without regard to case), or empty.
std::string_view bearer_token(std::string_view authorization) {
  if (authorization.size() <= kBearer.size()) return {};
  for (std::size_t i = 0; i < kBearer.size(); ++i) {
    const char c = authorization[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != kBearer[i]) return {};
  }
  auto token = authorization.substr(kBearer.size());
  while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  return token;
}

}  // namespace

Response admin_error(int status, std::string_view error, std::string_view description) {
  return ok_json(status, {{"error", error}, {"error_description", description}});
}

std::optional<Response> check_admin_access(const Request& request, std::string_view admin_key) {
  if (!is_admin_path(request.path) || request.from_loopback()) return std::nullopt;
  if (admin_key.empty()) {
    return admin_error(403, "admin_forbidden",
                       "the admin plane answers only loopback requests: no admin key is set");
  }
  // Both headers are compared in full whatever the first gave, so timing tells nothing.
  bool accepted = false;
  if (auto authorization = request.headers.get("authorization")) {
    accepted = core::constant_time_equal(bearer_token(*authorization), admin_key);
  }
  if (auto key = request.headers.get("x-toolauth-admin-key")) {
    accepted = core::constant_time_equal(*key, admin_key) || accepted;
  }
  if (accepted) return std::nullopt;
  auto response =
      admin_error(401, "admin_key_required",
                  "admin requests from other hosts need Authorization: Bearer <admin key> or "
                  "X-Toolauth-Admin-Key");
  response.headers.set("WWW-Authenticate", "Bearer realm=\"toolauth-admin\"");
  return response;
}

http::Router::PreRoutingHook admin_access_hook(std::string admin_key) {
  return [key = std::move(admin_key)](
             Request& request) -> boost::asio::awaitable<std::optional<Response>> {
    co_return check_admin_access(request, key);
  };
}

void mount_admin(http::Router& router, AdminHooks hooks_in) {
  const auto hooks = std::make_shared<const AdminHooks>(std::move(hooks_in));

  router.add(Method::get, "/_admin/healthz", [hooks](Request&) {
    return ok_json(200, {{"status", "ok"}, {"component", hooks->component}});
  });

  router.add(Method::get, "/_admin/readyz", [hooks](Request&) {
    const bool ready = !hooks->ready || hooks->ready();
    return ok_json(ready ? 200 : 503,
                   {{"status", ready ? "ready" : "not_ready"}, {"component", hooks->component}});
  });

  router.add(Method::post, "/_admin/reset", [hooks](Request&) {
    if (!hooks->reset) return absent("reset");
    auto done = hooks->reset();
    if (!done.ok()) return admin_error(500, "reset_failed", done.error().message());
    return ok_json(200, {{"status", "reset"}});
  });

  router.add(Method::get, "/_admin/clock", [hooks](Request&) {
    if (hooks->clock == nullptr) return absent("adjustable clock");
    return ok_json(200, clock_json(*hooks->clock));
  });
  router.add(Method::post, "/_admin/clock", [hooks](Request& request) {
    if (hooks->clock == nullptr) return absent("adjustable clock");
    return post_clock(*hooks->clock, request);
  });

  router.add(Method::get, "/_admin/journal", [hooks](Request& request) {
    if (hooks->journal == nullptr) return absent("journal");
    return get_journal(*hooks->journal, request);
  });
  router.add(Method::delete_, "/_admin/journal", [hooks](Request&) {
    if (hooks->journal == nullptr) return absent("journal");
    hooks->journal->clear();
    return ok_json(200, {{"status", "cleared"}, {"last_seq", hooks->journal->last_seq()}});
  });

  router.add(Method::get, "/_admin/faults", [hooks](Request&) {
    if (hooks->faults == nullptr) return absent("fault injector");
    return ok_json(200, hooks->faults->list());
  });
  router.add(Method::post, "/_admin/faults", [hooks](Request& request) {
    if (hooks->faults == nullptr) return absent("fault injector");
    json body;
    if (auto refused = read_object_body(request, &body)) return std::move(*refused);
    auto id = hooks->faults->add(body);
    if (!id.ok()) return admin_error(400, "invalid_rule", id.error().detail);
    return ok_json(201, {{"id", *id}});
  });
  router.add(Method::delete_, "/_admin/faults", [hooks](Request&) {
    if (hooks->faults == nullptr) return absent("fault injector");
    hooks->faults->clear();
    return ok_json(200, {{"status", "cleared"}});
  });
  router.add(Method::delete_, "/_admin/faults/{id}", [hooks](Request& request) {
    if (hooks->faults == nullptr) return absent("fault injector");
    const std::string id(request.param("id"));
    if (!hooks->faults->remove(id)) {
      return admin_error(404, "not_found", "no fault rule with id " + id);
    }
    return ok_json(200, {{"status", "removed"}, {"id", id}});
  });
  router.add(Method::post, "/_admin/faults/seed", [hooks](Request& request) {
    if (hooks->faults == nullptr) return absent("fault injector");
    return post_seed(*hooks->faults, request);
  });

  router.add(Method::get, "/_admin/state", [hooks](Request&) {
    if (!hooks->export_state) return absent("state export");
    auto state = hooks->export_state();
    if (!state.ok()) return admin_error(500, "state_export_failed", state.error().message());
    return ok_json(200, *state);
  });
  router.add(Method::put, "/_admin/state", [hooks](Request& request) {
    if (!hooks->import_state) return absent("state import");
    auto document = core::parse_json(request.body);
    if (!document.ok()) return bad_request("body: " + document.error().message());
    auto imported = hooks->import_state(*document);
    if (!imported.ok()) {
      if (is_server_failure(imported.code())) {
        return admin_error(500, "state_import_failed", imported.error().message());
      }
      return admin_error(400, "invalid_state", imported.error().message());
    }
    return ok_json(200, {{"status", "imported"}});
  });
}

}  // namespace toolauth::service
