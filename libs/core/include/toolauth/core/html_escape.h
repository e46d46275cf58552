#pragma once
// Escaping for text placed in HTML element content or a quoted attribute value: the sign-in
// pages and the conformance HTML report show text that came from outside.

#include <string>
#include <string_view>

namespace toolauth::core {

// & < > " ' become entities; every other byte is kept as it is.
std::string html_escape(std::string_view text);

}  // namespace toolauth::core
