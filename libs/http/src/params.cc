#include "toolauth/http/params.h"

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include <unordered_set>

#include "toolauth/http/error.h"

namespace toolauth::http {

void Params::add(std::string name, std::string value) {
  items_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> Params::get(std::string_view name) const {
  for (const auto& [n, v] : items_) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::string Params::get_or(std::string_view name, std::string_view fallback) const {
  return std::string(get(name).value_or(fallback));
}

std::vector<std::string_view> Params::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : items_) {
    if (n == name) out.emplace_back(v);
  }
  return out;
}

std::size_t Params::count(std::string_view name) const {
  std::size_t n = 0;
  for (const auto& item : items_) n += item.first == name;
  return n;
}

std::optional<std::string> Params::first_repeated() const {
  // Linear: a 4 MiB form holds half a million names, and comparing each with every other
  // held the server for minutes.
  std::unordered_set<std::string_view> seen;
  seen.reserve(items_.size());
  for (const auto& [name, value] : items_) {
    if (!seen.insert(name).second) return name;
  }
  return std::nullopt;
}

core::Result<Params> parse_query(std::string_view query) {
  Params params;
  if (query.empty()) return params;
  // Boost.URL 1.81's parse_query validates `query` but then iterates from query.data() up to
  // the first NUL (it builds its query_ref from the pointer alone), so a view into a longer
  // buffer leaks what follows into the last value. A std::string ends at its NUL.
  const std::string terminated(query);
  auto parsed = boost::urls::parse_query(terminated);
  if (!parsed) return core::Error{Errc::malformed_query, parsed.error().message()};
  boost::urls::encoding_opts plus_is_space;
  plus_is_space.space_as_plus = true;
  for (const auto& param : *parsed) {
    // "a&&b" and a trailing '&' produce empty names: they carry nothing, skip them.
    if (param.key.empty() && !param.has_value) continue;
    params.add(param.key.decode(plus_is_space),
               param.has_value ? param.value.decode(plus_is_space) : std::string());
  }
  return params;
}

core::Result<Params> parse_form(std::string_view body) { return parse_query(body); }

namespace {
// RFC 3986 unreserved characters pass through; everything else is percent-encoded, with
// spaces as '+' (application/x-www-form-urlencoded).
std::string encode_component(std::string_view text) {
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  return boost::urls::encode(text, boost::urls::unreserved_chars, opts);
}
}  // namespace

std::string encode_form(const Params& params) {
  std::string out;
  for (const auto& [name, value] : params.items()) {
    if (!out.empty()) out.push_back('&');
    out += encode_component(name);
    out.push_back('=');
    out += encode_component(value);
  }
  return out;
}

core::Result<std::string> append_query(std::string_view url, const Params& params) {
  auto parsed = boost::urls::parse_uri_reference(url);
  if (!parsed) return core::Error{Errc::invalid_url, parsed.error().message()};
  boost::urls::url result(*parsed);
  std::string query(result.encoded_query());
  const std::string extra = encode_form(params);
  if (!extra.empty()) {
    if (!query.empty()) query.push_back('&');
    query += extra;
  }
  if (!query.empty()) result.set_encoded_query(query);
  return std::string(result.buffer());
}

core::Result<std::string> decode_path_segment(std::string_view segment) {
  auto parsed = boost::urls::make_pct_string_view(segment);
  if (!parsed) return core::Error{Errc::malformed_query, parsed.error().message()};
  return parsed->decode();
}

}  // namespace toolauth::http
