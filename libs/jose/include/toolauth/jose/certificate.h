#pragma once
// X.509 certificates: the self-signed certificates token-signing keys are published with
// (`x5c`, and `kid` = `x5t` as Entra does), and the local CA and server certificates of
// certificate_authority.h.
//
// A Certificate is an immutable value: copies share one parsed certificate, and it may be used
// from several threads at once. Only certificates whose key is a supported KeyType (RSA >= 2048
// bits or EC P-256) can be loaded. Loading does not verify anything about the issuer: use
// issued_by(), or an X509 store, for that.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/jose/key.h"

namespace toolauth::jose {

namespace internal {
struct CertificateAccess;
}

class Certificate {
 public:
  // The first CERTIFICATE block of `pem` (later blocks must parse too: a half-corrupt chain
  // file is refused, not silently cut short). Errors: Errc::invalid_certificate.
  static core::Result<Certificate> from_pem(std::string_view pem);
  // Every CERTIFICATE block of `pem`, in order (a chain file: leaf first). At least one.
  static core::Result<std::vector<Certificate>> chain_from_pem(std::string_view pem);
  // Exactly one DER certificate, no trailing bytes (an `x5c` entry after base64 decoding).
  static core::Result<Certificate> from_der(std::string_view der);

  // A self-signed certificate for `key` with subject CN=`common_name`, valid from an hour
  // before clock.now() (peers with slightly slow clocks still accept it) for `validity`.
  // It is an end-entity certificate (CA:FALSE, digitalSignature), as Entra's token-signing
  // certificates are.
  static core::Result<Certificate> self_signed(const PrivateKey& key, std::string common_name,
                                               std::chrono::seconds validity,
                                               const core::Clock& clock);

  std::string to_pem() const;
  const std::string& der() const;
  // base64url(SHA-1(DER)): the `x5t` header and, in Entra, also the `kid`.
  const std::string& x5t() const;
  // base64url(SHA-256(DER)): `x5t#S256`.
  const std::string& x5t_s256() const;
  const PublicKey& public_key() const;
  core::Clock::time_point not_before() const;
  core::Clock::time_point not_after() const;
  std::string subject_common_name() const;
  // "DNS:localhost", "IP:127.0.0.1", "IP:::1", ... in certificate order.
  std::vector<std::string> subject_alt_names() const;
  bool is_ca() const;
  // True when `issuer` may issue certificates (CA, keyCertSign if keyUsage is present), its
  // subject is this certificate's issuer name, and its key signed this certificate.
  bool issued_by(const Certificate& issuer) const;

  friend bool operator==(const Certificate& a, const Certificate& b) { return a.der() == b.der(); }

 private:
  friend struct internal::CertificateAccess;
  struct Impl;
  explicit Certificate(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace toolauth::jose
