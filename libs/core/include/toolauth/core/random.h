#pragma once
// Randomness from the kernel CSPRNG (getrandom(2)) for ids, codes and tokens.

#include <cstddef>
#include <span>
#include <string>

namespace toolauth::core {

// Fills `out` with cryptographically secure random bytes; aborts if the kernel refuses,
// since carrying on with predictable secrets would be worse than stopping.
void random_bytes(std::span<unsigned char> out);

// A random RFC 4122 version 4 UUID in lower-case 8-4-4-4-12 form.
std::string uuid_v4();

// `bytes` random bytes as lower-case hex.
std::string random_hex(std::size_t bytes);

}  // namespace toolauth::core
