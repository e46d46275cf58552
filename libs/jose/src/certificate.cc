#include "toolauth/jose/certificate.h"

#include <arpa/inet.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <array>
#include <ctime>
#include <stdexcept>

#include "certificate_access.h"
#include "key_access.h"
#include "ossl.h"
#include "toolauth/core/random.h"
#include "toolauth/core/unix_time.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/error.h"
#include "toolauth/jose/hash.h"

namespace toolauth::jose {

struct Certificate::Impl {
  internal::X509Ptr x509;
  std::string der;
  std::string x5t;
  std::string x5t_s256;
  PublicKey public_key;
  core::Clock::time_point not_before;
  core::Clock::time_point not_after;
};

namespace internal {
namespace {

// Lets a peer whose clock is a little behind ours accept a certificate made just now.
constexpr std::chrono::hours kNotBeforeBackdate{1};
// X.520 ub-common-name.
constexpr std::size_t kMaxCommonNameLength = 64;

core::Result<core::Clock::time_point> to_time_point(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
    return openssl_error("unreadable validity time", Errc::invalid_certificate);
  }
  return core::time_at_unix_seconds(timegm(&tm));
}

// DNS names of SANs we issue: letters, digits, '-', '.' and an optional leading "*." label.
bool is_valid_dns_name(std::string_view name) {
  if (name.starts_with("*.")) name.remove_prefix(2);
  if (name.empty() || name.size() > 253 || name.front() == '.' || name.back() == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return name.find("..") == std::string_view::npos;
}

core::Result<void> add_subject_alt_names(X509* x509, const CertificateSpec& spec) {
  if (spec.dns_names.empty() && spec.ip_addresses.empty()) return {};
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) return openssl_error("sk_GENERAL_NAME_new_null");
  auto push = [&](int type, ASN1_STRING* value) -> bool {
    GENERAL_NAME* name = GENERAL_NAME_new();
    if (name == nullptr) {
      ASN1_STRING_free(value);
      return false;
    }
    GENERAL_NAME_set0_value(name, type, value);
    if (sk_GENERAL_NAME_push(names.get(), name) == 0) {
      GENERAL_NAME_free(name);
      return false;
    }
    return true;
  };
  for (const std::string& dns : spec.dns_names) {
    if (!is_valid_dns_name(dns)) {
      return core::Error{Errc::invalid_argument, "invalid DNS name \"" + dns + '"'};
    }
    ASN1_IA5STRING* value = ASN1_IA5STRING_new();
    if (value == nullptr || ASN1_STRING_set(value, dns.data(), static_cast<int>(dns.size())) != 1 ||
        !push(GEN_DNS, value)) {
      return openssl_error("adding a DNS name");
    }
  }
  for (const std::string& ip : spec.ip_addresses) {
    ASN1_OCTET_STRING* value = a2i_IPADDRESS(ip.c_str());
    if (value == nullptr) {
      ERR_clear_error();
      return core::Error{Errc::invalid_argument, "invalid IP address \"" + ip + '"'};
    }
    if (!push(GEN_IPADD, value)) return openssl_error("adding an IP address");
  }
  if (X509_add1_ext_i2d(x509, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return openssl_error("adding subjectAltName");
  }
  return {};
}

core::Result<void> set_random_serial(X509* x509) {
  std::array<unsigned char, 16> bytes;
  core::random_bytes(bytes);
  // Positive (top bit clear) and always 16 octets long (next bit set).
  bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7f) | 0x40);
  BignumPtr serial(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  if (!serial || BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(x509)) == nullptr) {
    return openssl_error("setting the serial number");
  }
  return {};
}

}  // namespace

X509* CertificateAccess::x509(const Certificate& certificate) {
  return certificate.impl_->x509.get();
}

