#include "toolauth/emulator/hosted_agent_host.h"

#include <cstdlib>

#include "toolauth/core/random.h"
#include "toolauth/emulator/api_error.h"
#include "toolauth/emulator/hosted_agent.h"
#include "toolauth/emulator/hosted_consent_items.h"
#include "toolauth/emulator/hosted_headers.h"
#include "toolauth/http/sse.h"
#include "toolauth/jose/hash.h"

namespace toolauth::emulator {

namespace {

using boost::asio::awaitable;

constexpr std::string_view kPlatformServer = "toolauth-emulator";

// A GUID derived from `seed` (version 8, "custom"): the same agent always has the same id.
std::string stable_guid(std::string_view seed) {
  const auto digest = jose::sha256(seed);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (int i = 0; i < 16; ++i) {
    auto byte = static_cast<unsigned char>(digest[i]);
    if (i == 6) byte = (byte & 0x0f) | 0x80;
    if (i == 8) byte = (byte & 0x3f) | 0x80;
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0x0f];
  }
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

bool valid_session_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

ApiError platform_error(int status, std::string code, std::string message) {
  return ApiError{status, std::move(code), std::move(message), "server_error", std::nullopt, {}};
}

// Ends the call id however the proxied request ends (answer, error, cancellation).
struct CallIdLease {
  HostedCallRegistry* registry;
  std::string id;
  ~CallIdLease() { registry->end(id); }
};

}  // namespace

HostedAgentHost::HostedAgentHost(boost::asio::any_io_executor executor, const EmulatorWorld& world,
                                 http::Client& client, AgentIdentityToolAuth& agent_identity,
                                 HostedCallRegistry& calls, service::Journal& journal,
                                 core::Logger logger, const std::string& public_url,
                                 std::string user_key, HostedAgentHostOptions options)
    : world_(&world),
      client_(&client),
      calls_(&calls),
      journal_(&journal),
      public_url_(&public_url),
      user_key_(std::move(user_key)),
      options_(options),
      identity_(executor, agent_identity, journal, logger),
      supervisor_(executor, client, journal, logger, options.containers) {}

HostedAgentHost::~HostedAgentHost() = default;

core::Result<void> HostedAgentHost::start() { return identity_.listen(); }

void HostedAgentHost::stop() {
  supervisor_.stop_all();
  identity_.stop();
}

void HostedAgentHost::agent_deleted(std::string_view project, std::string_view agent) {
  forget(std::string(project) + "/" + std::string(agent) + "/");
}

void HostedAgentHost::reset() { forget(""); }

void HostedAgentHost::forget(const std::string& prefix) {
  supervisor_.stop(prefix);
  for (auto it = identity_grants_.begin(); it != identity_grants_.end();) {
    if (it->first.starts_with(prefix)) {
      identity_.remove(it->second.endpoint);
      it = identity_grants_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = default_sessions_.begin(); it != default_sessions_.end();)
    it = it->first.starts_with(prefix) ? default_sessions_.erase(it) : std::next(it);
  for (auto it = session_owners_.begin(); it != session_owners_.end();)
    it = it->first.starts_with(prefix) ? session_owners_.erase(it) : std::next(it);
}

ContainerLaunch HostedAgentHost::launch_for(const Call& call, const HostedAgentSpec& spec,
                                            const std::string& key, const std::string& session_id) {
  const auto& project = call.project->name;
  auto& grant = identity_grants_[key];
  if (grant.endpoint.empty()) {
    grant = identity_.add(
        {project, call.agent.name, call.tenant->id, call.project->identities_for(call.agent.name)});
  }
  ContainerLaunch launch;
  launch.key = key;
  launch.argv.push_back(spec.command);
  launch.argv.insert(launch.argv.end(), spec.args.begin(), spec.args.end());
  // System basics, then the definition's variables, then the platform's (reserved names, so
  // the definition cannot override them).
  for (const char* name : {"PATH", "HOME", "LANG", "TZ", "TMPDIR"}) {
    if (const char* value = std::getenv(name)) launch.environment[name] = value;
  }
  if (!options_.ca_file.empty()) {
    launch.environment["NODE_EXTRA_CA_CERTS"] = options_.ca_file;
    launch.environment["SSL_CERT_FILE"] = options_.ca_file;
  }
  for (const auto& [name, value] : spec.environment) launch.environment[name] = value;
  const std::string project_endpoint = *public_url_ + "/api/projects/" + project;
  if (!spec.toolbox.empty() && !launch.environment.contains("TOOLBOX_ENDPOINT")) {
    launch.environment["TOOLBOX_ENDPOINT"] =
        project_endpoint + "/toolboxes/" + spec.toolbox + "/mcp?api-version=v1";
  }
  launch.environment["FOUNDRY_PROJECT_ENDPOINT"] = project_endpoint;
  launch.environment["FOUNDRY_AGENT_NAME"] = call.agent.name;
  launch.environment["FOUNDRY_AGENT_VERSION"] = std::to_string(call.agent.version);
  launch.environment["FOUNDRY_AGENT_ID"] = stable_guid(project + "/" + call.agent.name);
  launch.environment["FOUNDRY_AGENT_SESSION_ID"] = session_id;
  launch.environment["FOUNDRY_PROJECT_ARM_ID"] = world_->arm.project_id(project);
  launch.environment["IDENTITY_ENDPOINT"] = grant.endpoint;
  launch.environment["IDENTITY_HEADER"] = grant.header;
  return launch;
}

awaitable<http::Response> HostedAgentHost::respond(Call call) {
  auto spec = parse_hosted_definition(call.agent.definition);
  if (!spec.ok()) {
    co_return bad_request("The agent's definition is no longer valid: " + spec.error().detail,
                          "agent")
        .response();
  }
  const auto& project = call.project->name;
  const std::string version_key =
      project + "/" + call.agent.name + "/" + std::to_string(call.agent.version);
  std::string session_id = call.session_id;
  if (session_id.empty()) {
    auto& fallback = default_sessions_[version_key];
    if (fallback.empty()) fallback = core::random_hex(16);
    session_id = fallback;
  } else {
    if (!valid_session_id(session_id)) {
      co_return bad_request("agent_session_id is 1-64 letters, digits, '-' or '_'.",
                            "agent_session_id")
          .response();
    }
    // A session is its first user's sandbox: nobody else may reach it.
    const auto owner = std::pair{call.caller.tid, call.caller.oid};
    auto [it, created] = session_owners_.try_emplace(version_key + "/" + session_id, owner);
    if (!created && it->second != owner) {
      co_return ApiError{404,
                         "not_found",
                         "Session '" + session_id + "' was not found.",
                         "invalid_request_error",
                         "agent_session_id",
                         "SessionNotFound"}
          .response();
    }
  }
  const std::string key = version_key + "/" + session_id;

  auto base = co_await supervisor_.ready(launch_for(call, *spec, key, session_id));
  if (!base.ok()) {
    journal_->record("hosted_response", {{"project", project},
                                         {"agent", call.agent.name},
                                         {"outcome", "container_not_ready"},
                                         {"reason", base.error().detail}});
    auto response = platform_error(424, "agent_container_not_ready",
                                   "The hosted agent is not ready: " + base.error().detail)
                        .response();
    response.headers.set("x-agent-session-id", session_id);
    response.headers.set("x-platform-server", std::string(kPlatformServer));
    co_return response;
  }

  // An application calling (app-only token) is nobody to act for or to ask for consent.
  const bool app_only = call.caller.app_only && !options_.defects.has(Defect::consent_without_user);
  CallIdLease lease{calls_, calls_->begin({project,
                                           call.agent.name,
                                           std::to_string(call.agent.version),
                                           {call.caller.tid, call.caller.oid, call.caller.token},
                                           "resp_" + core::random_hex(24),
                                           app_only})};
  http::ClientRequest forward{.method = http::Method::post,
                              .url = *base + "/responses",
                              .headers = container_request_headers(call.request->headers),
                              .body = call.request->body,
                              .timeout = options_.response_timeout};
  if (options_.defects.has(Defect::forward_authorization)) {
    for (const char* name : {"Authorization", "Cookie"}) {
      if (auto value = call.request->headers.get(name))
        forward.headers.set(name, std::string(*value));
    }
  }
  if (!forward.headers.has("content-type")) forward.headers.set("Content-Type", "application/json");
  forward.headers.set("x-agent-user-id",
                      hosted_user_id(user_key_, call.caller.tid, call.caller.oid));
  forward.headers.set("x-agent-foundry-call-id", lease.id);
  auto answer = co_await client_->send(std::move(forward));
  // The consent requests the container made while it ran (runtime API) go to the caller.
  std::vector<nlohmann::json> consent_items;
  if (auto* live = calls_->find(lease.id);
      live != nullptr && answer.ok() && answer->status >= 200 && answer->status < 300)
    consent_items = std::move(live->consent_items);
  journal_->record("hosted_response", {{"project", project},
                                       {"agent", call.agent.name},
                                       {"session", session_id},
                                       {"outcome", answer.ok() ? "answered" : "unreachable"},
                                       {"status", answer.ok() ? answer->status : 502}});
  http::Response response;
  if (!answer.ok()) {
    response =
        platform_error(502, "agent_container_unreachable",
                       "The hosted agent's container did not answer: " + answer.error().message())
            .response();
  } else if (std::string(answer->headers.get("content-type").value_or(""))
                 .starts_with("text/event-stream")) {
    http::SseParser parser;
    auto events = with_consent_items(parser.feed(answer->body), consent_items);
    response = http::Response::event_stream(
        [events = std::move(events)](http::EventStream& out) -> awaitable<void> {
          for (const auto& event : events)
            if (!co_await out.send(event)) co_return;
        });
    response.status = answer->status;
  } else {
    response.status = answer->status;
    response.body = with_consent_items(answer->body, consent_items);
    if (auto type = answer->headers.get("content-type"))
      response.headers.set("Content-Type", std::string(*type));
  }
  response.headers.set("x-agent-session-id", session_id);
  response.headers.set("x-platform-server", std::string(kPlatformServer));
  co_return response;
}

}  // namespace toolauth::emulator
