#pragma once
// A local certificate authority for the servers' HTTPS listeners. Clients trust its
// certificate (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE), so the certificates it makes follow what
// OpenSSL's and Node's verifiers (RFC 5280, including X509_V_FLAG_X509_STRICT) demand:
//   CA:   basicConstraints critical CA:TRUE, keyUsage critical keyCertSign+cRLSign, SKI, AKI;
//   leaf: basicConstraints critical CA:FALSE, keyUsage critical digitalSignature
//         (+keyEncipherment for RSA), extendedKeyUsage serverAuth, subjectAltName (clients
//         ignore the CN), SKI, AKI pointing at the CA, never valid beyond the CA.
// Serial numbers are random.
//
// A CertificateAuthority is immutable; issuing certificates from several threads is safe.
//
//   auto ca = CertificateAuthority::generate("toolauth local CA", clock);
//   auto leaf_key = PrivateKey::generate_ec_p256();
//   auto leaf = ca->issue_server_certificate(*leaf_key, {}, clock);  // localhost, 127.0.0.1, ::1

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/jose/certificate.h"
#include "toolauth/jose/key.h"

namespace toolauth::jose {

inline constexpr std::chrono::seconds kDefaultCaValidity = std::chrono::days(3650);
// Within the 398 days browsers accept for a server certificate.
inline constexpr std::chrono::seconds kDefaultServerCertificateValidity = std::chrono::days(397);

// File names inside the folder given to save() and load().
inline constexpr std::string_view kCaCertificateFile = "ca.pem";  // mode 0644
inline constexpr std::string_view kCaKeyFile = "ca.key";          // mode 0600

struct ServerCertificateRequest {
  // DNS names and IP address literals (v4 or v6) for subjectAltName; at least one entry.
  std::vector<std::string> dns_names = {"localhost"};
  std::vector<std::string> ip_addresses = {"127.0.0.1", "::1"};
  std::chrono::seconds validity = kDefaultServerCertificateValidity;
};

class CertificateAuthority {
 public:
  // A new CA key of `key_type` and a self-signed CA certificate, valid from an hour before
  // clock.now() for `validity`. Errors: Errc::invalid_argument, Errc::crypto_error.
  static core::Result<CertificateAuthority> generate(
      std::string common_name, const core::Clock& clock, KeyType key_type = KeyType::ec_p256,
      std::chrono::seconds validity = kDefaultCaValidity);
  // A CA from its certificate and key. Errors: Errc::invalid_certificate, Errc::invalid_key
  // (also when the key does not belong to the certificate or the certificate is not a CA).
  static core::Result<CertificateAuthority> from_pem(std::string_view certificate_pem,
                                                     std::string_view key_pem);
  // Reads kCaCertificateFile and kCaKeyFile from `dir`. Errors: those of from_pem,
  // Errc::io_error.
  static core::Result<CertificateAuthority> load(const std::filesystem::path& dir);

  // Writes kCaCertificateFile (0644) and kCaKeyFile (0600) into `dir`, creating it if needed;
  // each file is replaced atomically. Errors: Errc::io_error.
  core::Result<void> save(const std::filesystem::path& dir) const;

  // A server certificate for `leaf_key`, valid from an hour before clock.now() for
  // request.validity but never past the CA's own expiry. The subject CN is the first DNS name
  // (or IP address). Errors: Errc::invalid_argument (no names, a malformed DNS name or IP
  // address), Errc::crypto_error.
  core::Result<Certificate> issue_server_certificate(const PrivateKey& leaf_key,
                                                     const ServerCertificateRequest& request,
                                                     const core::Clock& clock) const;

  const Certificate& certificate() const { return certificate_; }
  const PrivateKey& key() const { return key_; }

 private:
  CertificateAuthority(Certificate certificate, PrivateKey key)
      : certificate_(std::move(certificate)), key_(std::move(key)) {}
  Certificate certificate_;
  PrivateKey key_;
};

}  // namespace toolauth::jose
