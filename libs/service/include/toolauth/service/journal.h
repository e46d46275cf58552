#pragma once
// The event journal: every server records each request it served and each decision it took
// (token issued, consent refused, fault injected, ...) as a kind plus a JSON object of fields.
// The conformance suite judges implementations by what the journal holds, so within its
// capacity it is exact and complete: every record() gets the next sequence number, entries
// come back oldest first, and what capacity pushed out is counted in dropped().
//
// Secrets never enter it: fields pass through core::redact_json before they are stored.
//
// A server recording on its hot path (one entry per request) may use record_deferred with
// JournalFields: a plain value kept as is and rendered into JSON only when the entry is read,
// so a request pays for a few copies rather than for building, redacting and printing a tree.
//
//   journal.record("token.issued", {{"grant_type", "refresh_token"}, {"user", {{"oid", oid}}}});
//   auto issued = journal.query({.kind = "token.issued", .where = {{"user.oid", oid}}});
//
// Thread safety: every member may be called from any thread (one mutex); a test thread reads
// the journal of a server running on its own thread.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/http/params.h"

namespace toolauth::service {

inline constexpr std::size_t kDefaultJournalQueryLimit = 1000;

struct JournalEntry {
  std::uint64_t seq = 0;
  core::Clock::time_point at;
  std::string kind;
  nlohmann::json fields = nlohmann::json::object();
};

struct JournalQuery {
  // Only entries of this kind; empty means every kind.
  std::string kind;
  // Only entries with a greater sequence number (0: from the oldest kept).
  std::uint64_t after_seq = 0;
  // Every condition must hold. A key is a member name or a dotted path into nested objects
  // ("user.oid"); a member whose own name contains dots is found as well. A string matches by
  // equality, another scalar by its JSON text ("true", "3", "null"); an array matches when
  // any element does, also in the middle of a path ("tools.name"). Objects never match.
  std::map<std::string, std::string> where;
  // At most this many entries: the oldest matching ones, so a reader pages on with
  // after_seq = the last seq it got.
  std::size_t limit = kDefaultJournalQueryLimit;
};

// One consistent view: the entries a query matched and the counters as they were then.
struct JournalPage {
  std::vector<JournalEntry> entries;
  // Every entry up to last_seq was looked at, unless `entries` is full (holds `limit`
  // entries): a reader polling for new entries continues with after_seq = last_seq in the
  // first case and with the seq of the last entry in the second.
  std::uint64_t last_seq = 0;
  std::uint64_t dropped = 0;
};

// The fields of an entry, kept as a plain value and rendered when the entry is read. Reading
// it gives exactly what record(kind, render()) would have kept: the rendered JSON is redacted
// (core::redact_json_in_place) and text that is not UTF-8 has U+FFFD in place of the bad bytes.
// The value itself is kept unredacted, so it must hold no secret: whatever could carry one
// (a credential header, say) is redacted when the value is built. Immutable once recorded;
// render() runs under the journal's lock and must not call back into the journal.
class JournalFields {
 public:
  virtual ~JournalFields() = default;
  virtual nlohmann::json render() const = 0;
};

class Journal {
 public:
  // Enough for a conformance run's evidence; entries are kept as compact JSON text or as
  // JournalFields values (about a kilobyte each), so a full journal stays around 20 MB.
  static constexpr std::size_t kDefaultCapacity = 20'000;
  static constexpr std::size_t kDefaultQueryLimit = kDefaultJournalQueryLimit;

  // `clock` stamps entries (the shared clock, so entry times agree with token times); it must
  // outlive the journal. A capacity of 0 keeps nothing (every record is dropped at once).
  explicit Journal(const core::Clock& clock, std::size_t capacity = kDefaultCapacity);

  // Stores `fields` after core::redact_json, so no secret is ever kept, and returns its
  // sequence number (1, 2, ...; never reused, not even after clear()). `fields` should be an
  // object; null is stored as {} and any other value as {"value": fields}. When the journal is
  // full the oldest entry is evicted and counted in dropped().
  std::uint64_t record(std::string_view kind, nlohmann::json fields);
  // The same with fields rendered only when read (see JournalFields); null stores {}.
  std::uint64_t record_deferred(std::string_view kind, std::unique_ptr<const JournalFields> fields);

  // Matching entries, oldest first (see JournalQuery).
  std::vector<JournalEntry> query(const JournalQuery& query) const;
  // The same with last_seq() and dropped() read under the same lock.
  JournalPage page(const JournalQuery& query) const;
  // The sequence number of the latest record() (0 before the first).
  std::uint64_t last_seq() const;
  // Entries evicted because of capacity since construction or the last clear().
  std::uint64_t dropped() const;
  // Entries currently kept.
  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }
  // Forgets every entry and resets dropped(); sequence numbers carry on from last_seq().
  void clear();

  // {"seq", "at" (RFC 3339 with milliseconds), "kind", ...fields}. A field named seq, at or
  // kind is shadowed by the entry's own member.
  static nlohmann::json to_json(const JournalEntry& entry);

  // From admin query parameters: kind, after (a sequence number), limit (a positive number),
  // and every other name=value as a `where` condition. Errors: Errc::invalid_query naming the
  // parameter (not a number, a zero limit, a repeated name).
  static core::Result<JournalQuery> query_from(const http::Params& params);

  // Whether `fields` satisfies every condition of `where` (see JournalQuery::where).
  static bool matches(const nlohmann::json& fields,
                      const std::map<std::string, std::string>& where);

 private:
  // An entry as kept: its fields as redacted JSON text, parsed again only when queried (a
  // tree costs several times the memory, and most entries are never read), or as a value to
  // render then.
  struct Stored {
    std::uint64_t seq;
    core::Clock::time_point at;
    std::string kind;
    std::string fields;
    std::unique_ptr<const JournalFields> deferred;  // when set, `fields` is unused
  };

  std::uint64_t store(Stored entry);
  std::vector<JournalEntry> query_locked(const JournalQuery& query) const;

  const core::Clock& clock_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<Stored> entries_;  // consecutive sequence numbers, oldest first
  std::uint64_t last_seq_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace toolauth::service