core::Result<Certificate> CertificateAccess::wrap(X509Ptr x509) {
  // Computes and caches the extension flags now, so later reads from several threads only
  // read; a certificate whose extensions do not parse is refused.
  X509_check_purpose(x509.get(), -1, 0);
  if ((X509_get_extension_flags(x509.get()) & EXFLAG_INVALID) != 0) {
    return openssl_error("certificate has invalid extensions", Errc::invalid_certificate);
  }
  unsigned char* der = nullptr;
  const int der_size = i2d_X509(x509.get(), &der);
  if (der_size <= 0) return openssl_error("i2d_X509", Errc::invalid_certificate);
  std::string der_bytes(as_chars(der, static_cast<std::size_t>(der_size)));
  OPENSSL_free(der);

  EvpPkeyPtr pkey(X509_get_pubkey(x509.get()));
  if (!pkey)
    return openssl_error("certificate has no usable public key", Errc::invalid_certificate);
  TOOLAUTH_ASSIGN_OR_RETURN(const KeyType type,
                            KeyAccess::classify(pkey.get(), Errc::invalid_certificate));
  TOOLAUTH_ASSIGN_OR_RETURN(const auto not_before, to_time_point(X509_get0_notBefore(x509.get())));
  TOOLAUTH_ASSIGN_OR_RETURN(const auto not_after, to_time_point(X509_get0_notAfter(x509.get())));
  std::string x5t = base64url_encode(sha1(der_bytes));
  std::string x5t_s256 = sha256_base64url(der_bytes);
  return Certificate(std::make_shared<const Certificate::Impl>(Certificate::Impl{
      .x509 = std::move(x509),
      .der = std::move(der_bytes),
      .x5t = std::move(x5t),
      .x5t_s256 = std::move(x5t_s256),
      .public_key = KeyAccess::wrap_public(std::move(pkey), type),
      .not_before = not_before,
      .not_after = not_after,
  }));
}

core::Result<Certificate> build_certificate(const CertificateSpec& spec,
                                            const PublicKey& subject_key,
                                            const PrivateKey& issuer_key,
                                            const Certificate* issuer) {
  if (spec.common_name.empty() || spec.common_name.size() > kMaxCommonNameLength) {
    return core::Error{Errc::invalid_argument, "common name must have 1 to 64 characters"};
  }
  if (spec.not_after <= spec.not_before) {
    return core::Error{Errc::invalid_argument, "certificate validity must be positive"};
  }
  X509Ptr x509(X509_new());
  if (!x509 || X509_set_version(x509.get(), X509_VERSION_3) != 1) return openssl_error("X509_new");
  TOOLAUTH_RETURN_IF_ERROR(set_random_serial(x509.get()));

  X509_NAME* subject = X509_get_subject_name(x509.get());
  if (X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>("toolauth"), -1, -1,
                                 0) != 1 ||
      X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, as_bytes(spec.common_name),
                                 static_cast<int>(spec.common_name.size()), -1, 0) != 1) {
    return openssl_error("setting the subject name", Errc::invalid_argument);
  }
  X509_NAME* issuer_name =
      issuer != nullptr ? X509_get_subject_name(CertificateAccess::x509(*issuer)) : subject;
  if (X509_set_issuer_name(x509.get(), issuer_name) != 1 ||
      ASN1_TIME_set(X509_getm_notBefore(x509.get()),
                    std::chrono::system_clock::to_time_t(spec.not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(x509.get()),
                    std::chrono::system_clock::to_time_t(spec.not_after)) == nullptr ||
      X509_set_pubkey(x509.get(), KeyAccess::pkey(subject_key)) != 1) {
    return openssl_error("filling in the certificate");
  }

  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer != nullptr ? CertificateAccess::x509(*issuer) : x509.get(),
                 x509.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : spec.extensions) {
    X509ExtensionPtr extension(X509V3_EXT_nconf_nid(nullptr, &context, nid, value.c_str()));
    if (!extension || X509_add_ext(x509.get(), extension.get(), -1) != 1) {
      return openssl_error(std::string("adding extension ") + OBJ_nid2sn(nid));
    }
  }
  TOOLAUTH_RETURN_IF_ERROR(add_subject_alt_names(x509.get(), spec));

  if (X509_sign(x509.get(), KeyAccess::pkey(issuer_key), EVP_sha256()) <= 0) {
    return openssl_error("signing the certificate");
  }
  return CertificateAccess::wrap(std::move(x509));
}

}  // namespace internal

using internal::CertificateAccess;

core::Result<Certificate> Certificate::from_pem(std::string_view pem) {
  TOOLAUTH_ASSIGN_OR_RETURN(auto chain, chain_from_pem(pem));
  return std::move(chain.front());
}

