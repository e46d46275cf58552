#include "toolauth/jose/aes_gcm.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "aes_gcm_nonce.h"
#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

std::string unhex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0x0f]);
  }
  return out;
}

// The 256-bit test cases of the GCM specification (McGrew & Viega, the vectors NIST's
// validation uses): nonce ‖ ciphertext ‖ tag as our format lays them out.
struct Vector {
  const char* name;
  const char* key;
  const char* nonce;
  const char* plaintext;
  const char* aad;
  const char* ciphertext;
  const char* tag;
};

constexpr const char* kKey15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
const Vector kVectors[] = {
    {"TestCase13", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"TestCase14", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "00000000000000000000000000000000", "",
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"TestCase15", kKey15, "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6"
     "b525b16aedf5aa0de657ba637b391aafd255",
     "",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b105682"
     "8838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"TestCase16", kKey15, "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6"
     "b525b16aedf5aa0de657ba637b39",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b105682"
     "8838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST(AesGcmTest, SealMatchesGcmSpecVectors) {
  for (const auto& v : kVectors) {
    auto sealed = internal::aes256gcm_seal_with_nonce(unhex(v.key), unhex(v.nonce),
                                                      unhex(v.plaintext), unhex(v.aad));
    ASSERT_TRUE(sealed.ok()) << v.name;
    EXPECT_EQ(hex(*sealed), std::string(v.nonce) + v.ciphertext + v.tag) << v.name;
  }
}

TEST(AesGcmTest, OpenRecoversGcmSpecVectors) {
  for (const auto& v : kVectors) {
    auto opened = aes256gcm_open(unhex(v.key), unhex(std::string(v.nonce) + v.ciphertext + v.tag),
                                 unhex(v.aad));
    ASSERT_TRUE(opened.ok()) << v.name;
    EXPECT_EQ(hex(*opened), v.plaintext) << v.name;
  }
}

TEST(AesGcmTest, RoundTripsWithAFreshNonceEachTime) {
  const auto key = aes256gcm_generate_key();
  ASSERT_EQ(key.size(), kAesGcmKeyBytes);
  std::set<std::string> nonces;
  for (int i = 0; i < 16; ++i) {
    auto sealed = aes256gcm_seal(key, "refresh-token-value", "vault:key-1");
    ASSERT_TRUE(sealed.ok());
    EXPECT_EQ(sealed->size(), kAesGcmNonceBytes + 19 + kAesGcmTagBytes);
    EXPECT_TRUE(nonces.insert(sealed->substr(0, kAesGcmNonceBytes)).second) << "nonce reused";
    auto opened = aes256gcm_open(key, *sealed, "vault:key-1");
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(*opened, "refresh-token-value");
  }
}

TEST(AesGcmTest, RoundTripsEmptyPlaintextAndBinaryData) {
  const auto key = aes256gcm_generate_key();
  const std::string binary("\0\x01\xff\0", 4);
  for (const std::string& plain : {std::string(), binary, std::string(70'000, 'x')}) {
    auto sealed = aes256gcm_seal(key, plain, binary);
    ASSERT_TRUE(sealed.ok());
    auto opened = aes256gcm_open(key, *sealed, binary);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(*opened, plain);
  }
}

class AesGcmTamperTest : public ::testing::Test {
 protected:
  void expect_refused(std::string_view sealed, std::string_view aad = "ad",
                      std::string_view key = {}) {
    auto opened = aes256gcm_open(key.empty() ? key_ : key, sealed, aad);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.code(), Errc::decryption_failed);
  }
  std::string key_ = aes256gcm_generate_key();
  std::string sealed_ = aes256gcm_seal(key_, "access-token", "ad").value();
};

TEST_F(AesGcmTamperTest, RejectsEveryFlippedBit) {
  for (std::size_t byte = 0; byte < sealed_.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      auto tampered = sealed_;
      tampered[byte] = static_cast<char>(tampered[byte] ^ (1 << bit));
      expect_refused(tampered);
    }
  }
}

TEST_F(AesGcmTamperTest, RejectsTruncation) {
  for (std::size_t size = 0; size < sealed_.size(); ++size) expect_refused(sealed_.substr(0, size));
}

TEST_F(AesGcmTamperTest, RejectsAppendedBytes) { expect_refused(sealed_ + std::string(1, '\0')); }

TEST_F(AesGcmTamperTest, RejectsWrongAssociatedData) {
  expect_refused(sealed_, "ae");
  expect_refused(sealed_, "");
  expect_refused(sealed_, std::string_view("ad\0", 3));
}

TEST_F(AesGcmTamperTest, RejectsWrongKey) {
  expect_refused(sealed_, "ad", aes256gcm_generate_key());
}

TEST_F(AesGcmTamperTest, RejectsSwappedCiphertextOfAnotherMessage) {
  // Same key and AD, another message: its tag does not cover our nonce.
  const auto other = aes256gcm_seal(key_, "access-token", "ad").value();
  auto spliced = sealed_.substr(0, kAesGcmNonceBytes) + other.substr(kAesGcmNonceBytes);
  expect_refused(spliced);
}

TEST(AesGcmTest, RejectsKeysOfTheWrongSize) {
  for (std::size_t size : {0, 16, 24, 31, 33}) {
    const std::string key(size, 'k');
    auto sealed = aes256gcm_seal(key, "x", "");
    ASSERT_FALSE(sealed.ok());
    EXPECT_EQ(sealed.code(), Errc::invalid_key);
    auto opened = aes256gcm_open(key, std::string(40, 'x'), "");
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.code(), Errc::invalid_key);
  }
}

}  // namespace
}  // namespace toolauth::jose
