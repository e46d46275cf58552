#include "toolauth/jose/local_tls.h"

#include <optional>
#include <system_error>
#include <vector>

#include "file_io.h"
#include "toolauth/jose/certificate_authority.h"
#include "toolauth/jose/error.h"
#include "toolauth/jose/key.h"

namespace toolauth::jose {
namespace {

struct ServerIdentity {
  Certificate certificate;
  std::string key_pem;
};

bool expires_soon(const Certificate& certificate, const core::Clock& clock) {
  return certificate.not_after() - clock.now() <= kServerCertificateRenewalMargin;
}

// The CA in `dir` if it loads and stays valid for a while; nullopt means "make a new one".
std::optional<CertificateAuthority> usable_ca(const std::filesystem::path& dir,
                                              const core::Clock& clock) {
  auto ca = CertificateAuthority::load(dir);
  if (!ca.ok() || expires_soon(ca->certificate(), clock)) return std::nullopt;
  return std::move(ca).value();
}

// The server certificate in `dir` if it is ours to keep: issued by `ca`, matching its key,
// naming the default hosts and not about to expire.
std::optional<ServerIdentity> usable_server_identity(const std::filesystem::path& dir,
                                                     const CertificateAuthority& ca,
                                                     const core::Clock& clock) {
  auto chain_pem = internal::read_file(dir / kServerCertificateFile);
  auto key_pem = internal::read_file(dir / kServerKeyFile);
  if (!chain_pem.ok() || !key_pem.ok()) return std::nullopt;
  auto chain = Certificate::chain_from_pem(*chain_pem);
  auto key = PrivateKey::from_pem(*key_pem);
  if (!chain.ok() || !key.ok()) return std::nullopt;
  const Certificate& leaf = chain->front();
  const ServerCertificateRequest defaults;
  std::vector<std::string> expected_names;
  for (const auto& name : defaults.dns_names) expected_names.push_back("DNS:" + name);
  for (const auto& ip : defaults.ip_addresses) expected_names.push_back("IP:" + ip);
  if (!leaf.issued_by(ca.certificate()) || !(leaf.public_key() == key->public_key()) ||
      leaf.subject_alt_names() != expected_names || expires_soon(leaf, clock)) {
    return std::nullopt;
  }
  return ServerIdentity{leaf, std::move(key_pem).value()};
}

core::Result<ServerIdentity> issue_server_identity(const std::filesystem::path& dir,
                                                   const CertificateAuthority& ca,
                                                   const core::Clock& clock) {
  TOOLAUTH_ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::generate_ec_p256());
  TOOLAUTH_ASSIGN_OR_RETURN(Certificate leaf, ca.issue_server_certificate(key, {}, clock));
  ServerIdentity identity{std::move(leaf), key.to_pem()};
  // The key first, so server.pem never names a key that is not on disk.
  TOOLAUTH_RETURN_IF_ERROR(
      internal::write_file_atomically(dir / kServerKeyFile, identity.key_pem, 0600));
  TOOLAUTH_RETURN_IF_ERROR(internal::write_file_atomically(
      dir / kServerCertificateFile, identity.certificate.to_pem() + ca.certificate().to_pem(),
      0644));
  return identity;
}

}  // namespace

core::Result<LocalTls> LocalTls::load_or_create(const std::filesystem::path& state_dir,
                                                const core::Clock& clock) {
  std::error_code error;
  std::filesystem::create_directories(state_dir, error);
  if (error) {
    return core::Error{Errc::io_error,
                       "cannot create " + state_dir.string() + ": " + error.message()};
  }
  TOOLAUTH_ASSIGN_OR_RETURN(auto lock, internal::FileLock::acquire(state_dir / ".tls.lock"));

  Outcome outcome = Outcome::loaded;
  std::optional<CertificateAuthority> ca = usable_ca(state_dir, clock);
  if (!ca) {
    TOOLAUTH_ASSIGN_OR_RETURN(
        auto fresh, CertificateAuthority::generate(std::string(kLocalCaCommonName), clock));
    TOOLAUTH_RETURN_IF_ERROR(fresh.save(state_dir));
    ca.emplace(std::move(fresh));
    outcome = Outcome::created;
  }
  std::optional<ServerIdentity> identity = usable_server_identity(state_dir, *ca, clock);
  if (!identity) {
    TOOLAUTH_ASSIGN_OR_RETURN(auto fresh, issue_server_identity(state_dir, *ca, clock));
    identity.emplace(std::move(fresh));
    if (outcome == Outcome::loaded) outcome = Outcome::renewed_server_certificate;
  }
  return LocalTls{
      .cert_chain_pem = identity->certificate.to_pem() + ca->certificate().to_pem(),
      .private_key_pem = std::move(identity->key_pem),
      .ca_file = state_dir / kCaCertificateFile,
      .server_certificate = identity->certificate,
      .ca_certificate = ca->certificate(),
      .outcome = outcome,
  };
}

}  // namespace toolauth::jose