core::Result<std::vector<Certificate>> Certificate::chain_from_pem(std::string_view pem) {
  internal::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return internal::openssl_error("BIO_new_mem_buf");
  std::vector<Certificate> chain;
  while (X509* x509 = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    TOOLAUTH_ASSIGN_OR_RETURN(auto certificate, CertificateAccess::wrap(internal::X509Ptr(x509)));
    chain.push_back(std::move(certificate));
  }
  // Reading stops with "no start line" at the end of the input; anything else is corruption.
  const unsigned long error = ERR_peek_last_error();
  const bool clean_end = ERR_GET_LIB(error) == ERR_LIB_PEM &&
                         ERR_GET_REASON(error) == PEM_R_NO_START_LINE && !chain.empty();
  if (!clean_end) {
    return internal::openssl_error(
        chain.empty() ? "no PEM certificate found" : "corrupt PEM certificate block",
        Errc::invalid_certificate);
  }
  ERR_clear_error();
  return chain;
}

core::Result<Certificate> Certificate::from_der(std::string_view der) {
  const unsigned char* cursor = internal::as_bytes(der);
  internal::X509Ptr x509(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!x509) return internal::openssl_error("not a DER certificate", Errc::invalid_certificate);
  if (cursor != internal::as_bytes(der) + der.size()) {
    return core::Error{Errc::invalid_certificate, "trailing bytes after the DER certificate"};
  }
  return CertificateAccess::wrap(std::move(x509));
}

core::Result<Certificate> Certificate::self_signed(const PrivateKey& key, std::string common_name,
                                                   std::chrono::seconds validity,
                                                   const core::Clock& clock) {
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(clock.now());
  internal::CertificateSpec spec{
      .common_name = std::move(common_name),
      .not_before = now - internal::kNotBeforeBackdate,
      .not_after = now + validity,
      .extensions = {{NID_basic_constraints, "critical,CA:FALSE"},
                     {NID_key_usage, "critical,digitalSignature"},
                     {NID_subject_key_identifier, "hash"}},
  };
  return internal::build_certificate(spec, key.public_key(), key, nullptr);
}

std::string Certificate::to_pem() const {
  internal::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), impl_->x509.get()) != 1) {
    throw std::runtime_error("PEM_write_bio_X509: " + internal::take_openssl_errors());
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

const std::string& Certificate::der() const { return impl_->der; }
const std::string& Certificate::x5t() const { return impl_->x5t; }
const std::string& Certificate::x5t_s256() const { return impl_->x5t_s256; }
const PublicKey& Certificate::public_key() const { return impl_->public_key; }
core::Clock::time_point Certificate::not_before() const { return impl_->not_before; }
core::Clock::time_point Certificate::not_after() const { return impl_->not_after; }

std::string Certificate::subject_common_name() const {
  const X509_NAME* name = X509_get_subject_name(impl_->x509.get());
  const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) return {};
  unsigned char* utf8 = nullptr;
  const int size =
      ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
  if (size < 0) {
    ERR_clear_error();
    return {};
  }
  std::string out(internal::as_chars(utf8, static_cast<std::size_t>(size)));
  OPENSSL_free(utf8);
  return out;
}

std::vector<std::string> Certificate::subject_alt_names() const {
  std::vector<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(impl_->x509.get(), NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  internal::GeneralNamesPtr owner(names);
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    int type = 0;
    const auto* value = static_cast<const ASN1_STRING*>(GENERAL_NAME_get0_value(name, &type));
    const std::string_view bytes = internal::as_chars(
        ASN1_STRING_get0_data(value), static_cast<std::size_t>(ASN1_STRING_length(value)));
    if (type == GEN_DNS) {
      out.push_back("DNS:" + std::string(bytes));
    } else if (type == GEN_IPADD && (bytes.size() == 4 || bytes.size() == 16)) {
      char text[INET6_ADDRSTRLEN] = {};
      inet_ntop(bytes.size() == 4 ? AF_INET : AF_INET6, bytes.data(), text, sizeof text);
      out.push_back(std::string("IP:") + text);
    }
  }
  return out;
}

bool Certificate::is_ca() const {
  return (X509_get_extension_flags(impl_->x509.get()) & EXFLAG_CA) != 0;
}

bool Certificate::issued_by(const Certificate& issuer) const {
  const bool ok =
      X509_check_issued(issuer.impl_->x509.get(), impl_->x509.get()) == X509_V_OK &&
      X509_verify(impl_->x509.get(), internal::KeyAccess::pkey(issuer.public_key())) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace toolauth::jose
