#pragma once
// Comparison of secrets (client secrets, API keys, PKCE verifiers, MACs) whose running time
// depends only on the length of `expected`, never on where the inputs differ or on the
// length of the attacker-controlled `presented` value.

#include <string_view>

namespace toolauth::core {

bool constant_time_equal(std::string_view presented, std::string_view expected);

}  // namespace toolauth::core
