// Fuzz target: mock-idp's request path. The input is raw HTTP/1.1 bytes as they would arrive on
// the STS listener (discovery, JWKS, token endpoint and its grants, authorize/sign-in/logout,
// device code, registration, token management, the admin plane's access check); the same
// bytes then go to the managed identity listener. See server_request.h for what counts as a
// finding.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "server_request.h"
#include "toolauth/idp/idp_server.h"

namespace fuzz = toolauth::fuzz;
namespace idp = toolauth::idp;

namespace {

struct IdpTarget {
  std::unique_ptr<idp::IdpServer> server;
  std::unique_ptr<fuzz::ServerRequestHarness> sts;
  std::unique_ptr<fuzz::ServerRequestHarness> mi;
};

IdpTarget& target() {
  static IdpTarget instance = [] {
    idp::IdpServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.mi_port = 0;
    // Fixed public URLs, so that seeds can name issuers and hosts.
    options.public_url = "https://localhost:4781";
    options.mi_public_url = "http://localhost:4782";
    options.admin_key = std::string(fuzz::kFuzzAdminKey);
    auto started = idp::IdpServer::start(fuzz::fuzz_io().get_executor(), fuzz::fuzz_clock(),
                                         std::move(options));
    if (!started.ok()) std::abort();
    IdpTarget t;
    t.server = std::move(*started);
    t.sts = std::make_unique<fuzz::ServerRequestHarness>(fuzz::fuzz_io(), t.server->handler(), true,
                                                         4781);
    t.mi = std::make_unique<fuzz::ServerRequestHarness>(fuzz::fuzz_io(), t.server->mi_handler(),
                                                        false, 4782, false);
    return t;
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto& t = target();
  t.mi->run(input);
  t.sts->run(input);
  return 0;
}
