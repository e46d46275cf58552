#include "toolauth/jose/certificate.h"

#include <gtest/gtest.h>

#include <chrono>

#include "test_common.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/error.h"
#include "toolauth/jose/hash.h"

namespace toolauth::jose {
namespace {

using namespace std::chrono_literals;
using testing::ec_key;
using testing::rsa_key;

class CertificateTest : public ::testing::Test {
 protected:
  Certificate make(const PrivateKey& key, std::string cn = "token signing") {
    return Certificate::self_signed(key, std::move(cn), 24h * 365, clock_).value();
  }
  core::ManualClock clock_;
};

TEST_F(CertificateTest, SelfSignedCarriesKeyNameAndValidity) {
  const Certificate certificate = make(rsa_key(), "accounts.accesscontrol.windows.net");
  EXPECT_EQ(certificate.public_key(), rsa_key().public_key());
  EXPECT_EQ(certificate.subject_common_name(), "accounts.accesscontrol.windows.net");
  EXPECT_EQ(certificate.not_before(), clock_.now() - 1h);
  EXPECT_EQ(certificate.not_after(), clock_.now() + 24h * 365);
  EXPECT_FALSE(certificate.is_ca());
  // Signed by its own key, but an end-entity certificate (no keyCertSign) issues nothing.
  EXPECT_FALSE(certificate.issued_by(certificate));
  EXPECT_TRUE(certificate.subject_alt_names().empty());
}

TEST_F(CertificateTest, ThumbprintsAreBase64urlDigestsOfTheDer) {
  const Certificate certificate = make(ec_key());
  EXPECT_EQ(certificate.x5t(), base64url_encode(sha1(certificate.der())));
  EXPECT_EQ(certificate.x5t().size(), 27u);
  EXPECT_EQ(certificate.x5t_s256(), sha256_base64url(certificate.der()));
}

TEST_F(CertificateTest, EveryCertificateGetsItsOwnSerialAndThumbprint) {
  EXPECT_NE(make(ec_key()).x5t(), make(ec_key()).x5t());
}

TEST_F(CertificateTest, PemAndDerRoundTrip) {
  const Certificate certificate = make(rsa_key());
  const std::string pem = certificate.to_pem();
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  EXPECT_EQ(Certificate::from_pem(pem).value(), certificate);
  EXPECT_EQ(Certificate::from_der(certificate.der()).value(), certificate);
  EXPECT_EQ(Certificate::from_der(certificate.der())->public_key(), rsa_key().public_key());
}

TEST_F(CertificateTest, ChainFromPemKeepsOrder) {
  const Certificate a = make(rsa_key()), b = make(ec_key());
  const auto chain = Certificate::chain_from_pem(a.to_pem() + b.to_pem());
  ASSERT_TRUE(chain.ok()) << chain.error().message();
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[0], a);
  EXPECT_EQ((*chain)[1], b);
  EXPECT_EQ(Certificate::from_pem(a.to_pem() + b.to_pem()).value(), a);
}

TEST_F(CertificateTest, RejectsGarbageTruncationAndTrailingBytes) {
  const Certificate certificate = make(ec_key());
  EXPECT_EQ(Certificate::from_pem("").code(), Errc::invalid_certificate);
  EXPECT_EQ(Certificate::from_pem(ec_key().to_pem()).code(), Errc::invalid_certificate);
  std::string pem = certificate.to_pem();
  EXPECT_EQ(Certificate::from_pem(pem.substr(0, pem.size() / 2)).code(), Errc::invalid_certificate);
  EXPECT_EQ(Certificate::chain_from_pem(pem + pem.substr(0, pem.size() / 2)).code(),
            Errc::invalid_certificate);
  EXPECT_EQ(Certificate::from_der(certificate.der() + '\0').code(), Errc::invalid_certificate);
  EXPECT_EQ(Certificate::from_der(certificate.der().substr(1)).code(), Errc::invalid_certificate);
}

TEST_F(CertificateTest, RefusesEmptyOrOverlongCommonName) {
  EXPECT_EQ(Certificate::self_signed(ec_key(), "", 1h, clock_).code(), Errc::invalid_argument);
  EXPECT_EQ(Certificate::self_signed(ec_key(), std::string(65, 'a'), 1h, clock_).code(),
            Errc::invalid_argument);
  EXPECT_EQ(Certificate::self_signed(ec_key(), "x", -2h, clock_).code(), Errc::invalid_argument);
}

TEST_F(CertificateTest, IssuedByIsFalseForAnotherCertificate) {
  const Certificate a = make(rsa_key()), b = make(ec_key());
  EXPECT_FALSE(a.issued_by(b));
}

}  // namespace
}  // namespace toolauth::jose
