#include "fixture_validation.h"

#include <sstream>

#include "toolauth/emulator/emulator_server.h"
#include "toolauth/emulator/world.h"
#include "toolauth/idp/fixtures.h"
#include "toolauth/mcp/mount_config.h"

namespace toolauth::cli {

namespace {

constexpr const char* kEmulatorKeys[] = {"projects", "arm", "caller"};
constexpr const char* kIdpKeys[] = {"users", "applications", "identities", "consents"};

template <std::size_t N>
bool has_any(const nlohmann::json& document, const char* const (&keys)[N]) {
  for (const char* key : keys) {
    if (document.contains(key)) return true;
  }
  return false;
}

// A loader's error as lines: config_invalid carries one problem a line; anything else is one.
std::vector<std::string> lines_of(const core::Error& error) {
  const bool listed = error.code == core::Errc::config_invalid && !error.detail.empty();
  std::vector<std::string> lines;
  std::istringstream in(listed ? error.detail : error.message());
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// The URLs a server started with default ports would put in place of the templates.
std::map<std::string, std::string> default_template_values() {
  return {{"idp_url", std::string(emulator::kDefaultIdpUrl)},
          {"mcp_url", std::string(emulator::kDefaultMcpUrl)},
          {"emulator_url", "https://localhost:" + std::to_string(emulator::kDefaultEmulatorPort)},
          {"emulator_http_url",
           "http://localhost:" + std::to_string(emulator::kDefaultEmulatorHttpPort)}};
}

}  // namespace

std::string_view to_string(FixtureKind kind) {
  switch (kind) {
    case FixtureKind::idp:
      return "idp";
    case FixtureKind::mcp:
      return "mcp";
    case FixtureKind::emulator:
      return "emulator";
  }
  return "unknown";
}

std::optional<FixtureKind> parse_fixture_kind(std::string_view text) {
  for (auto kind : {FixtureKind::idp, FixtureKind::mcp, FixtureKind::emulator}) {
    if (text == to_string(kind)) return kind;
  }
  return std::nullopt;
}

core::Result<FixtureKind> detect_fixture_kind(const nlohmann::json& document) {
  if (!document.is_object())
    return core::Error{core::Errc::invalid_argument, "/: expected an object"};
  std::vector<FixtureKind> fits;
  if (document.contains("mounts")) fits.push_back(FixtureKind::mcp);
  if (has_any(document, kEmulatorKeys)) fits.push_back(FixtureKind::emulator);
  if (has_any(document, kIdpKeys)) fits.push_back(FixtureKind::idp);
  if (fits.size() == 1) return fits.front();
  return core::Error{core::Errc::invalid_argument,
                     fits.empty() ? "no top-level key tells an idp (users, applications, "
                                    "identities), mcp (mounts) or emulator (projects, arm, "
                                    "caller) file apart; name it with --kind"
                                  : "top-level keys of more than one kind of fixtures file; "
                                    "name the kind with --kind"};
}

std::vector<std::string> fixture_problems(const nlohmann::json& document, const std::string& source,
                                          FixtureKind kind) {
  switch (kind) {
    case FixtureKind::idp:
      if (auto directory = idp::load_directory(document, source); !directory.ok())
        return lines_of(directory.error());
      return {};
    case FixtureKind::mcp:
      if (auto mounts = mcp::load_mounts(document, source); !mounts.ok())
        return lines_of(mounts.error());
      return {};
    case FixtureKind::emulator:
      if (auto world = emulator::load_world(document, source, default_template_values());
          !world.ok())
        return lines_of(world.error());
      return {};
  }
  return {};
}

}  // namespace toolauth::cli
