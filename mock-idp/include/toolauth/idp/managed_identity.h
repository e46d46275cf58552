#pragma once
// Managed identity token endpoints, served on the plain-HTTP listener (reference §6): the two
// sources Azure SDKs can be pointed at a local address with.
//
//   IMDS         GET /metadata/identity/oauth2/token?api-version=&resource=[&selector]
//                with header `Metadata: true`. The same path with a doubled leading slash
//                and/or a trailing slash is served too: MSAL appends "/metadata/..." to
//                AZURE_POD_IDENTITY_AUTHORITY_HOST as it is, trailing slash or not, and MSAL
//                Node 5 (under @azure/identity 4.13) ends the path with "/".
//   App Service  GET /msi/token?api-version=2019-08-01&resource=[&selector] with header
//                `X-IDENTITY-HEADER` equal to the IdP's identity header secret (the ready
//                document's IDENTITY_HEADER, with IDENTITY_ENDPOINT = <mi_url>/msi/token).
//
// The selector is at most one of client_id, object_id, msi_res_id, mi_res_id (both resource id
// spellings on both endpoints: MSAL has used each); none selects the first system-assigned
// identity of the directory. Only managed identities (system- or user-assigned) are selectable.
// `resource` is an App ID URI or client id of a registered API; a trailing "/.default" is
// dropped.
//
// Tokens are v1 app-only tokens: `aud` = the resource as requested, appid = the identity's
// client id, appidacr "2", idtyp "app", oid = sub = its object id, xms_mirid = its ARM resource
// id, roles = its application permissions on the resource.
//
// Responses, every value a string as IMDS sends them:
//   IMDS         {"access_token", "refresh_token": "", "expires_in", "expires_on",
//                 "ext_expires_in", "not_before", "resource", "token_type": "Bearer", "client_id"}
//   App Service  {"access_token", "expires_on", "resource", "token_type": "Bearer", "client_id"}
// Errors are never 5xx for bad input:
//   IMDS         400 {"error": "invalid_request", "error_description": "Required metadata header
//                not specified"}; the same shape for a missing api-version or resource ("Required
//                audience parameter not specified"), two selectors, or an unknown identity
//                ("Identity not found")
//   App Service  401 without X-IDENTITY-HEADER, 403 with a wrong one (compared in constant time),
//                400 {"statusCode": 400, "message", "correlationId"} for bad parameters or an
//                unknown identity
//   both         an unknown resource: Entra's body for AADSTS500011 (invalid_resource), 400.
// Faults match {"endpoint": "managed_identity", "source": "imds"|"app_service", "client_id"
// (of the selected identity), "resource"}. Every request is journalled as kind
// "managed_identity" {"source", "identity", "client_id", "resource", "outcome", "status", "error"}.

#include <string>

#include "toolauth/http/router.h"
#include "toolauth/idp/identity_provider.h"

namespace toolauth::idp {

void add_managed_identity_routes(http::Router& router, IdentityProvider& idp,
                                 std::string identity_header);

}  // namespace toolauth::idp
