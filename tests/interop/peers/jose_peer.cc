// jose_peer: the C++ side of the jose interop test. It serves, over HTTPS with the local CA,
//   GET  /jwks            our signing keys in Entra's JWKS shape (kid = x5t, x5c)
//   GET  /token/{alg}     a token signed by libs/jose (RS256, PS256 or ES256)
//   POST /verify          {"jwks", "token", "issuer", "audience"} checked by our Verifier
// and prints {"url", "ca_file", "issuer", "audience"} on one line once it is listening.
// It stops on SIGINT/SIGTERM or when stdin closes.

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <filesystem>
#include <iostream>

#include "toolauth/core/clock.h"
#include "toolauth/core/json.h"
#include "toolauth/core/random.h"
#include "toolauth/http/router.h"
#include "toolauth/http/server.h"
#include "toolauth/jose/claims.h"
#include "toolauth/jose/jwks.h"
#include "toolauth/jose/local_tls.h"
#include "toolauth/jose/signing_key.h"
#include "toolauth/jose/verifier.h"

namespace {

using namespace toolauth;
constexpr const char* kAudience = "api://interop";

int run() {
  core::SystemClock clock;
  const auto state_dir =
      std::filesystem::temp_directory_path() / ("toolauth_jose_peer_" + core::random_hex(6));
  auto tls = jose::LocalTls::load_or_create(state_dir, clock);
  auto rsa = jose::SigningKey::generate_rsa(clock);
  auto ec = jose::SigningKey::generate_ec_p256(clock);
  if (!tls.ok() || !rsa.ok() || !ec.ok()) {
    std::cerr << "setup failed\n";
    return 1;
  }
  // PS256 uses the same RSA key material as RS256 would, under its own kid.
  auto rsa_for_pss = jose::SigningKey::generate_rsa(clock, "toolauth interop PS256");
  if (!rsa_for_pss.ok()) return 1;
  auto pss = jose::SigningKey::from(rsa_for_pss->key, rsa_for_pss->certificate, jose::Alg::PS256);
  if (!pss.ok()) return 1;
  const std::vector<jose::SigningKey> keys = {*rsa, *pss, *ec};

  boost::asio::io_context io;
  std::string issuer;
  http::Router router;
  router.add(http::Method::get, "/jwks",
             [&](http::Request&) { return http::Response::json(200, jose::jwks_document(keys)); });
  router.add(http::Method::get, "/token/{alg}", [&](http::Request& request) {
    for (const auto& key : keys) {
      if (jose::to_string(key.alg) != request.param("alg")) continue;
      auto claims = jose::ClaimsBuilder()
                        .issuer(issuer)
                        .subject("alice")
                        .audience(kAudience)
                        .valid_for(clock, std::chrono::minutes(10))
                        .random_jwt_id()
                        .build();
      auto token = key.sign(claims);
      if (!token.ok()) return http::Response::json(500, {{"error", token.error().message()}});
      return http::Response::json(200, {{"token", *token}});
    }
    return http::Response::json(404, {{"error", "unknown alg"}});
  });
  router.add(http::Method::post, "/verify", [&](http::Request& request) {
    auto body = core::parse_json(request.body);
    if (!body.ok() || !body->is_object()) return http::Response::json(400, {{"error", "bad json"}});
    auto set = jose::JwkSet::from_json(body->value("jwks", nlohmann::json::object()));
    if (!set.ok())
      return http::Response::json(200, {{"valid", false}, {"error", set.error().message()}});
    auto verifier = jose::Verifier::builder()
                        .allow(jose::Alg::RS256)
                        .allow(jose::Alg::PS256)
                        .allow(jose::Alg::ES256)
                        .keys(std::make_shared<jose::JwkSet>(std::move(*set)))
                        .issuer(body->value("issuer", ""))
                        .audience(body->value("audience", ""))
                        .clock(clock)
                        .build();
    if (!verifier.ok()) return http::Response::json(500, {{"error", verifier.error().message()}});
    auto verified = verifier->verify(body->value("token", ""));
    if (!verified.ok()) {
      return http::Response::json(200, {{"valid", false},
                                        {"code", verified.code().message()},
                                        {"error", verified.error().message()}});
    }
    return http::Response::json(200, {{"valid", true}, {"claims", verified->claims}});
  });

  http::Server server(io.get_executor(), router.handler());
  auto port = server.listen(
      {"127.0.0.1", 0, http::TlsCredentials{tls->cert_chain_pem, tls->private_key_pem}});
  if (!port.ok()) {
    std::cerr << port.error().message() << "\n";
    return 1;
  }
  const std::string url = "https://127.0.0.1:" + std::to_string(*port);
  issuer = url + "/issuer";
  std::cout << nlohmann::json{{"url", url},
                              {"ca_file", tls->ca_file.string()},
                              {"issuer", issuer},
                              {"audience", kAudience}}
                   .dump()
            << std::endl;

  auto stop = [&] { server.stop(); };
  http::TerminationSignals signals(io.get_executor(), [&](int) { stop(); });
  // The launcher closes our stdin when it is done with us.
  boost::asio::posix::stream_descriptor input(io, ::dup(STDIN_FILENO));
  char byte;
  boost::asio::async_read(input, boost::asio::buffer(&byte, 1), [&](auto, auto) {
    stop();
    signals.cancel();
  });
  io.run();
  std::filesystem::remove_all(state_dir);
  return 0;
}

}  // namespace

int main() { return run(); }
