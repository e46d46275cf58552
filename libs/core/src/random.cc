#include "toolauth/core/random.h"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace toolauth::core {

void random_bytes(std::span<unsigned char> out) {
  std::size_t filled = 0;
  while (filled < out.size()) {
    const ssize_t n = getrandom(out.data() + filled, out.size() - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::perror("getrandom");
      std::abort();
    }
    filled += static_cast<std::size_t>(n);
  }
}

namespace {
constexpr char kHexDigits[] = "0123456789abcdef";

void append_hex(std::string& out, unsigned char byte) {
  out.push_back(kHexDigits[byte >> 4]);
  out.push_back(kHexDigits[byte & 0x0f]);
}
}  // namespace

std::string uuid_v4() {
  std::array<unsigned char, 16> b;
  random_bytes(b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    append_hex(out, b[i]);
  }
  return out;
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> b(bytes);
  random_bytes(b);
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char byte : b) append_hex(out, byte);
  return out;
}

}  // namespace toolauth::core
