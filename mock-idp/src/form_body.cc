#include "toolauth/idp/form_body.h"

#include <string>

namespace toolauth::idp {

core::Result<http::Params, AadError> form_body(const http::Request& request,
                                               std::string_view what) {
  if (request.media_type() != "application/x-www-form-urlencoded")
    return aad::invalid_request(std::string(what) + " must be application/x-www-form-urlencoded.");
  auto form = request.form_params();
  if (!form.ok()) return aad::invalid_request(std::string(what) + " is not valid form encoding.");
  if (auto repeated = form->first_repeated()) return aad::repeated_parameter(*repeated);
  return std::move(*form);
}

}  // namespace toolauth::idp
