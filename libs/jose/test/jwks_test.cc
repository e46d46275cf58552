#include "toolauth/jose/jwks.h"

#include <gtest/gtest.h>

#include <set>

#include "test_common.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

using testing::ec_signing_key;
using testing::rsa_signing_key;

constexpr std::string_view kIssuer = "https://login.microsoftonline.com/{tenantid}/v2.0";

std::set<std::string> member_names(const nlohmann::json& object) {
  std::set<std::string> names;
  for (const auto& [name, value] : object.items()) names.insert(name);
  return names;
}

nlohmann::json published() { return jwks_document({rsa_signing_key(), ec_signing_key()}); }

nlohmann::json with_key(nlohmann::json key) {
  nlohmann::json document = published();
  document["keys"].push_back(std::move(key));
  return document;
}

TEST(JwksTest, PublishesEntraShapedKeysWithoutAlg) {
  const nlohmann::json document =
      jwks_document({JwksEntry::from(rsa_signing_key(), std::string(kIssuer))});
  ASSERT_EQ(document["keys"].size(), 1u);
  const nlohmann::json& jwk = document["keys"][0];
  EXPECT_EQ(member_names(jwk),
            (std::set<std::string>{"kty", "use", "kid", "x5t", "n", "e", "x5c", "issuer"}));
  EXPECT_EQ(jwk["kty"], "RSA");
  EXPECT_EQ(jwk["use"], "sig");
  EXPECT_EQ(jwk["kid"], rsa_signing_key().kid);
  EXPECT_EQ(jwk["x5t"], rsa_signing_key().kid);
  EXPECT_EQ(jwk["e"], "AQAB");
  EXPECT_EQ(jwk["issuer"], kIssuer);
  EXPECT_EQ(base64_decode(jwk["x5c"][0].get<std::string>()).value(),
            rsa_signing_key().certificate.der());
}

TEST(JwksTest, PublishesEcKeysWithCurveAndCoordinates) {
  const nlohmann::json jwk = published()["keys"][1];
  EXPECT_EQ(member_names(jwk),
            (std::set<std::string>{"kty", "crv", "x", "y", "use", "kid", "x5t", "x5c"}));
}

TEST(JwksTest, ParsesWhatItPublishes) {
  const auto set = JwkSet::parse(published().dump());
  ASSERT_TRUE(set.ok()) << set.error().message();
  ASSERT_EQ(set->keys().size(), 2u);
  const auto rsa = set->find(rsa_signing_key().kid);
  ASSERT_TRUE(rsa.has_value());
  EXPECT_EQ(rsa->key, rsa_signing_key().public_key());
  EXPECT_EQ(rsa->alg, std::nullopt);
  EXPECT_EQ(set->find(ec_signing_key().kid)->key, ec_signing_key().public_key());
  EXPECT_EQ(set->key(rsa_signing_key().kid)->certificate, rsa_signing_key().certificate);
  EXPECT_EQ(set->find("no-such-kid"), std::nullopt);
}

TEST(JwksTest, RecordsAlgAndIssuer) {
  nlohmann::json jwk = rsa_signing_key().public_key().to_jwk();
  jwk["kid"] = "k1";
  jwk["alg"] = "PS256";
  jwk["issuer"] = "https://issuer.test";
  const auto set = JwkSet::from_json(nlohmann::json{{"keys", {jwk}}});
  ASSERT_TRUE(set.ok()) << set.error().message();
  EXPECT_EQ(set->find("k1")->alg, Alg::PS256);
  EXPECT_EQ(set->key("k1")->issuer, "https://issuer.test");
}

TEST(JwksTest, SkipsKeysAVerifierCannotUse) {
  nlohmann::json rsa = rsa_signing_key().public_key().to_jwk();
  auto variant = [&](std::string kid, nlohmann::json changes) {
    nlohmann::json jwk = rsa;
    jwk["kid"] = std::move(kid);
    jwk.merge_patch(changes);
    return jwk;
  };
  nlohmann::json no_kid = rsa;
  const nlohmann::json document = {
      {"keys",
       {variant("enc", {{"use", "enc"}}), variant("wrap", {{"key_ops", {"wrapKey"}}}),
        variant("oaep", {{"alg", "RSA-OAEP"}}), variant("rs512", {{"alg", "RS512"}}),
        variant("hs", {{"alg", "HS256"}}), variant("none", {{"alg", "none"}}),
        nlohmann::json{{"kty", "oct"}, {"kid", "oct"}, {"k", "c2VjcmV0"}},
        nlohmann::json{{"kty", "OKP"}, {"kid", "ed"}, {"crv", "Ed25519"}, {"x", "AAAA"}},
        nlohmann::json{{"kty", "EC"}, {"kid", "p384"}, {"crv", "P-384"}, {"x", "A"}, {"y", "A"}},
        no_kid,
        variant("ok", {{"key_ops", {"verify"}},
                       {"x5u", "https://evil.test/x"},
                       {"jku", "https://evil.test/jwks"}})}}};
  const auto set = JwkSet::from_json(document);
  ASSERT_TRUE(set.ok()) << set.error().message();
  ASSERT_EQ(set->keys().size(), 1u);
  EXPECT_EQ(set->keys()[0].kid, "ok");
}

