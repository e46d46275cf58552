#include "toolauth/jose/certificate_authority.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "test_common.h"
#include "toolauth/core/random.h"
#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using testing::Expectation;
using testing::verify_like_a_tls_client;

class CertificateAuthorityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    core::ManualClock clock;
    ca_ =
        new CertificateAuthority(CertificateAuthority::generate("toolauth test CA", clock).value());
  }
  static void TearDownTestSuite() {
    delete ca_;
    ca_ = nullptr;
  }
  Certificate issue(ServerCertificateRequest request = {}) {
    return ca_->issue_server_certificate(testing::ec_key(), request, clock_).value();
  }
  static CertificateAuthority* ca_;
  core::ManualClock clock_;
};
CertificateAuthority* CertificateAuthorityTest::ca_ = nullptr;

TEST_F(CertificateAuthorityTest, CaCertificateIsASelfIssuedCa) {
  const Certificate& ca = ca_->certificate();
  EXPECT_TRUE(ca.is_ca());
  EXPECT_TRUE(ca.issued_by(ca));
  EXPECT_EQ(ca.subject_common_name(), "toolauth test CA");
  EXPECT_EQ(ca.public_key(), ca_->key().public_key());
  EXPECT_EQ(ca_->key().type(), KeyType::ec_p256);
  EXPECT_EQ(ca.not_after(), clock_.now() + kDefaultCaValidity);
}

TEST_F(CertificateAuthorityTest, LeafCarriesLocalhostSansByDefault) {
  const Certificate leaf = issue();
  EXPECT_EQ(leaf.subject_alt_names(),
            (std::vector<std::string>{"DNS:localhost", "IP:127.0.0.1", "IP:::1"}));
  EXPECT_EQ(leaf.subject_common_name(), "localhost");
  EXPECT_FALSE(leaf.is_ca());
  EXPECT_TRUE(leaf.issued_by(ca_->certificate()));
  EXPECT_EQ(leaf.public_key(), testing::ec_key().public_key());
}

TEST_F(CertificateAuthorityTest, LeafPassesStrictTlsServerVerificationForEachName) {
  const Certificate leaf = issue();
  for (const Expectation& expect : {Expectation{.host = "localhost", .time = clock_.now()},
                                    Expectation{.ip = "127.0.0.1", .time = clock_.now()},
                                    Expectation{.ip = "::1", .time = clock_.now()}}) {
    EXPECT_EQ(verify_like_a_tls_client(ca_->certificate(), leaf, expect), X509_V_OK)
        << X509_verify_cert_error_string(verify_like_a_tls_client(ca_->certificate(), leaf, expect))
        << " for " << expect.host << expect.ip;
  }
}

TEST_F(CertificateAuthorityTest, RsaCaAndRsaLeafPassStrictVerification) {
  const auto rsa_ca = CertificateAuthority::generate("rsa CA", clock_, KeyType::rsa);
  ASSERT_TRUE(rsa_ca.ok()) << rsa_ca.error().message();
  const auto leaf = rsa_ca->issue_server_certificate(testing::rsa_key(), {}, clock_);
  ASSERT_TRUE(leaf.ok()) << leaf.error().message();
  EXPECT_EQ(verify_like_a_tls_client(rsa_ca->certificate(), *leaf,
                                     {.host = "localhost", .time = clock_.now()}),
            X509_V_OK);
}

