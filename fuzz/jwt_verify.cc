// Fuzz target: JWT verification (jose::Verifier::verify) against a fixed JWKS, the way the
// servers verify access tokens: RS256, PS256 and ES256 allowed, one issuer and audience, a
// fixed clock, required claims and a custom check. The seeds (fuzz/seeds/make_jose_seeds.py)
// include tokens that are valid here, so the fuzzer starts past the signature. Beyond "no
// crash": whatever verifies meets every rule the verifier was given.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "toolauth/core/clock.h"
#include "toolauth/jose/error.h"
#include "toolauth/jose/jwks.h"
#include "toolauth/jose/verifier.h"

namespace core = toolauth::core;
namespace jose = toolauth::jose;

namespace {

// The public halves of fuzz/seeds/keys/ (make_jose_seeds.py --jwks).
constexpr std::string_view kTrustedJwks =
    "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"fuzz-rsa\",\"x5t\":\"JeuQguaM-w-"
    "dM5C6mEq5U3f0jMM\",\""
    "n\":\"rFrWiWoBgeLAlkPPVko7m7KhPcaG9CnfJ5MM5FBhiBMKMgyTjihRwYRTDVHvgmWTCgV7wWplHtKlnqvuGdvI"
    "Cze1_GkGO2KS4I7Ha8dS4Y5s1zAUfTYpwgDROrCUA9iHpAwXwgpafsBqestQTUHB7ZKih0FdEemXippXttsDiiEs"
    "Jpxx3KUeecB5MOKW4OvnmLLbOudHnc3QmUay4B-KM7cfJeK-IaTiH5sm8L__q1zJcHzBrL51lhclklXkEyLB0ikw"
    "IRdE0RMB92cHXsXhnk8PjJtGJIMeEtG7rVeB5uPlkh9mudMe6puvsyJeaN806So7zTgbtIsjDcU5zzXFtw\",\"e\":"
    "\"AQAB\",\"x5c\":[\"MIIDETCCAfmgAwIBAgIUXrpUikJ9JsLO9QNZhgr4m1c3GNYwDQYJKoZIhvcNAQELBQAwFzEVM"
    "BMGA1UEAwwMZnV6ei1zaWduaW5nMCAXDTI2MTEyNjIzNTUyMVoYDzIxMjYxMTAyMjM1NTIxWjAXMRUwEwYDVQQDD"
    "AxmdXp6LXNpZ25pbmcwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCsWtaJagGB4sCWQ89WSjubsqE9x"
    "ob0Kd8nkwzkUGGIEwoyDJOOKFHBhFMNUe+CZZMKBXvBamUe0qWeq+4Z28gLN7X8aQY7YpLgjsdrx1LhjmzXMBR9N"
    "inCANE6sJQD2IekDBfCClp+wGp6y1BNQcHtkqKHQV0R6ZeKmle22wOKISwmnHHcpR55wHkw4pbg6+eYsts650edz"
    "dCZRrLgH4oztx8l4r4hpOIfmybwv/+rXMlwfMGsvnWWFyWSVeQTIsHSKTAhF0TREwH3ZwdexeGeTw+Mm0Ykgx4S0"
    "butV4Hm4+WSH2a50x7qm6+zIl5o3zTpKjvNOBu0iyMNxTnPNcW3AgMBAAGjUzBRMB0GA1UdDgQWBBRnrlbmoJGq4"
    "cKxFxmNJdIAfqzkuDAfBgNVHSMEGDAWgBRnrlbmoJGq4cKxFxmNJdIAfqzkuDAPBgNVHRMBAf8EBTADAQH/MA0GC"
    "SqGSIb3DQEBCwUAA4IBAQAr7i8chnULjkK8yBF32bN1UfCpPy4pLYGoMo/P/Isw7DK0wi9+m5lmfRUrRx5tuV8gf"
    "UtPYSSBPIIqONYuKm2LH7egLZOvhgKRAMwFzF809q9jPWiu4AxC0sK5f+zTCHMVOJeKNU+OLAsb5TzmRYxDVBZr1"
    "HHzwDh7tyadtFYhUqwNC8Wmr8M3V6Zz442JIIk4neZ3jv5OcAXEAwGVY9UgHv4bueT+1VLwVLzh4bFNK+btpZPzM"
    "GQTZF46a9XSeb12IC6JALXHSlVAPWCR81AUpra8UMtilrpxqassZyS7PrzNpKnvKGln/1ZLqa4LYTwJqeOXkhQNc"
    "IxwUGPC9u29\"],\"issuer\":\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000"
    "00f022/"
    "v2.0\"},{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"fuzz-rsa-ps\",\"x5t\":\"JeuQguaM-w-"
    "dM5C6mEq5U3"
    "f0jMM\",\"n\":\"rFrWiWoBgeLAlkPPVko7m7KhPcaG9CnfJ5MM5FBhiBMKMgyTjihRwYRTDVHvgmWTCgV7wWplHtKl"
    "nqvuGdvICze1_GkGO2KS4I7Ha8dS4Y5s1zAUfTYpwgDROrCUA9iHpAwXwgpafsBqestQTUHB7ZKih0FdEemXippX"
    "ttsDiiEsJpxx3KUeecB5MOKW4OvnmLLbOudHnc3QmUay4B-KM7cfJeK-IaTiH5sm8L__q1zJcHzBrL51lhclklXk"
    "EyLB0ikwIRdE0RMB92cHXsXhnk8PjJtGJIMeEtG7rVeB5uPlkh9mudMe6puvsyJeaN806So7zTgbtIsjDcU5zzXF"
    "tw\",\"e\":\"AQAB\",\"x5c\":["
    "\"MIIDETCCAfmgAwIBAgIUXrpUikJ9JsLO9QNZhgr4m1c3GNYwDQYJKoZIhvcNAQELB"
    "QAwFzEVMBMGA1UEAwwMZnV6ei1zaWduaW5nMCAXDTI2MTEyNjIzNTUyMVoYDzIxMjYxMTAyMjM1NTIxWjAXMRUwE"
    "wYDVQQDDAxmdXp6LXNpZ25pbmcwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCsWtaJagGB4sCWQ89WS"
    "jubsqE9xob0Kd8nkwzkUGGIEwoyDJOOKFHBhFMNUe+CZZMKBXvBamUe0qWeq+4Z28gLN7X8aQY7YpLgjsdrx1Lhj"
    "mzXMBR9NinCANE6sJQD2IekDBfCClp+wGp6y1BNQcHtkqKHQV0R6ZeKmle22wOKISwmnHHcpR55wHkw4pbg6+eYs"
    "ts650edzdCZRrLgH4oztx8l4r4hpOIfmybwv/+rXMlwfMGsvnWWFyWSVeQTIsHSKTAhF0TREwH3ZwdexeGeTw+Mm"
    "0Ykgx4S0butV4Hm4+WSH2a50x7qm6+zIl5o3zTpKjvNOBu0iyMNxTnPNcW3AgMBAAGjUzBRMB0GA1UdDgQWBBRnr"
    "lbmoJGq4cKxFxmNJdIAfqzkuDAfBgNVHSMEGDAWgBRnrlbmoJGq4cKxFxmNJdIAfqzkuDAPBgNVHRMBAf8EBTADA"
    "QH/MA0GCSqGSIb3DQEBCwUAA4IBAQAr7i8chnULjkK8yBF32bN1UfCpPy4pLYGoMo/P/Isw7DK0wi9+m5lmfRUrR"
    "x5tuV8gfUtPYSSBPIIqONYuKm2LH7egLZOvhgKRAMwFzF809q9jPWiu4AxC0sK5f+zTCHMVOJeKNU+OLAsb5TzmR"
    "YxDVBZr1HHzwDh7tyadtFYhUqwNC8Wmr8M3V6Zz442JIIk4neZ3jv5OcAXEAwGVY9UgHv4bueT+1VLwVLzh4bFNK"
    "+btpZPzMGQTZF46a9XSeb12IC6JALXHSlVAPWCR81AUpra8UMtilrpxqassZyS7PrzNpKnvKGln/1ZLqa4LYTwJq"
    "eOXkhQNcIxwUGPC9u29\"],\"alg\":\"PS256\"},{\"kty\":\"EC\",\"use\":\"sig\",\"kid\":\"fuzz-ec\","
    "\"crv\":\"P-25"
    "6\",\"x\":\"lwCc5g1x6lMgqguLoIYwTKLCxgLsefoxMBGFxbHJ_jw\",\"y\":\"6dxuQfYS6Hd7iKd46_"
    "7Q1KQY3OdxbJ"
    "QGyKSki7imQLY\",\"alg\":\"ES256\"}]}";
constexpr std::string_view kIssuer =
    "https://login.microsoftonline.com/00000000-0000-0000-0000-00000000f022/v2.0";
constexpr std::string_view kAudience = "api://fuzz";

const jose::Verifier& verifier() {
  static const core::ManualClock clock(
      core::Clock::time_point(std::chrono::seconds(1'700'000'000)));
  static const jose::Verifier instance = [] {
    auto keys = jose::JwkSet::parse(kTrustedJwks);
    if (!keys.ok() || keys->keys().size() != 3) std::abort();
    auto built = jose::Verifier::builder()
                     .allow(jose::Alg::RS256)
                     .allow(jose::Alg::PS256)
                     .allow(jose::Alg::ES256)
                     .keys(std::make_shared<jose::JwkSet>(std::move(*keys)))
                     .issuer(std::string(kIssuer))
                     .audience(std::string(kAudience))
                     .leeway(std::chrono::seconds(300))
                     .clock(clock)
                     .require_claims({"sub"})
                     .max_age(std::chrono::hours(24))
                     .check("scp",
                            [](const jose::DecodedJwt& jwt) -> core::Result<void> {
                              const auto scp = jwt.payload.find("scp");
                              if (scp == jwt.payload.end() || !scp->is_string())
                                return core::Error{jose::Errc::claim_mismatch, "no scp"};
                              return {};
                            })
                     .build();
    if (!built.ok()) std::abort();
    return std::move(*built);
  }();
  return instance;
}

bool audience_holds(const nlohmann::json& aud) {
  if (aud.is_string()) return aud == kAudience;
  if (!aud.is_array()) return false;
  for (const auto& item : aud) {
    if (item == kAudience) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  auto verified = verifier().verify(token);
  if (!verified.ok()) return 0;
  const auto& claims = verified->claims;
  if (verified->alg != jose::Alg::RS256 && verified->alg != jose::Alg::PS256 &&
      verified->alg != jose::Alg::ES256)
    std::abort();
  if (claims.value("iss", "") != kIssuer || !audience_holds(claims.value("aud", nlohmann::json())))
    std::abort();
  if (!claims.contains("sub") || claims["sub"].is_null() || !claims.contains("exp") ||
      !claims["scp"].is_string())
    std::abort();
  if (verified->kid.empty()) std::abort();
  return 0;
}
