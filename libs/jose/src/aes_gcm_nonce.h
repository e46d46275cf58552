#pragma once
// Private to libs/jose (and its tests): sealing with a caller-chosen nonce, for the published
// test vectors only. Reusing a nonce under one key reveals the XOR of plaintexts and the
// authentication key, so nothing outside the tests may call this.

#include <string>
#include <string_view>

#include "toolauth/core/result.h"

namespace toolauth::jose::internal {

core::Result<std::string> aes256gcm_seal_with_nonce(std::string_view key, std::string_view nonce,
                                                    std::string_view plaintext,
                                                    std::string_view associated_data);

}  // namespace toolauth::jose::internal
