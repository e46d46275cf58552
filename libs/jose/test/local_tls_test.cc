#include "toolauth/jose/local_tls.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "test_common.h"
#include "toolauth/core/random.h"
#include "toolauth/jose/certificate_authority.h"
#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Outcome = LocalTls::Outcome;

class LocalTlsCertificatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("toolauth-jose-tls-" + core::random_hex(8)) / "tls";
  }
  void TearDown() override { fs::remove_all(dir_.parent_path()); }

  LocalTls load() {
    auto tls = LocalTls::load_or_create(dir_, clock_);
    EXPECT_TRUE(tls.ok()) << tls.error().message();
    return std::move(tls).value();
  }
  static std::string read(const fs::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static mode_t mode_of(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }
  void expect_trusted_by_ca_file(const LocalTls& tls) {
    const auto ca = Certificate::from_pem(read(tls.ca_file));
    ASSERT_TRUE(ca.ok());
    const auto chain = Certificate::chain_from_pem(tls.cert_chain_pem);
    ASSERT_TRUE(chain.ok());
    ASSERT_EQ(chain->size(), 2u);
    EXPECT_EQ((*chain)[1], *ca);
    for (const testing::Expectation& expect :
         {testing::Expectation{.host = "localhost", .time = clock_.now()},
          testing::Expectation{.ip = "127.0.0.1", .time = clock_.now()},
          testing::Expectation{.ip = "::1", .time = clock_.now()}}) {
      EXPECT_EQ(testing::verify_like_a_tls_client(*ca, chain->front(), expect), X509_V_OK);
    }
    const auto key = PrivateKey::from_pem(tls.private_key_pem);
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(key->public_key(), chain->front().public_key());
  }

  fs::path dir_;
  core::ManualClock clock_;
};

TEST_F(LocalTlsCertificatesTest, FirstStartCreatesCaAndServerFilesWithPrivateKeysProtected) {
  const LocalTls tls = load();
  EXPECT_EQ(tls.outcome, Outcome::created);
  EXPECT_EQ(tls.ca_file, dir_ / "ca.pem");
  EXPECT_EQ(mode_of(dir_ / "ca.pem"), 0644u);
  EXPECT_EQ(mode_of(dir_ / "ca.key"), 0600u);
  EXPECT_EQ(mode_of(dir_ / "server.pem"), 0644u);
  EXPECT_EQ(mode_of(dir_ / "server.key"), 0600u);
  EXPECT_EQ(read(dir_ / "server.pem"), tls.cert_chain_pem);
  EXPECT_EQ(read(dir_ / "server.key"), tls.private_key_pem);
  EXPECT_EQ(tls.ca_certificate.subject_common_name(), kLocalCaCommonName);
  expect_trusted_by_ca_file(tls);
}

TEST_F(LocalTlsCertificatesTest, LaterStartsLoadTheSameFiles) {
  const LocalTls first = load();
  clock_.advance(24h * 30);
  const LocalTls second = load();
  EXPECT_EQ(second.outcome, Outcome::loaded);
  EXPECT_EQ(second.cert_chain_pem, first.cert_chain_pem);
  EXPECT_EQ(second.private_key_pem, first.private_key_pem);
}

TEST_F(LocalTlsCertificatesTest, KeepsTheServerCertificateUntilSevenDaysBeforeExpiry) {
  const LocalTls first = load();
  clock_.set(first.server_certificate.not_after() - kServerCertificateRenewalMargin - 1s);
  EXPECT_EQ(load().outcome, Outcome::loaded);
}

TEST_F(LocalTlsCertificatesTest, RenewsTheServerCertificateWithinSevenDaysOfExpiryUnderTheSameCa) {
  const LocalTls first = load();
  const std::string ca_pem = read(dir_ / "ca.pem");
  clock_.set(first.server_certificate.not_after() - std::chrono::days(6));
  const LocalTls renewed = load();
  EXPECT_EQ(renewed.outcome, Outcome::renewed_server_certificate);
  EXPECT_EQ(read(dir_ / "ca.pem"), ca_pem);
  EXPECT_NE(renewed.private_key_pem, first.private_key_pem);
  EXPECT_GT(renewed.server_certificate.not_after(), first.server_certificate.not_after());
  expect_trusted_by_ca_file(renewed);
  EXPECT_EQ(load().outcome, Outcome::loaded);
}

TEST_F(LocalTlsCertificatesTest, RenewsTheServerCertificateWhenItsKeyIsReplaced) {
  load();
  std::ofstream(dir_ / "server.key") << testing::ec_key().to_pem();
  const LocalTls tls = load();
  EXPECT_EQ(tls.outcome, Outcome::renewed_server_certificate);
  expect_trusted_by_ca_file(tls);
}

TEST_F(LocalTlsCertificatesTest, RenewsTheServerCertificateWhenTheCaChanged) {
  load();
  const auto other_ca = CertificateAuthority::generate("other", clock_).value();
  ASSERT_TRUE(other_ca.save(dir_).ok());
  const LocalTls tls = load();
  EXPECT_EQ(tls.outcome, Outcome::renewed_server_certificate);
  EXPECT_EQ(tls.ca_certificate, other_ca.certificate());
  expect_trusted_by_ca_file(tls);
}

TEST_F(LocalTlsCertificatesTest, StartsOverWhenTheCaKeyIsMissingOrCorrupt) {
  const LocalTls first = load();
  fs::remove(dir_ / "ca.key");
  const LocalTls second = load();
  EXPECT_EQ(second.outcome, Outcome::created);
  EXPECT_FALSE(second.ca_certificate == first.ca_certificate);
  expect_trusted_by_ca_file(second);
  std::ofstream(dir_ / "ca.pem") << "garbage";
  EXPECT_EQ(load().outcome, Outcome::created);
}

TEST_F(LocalTlsCertificatesTest, ReportsAStateFolderThatCannotBeCreated) {
  fs::create_directories(dir_.parent_path());
  std::ofstream(dir_) << "a file where the folder should be";
  EXPECT_EQ(LocalTls::load_or_create(dir_ / "sub", clock_).code(), Errc::io_error);
}

}  // namespace
}  // namespace toolauth::jose
