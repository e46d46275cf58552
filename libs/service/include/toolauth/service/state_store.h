#pragma once
// Durable server state in one SQLite file: sessions, consents, signing keys, the token vault.
// A server killed with SIGKILL loses nothing that was committed and never leaves a corrupt
// file: the store runs in WAL mode with synchronous=FULL, so a commit returns only once it is
// on disk, and a torn write is rolled back when the file is next opened.
//
// Most state is documents: JSON values addressed by (collection, key), stored as JSON text in
//   documents(collection TEXT, key TEXT, value TEXT, PRIMARY KEY (collection, key))
// Modules that need their own tables (an encrypted vault) create them with exec() and work
// with prepared statements; every value goes through a parameter binding, never into SQL text.
//
// Thread safety: a StateStore, and every Statement prepared from it, is used from one thread
// at a time (the servers' io_context thread); it keeps unsynchronised transaction state.
// Several StateStores (in one or several processes) may open the same file: SQLite locks it,
// and a writer waits up to kBusyTimeout for another one to finish.
//
// Lifetime: Statements must be destroyed before the StateStore that prepared them.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "toolauth/core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace toolauth::service {

class StateStore {
 public:
  static constexpr std::chrono::milliseconds kBusyTimeout{5'000};

  // A prepared statement. Parameters are numbered from 1 and columns from 0, as in SQLite.
  //
  //   TOOLAUTH_ASSIGN_OR_RETURN(auto insert, store.prepare("INSERT INTO vault VALUES (?1, ?2)"));
  //   TOOLAUTH_RETURN_IF_ERROR(insert.bind(1, key));
  //   TOOLAUTH_RETURN_IF_ERROR(insert.bind_blob(2, ciphertext));
  //   TOOLAUTH_RETURN_IF_ERROR(insert.step());
  class Statement {
   public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    ~Statement();

    // Errors: Errc::storage_error (an index out of range, out of memory).
    core::Result<void> bind(int index, std::string_view text);
    core::Result<void> bind(int index, std::int64_t value);
    core::Result<void> bind_blob(int index, std::span<const std::uint8_t> bytes);
    core::Result<void> bind_null(int index);

    // Runs the statement until the next row: true when a row is available to the column_*
    // accessors, false when it has finished. Errors: Errc::storage_error with SQLite's message
    // (a constraint violation, a busy database).
    core::Result<bool> step();

    // Columns of the current row. A NULL reads as "", 0 or no bytes.
    std::string column_text(int index) const;
    std::int64_t column_int64(int index) const;
    std::vector<std::uint8_t> column_blob(int index) const;
    bool column_is_null(int index) const;
    int column_count() const;

    // Makes the statement ready to run again and clears its bindings.
    void reset();

   private:
    friend class StateStore;
    Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
    core::Error failure(int rc) const;
    sqlite3* db_ = nullptr;
    sqlite3_stmt* statement_ = nullptr;
  };

  // Opens (creating when missing) the database `file`; ":memory:" gives a private in-memory
  // database. Sets WAL mode, synchronous=FULL, foreign_keys=ON and the busy timeout, and
  // creates the documents table. Errors: Errc::storage_error with SQLite's message, e.g. for
  // a file that is not an SQLite database or a directory that does not exist.
  static core::Result<std::unique_ptr<StateStore>> open(const std::string& file);

  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // Inserts or replaces. Errors: Errc::invalid_document when `value` holds a string that is not
  // valid UTF-8 (it could not be read back), Errc::storage_error.
  core::Result<void> put(std::string_view collection, std::string_view key,
                         const nlohmann::json& value);
  // nullopt when there is no such document. Errors: Errc::storage_error, also for a stored value
  // that is not JSON (written by something else).
  core::Result<std::optional<nlohmann::json>> get(std::string_view collection,
                                                  std::string_view key) const;
  // Whether there was a document to erase.
  core::Result<bool> erase(std::string_view collection, std::string_view key);
  // Every document of `collection`, ordered by key (bytewise).
  core::Result<std::vector<std::pair<std::string, nlohmann::json>>> list(
      std::string_view collection) const;
  // Erases every document of `collection`.
  core::Result<void> clear(std::string_view collection);

  // Runs `body` in one transaction: BEGIN IMMEDIATE, then COMMIT when it succeeds or ROLLBACK
  // when it fails (or throws; the exception then propagates). A call from inside a body joins
  // the outer transaction as a savepoint: its failure undoes its own changes only, and the
  // outer body decides whether to carry on; nothing is durable before the outermost COMMIT.
  core::Result<void> transaction(const std::function<core::Result<void>()>& body);
  bool in_transaction() const { return transaction_depth_ > 0; }

  // Runs one or more SQL statements without parameters (DDL, fixed DML).
  core::Result<void> exec(std::string_view sql);
  // Compiles one statement. Errors: Errc::storage_error with SQLite's message.
  core::Result<Statement> prepare(std::string_view sql) const;

  // {"<collection>": {"<key>": value, ...}, ...}: every document of every collection.
  core::Result<nlohmann::json> export_documents() const;
  // Replaces every document with those of `documents` (the shape export_documents gives), in
  // one transaction: on any error nothing has changed. Tables of other modules are untouched.
  // Errors: Errc::invalid_document naming the bad member, Errc::storage_error.
  core::Result<void> import_documents(const nlohmann::json& documents);

  // The file given to open().
  const std::string& file() const { return file_; }

 private:
  StateStore(sqlite3* db, std::string file) : db_(db), file_(std::move(file)) {}
  core::Result<void> exec_internal(const char* sql);
  sqlite3* db_;
  std::string file_;
  int transaction_depth_ = 0;
};

}  // namespace toolauth::service
