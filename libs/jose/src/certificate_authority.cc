#include "toolauth/jose/certificate_authority.h"

#include <openssl/obj_mac.h>

#include <algorithm>
#include <system_error>

#include "certificate_access.h"
#include "file_io.h"
#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

constexpr std::chrono::hours kNotBeforeBackdate{1};

}  // namespace

core::Result<CertificateAuthority> CertificateAuthority::generate(std::string common_name,
                                                                  const core::Clock& clock,
                                                                  KeyType key_type,
                                                                  std::chrono::seconds validity) {
  TOOLAUTH_ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::generate(key_type));
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(clock.now());
  const internal::CertificateSpec spec{
      .common_name = std::move(common_name),
      .not_before = now - kNotBeforeBackdate,
      .not_after = now + validity,
      .extensions = {{NID_basic_constraints, "critical,CA:TRUE"},
                     {NID_key_usage, "critical,keyCertSign,cRLSign"},
                     {NID_subject_key_identifier, "hash"},
                     // Self-signed, so OpenSSL would leave it out unless forced; strict
                     // verifiers and some clients look for it on every certificate.
                     {NID_authority_key_identifier, "keyid:always"}},
  };
  TOOLAUTH_ASSIGN_OR_RETURN(Certificate certificate,
                            internal::build_certificate(spec, key.public_key(), key, nullptr));
  return CertificateAuthority(std::move(certificate), std::move(key));
}

core::Result<CertificateAuthority> CertificateAuthority::from_pem(std::string_view certificate_pem,
                                                                  std::string_view key_pem) {
  TOOLAUTH_ASSIGN_OR_RETURN(Certificate certificate, Certificate::from_pem(certificate_pem));
  TOOLAUTH_ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::from_pem(key_pem));
  if (!(key.public_key() == certificate.public_key())) {
    return core::Error{Errc::invalid_key, "the CA key does not belong to the CA certificate"};
  }
  if (!certificate.is_ca()) {
    return core::Error{Errc::invalid_certificate, "the CA certificate is not a CA"};
  }
  return CertificateAuthority(std::move(certificate), std::move(key));
}

core::Result<CertificateAuthority> CertificateAuthority::load(const std::filesystem::path& dir) {
  TOOLAUTH_ASSIGN_OR_RETURN(const std::string certificate_pem,
                            internal::read_file(dir / kCaCertificateFile));
  TOOLAUTH_ASSIGN_OR_RETURN(const std::string key_pem, internal::read_file(dir / kCaKeyFile));
  return from_pem(certificate_pem, key_pem);
}

core::Result<void> CertificateAuthority::save(const std::filesystem::path& dir) const {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return core::Error{Errc::io_error, "cannot create " + dir.string() + ": " + error.message()};
  }
  // The key first: a certificate on disk without its key would look like a usable CA.
  TOOLAUTH_RETURN_IF_ERROR(internal::write_file_atomically(dir / kCaKeyFile, key_.to_pem(), 0600));
  return internal::write_file_atomically(dir / kCaCertificateFile, certificate_.to_pem(), 0644);
}

core::Result<Certificate> CertificateAuthority::issue_server_certificate(
    const PrivateKey& leaf_key, const ServerCertificateRequest& request,
    const core::Clock& clock) const {
  if (request.dns_names.empty() && request.ip_addresses.empty()) {
    return core::Error{Errc::invalid_argument, "a server certificate needs at least one name"};
  }
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(clock.now());
  const auto not_after =
      std::min<core::Clock::time_point>(now + request.validity, certificate_.not_after());
  internal::CertificateSpec spec{
      .common_name =
          request.dns_names.empty() ? request.ip_addresses.front() : request.dns_names.front(),
      .not_before = now - kNotBeforeBackdate,
      .not_after = not_after,
      .extensions = {{NID_basic_constraints, "critical,CA:FALSE"},
                     {NID_key_usage, leaf_key.type() == KeyType::rsa
                                         ? "critical,digitalSignature,keyEncipherment"
                                         : "critical,digitalSignature"},
                     {NID_ext_key_usage, "serverAuth"},
                     {NID_subject_key_identifier, "hash"},
                     {NID_authority_key_identifier, "keyid:always"}},
      .dns_names = request.dns_names,
      .ip_addresses = request.ip_addresses,
  };
  return internal::build_certificate(spec, leaf_key.public_key(), key_, &certificate_);
}

}  // namespace toolauth::jose
