#pragma once
// The HTTPS identity of a local server: on first start, a local CA and a server certificate
// for localhost, 127.0.0.1 and ::1 are generated into the state folder; later starts load
// them, issuing a fresh server certificate (and key) when the old one expires within
// kServerCertificateRenewalMargin or no longer fits the CA. Clients trust `ca_file` through
// NODE_EXTRA_CA_CERTS or SSL_CERT_FILE.
//
// Files in the state folder:
//   ca.pem      the CA certificate (0644)        ca.key      its key (0600)
//   server.pem  server certificate, then the CA  server.key  the server key (0600)
//   .tls.lock   serialises processes sharing the folder, so they never race to make two CAs
//
// TLS peers judge validity by their own clocks, so pass a clock that reads (close to) real
// time; certificates are backdated by an hour to absorb small differences.
//
//   auto tls = LocalTls::load_or_create(state_dir / "tls", clock);
//   if (!tls) return tls.error();
//   server.use_certificate(tls->cert_chain_pem, tls->private_key_pem);

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/jose/certificate.h"

namespace toolauth::jose {

inline constexpr std::string_view kServerCertificateFile = "server.pem";
inline constexpr std::string_view kServerKeyFile = "server.key";
inline constexpr std::chrono::seconds kServerCertificateRenewalMargin = std::chrono::days(7);
inline constexpr std::string_view kLocalCaCommonName = "toolauth local CA";

struct LocalTls {
  enum class Outcome {
    created,                     // a new CA (clients must trust the new ca.pem) and certificate
    loaded,                      // everything was reused
    renewed_server_certificate,  // same CA, new server certificate and key
  };

  // Errors: Errc::io_error (the folder cannot be created, locked or written),
  // Errc::crypto_error.
  static core::Result<LocalTls> load_or_create(const std::filesystem::path& state_dir,
                                               const core::Clock& clock);

  std::string cert_chain_pem;   // the server certificate, then the CA certificate
  std::string private_key_pem;  // PKCS#8 key of the server certificate
  std::filesystem::path ca_file;
  Certificate server_certificate;
  Certificate ca_certificate;
  Outcome outcome;
};

}  // namespace toolauth::jose
