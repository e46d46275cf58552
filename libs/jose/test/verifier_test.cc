#include "toolauth/jose/verifier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "test_common.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/claims.h"
#include "toolauth/jose/error.h"
#include "toolauth/jose/forge.h"
#include "toolauth/jose/jwks.h"

namespace toolauth::jose {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kIssuer = "https://login.microsoftonline.com/contoso-tid/v2.0";
constexpr std::string_view kAudience = "api://notes";

std::shared_ptr<const JwkSet> published_keys() {
  static const auto keys = std::make_shared<const JwkSet>(
      JwkSet::from_json(jwks_document({testing::rsa_signing_key(), testing::ec_signing_key()}))
          .value());
  return keys;
}

class VerifierTest : public ::testing::Test {
 protected:
  // The verifier under test: RS256 and ES256 against the published keys, one issuer and
  // audience, no leeway.
  Verifier::Builder builder() const {
    return Verifier::builder()
        .allow(Alg::RS256)
        .allow(Alg::ES256)
        .keys(published_keys())
        .issuer(std::string(kIssuer))
        .audience(std::string(kAudience))
        .clock(clock_);
  }
  Verifier verifier() const { return builder().build().value(); }

  nlohmann::json claims() const {
    return ClaimsBuilder()
        .issuer(std::string(kIssuer))
        .audience(std::string(kAudience))
        .subject("alice")
        .valid_for(clock_, 1h)
        .random_jwt_id()
        .build();
  }
  nlohmann::json claims_with(std::string name, nlohmann::json value) const {
    nlohmann::json c = claims();
    c[name] = std::move(value);
    return c;
  }
  nlohmann::json claims_without(std::string_view name) const {
    nlohmann::json c = claims();
    c.erase(std::string(name));
    return c;
  }

  // Asserts that `verifier` refuses `token` with exactly `expected`.
  static void expect_rejected(const Verifier& verifier, const core::Result<std::string>& token,
                              Errc expected) {
    ASSERT_TRUE(token.ok()) << "forging failed: " << token.error().message();
    const auto result = verifier.verify(*token);
    ASSERT_FALSE(result.ok()) << "accepted a token that should fail with "
                              << make_error_code(expected).message();
    EXPECT_EQ(result.code(), expected) << result.error().message();
    // Whatever the failure, the token never appears in the error.
    for (std::string_view part = *token; !part.empty();) {
      const auto dot = part.find('.');
      const std::string_view segment = part.substr(0, dot);
      if (segment.size() >= 16) {
        EXPECT_EQ(result.error().detail.find(segment), std::string::npos);
      }
      part = dot == std::string_view::npos ? std::string_view() : part.substr(dot + 1);
    }
  }
  void expect_rejected(const core::Result<std::string>& token, Errc expected) const {
    expect_rejected(verifier(), token, expected);
  }
  void expect_accepted(const Verifier& verifier, const core::Result<std::string>& token) const {
    ASSERT_TRUE(token.ok()) << token.error().message();
    const auto result = verifier.verify(*token);
    EXPECT_TRUE(result.ok()) << result.error().message();
  }

