#pragma once
// `toolauth validate`: checks a fixtures file with the loader the server that reads it uses
// (idp::load_directory, mcp::load_mounts, emulator::load_world), so a file that passes here
// is one the server starts with.
//
//   auto kind = detect_fixture_kind(document);            // by its top-level keys
//   auto problems = fixture_problems(document, "w.json", *kind);
//   // {"w.json: /users/0/password: expected a string", ...}; empty when valid

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/result.h"

namespace toolauth::cli {

enum class FixtureKind { idp, mcp, emulator };

std::string_view to_string(FixtureKind kind);
std::optional<FixtureKind> parse_fixture_kind(std::string_view text);

// mcp: a "mounts" member; emulator: "projects", "arm" or "caller"; idp: "users",
// "applications", "identities" or "consents" (both idp and emulator files have "tenants").
// Errors: core::Errc::invalid_argument when no kind, or more than one, fits.
core::Result<FixtureKind> detect_fixture_kind(const nlohmann::json& document);

// Every problem of `document` as a `kind` fixtures file, one "<source>: <JSON pointer>:
// <problem>" line each. Templates ({idp_url}, ...) resolve to the default URLs.
std::vector<std::string> fixture_problems(const nlohmann::json& document, const std::string& source,
                                          FixtureKind kind);

}  // namespace toolauth::cli
