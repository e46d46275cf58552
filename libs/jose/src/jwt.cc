#include "toolauth/jose/jwt.h"

#include <array>

#include "toolauth/core/json.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

// JOSE headers and claim sets are flat in practice; deep nesting only serves to attack.
constexpr core::JsonLimits kTokenJsonLimits{.max_depth = 16, .max_bytes = kMaxTokenBytes};

core::Result<nlohmann::json> decode_object(std::string_view segment, std::string_view what) {
  auto bytes = base64url_decode(segment);
  if (!bytes.ok()) {
    return core::Error{Errc::invalid_base64url, std::string(what) + ": " + bytes.error().detail};
  }
  // The parser's own message may quote the decoded text (claims); report only the position.
  auto json = core::parse_json(*bytes, kTokenJsonLimits);
  if (!json.ok()) {
    const std::string& detail = json.error().detail;
    const bool duplicate = detail.starts_with("duplicate object key");
    return core::Error{
        Errc::malformed_json,
        std::string(what) +
            (duplicate ? " has a duplicate member"
                       : " is not valid JSON (" + detail.substr(0, detail.find(':')) + ")")};
  }
  if (!json->is_object()) {
    return core::Error{Errc::malformed_json, std::string(what) + " is not a JSON object"};
  }
  return json;
}

}  // namespace

core::Result<DecodedJwt> decode_jwt(std::string_view token) {
  if (token.size() > kMaxTokenBytes) {
    return core::Error{Errc::malformed_token, "token of " + std::to_string(token.size()) +
                                                  " bytes exceeds " +
                                                  std::to_string(kMaxTokenBytes)};
  }
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return core::Error{Errc::malformed_token, "a JWT has exactly three segments"};
  }
  TOOLAUTH_ASSIGN_OR_RETURN(auto header, decode_object(token.substr(0, first), "header"));
  TOOLAUTH_ASSIGN_OR_RETURN(auto payload,
                            decode_object(token.substr(first + 1, second - first - 1), "payload"));
  auto signature = base64url_decode(token.substr(second + 1));
  if (!signature.ok()) {
    return core::Error{Errc::invalid_base64url, "signature: " + signature.error().detail};
  }
  return DecodedJwt{.header = std::move(header),
                    .payload = std::move(payload),
                    .signing_input = std::string(token.substr(0, second)),
                    .signature = std::move(signature).value()};
}

}  // namespace toolauth::jose