TEST(JwksTest, RejectsDocumentsThatAreNotAKeysArray) {
  EXPECT_EQ(JwkSet::from_json(nlohmann::json::array()).code(), Errc::invalid_jwk);
  EXPECT_EQ(JwkSet::from_json(nlohmann::json::object()).code(), Errc::invalid_jwk);
  EXPECT_EQ(JwkSet::from_json(nlohmann::json{{"keys", "x"}}).code(), Errc::invalid_jwk);
  EXPECT_EQ(JwkSet::from_json(nlohmann::json{{"keys", {1}}}).code(), Errc::invalid_jwk);
  EXPECT_EQ(JwkSet::parse(std::string_view("{\"keys\":[]")).code(), Errc::invalid_jwk);
  EXPECT_EQ(JwkSet::parse(std::string_view(R"({"keys":[],"keys":[]})")).code(), Errc::invalid_jwk);
  EXPECT_TRUE(JwkSet::from_json(nlohmann::json{{"keys", nlohmann::json::array()}}).ok());
}

TEST(JwksTest, RejectsMembersOfTheWrongType) {
  for (const char* member : {"use", "kid", "kty", "alg", "issuer", "x5t"}) {
    nlohmann::json jwk = published()["keys"][0];
    jwk[member] = 42;
    EXPECT_EQ(JwkSet::from_json(nlohmann::json{{"keys", {jwk}}}).code(), Errc::invalid_jwk)
        << member;
  }
  nlohmann::json jwk = published()["keys"][0];
  jwk["key_ops"] = "verify";
  EXPECT_EQ(JwkSet::from_json(nlohmann::json{{"keys", {jwk}}}).code(), Errc::invalid_jwk);
  jwk = published()["keys"][0];
  jwk["x5c"] = "not an array";
  EXPECT_EQ(JwkSet::from_json(nlohmann::json{{"keys", {jwk}}}).code(), Errc::invalid_jwk);
}

TEST(JwksTest, RejectsMalformedKeyMaterial) {
  nlohmann::json jwk = published()["keys"][0];
  jwk["n"] = "not base64url!";
  EXPECT_EQ(JwkSet::from_json(with_key(jwk)).code(), Errc::invalid_jwk);
  jwk = published()["keys"][1];
  jwk["kid"] = "other";
  jwk.erase("x5c");
  jwk.erase("x5t");
  jwk["y"] = jwk["x"];  // (x, x) is not on the curve
  EXPECT_EQ(JwkSet::from_json(with_key(jwk)).code(), Errc::invalid_jwk);
}

TEST(JwksTest, RejectsAlgThatDoesNotFitTheKeyType) {
  nlohmann::json jwk = published()["keys"][1];  // EC
  jwk["alg"] = "RS256";
  EXPECT_EQ(JwkSet::from_json(nlohmann::json{{"keys", {jwk}}}).code(), Errc::invalid_jwk);
}

TEST(JwksTest, RejectsX5cForAnotherKeyOrMismatchedThumbprint) {
  nlohmann::json jwk = published()["keys"][0];
  jwk["x5c"] = published()["keys"][1]["x5c"];
  EXPECT_EQ(JwkSet::from_json(nlohmann::json{{"keys", {jwk}}}).code(), Errc::invalid_jwk);
  jwk = published()["keys"][0];
  jwk["x5t"] = ec_signing_key().kid;
  EXPECT_EQ(JwkSet::from_json(nlohmann::json{{"keys", {jwk}}}).code(), Errc::invalid_jwk);
  jwk = published()["keys"][0];
  jwk["x5t#S256"] = rsa_signing_key().certificate.x5t_s256();
  EXPECT_TRUE(JwkSet::from_json(nlohmann::json{{"keys", {jwk}}}).ok());
  jwk["x5c"] = {"not base64!"};
  EXPECT_EQ(JwkSet::from_json(nlohmann::json{{"keys", {jwk}}}).code(), Errc::invalid_jwk);
}

TEST(JwksTest, RejectsTwoKeysWithOneKid) {
  nlohmann::json jwk = published()["keys"][1];
  jwk["kid"] = rsa_signing_key().kid;
  jwk.erase("x5t");
  EXPECT_EQ(JwkSet::from_json(with_key(jwk)).code(), Errc::invalid_jwk);
}

TEST(JwksTest, RejectsMoreThanTheKeyLimit) {
  nlohmann::json keys = nlohmann::json::array();
  for (std::size_t i = 0; i <= kMaxJwksKeys; ++i) keys.push_back({{"kty", "oct"}});
  EXPECT_EQ(JwkSet::from_json(nlohmann::json{{"keys", keys}}).code(), Errc::invalid_jwk);
}

TEST(JwksTest, FromKeysChecksKidsAndAlgs) {
  const PublicKey rsa = rsa_signing_key().public_key();
  EXPECT_TRUE(JwkSet::from_keys({{.kid = "a", .key = rsa, .alg = Alg::RS256}}).ok());
  EXPECT_EQ(JwkSet::from_keys({{.kid = "a", .key = rsa, .alg = Alg::ES256}}).code(),
            Errc::invalid_jwk);
  EXPECT_EQ(JwkSet::from_keys({{.kid = "a", .key = rsa}, {.kid = "a", .key = rsa}}).code(),
            Errc::invalid_jwk);
}

}  // namespace
}  // namespace toolauth::jose
