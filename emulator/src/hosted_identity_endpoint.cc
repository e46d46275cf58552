#include "toolauth/emulator/hosted_identity_endpoint.h"

#include "toolauth/core/constant_time.h"
#include "toolauth/core/random.h"
#include "toolauth/emulator/entra_tokens.h"

namespace toolauth::emulator {

namespace {

constexpr std::string_view kApiVersion = "2019-08-01";
constexpr std::string_view kPathPrefix = "/hosted/";
constexpr std::string_view kPathSuffix = "/token";

http::Response app_service_error(int status, std::string message) {
  auto response = http::Response::json(status, {{"statusCode", status},
                                                {"message", std::move(message)},
                                                {"correlationId", core::uuid_v4()}});
  response.headers.set("Cache-Control", "no-store");
  return response;
}

}  // namespace

HostedIdentityEndpoint::HostedIdentityEndpoint(boost::asio::any_io_executor executor,
                                               AgentIdentityToolAuth& tokens,
                                               service::Journal& journal, core::Logger logger)
    : tokens_(&tokens), journal_(&journal) {
  router_.add(http::Method::get, "/hosted/{id}/token",
              [this](http::Request& request) { return handle(request); });
  server_ = std::make_unique<http::Server>(executor, router_.handler(), http::ServerLimits{},
                                           logger.with_component("hosted-identity"));
}

HostedIdentityEndpoint::~HostedIdentityEndpoint() { server_.reset(); }

core::Result<void> HostedIdentityEndpoint::listen() {
  TOOLAUTH_ASSIGN_OR_RETURN(auto port, server_->listen({"127.0.0.1", 0, std::nullopt}));
  url_ = "http://127.0.0.1:" + std::to_string(port);
  return {};
}

HostedIdentityGrant HostedIdentityEndpoint::add(HostedIdentity identity) {
  std::string id = core::random_hex(16);
  std::string header = core::random_hex(32);
  entries_[id] = {std::move(identity), header};
  return {url_ + std::string(kPathPrefix) + id + std::string(kPathSuffix), header};
}

void HostedIdentityEndpoint::remove(const std::string& endpoint) {
  const auto prefix = url_ + std::string(kPathPrefix);
  if (!endpoint.starts_with(prefix) || !endpoint.ends_with(kPathSuffix)) return;
  entries_.erase(
      endpoint.substr(prefix.size(), endpoint.size() - prefix.size() - kPathSuffix.size()));
}

void HostedIdentityEndpoint::stop() { server_->stop(); }

boost::asio::awaitable<http::Response> HostedIdentityEndpoint::handle(http::Request& request) {
  nlohmann::json entry = {{"source", "hosted_identity"}};
  auto fail = [&](int status, std::string message) {
    entry["outcome"] = "error";
    entry["status"] = status;
    entry["error"] = message;
    journal_->record("hosted_identity", entry);
    return app_service_error(status, std::move(message));
  };
  const auto presented = request.headers.get("x-identity-header");
  if (!presented || presented->empty()) co_return fail(401, "X-IDENTITY-HEADER is required.");
  // An unknown endpoint id and a wrong header look alike: neither tells which ids exist.
  auto it = entries_.find(request.param("id"));
  const std::string expected = it == entries_.end() ? std::string(64, '\0') : it->second.header;
  if (request.headers.count("x-identity-header") != 1 ||
      !core::constant_time_equal(*presented, expected) || it == entries_.end())
    co_return fail(403, "X-IDENTITY-HEADER does not match.");
  const HostedIdentity identity = it->second.identity;
  entry["project"] = identity.project;
  entry["agent"] = identity.agent;

  auto query = request.query_params();
  if (!query.ok()) co_return fail(400, "The query string is not valid.");
  if (auto repeated = query->first_repeated())
    co_return fail(400, "The parameter " + *repeated + " appears more than once.");
  const auto api_version = query->get_or("api-version", "");
  if (api_version.empty()) co_return fail(400, "Required api-version parameter not specified");
  if (api_version != kApiVersion) {
    co_return fail(400, "api-version " + api_version + " is not supported; use " +
                            std::string(kApiVersion) + ".");
  }
  std::string resource = query->get_or("resource", "");
  if (resource.ends_with("/.default")) resource.resize(resource.size() - 9);
  if (resource.empty()) co_return fail(400, "Required resource parameter not specified");
  entry["resource"] = resource;
  // A container has exactly one identity: asking for another one is refused, never ignored.
  const auto client_id = identity.identities.agent_identity_client_id;
  for (const char* selector :
       {"client_id", "object_id", "principal_id", "mi_res_id", "msi_res_id"}) {
    if (!query->has(selector)) continue;
    if (std::string_view(selector) == "client_id" && query->get_or(selector, "") == client_id)
      continue;
    co_return fail(400, std::string("Identity not found: this container has only its agent "
                                    "identity (") +
                            selector + " selects another).");
  }
  if (client_id.empty() || identity.identities.blueprint_client_id.empty())
    co_return fail(400, "Identity not found: the project has no agent identity.");

  auto token = co_await tokens_->agent_token(identity.tenant_id, identity.identities,
                                             default_scope(resource));
  if (!token.ok()) {
    const auto failure = token_failure("the agent identity token request", token.error());
    co_return fail(502, failure.message);
  }
  const auto expires_on =
      std::chrono::duration_cast<std::chrono::seconds>(token->expires_at.time_since_epoch())
          .count();
  entry["outcome"] = "issued";
  entry["status"] = 200;
  entry["client_id"] = client_id;
  entry["source_of_token"] = token->from_cache ? "cache" : "new";
  journal_->record("hosted_identity", entry);
  auto response = http::Response::json(200, {{"access_token", token->access_token},
                                             {"expires_on", std::to_string(expires_on)},
                                             {"resource", resource},
                                             {"token_type", "Bearer"},
                                             {"client_id", client_id}});
  response.headers.set("Cache-Control", "no-store");
  co_return response;
}

}  // namespace toolauth::emulator