TEST_F(CertificateAuthorityTest, VerificationFailsForOtherNamesOtherCasAndAfterExpiry) {
  const Certificate leaf = issue();
  EXPECT_EQ(verify_like_a_tls_client(ca_->certificate(), leaf,
                                     {.host = "example.com", .time = clock_.now()}),
            X509_V_ERR_HOSTNAME_MISMATCH);
  EXPECT_EQ(
      verify_like_a_tls_client(ca_->certificate(), leaf, {.ip = "10.0.0.1", .time = clock_.now()}),
      X509_V_ERR_IP_ADDRESS_MISMATCH);
  EXPECT_EQ(verify_like_a_tls_client(ca_->certificate(), leaf,
                                     {.host = "localhost", .time = leaf.not_after() + 1s}),
            X509_V_ERR_CERT_HAS_EXPIRED);
  const auto other_ca = CertificateAuthority::generate("other CA", clock_).value();
  EXPECT_EQ(verify_like_a_tls_client(other_ca.certificate(), leaf,
                                     {.host = "localhost", .time = clock_.now()}),
            X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST_F(CertificateAuthorityTest, LeafIsNeverValidBeyondTheCa) {
  const Certificate leaf = issue({.validity = kDefaultCaValidity * 2});
  EXPECT_EQ(leaf.not_after(), ca_->certificate().not_after());
}

TEST_F(CertificateAuthorityTest, CustomNamesAndValidity) {
  const Certificate leaf = issue(
      {.dns_names = {"mcp.test", "*.mcp.test"}, .ip_addresses = {"192.0.2.7"}, .validity = 24h});
  EXPECT_EQ(leaf.subject_alt_names(),
            (std::vector<std::string>{"DNS:mcp.test", "DNS:*.mcp.test", "IP:192.0.2.7"}));
  EXPECT_EQ(leaf.not_after(), clock_.now() + 24h);
}

TEST_F(CertificateAuthorityTest, RefusesNamesThatCouldSmuggleConfigSyntax) {
  for (const char* name : {"a,DNS:evil.com", "evil.com,IP:1.2.3.4", "", "a..b", "sp ace", "x/y"}) {
    EXPECT_EQ(
        ca_->issue_server_certificate(testing::ec_key(), {.dns_names = {name}}, clock_).code(),
        Errc::invalid_argument)
        << name;
  }
  EXPECT_EQ(
      ca_->issue_server_certificate(testing::ec_key(), {.ip_addresses = {"localhost"}}, clock_)
          .code(),
      Errc::invalid_argument);
  EXPECT_EQ(ca_->issue_server_certificate(testing::ec_key(), {.dns_names = {}, .ip_addresses = {}},
                                          clock_)
                .code(),
            Errc::invalid_argument);
}

class CertificateAuthorityFilesTest : public CertificateAuthorityTest {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("toolauth-jose-ca-" + core::random_hex(8));
  }
  void TearDown() override { fs::remove_all(dir_); }
  static mode_t mode_of(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_mode & 07777;
  }
  fs::path dir_;
};

TEST_F(CertificateAuthorityFilesTest, SaveWritesPublicCertAndPrivateKeyAndLoadReadsThem) {
  ASSERT_TRUE(ca_->save(dir_ / "nested").ok());
  EXPECT_EQ(mode_of(dir_ / "nested" / "ca.pem"), 0644u);
  EXPECT_EQ(mode_of(dir_ / "nested" / "ca.key"), 0600u);
  const auto loaded = CertificateAuthority::load(dir_ / "nested");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(loaded->certificate(), ca_->certificate());
  EXPECT_EQ(loaded->key().public_key(), ca_->key().public_key());
}

TEST_F(CertificateAuthorityFilesTest, LoadRefusesAKeyOfAnotherCa) {
  ASSERT_TRUE(ca_->save(dir_).ok());
  std::ofstream(dir_ / "ca.key") << testing::ec_key().to_pem();
  EXPECT_EQ(CertificateAuthority::load(dir_).code(), Errc::invalid_key);
}

TEST_F(CertificateAuthorityFilesTest, LoadReportsMissingFiles) {
  EXPECT_EQ(CertificateAuthority::load(dir_).code(), Errc::io_error);
}

TEST_F(CertificateAuthorityFilesTest, FromPemRefusesALeafAsCa) {
  const Certificate leaf = issue();
  EXPECT_EQ(CertificateAuthority::from_pem(leaf.to_pem(), testing::ec_key().to_pem()).code(),
            Errc::invalid_certificate);
}

}  // namespace
}  // namespace toolauth::jose
