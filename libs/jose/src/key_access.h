#pragma once
// Private to libs/jose: how the other .cc files reach the OpenSSL key inside a PublicKey or
// PrivateKey, and wrap a freshly made EVP_PKEY into one.

#include <openssl/evp.h>

#include "ossl.h"
#include "toolauth/jose/key.h"

namespace toolauth::jose::internal {

struct KeyAccess {
  static EVP_PKEY* pkey(const PublicKey& key);
  static EVP_PKEY* pkey(const PrivateKey& key);
  // Take ownership of `pkey`, which must already have been checked to be a supported type.
  static PublicKey wrap_public(EvpPkeyPtr pkey, KeyType type);
  static core::Result<PrivateKey> wrap_private(EvpPkeyPtr pkey, KeyType type);
  // The KeyType of `pkey`, or Errc::invalid_key (`code`) when it is not one we support.
  static core::Result<KeyType> classify(EVP_PKEY* pkey, Errc code = Errc::invalid_key);
};

}  // namespace toolauth::jose::internal
