#include "toolauth/jose/base64url.h"

#include <array>
#include <cstdint>

#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kStdAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint8_t kInvalid = 0xff;

constexpr std::array<std::uint8_t, 256> make_table(std::string_view alphabet) {
  std::array<std::uint8_t, 256> table{};
  table.fill(kInvalid);
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}

constexpr auto kUrlTable = make_table(kUrlAlphabet);
constexpr auto kStdTable = make_table(kStdAlphabet);

std::string encode(std::string_view bytes, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out.push_back(alphabet[n >> 18 & 63]);
    out.push_back(alphabet[n >> 12 & 63]);
    out.push_back(alphabet[n >> 6 & 63]);
    out.push_back(alphabet[n & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t n = byte(i) << 16;
    out.push_back(alphabet[n >> 18 & 63]);
    out.push_back(alphabet[n >> 12 & 63]);
    if (pad) out.append("==");
  } else if (rest == 2) {
    const std::uint32_t n = byte(i) << 16 | byte(i + 1) << 8;
    out.push_back(alphabet[n >> 18 & 63]);
    out.push_back(alphabet[n >> 12 & 63]);
    out.push_back(alphabet[n >> 6 & 63]);
    if (pad) out.push_back('=');
  }
  return out;
}

// Decodes unpadded `text` (length not ≡ 1 mod 4) or fails with the offset of the first bad
// character; `errc` says which flavour failed.
core::Result<std::string> decode_unpadded(std::string_view text,
                                          const std::array<std::uint8_t, 256>& table, Errc errc) {
  if (text.size() % 4 == 1) {
    return core::Error{errc, "length " + std::to_string(text.size()) + " is not a valid length"};
  }
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t accumulator = 0;
  int bits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::uint8_t value = table[static_cast<unsigned char>(text[i])];
    if (value == kInvalid) {
      return core::Error{errc, "invalid character at offset " + std::to_string(i)};
    }
    accumulator = (accumulator << 6 | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>(accumulator >> bits & 0xff));
    }
  }
  // Canonical form: the bits of the last character that carry no data must be zero.
  if (bits > 0 && (accumulator & ((1u << bits) - 1)) != 0) {
    return core::Error{errc, "non-zero unused bits in the last character"};
  }
  return out;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) { return encode(bytes, kUrlAlphabet, false); }

core::Result<std::string> base64url_decode(std::string_view text) {
  return decode_unpadded(text, kUrlTable, Errc::invalid_base64url);
}

std::string base64_encode(std::string_view bytes) { return encode(bytes, kStdAlphabet, true); }

core::Result<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return core::Error{Errc::invalid_base64,
                       "length " + std::to_string(text.size()) + " is not a multiple of 4"};
  }
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
    ++padding;
  }
  // Any '=' left in the body (a third one, or one in the middle) is refused by the table.
  return decode_unpadded(text.substr(0, text.size() - padding), kStdTable, Errc::invalid_base64);
}

}  // namespace toolauth::jose
