#pragma once
// Shared fixture data for the jose tests. Keys are generated once per test process (RSA key
// generation is slow, more so under ASan) and never written anywhere: there are no key files.

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <memory>
#include <string>

#include "toolauth/core/clock.h"
#include "toolauth/jose/certificate.h"
#include "toolauth/jose/key.h"
#include "toolauth/jose/signing_key.h"

namespace toolauth::jose::testing {

// 2023-11-14T22:13:20Z, the ManualClock default.
inline constexpr std::chrono::seconds kTestEpoch{1'700'000'000};

inline const PrivateKey& rsa_key() {
  static const PrivateKey key = PrivateKey::generate_rsa().value();
  return key;
}
inline const PrivateKey& other_rsa_key() {
  static const PrivateKey key = PrivateKey::generate_rsa().value();
  return key;
}
inline const PrivateKey& ec_key() {
  static const PrivateKey key = PrivateKey::generate_ec_p256().value();
  return key;
}

// Signing keys over the keys above, with certificates made at kTestEpoch.
inline SigningKey make_signing_key(const PrivateKey& key, Alg alg) {
  const core::ManualClock clock{core::Clock::time_point(kTestEpoch)};
  return SigningKey::from(
             key,
             Certificate::self_signed(key, "test signing", std::chrono::days(365), clock).value(),
             alg)
      .value();
}
inline const SigningKey& rsa_signing_key() {
  static const SigningKey key = make_signing_key(rsa_key(), Alg::RS256);
  return key;
}
inline const SigningKey& ec_signing_key() {
  static const SigningKey key = make_signing_key(ec_key(), Alg::ES256);
  return key;
}

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

inline X509Ptr to_x509(const Certificate& certificate) {
  const auto* data = reinterpret_cast<const unsigned char*>(certificate.der().data());
  return X509Ptr(d2i_X509(nullptr, &data, static_cast<long>(certificate.der().size())));
}

// What a TLS client does with a server certificate: build the chain to the trusted CA, check
// it for a TLS server at `time`, strictly (RFC 5280 profile), and match the host or IP.
struct Expectation {
  std::string host = {};
  std::string ip = {};
  core::Clock::time_point time = {};
};
inline int verify_like_a_tls_client(const Certificate& ca, const Certificate& leaf,
                                    const Expectation& expect) {
  X509_STORE* store = X509_STORE_new();
  X509Ptr ca_x509 = to_x509(ca), leaf_x509 = to_x509(leaf);
  X509_STORE_add_cert(store, ca_x509.get());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf_x509.get(), nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT);
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(expect.time));
  if (!expect.host.empty()) X509_VERIFY_PARAM_set1_host(param, expect.host.c_str(), 0);
  if (!expect.ip.empty()) X509_VERIFY_PARAM_set1_ip_asc(param, expect.ip.c_str());
  const int ok = X509_verify_cert(ctx);
  const int error = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return error;
}

}  // namespace toolauth::jose::testing
