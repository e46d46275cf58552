#pragma once
// The managed-identity endpoint of hosted agents' containers: the App Service protocol that
// Azure SDKs' ManagedIdentityCredential speaks, served by the emulator on its own plain-HTTP
// listener on 127.0.0.1 (a random port):
//
//   GET {IDENTITY_ENDPOINT}?resource=<app id uri or scope>&api-version=2019-08-01
//   X-IDENTITY-HEADER: {IDENTITY_HEADER}
//   -> 200 {"access_token", "expires_on": "<unix s>", "resource", "token_type": "Bearer",
//           "client_id": <the agent identity>}
//
// Each container gets its own IDENTITY_ENDPOINT (…/hosted/<id>/token) and IDENTITY_HEADER (a
// 256-bit secret, compared in constant time); the answer is a token of the hosted agent's own
// agent identity (Entra Agent ID: the project's blueprint gets T1, the agent identity redeems
// it; AgentIdentityToolAuth::agent_token), as the real hosted-agent token service returns
// agent-identity tokens. The real service's variable names are undocumented: these are the
// emulator's choice (the ones ManagedIdentityCredential reads).
//
// Errors in App Service's shape {"statusCode", "message", "correlationId"}: 401 without the
// header, 403 with a wrong one (or an endpoint id that is unknown), 400 for a missing
// resource, another api-version, or a client_id / object_id / mi_res_id selecting another
// identity; 502 when the IdP refuses (its error summary, never a token).
//
// Threading: the server's io_context thread.

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include "toolauth/core/log.h"
#include "toolauth/core/result.h"
#include "toolauth/emulator/agent_identity_tool_auth.h"
#include "toolauth/http/router.h"
#include "toolauth/http/server.h"
#include "toolauth/service/journal.h"

namespace toolauth::emulator {

struct HostedIdentity {
  std::string project;
  std::string agent;
  std::string tenant_id;  // the project's tenant
  ProjectIdentities identities;
};

// What a container is given: IDENTITY_ENDPOINT and IDENTITY_HEADER.
struct HostedIdentityGrant {
  std::string endpoint;
  std::string header;  // a secret
};

class HostedIdentityEndpoint {
 public:
  // `tokens` and `journal` must outlive the endpoint.
  HostedIdentityEndpoint(boost::asio::any_io_executor executor, AgentIdentityToolAuth& tokens,
                         service::Journal& journal, core::Logger logger);
  ~HostedIdentityEndpoint();

  // Binds 127.0.0.1 on a free port. Errors: http::Errc::bind_failed.
  core::Result<void> listen();
  const std::string& url() const { return url_; }
  // A new endpoint for one container; remove() it when the container goes away.
  HostedIdentityGrant add(HostedIdentity identity);
  void remove(const std::string& endpoint);
  void stop();

 private:
  boost::asio::awaitable<http::Response> handle(http::Request& request);

  struct Entry {
    HostedIdentity identity;
    std::string header;
  };
  AgentIdentityToolAuth* tokens_;
  service::Journal* journal_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::string url_;
  std::map<std::string, Entry, std::less<>> entries_;  // by endpoint id
};

}  // namespace toolauth::emulator
