#include "toolauth/service/journal.h"

#include <charconv>

#include "toolauth/core/log.h"
#include "toolauth/core/redact.h"
#include "toolauth/service/error.h"

namespace toolauth::service {
namespace {

bool value_matches(const nlohmann::json& value, std::string_view expected) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      return value.get_ref<const std::string&>() == expected;
    case nlohmann::json::value_t::object:
      return false;
    case nlohmann::json::value_t::array:
      for (const auto& element : value) {
        if (value_matches(element, expected)) return true;
      }
      return false;
    default:
      return value.dump() == expected;
  }
}

// Tries every way of reading `path` as member names joined by dots, since a member name may
// itself contain a dot ("scp.read"); arrays on the way match when any element does.
bool path_matches(const nlohmann::json& value, std::string_view path, std::string_view expected) {
  if (value.is_array()) {
    for (const auto& element : value) {
      if (path_matches(element, path, expected)) return true;
    }
    return false;
  }
  if (!value.is_object()) return false;
  if (auto it = value.find(std::string(path)); it != value.end() && value_matches(*it, expected)) {
    return true;
  }
  for (auto dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
    auto it = value.find(std::string(path.substr(0, dot)));
    if (it != value.end() && path_matches(*it, path.substr(dot + 1), expected)) return true;
  }
  return false;
}

// Whether `text` is UTF-8 as RFC 3629 defines it (no overlong forms, surrogates or code
// points past U+10FFFF): exactly the text nlohmann::json prints without replacing bytes.
bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t more = 0;                   // continuation bytes after the lead
    unsigned char low = 0x80, high = 0xBF;  // range of the first continuation byte
    if (lead >= 0xC2 && lead <= 0xDF) {
      more = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      more = 2;
      if (lead == 0xE0) low = 0xA0;   // overlong
      if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      more = 3;
      if (lead == 0xF0) low = 0x90;   // overlong
      if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
    } else {
      return false;
    }
    if (text.size() - i <= more) return false;
    const auto first = static_cast<unsigned char>(text[i + 1]);
    if (first < low || first > high) return false;
    for (std::size_t k = 2; k <= more; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += more + 1;
  }
  return true;
}

bool all_utf8(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      return is_utf8(value.get_ref<const std::string&>());
    case nlohmann::json::value_t::object:
      for (const auto& [key, item] : value.items()) {
        if (!is_utf8(key) || !all_utf8(item)) return false;
      }
      return true;
    case nlohmann::json::value_t::array:
      for (const auto& item : value) {
        if (!all_utf8(item)) return false;
      }
      return true;
    default:
      return true;
  }
}

std::string print(const nlohmann::json& fields) {
  return fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Fields as an entry keeps them: an object (null as {}, another value under "value"), with
// every secret redacted.
nlohmann::json prepared(nlohmann::json fields) {
  if (fields.is_null()) {
    fields = nlohmann::json::object();
  } else if (!fields.is_object()) {
    fields = nlohmann::json{{"value", std::move(fields)}};
  }
  core::redact_json_in_place(fields);
  return fields;
}

core::Result<std::uint64_t> parse_number(std::string_view name, std::string_view text) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return core::Error{Errc::invalid_query,
                       std::string(name) + ": expected a non-negative integer"};
  }
  return value;
}

}  // namespace

Journal::Journal(const core::Clock& clock, std::size_t capacity)
    : clock_(clock), capacity_(capacity) {}

std::uint64_t Journal::record(std::string_view kind, nlohmann::json fields) {
  // Redact, print and read the clock outside the lock: they may take a while and need no state.
  return store(Stored{0, clock_.now(), std::string(kind), print(prepared(std::move(fields))), {}});
}

std::uint64_t Journal::record_deferred(std::string_view kind,
                                       std::unique_ptr<const JournalFields> fields) {
  if (!fields) return record(kind, nlohmann::json::object());
  return store(Stored{0, clock_.now(), std::string(kind), {}, std::move(fields)});
}

std::uint64_t Journal::store(Stored entry) {
  std::lock_guard lock(mutex_);
  entry.seq = ++last_seq_;
  const auto seq = entry.seq;
  entries_.push_back(std::move(entry));
  while (entries_.size() > capacity_) {
    entries_.pop_front();
    ++dropped_;
  }
  return seq;
}

std::vector<JournalEntry> Journal::query(const JournalQuery& query) const {
  std::lock_guard lock(mutex_);
  return query_locked(query);
}

JournalPage Journal::page(const JournalQuery& query) const {
  std::lock_guard lock(mutex_);
  return JournalPage{query_locked(query), last_seq_, dropped_};
}

std::vector<JournalEntry> Journal::query_locked(const JournalQuery& query) const {
  std::vector<JournalEntry> out;
  if (entries_.empty() || query.limit == 0) return out;
  // Sequence numbers are consecutive, so the first entry after `after_seq` is found directly.
  const auto first = entries_.front().seq;
  if (query.after_seq >= last_seq_) return out;
  const std::size_t start = query.after_seq < first ? 0 : query.after_seq - first + 1;
  for (auto it = entries_.begin() + static_cast<std::ptrdiff_t>(start); it != entries_.end();
       ++it) {
    if (!query.kind.empty() && it->kind != query.kind) continue;
    nlohmann::json fields;
    if (it->deferred) {
      // What the text of an eager entry would read back as: printing replaces bytes that are
      // not UTF-8, so the rare tree holding any goes through a print and parse as well.
      fields = prepared(it->deferred->render());
      if (!all_utf8(fields)) fields = nlohmann::json::parse(print(fields), nullptr, false);
    } else {
      fields = nlohmann::json::parse(it->fields, nullptr, false);
    }
    if (!matches(fields, query.where)) continue;
    out.push_back(JournalEntry{it->seq, it->at, it->kind, std::move(fields)});
    if (out.size() >= query.limit) break;
  }
  return out;
}

std::uint64_t Journal::last_seq() const {
  std::lock_guard lock(mutex_);
  return last_seq_;
}

std::uint64_t Journal::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::size_t Journal::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void Journal::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  dropped_ = 0;
}

nlohmann::json Journal::to_json(const JournalEntry& entry) {
  nlohmann::json out = {
      {"seq", entry.seq}, {"at", core::format_rfc3339_millis(entry.at)}, {"kind", entry.kind}};
  if (entry.fields.is_object()) {
    for (const auto& [key, value] : entry.fields.items()) {
      if (!out.contains(key)) out[key] = value;
    }
  }
  return out;
}

core::Result<JournalQuery> Journal::query_from(const http::Params& params) {
  if (auto repeated = params.first_repeated()) {
    return core::Error{Errc::invalid_query, *repeated + ": repeated"};
  }
  JournalQuery query;
  for (const auto& [name, value] : params.items()) {
    if (name == "kind") {
      query.kind = value;
    } else if (name == "after") {
      TOOLAUTH_ASSIGN_OR_RETURN(query.after_seq, parse_number(name, value));
    } else if (name == "limit") {
      TOOLAUTH_ASSIGN_OR_RETURN(const auto limit, parse_number(name, value));
      if (limit == 0) return core::Error{Errc::invalid_query, "limit: must be at least 1"};
      query.limit = static_cast<std::size_t>(limit);
    } else {
      query.where.emplace(name, value);
    }
  }
  return query;
}

bool Journal::matches(const nlohmann::json& fields,
                      const std::map<std::string, std::string>& where) {
  for (const auto& [path, expected] : where) {
    if (!path_matches(fields, path, expected)) return false;
  }
  return true;
}

}  // namespace toolauth::service
