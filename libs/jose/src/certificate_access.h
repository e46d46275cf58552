#pragma once
// Private to libs/jose: the X509 inside a Certificate, and how certificates are built.

#include <openssl/x509.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "ossl.h"
#include "toolauth/jose/certificate.h"

namespace toolauth::jose::internal {

struct CertificateAccess {
  static X509* x509(const Certificate& certificate);
  // Errors: Errc::invalid_certificate.
  static core::Result<Certificate> wrap(X509Ptr x509);
};

// What to put in a new certificate. Extension values use OpenSSL's config syntax
// ("critical,CA:TRUE"); subject alternative names are built separately so that no name can
// smuggle in config syntax.
struct CertificateSpec {
  std::string common_name;
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
  std::vector<std::pair<int, std::string>> extensions;  // (NID, value)
  std::vector<std::string> dns_names = {};
  std::vector<std::string> ip_addresses = {};
};

// Signs a certificate for `subject_key` with `issuer_key`; `issuer` is the issuer's certificate,
// or null for a self-signed one. The serial number is 127 random bits.
core::Result<Certificate> build_certificate(const CertificateSpec& spec,
                                            const PublicKey& subject_key,
                                            const PrivateKey& issuer_key,
                                            const Certificate* issuer);

}  // namespace toolauth::jose::internal
