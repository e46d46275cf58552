#pragma once
// The form body of a POST (to the token, device code and token management endpoints, and the
// sign-in pages), refused as Entra refuses it: another media type, bytes that are not form
// encoding, or a parameter given twice (which one would the server use?) are invalid_request.

#include <string_view>

#include "toolauth/core/result.h"
#include "toolauth/http/message.h"
#include "toolauth/http/params.h"
#include "toolauth/idp/aad_error.h"

namespace toolauth::idp {

// `what` names the body in the error messages ("The request body", "The form").
core::Result<http::Params, AadError> form_body(const http::Request& request,
                                               std::string_view what = "The request body");

}  // namespace toolauth::idp