  core::ManualClock clock_;
  TokenForge forge_{testing::rsa_signing_key(), clock_};
  TokenForge ec_forge_{testing::ec_signing_key(), clock_};
};

// --- Accepted tokens -------------------------------------------------------------------------

TEST_F(VerifierTest, AcceptsValidRs256TokenAndReturnsItsParts) {
  const nlohmann::json c = claims();
  const auto result = verifier().verify(forge_.valid(c).value());
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(result->claims, c);
  EXPECT_EQ(result->kid, testing::rsa_signing_key().kid);
  EXPECT_EQ(result->alg, Alg::RS256);
  EXPECT_EQ(result->header["typ"], "JWT");
}

TEST_F(VerifierTest, AcceptsValidEs256Token) {
  const auto result = verifier().verify(ec_forge_.valid(claims()).value());
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(result->alg, Alg::ES256);
}

TEST_F(VerifierTest, AcceptsPs256WhenAllowed) {
  const SigningKey& rsa = testing::rsa_signing_key();
  const TokenForge ps_forge(SigningKey::from(rsa.key, rsa.certificate, Alg::PS256).value(), clock_);
  expect_accepted(builder().allow(Alg::PS256).build().value(), ps_forge.valid(claims()));
  expect_rejected(ps_forge.valid(claims()), Errc::alg_not_allowed);
}

TEST_F(VerifierTest, AcceptsAudienceArrayHoldingAnAcceptedAudience) {
  expect_accepted(verifier(), forge_.valid(claims_with("aud", {"api://other", kAudience})));
}

TEST_F(VerifierTest, AcceptsAnyOfSeveralIssuersAndAudiences) {
  const Verifier v =
      builder().issuers({"https://a.test", "https://b.test"}).audience("b").build().value();
  expect_accepted(v, forge_.valid(claims_with("iss", "https://b.test")));
  nlohmann::json c = claims_with("aud", "b");
  expect_accepted(v, forge_.valid(c));
}

TEST_F(VerifierTest, AnyIssuerAndAnyAudienceSkipThoseChecks) {
  const Verifier v = Verifier::builder()
                         .allow(Alg::RS256)
                         .keys(published_keys())
                         .any_issuer()
                         .any_audience()
                         .clock(clock_)
                         .build()
                         .value();
  expect_accepted(v, forge_.wrong_issuer(claims()));
  expect_accepted(v, forge_.wrong_audience(claims_without("iss")));
}

TEST_F(VerifierTest, AcceptsMissingKidWhenTheResolverCanPickTheKey) {
  struct ClientCertificates final : KeyResolver {
    std::optional<ResolvedKey> find(std::string_view) const override { return std::nullopt; }
    std::optional<ResolvedKey> find_without_kid(const nlohmann::json& header) const override {
      if (header.value("x5t", "") != testing::rsa_signing_key().certificate.x5t()) return {};
      return ResolvedKey{.key = testing::rsa_signing_key().public_key()};
    }
  };
  const Verifier v = builder().keys(std::make_shared<ClientCertificates>()).build().value();
  nlohmann::json header = {{"alg", "RS256"}, {"x5t", testing::rsa_signing_key().certificate.x5t()}};
  const auto result = v.verify(forge_.custom(header, claims(), Alg::RS256).value());
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(result->kid, "");
  header["x5t"] = "other";
  expect_rejected(v, forge_.custom(header, claims(), Alg::RS256), Errc::missing_kid);
}

// --- Step 1: format ---------------------------------------------------------------------------

TEST_F(VerifierTest, RejectsGarbageAndWrongSegmentCounts) {
  expect_rejected(std::string("not a token"), Errc::malformed_token);
  expect_rejected(std::string(""), Errc::malformed_token);
  const std::string token = forge_.valid(claims()).value();
  expect_rejected(token + ".extra", Errc::malformed_token);
  expect_rejected(token.substr(0, token.rfind('.')), Errc::malformed_token);
}

TEST_F(VerifierTest, RejectsOversizedToken) {
  expect_rejected(forge_.valid(claims_with("pad", std::string(kMaxTokenBytes, 'a'))),
                  Errc::malformed_token);
}

TEST_F(VerifierTest, RejectsInvalidBase64url) {
  const std::string token = forge_.valid(claims()).value();
  expect_rejected(token + "=", Errc::invalid_base64url);
  expect_rejected("=" + token, Errc::invalid_base64url);
}

TEST_F(VerifierTest, RejectsDuplicateAlgHeaderMember) {
  const std::string header = base64url_encode(R"({"alg":"RS256","alg":"none"})");
  const std::string token = forge_.valid(claims()).value();
  expect_rejected(header + token.substr(token.find('.')), Errc::malformed_json);
}

TEST_F(VerifierTest, RejectsMissingOrNonStringAlg) {
  expect_rejected(forge_.custom({{"kid", forge_.key().kid}}, claims(), Alg::RS256),
                  Errc::malformed_token);
  expect_rejected(forge_.custom({{"alg", 256}, {"kid", forge_.key().kid}}, claims(), Alg::RS256),
                  Errc::malformed_token);
}

TEST_F(VerifierTest, RejectsCriticalHeaderExtensions) {
  const nlohmann::json header = {
      {"alg", "RS256"}, {"kid", forge_.key().kid}, {"crit", {"exp"}}, {"exp", 1}};
  expect_rejected(forge_.custom(header, claims(), Alg::RS256), Errc::malformed_token);
}

// --- Step 2: algorithm ------------------------------------------------------------------------

TEST_F(VerifierTest, RejectsAlgNone) { expect_rejected(forge_.alg_none(claims()), Errc::alg_none); }

TEST_F(VerifierTest, RejectsAlgNoneInAnySpelling) {
  for (const char* spelling : {"None", "NONE", "nOnE"}) {
    expect_rejected(forge_.alg_none(claims(), spelling), Errc::alg_none);
  }
}

TEST_F(VerifierTest, RejectsHs256KeyConfusion) {
  expect_rejected(forge_.hs256_with_public_key(claims()), Errc::alg_not_allowed);
}

TEST_F(VerifierTest, RejectsAlgorithmsOutsideTheAllowList) {
  const Verifier es_only = builder().build().value();
  const Verifier rs_only = Verifier::builder()
                               .allow(Alg::RS256)
                               .keys(published_keys())
                               .issuer(std::string(kIssuer))
                               .audience(std::string(kAudience))
                               .clock(clock_)
                               .build()
                               .value();
  expect_rejected(rs_only, ec_forge_.valid(claims()), Errc::alg_not_allowed);
  expect_accepted(es_only, ec_forge_.valid(claims()));
  nlohmann::json header = {{"alg", "RS512"}, {"kid", forge_.key().kid}};
  expect_rejected(forge_.custom(header, claims(), Alg::RS256), Errc::alg_not_allowed);
  header["alg"] = "rs256";
  expect_rejected(forge_.custom(header, claims(), Alg::RS256), Errc::alg_not_allowed);
}

// --- Step 3: key ------------------------------------------------------------------------------

TEST_F(VerifierTest, RejectsUnknownKid) {
  expect_rejected(forge_.unknown_kid(claims()), Errc::unknown_kid);
}

TEST_F(VerifierTest, RejectsMissingKid) {
  expect_rejected(forge_.missing_kid(claims()), Errc::missing_kid);
}

TEST_F(VerifierTest, RejectsNonStringKid) {
  expect_rejected(forge_.custom({{"alg", "RS256"}, {"kid", 7}}, claims(), Alg::RS256),
                  Errc::malformed_token);
}

TEST_F(VerifierTest, RejectsAlgOfAnotherKeyFamily) {
  expect_rejected(forge_.mismatched_alg_for_key(claims()), Errc::key_alg_mismatch);
  expect_rejected(ec_forge_.mismatched_alg_for_key(claims()), Errc::key_alg_mismatch);
}

TEST_F(VerifierTest, RejectsAlgOtherThanTheOnePublishedInTheJwk) {
  const SigningKey& rsa = testing::rsa_signing_key();
  auto keys = std::make_shared<const JwkSet>(
      JwkSet::from_keys({{.kid = rsa.kid, .key = rsa.public_key(), .alg = Alg::RS256}}).value());
  const Verifier v = builder().allow(Alg::PS256).keys(keys).build().value();
  const TokenForge ps_forge(SigningKey::from(rsa.key, rsa.certificate, Alg::PS256).value(), clock_);
  expect_rejected(v, ps_forge.valid(claims()), Errc::key_alg_mismatch);
  expect_accepted(v, forge_.valid(claims()));
}

// --- Step 4: signature ------------------------------------------------------------------------

TEST_F(VerifierTest, RejectsBadSignature) {
  expect_rejected(forge_.bad_signature(claims()), Errc::signature_invalid);
  expect_rejected(ec_forge_.bad_signature(claims()), Errc::signature_invalid);
}

TEST_F(VerifierTest, RejectsTruncatedSignature) {
  expect_rejected(forge_.truncated_signature(claims()), Errc::signature_invalid);
  expect_rejected(ec_forge_.truncated_signature(claims()), Errc::signature_invalid);
}

TEST_F(VerifierTest, RejectsStrippedSignature) {
  const std::string token = forge_.valid(claims()).value();
  expect_rejected(token.substr(0, token.rfind('.') + 1), Errc::signature_invalid);
}

TEST_F(VerifierTest, RejectsSignatureByAnotherKeyUnderTheRealKid) {
  expect_rejected(forge_.signed_by_other_key(claims()), Errc::signature_invalid);
}

TEST_F(VerifierTest, RejectsKeyEmbeddedInTheHeader) {
  expect_rejected(forge_.embedded_jwk(claims()), Errc::signature_invalid);
  expect_rejected(ec_forge_.embedded_jwk(claims()), Errc::signature_invalid);
}

TEST_F(VerifierTest, NeverFollowsJkuOrX5uHeaders) {
  const nlohmann::json header = {{"alg", "RS256"},
                                 {"kid", "attacker-kid"},
                                 {"jku", "https://attacker.invalid/jwks"},
                                 {"x5u", "https://attacker.invalid/cert"}};
  expect_rejected(forge_.custom(header, claims(), Alg::RS256), Errc::unknown_kid);
}

TEST_F(VerifierTest, RejectsTamperedClaims) {
  const std::string token = forge_.valid(claims()).value();
  const auto first = token.find('.'), last = token.rfind('.');
  const std::string forged_payload = base64url_encode(claims_with("sub", "admin").dump());
  expect_rejected(token.substr(0, first + 1) + forged_payload + token.substr(last),
                  Errc::signature_invalid);
}

// --- Step 5: issuer ---------------------------------------------------------------------------

TEST_F(VerifierTest, RejectsWrongIssuer) {
  expect_rejected(forge_.wrong_issuer(claims()), Errc::issuer_mismatch);
  expect_rejected(forge_.valid(claims_with("iss", std::string(kIssuer) + "/")),
                  Errc::issuer_mismatch);
}

TEST_F(VerifierTest, RejectsMissingOrNonStringIssuer) {
  expect_rejected(forge_.valid(claims_without("iss")), Errc::missing_claim);
  expect_rejected(forge_.valid(claims_with("iss", {kIssuer})), Errc::malformed_token);
}

// --- Step 6: audience -------------------------------------------------------------------------

TEST_F(VerifierTest, RejectsWrongAudience) {
  expect_rejected(forge_.wrong_audience(claims()), Errc::audience_mismatch);
  expect_rejected(forge_.valid(claims_with("aud", nlohmann::json::array())),
                  Errc::audience_mismatch);
  expect_rejected(forge_.valid(claims_with("aud", {"api://a", "api://b"})),
                  Errc::audience_mismatch);
}

TEST_F(VerifierTest, RejectsMissingOrMalformedAudience) {
  expect_rejected(forge_.valid(claims_without("aud")), Errc::missing_claim);
  expect_rejected(forge_.valid(claims_with("aud", 42)), Errc::malformed_token);
  expect_rejected(forge_.valid(claims_with("aud", {kAudience, 42})), Errc::malformed_token);
}

// --- Step 7: time -----------------------------------------------------------------------------

TEST_F(VerifierTest, RejectsExpiredBeyondLeeway) {
  expect_rejected(forge_.expired(claims(), 1h), Errc::token_expired);
  expect_rejected(builder().leeway(5min).build().value(), forge_.expired(claims(), 6min),
                  Errc::token_expired);
}

TEST_F(VerifierTest, AcceptsExpiredWithinLeeway) {
  expect_accepted(builder().leeway(5min).build().value(), forge_.expired(claims(), 299s));
}

TEST_F(VerifierTest, TokenExpiresExactlyAtExp) {
  const std::string token = forge_.valid(claims()).value();  // exp = now + 1h
  clock_.advance(1h - 1s);
  expect_accepted(verifier(), token);
  clock_.advance(1s);
  expect_rejected(token, Errc::token_expired);
  expect_accepted(builder().leeway(1s).build().value(), token);
}

TEST_F(VerifierTest, RejectsNotYetValid) {
  expect_rejected(forge_.not_yet_valid(claims(), 10min), Errc::token_not_yet_valid);
}

TEST_F(VerifierTest, AcceptsNotYetValidWithinLeewayAndAtNbf) {
  expect_accepted(builder().leeway(5min).build().value(), forge_.not_yet_valid(claims(), 5min));
  expect_rejected(builder().leeway(5min).build().value(), forge_.not_yet_valid(claims(), 301s),
                  Errc::token_not_yet_valid);
  expect_accepted(verifier(), forge_.not_yet_valid(claims(), 0s));
}

TEST_F(VerifierTest, RejectsIssuedInFuture) {
  expect_rejected(forge_.issued_in_future(claims(), 2min), Errc::issued_in_future);
  expect_accepted(builder().leeway(2min).build().value(), forge_.issued_in_future(claims(), 2min));
}

TEST_F(VerifierTest, RequiresExp) {
  expect_rejected(forge_.valid(claims_without("exp")), Errc::missing_claim);
}

TEST_F(VerifierTest, RejectsNumericDatesThatAreNotNumbers) {
  const std::string exp = std::to_string(clock_.unix_seconds() + 3600);
  expect_rejected(forge_.valid(claims_with("exp", exp)), Errc::malformed_token);
  expect_rejected(forge_.valid(claims_with("nbf", nullptr)), Errc::malformed_token);
  expect_rejected(forge_.valid(claims_with("iat", true)), Errc::malformed_token);
}

TEST_F(VerifierTest, AcceptsFractionalAndHugeDatesWithoutOverflow) {
  expect_accepted(verifier(), forge_.valid(claims_with("exp", clock_.unix_seconds() + 10.5)));
  expect_accepted(verifier(), forge_.valid(claims_with("exp", 1e300)));
  expect_accepted(builder().leeway(std::chrono::seconds(kMaxNumericDate)).build().value(),
                  forge_.valid(claims_with("exp", std::numeric_limits<std::uint64_t>::max())));
  expect_rejected(forge_.valid(claims_with("exp", -1e300)), Errc::token_expired);
  expect_rejected(forge_.valid(claims_with("nbf", 1e300)), Errc::token_not_yet_valid);
}

TEST_F(VerifierTest, MaxAgeRefusesOldTokensAndRequiresIat) {
  const Verifier v = builder().max_age(10min).build().value();
  const std::string token = forge_.valid(claims()).value();
  clock_.advance(10min);
  expect_accepted(v, token);
  clock_.advance(1s);
  expect_rejected(v, token, Errc::token_too_old);
  expect_rejected(v, forge_.valid(claims_without("iat")), Errc::missing_claim);
}

TEST_F(VerifierTest, RequireIat) {
  expect_accepted(verifier(), forge_.valid(claims_without("iat")));
  expect_rejected(builder().require_iat().build().value(), forge_.valid(claims_without("iat")),
                  Errc::missing_claim);
}

// --- Steps 8 and 9: required claims and custom checks ----------------------------------------

TEST_F(VerifierTest, RejectsMissingOrNullRequiredClaims) {
  const Verifier v = builder().require_claims({"sub", "oid"}).build().value();
  expect_rejected(v, forge_.valid(claims()), Errc::missing_claim);
  expect_rejected(v, forge_.valid(claims_with("oid", nullptr)), Errc::missing_claim);
  expect_accepted(v, forge_.valid(claims_with("oid", "00000000-0000-0000-0000-000000000001")));
}

TEST_F(VerifierTest, CustomChecksRunLastAndReturnTheirOwnError) {
  int runs = 0;
  const Verifier v = builder()
                         .require_claims({"tid"})
                         .check("tenant",
                                [&runs](const DecodedJwt& jwt) -> core::Result<void> {
                                  ++runs;
                                  if (jwt.payload.value("tid", "") != "contoso") {
                                    return core::Error{Errc::claim_mismatch, "tid is not contoso"};
                                  }
                                  return {};
                                })
                         .build()
                         .value();
  expect_accepted(v, forge_.valid(claims_with("tid", "contoso")));
  const auto result = v.verify(forge_.valid(claims_with("tid", "fabrikam")).value());
  EXPECT_EQ(result.code(), Errc::claim_mismatch);
  EXPECT_EQ(result.error().detail, "tenant: tid is not contoso");
  EXPECT_EQ(runs, 2);
  expect_rejected(v, forge_.valid(claims()), Errc::missing_claim);
  expect_rejected(v, forge_.expired(claims_with("tid", "fabrikam")), Errc::token_expired);
  EXPECT_EQ(runs, 2);
}

// --- The order is fixed -----------------------------------------------------------------------

TEST_F(VerifierTest, OrderAlgNoneBeatsUnknownKid) {
  nlohmann::json c = claims();
  const TokenForge unknown(testing::make_signing_key(testing::other_rsa_key(), Alg::RS256), clock_);
  expect_rejected(unknown.alg_none(c), Errc::alg_none);
}

TEST_F(VerifierTest, OrderAlgNotAllowedBeatsUnknownKid) {
  const nlohmann::json header = {{"alg", "HS256"}, {"kid", "nobody"}};
  expect_rejected(forge_.custom(header, claims(), Alg::RS256), Errc::alg_not_allowed);
}

TEST_F(VerifierTest, OrderUnknownKidBeatsBadSignature) {
  const nlohmann::json header = {{"alg", "RS256"}, {"kid", "nobody"}};
  const std::string token = forge_.custom(header, claims(), Alg::RS256).value();
  expect_rejected(token.substr(0, token.rfind('.') + 1) + "AAAA", Errc::unknown_kid);
}

TEST_F(VerifierTest, OrderExpiredTokenWithBadSignatureReportsSignatureInvalid) {
  expect_rejected(forge_.bad_signature(claims_with("exp", clock_.unix_seconds() - 3600)),
                  Errc::signature_invalid);
}

TEST_F(VerifierTest, OrderWrongIssuerExpiredTokenReportsIssuerMismatch) {
  expect_rejected(forge_.expired(claims_with("iss", std::string(kForgedIssuer))),
                  Errc::issuer_mismatch);
}

TEST_F(VerifierTest, OrderWrongIssuerAndAudienceReportsIssuerMismatch) {
  expect_rejected(forge_.wrong_issuer(claims_with("aud", std::string(kForgedAudience))),
                  Errc::issuer_mismatch);
}

TEST_F(VerifierTest, OrderWrongAudienceExpiredTokenReportsAudienceMismatch) {
  expect_rejected(forge_.expired(claims_with("aud", std::string(kForgedAudience))),
                  Errc::audience_mismatch);
}

TEST_F(VerifierTest, OrderExpiredAndNotYetValidReportsExpired) {
  nlohmann::json c = claims();
  c["exp"] = clock_.unix_seconds() - 10;
  c["nbf"] = clock_.unix_seconds() + 10;
  expect_rejected(forge_.valid(c), Errc::token_expired);
}

TEST_F(VerifierTest, OrderNotYetValidBeatsMissingRequiredClaim) {
  expect_rejected(builder().require_claims({"oid"}).build().value(), forge_.not_yet_valid(claims()),
                  Errc::token_not_yet_valid);
}

// --- Building ---------------------------------------------------------------------------------

TEST_F(VerifierTest, BuildRefusesAlgNoneAndHs256) {
  EXPECT_EQ(builder().allow(Alg::none).build().code(), Errc::alg_none);
  EXPECT_EQ(builder().allow(Alg::HS256).build().code(), Errc::alg_not_allowed);
}

TEST_F(VerifierTest, BuildRefusesIncompleteConfiguration) {
  const auto base = [&] {
    return Verifier::builder().keys(published_keys()).clock(clock_).any_issuer().any_audience();
  };
  EXPECT_TRUE(base().allow(Alg::RS256).build().ok());
  EXPECT_EQ(base().build().code(), Errc::invalid_argument);  // no algorithm
  EXPECT_EQ(Verifier::builder()
                .allow(Alg::RS256)
                .clock(clock_)
                .any_issuer()
                .any_audience()
                .build()
                .code(),
            Errc::invalid_argument);  // no keys
  EXPECT_EQ(Verifier::builder()
                .allow(Alg::RS256)
                .keys(published_keys())
                .any_issuer()
                .any_audience()
                .build()
                .code(),
            Errc::invalid_argument);  // no clock
  EXPECT_EQ(Verifier::builder()
                .allow(Alg::RS256)
                .keys(published_keys())
                .clock(clock_)
                .any_audience()
                .build()
                .code(),
            Errc::invalid_argument);  // no issuer
  EXPECT_EQ(Verifier::builder()
                .allow(Alg::RS256)
                .keys(published_keys())
                .clock(clock_)
                .any_issuer()
                .build()
                .code(),
            Errc::invalid_argument);  // no audience
  EXPECT_EQ(base().allow(Alg::RS256).issuer("x").build().code(), Errc::invalid_argument);
  EXPECT_EQ(builder().issuer("").build().code(), Errc::invalid_argument);
  EXPECT_EQ(builder().leeway(-1s).build().code(), Errc::invalid_argument);
  EXPECT_EQ(builder().max_age(-1s).build().code(), Errc::invalid_argument);
  EXPECT_EQ(builder().leeway(std::chrono::seconds::max()).build().code(), Errc::invalid_argument);
  EXPECT_EQ(builder().max_age(std::chrono::seconds::max()).build().code(), Errc::invalid_argument);
  EXPECT_EQ(builder().check("empty", nullptr).build().code(), Errc::invalid_argument);
}

TEST_F(VerifierTest, BuiltVerifierIsUnaffectedByLaterBuilderChanges) {
  Verifier::Builder b = builder();
  const Verifier v = b.build().value();
  b.issuer(std::string(kForgedIssuer));
  expect_rejected(v, forge_.wrong_issuer(claims()), Errc::issuer_mismatch);
}

TEST_F(VerifierTest, IsSafeToShareBetweenThreads) {
  const Verifier v = verifier();
  const std::string good = forge_.valid(claims()).value();
  const std::string bad = forge_.bad_signature(claims()).value();
  const std::string es = ec_forge_.valid(claims()).value();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (!v.verify(good).ok() || !v.verify(es).ok() ||
            v.verify(bad).code() != Errc::signature_invalid) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace toolauth::jose
