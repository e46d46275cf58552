// Throughput of token signing and verification on one thread, with a payload the size of a
// real Entra v2 access token. Prints JSON, one result per line:
//   {"payload_bytes": ..., "rs256_token_bytes": ..., "results": [
//     {"name": "rs256_sign", "ops": ..., "seconds": ..., "ops_per_sec": ...},
//     ...]}
// `*_sign` mints a whole token from JSON claims; `*_sign_signature` only signs a prepared
// signing input; `*_verify` checks a signature; `*_verify_jwt` runs the full Verifier.
// bench/jose.sh runs it next to `openssl speed`. Keys are made once and reused, so each
// operation measures exactly what a server does per token: serialise, hash, sign (or decode,
// parse, verify).
//
// Usage: jose_bench [--seconds N]   (default 2 seconds per operation)

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/jose/claims.h"
#include "toolauth/jose/jwks.h"
#include "toolauth/jose/jws.h"
#include "toolauth/jose/jwt.h"
#include "toolauth/jose/signing_key.h"
#include "toolauth/jose/verifier.h"

namespace {

using namespace toolauth;
using Steady = std::chrono::steady_clock;

constexpr std::string_view kIssuer =
    "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0";
constexpr std::string_view kAudience = "api://3f5a7c2e-9d41-4b8a-a7e3-1c2d4e5f6a7b";

// The claims of a delegated Entra v2 access token (about 1.2 KB of JSON).
nlohmann::json entra_access_token_claims(const core::Clock& clock) {
  return jose::ClaimsBuilder()
      .issuer(std::string(kIssuer))
      .audience(std::string(kAudience))
      .subject("kX2vQ9m7NbT4pL0wR8sYh3JcUe6fGa1ZdOiVxB5nMqE")
      .valid_for(clock, std::chrono::minutes(75))
      .claim("aio",
             "AWQAm/8YAAAA3k9fX2lDn0u8qQyZxG1vT4sRm6pNcH2bJeW7aKoLdU5iFgS0hYtC3zEVrMBwP9jXnQ"
             "4/aGvL1uKdT8yZsWc2mNbR6oHe0qJ5lFiX7tAaUgYpD3kVrS9wCzE==")
      .claim("azp", "04b07795-8ddb-461a-bbee-02f9e1bf7b46")
      .claim("azpacr", "0")
      .claim("idp", "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/")
      .claim("name", "Alice Contoso")
      .claim("oid", "6a1f0b9e-3c2d-4e5f-8a7b-9c0d1e2f3a4b")
      .claim("preferred_username", "alice@contoso.onmicrosoft.com")
      .claim("rh", "1.AQEAv4j5cvGGr0GRqy180BHbRy58oD_kFSHEi6V-hNEm9OEBAAA.")
      .claim("roles", {"Notes.ReadWrite.All", "Tools.Invoke"})
      .claim("scp", "notes.read notes.write tools.invoke user_impersonation")
      .claim("sid", "0c4d5e6f-7a8b-9c0d-1e2f-3a4b5c6d7e8f")
      .claim("tid", "72f988bf-86f1-41af-91ab-2d7cd011db47")
      .claim("uti", "q7Zb3xVnKEe2dL9mR4tWAA")
      .claim("ver", "2.0")
      .claim("wids", {"b79fbf4d-3ef9-4689-8143-76b194e85509"})
      .claim("xms_ftd", "Jm4Yq2rRcXo8dTfL0aBvNwKpGhEiUjS5zyC7eM1nO3s")
      .claim("xms_idrel", "1 22")
      .random_jwt_id()
      .build();
}

struct Measurement {
  std::string name;
  long ops;
  double seconds;
};

// Runs `op` repeatedly for about `seconds`; a short warm-up first fills caches and lets
// OpenSSL build its per-thread state (RSA blinding) outside the timed loop.
Measurement measure(std::string name, double seconds, const std::function<bool()>& op) {
  for (int i = 0; i < 3; ++i) {
    if (!op()) {
      std::fprintf(stderr, "%s failed\n", name.c_str());
      std::exit(1);
    }
  }
  const auto deadline = Steady::now() + std::chrono::duration<double>(seconds);
  const auto start = Steady::now();
  long ops = 0;
  bool ok = true;
  Steady::time_point now;
  do {
    ok = op() && ok;
    ++ops;
    now = Steady::now();
  } while (now < deadline);
  if (!ok) {
    std::fprintf(stderr, "%s failed during the run\n", name.c_str());
    std::exit(1);
  }
  return {std::move(name), ops, std::chrono::duration<double>(now - start).count()};
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2.0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--seconds N]\n", argv[0]);
      return 2;
    }
  }

  core::ManualClock clock(std::chrono::system_clock::now());
  const auto rsa = jose::SigningKey::generate_rsa(clock);
  const auto ec = jose::SigningKey::generate_ec_p256(clock);
  if (!rsa.ok() || !ec.ok()) {
    std::fprintf(stderr, "key generation failed\n");
    return 1;
  }
  const nlohmann::json claims = entra_access_token_claims(clock);
  const std::string rs256_token = rsa->sign(claims).value();
  const std::string es256_token = ec->sign(claims).value();
  const jose::DecodedJwt rs256_parts = jose::decode_jwt(rs256_token).value();
  const jose::DecodedJwt es256_parts = jose::decode_jwt(es256_token).value();
  const jose::PublicKey rsa_public = rsa->public_key();
  const jose::PublicKey ec_public = ec->public_key();
  const auto verifier = jose::Verifier::builder()
                            .allow(jose::Alg::RS256)
                            .allow(jose::Alg::ES256)
                            .keys(std::make_shared<const jose::JwkSet>(
                                jose::JwkSet::from_json(jose::jwks_document({*rsa, *ec})).value()))
                            .issuer(std::string(kIssuer))
                            .audience(std::string(kAudience))
                            .clock(clock)
                            .require_claims({"sub", "oid", "tid"})
                            .build()
                            .value();

  std::vector<Measurement> results;
  std::size_t sink = 0;  // keeps the work observable
  auto sign_with = [&](const jose::SigningKey& key) {
    return [&] {
      auto token = key.sign(claims);
      sink += token.ok() ? token->size() : 0;
      return token.ok();
    };
  };
  results.push_back(measure("rs256_sign", seconds, sign_with(*rsa)));
  results.push_back(measure("rs256_sign_signature", seconds, [&] {
    return jose::sign(jose::Alg::RS256, rsa->key, rs256_parts.signing_input).ok();
  }));
  results.push_back(measure("rs256_verify", seconds, [&] {
    return jose::verify_signature(jose::Alg::RS256, rsa_public, rs256_parts.signing_input,
                                  rs256_parts.signature);
  }));
  results.push_back(
      measure("rs256_verify_jwt", seconds, [&] { return verifier.verify(rs256_token).ok(); }));
  results.push_back(measure("es256_sign", seconds, sign_with(*ec)));
  results.push_back(measure("es256_sign_signature", seconds, [&] {
    return jose::sign(jose::Alg::ES256, ec->key, es256_parts.signing_input).ok();
  }));
  results.push_back(measure("es256_verify", seconds, [&] {
    return jose::verify_signature(jose::Alg::ES256, ec_public, es256_parts.signing_input,
                                  es256_parts.signature);
  }));
  results.push_back(
      measure("es256_verify_jwt", seconds, [&] { return verifier.verify(es256_token).ok(); }));

  std::printf(
      "{\"payload_bytes\": %zu, \"rs256_token_bytes\": %zu, \"checksum\": %zu, \"results\": [\n",
      claims.dump().size(), rs256_token.size(), sink % 1000);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Measurement& m = results[i];
    std::printf("  {\"name\": \"%s\", \"ops\": %ld, \"seconds\": %.3f, \"ops_per_sec\": %.1f}%s\n",
                m.name.c_str(), m.ops, m.seconds, static_cast<double>(m.ops) / m.seconds,
                i + 1 < results.size() ? "," : "");
  }
  std::printf("]}\n");
  return 0;
}
