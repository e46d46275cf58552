#include "toolauth/service/state_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include "toolauth/service/error.h"

namespace toolauth::service {
namespace {

core::Error storage_error(std::string detail) {
  return core::Error{Errc::storage_error, std::move(detail)};
}

bool is_plain_file_name(const std::string& file) {
  return !file.empty() && file != ":memory:" && file.rfind("file:", 0) != 0;
}

}  // namespace

// ---- Statement ---------------------------------------------------------------------------

StateStore::Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      statement_(std::exchange(other.statement_, nullptr)) {}

StateStore::Statement& StateStore::Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    db_ = std::exchange(other.db_, nullptr);
    statement_ = std::exchange(other.statement_, nullptr);
  }
  return *this;
}

StateStore::Statement::~Statement() { sqlite3_finalize(statement_); }

core::Error StateStore::Statement::failure(int rc) const {
  // sqlite3_errmsg describes the latest failure on the connection, which is this one: the
  // connection is used from one thread at a time.
  std::string detail = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  if (const char* sql = statement_ != nullptr ? sqlite3_sql(statement_) : nullptr) {
    detail += std::string(" (in: ") + sql + ")";
  }
  return storage_error(std::move(detail));
}

core::Result<void> StateStore::Statement::bind(int index, std::string_view text) {
  // A null pointer would bind SQL NULL, and an empty string_view may carry one.
  const char* data = text.data() != nullptr ? text.data() : "";
  const int rc =
      sqlite3_bind_text64(statement_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) return failure(rc);
  return {};
}

core::Result<void> StateStore::Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(statement_, index, value);
  if (rc != SQLITE_OK) return failure(rc);
  return {};
}

core::Result<void> StateStore::Statement::bind_blob(int index,
                                                    std::span<const std::uint8_t> bytes) {
  const int rc = bytes.empty() ? sqlite3_bind_zeroblob(statement_, index, 0)
                               : sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(),
                                                     SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) return failure(rc);
  return {};
}

core::Result<void> StateStore::Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(statement_, index);
  if (rc != SQLITE_OK) return failure(rc);
  return {};
}

core::Result<bool> StateStore::Statement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return failure(rc);
}

std::string StateStore::Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(statement_, index);
  const int size = sqlite3_column_bytes(statement_, index);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::int64_t StateStore::Statement::column_int64(int index) const {
  return sqlite3_column_int64(statement_, index);
}

std::vector<std::uint8_t> StateStore::Statement::column_blob(int index) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement_, index));
  const int size = sqlite3_column_bytes(statement_, index);
  if (data == nullptr) return {};
  return std::vector<std::uint8_t>(data, data + size);
}

bool StateStore::Statement::column_is_null(int index) const {
  return sqlite3_column_type(statement_, index) == SQLITE_NULL;
}

int StateStore::Statement::column_count() const { return sqlite3_column_count(statement_); }

void StateStore::Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

// ---- StateStore --------------------------------------------------------------------------

core::Result<std::unique_ptr<StateStore>> StateStore::open(const std::string& file) {
  if (is_plain_file_name(file)) {
    // SQLite creates the file with the umask's mode (usually 0644) and gives its -wal and -shm
    // files the same mode. The store holds secrets, so a new file starts out private; an
    // existing one keeps its mode, and a failure here is left for SQLite to report.
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(file.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = file + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return storage_error(std::move(detail));
  }
  std::unique_ptr<StateStore> store(new StateStore(db, file));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(kBusyTimeout.count()));
  // The first statement reads the file header, so a file that is not a database fails here.
  auto configured = store->exec_internal(
      "PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=FULL;"
      "PRAGMA foreign_keys=ON;"
      "CREATE TABLE IF NOT EXISTS documents ("
      "  collection TEXT NOT NULL,"
      "  key TEXT NOT NULL,"
      "  value TEXT NOT NULL,"
      "  PRIMARY KEY (collection, key)"
      ") WITHOUT ROWID;");
  if (!configured.ok()) return storage_error(file + ": " + configured.error().detail);
  return store;
}

StateStore::~StateStore() { sqlite3_close_v2(db_); }

core::Result<void> StateStore::exec_internal(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return storage_error(std::move(detail));
}

core::Result<void> StateStore::exec(std::string_view sql) {
  return exec_internal(std::string(sql).c_str());
}

core::Result<StateStore::Statement> StateStore::prepare(std::string_view sql) const {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    return storage_error(sqlite3_errmsg(db_));
  }
  Statement statement(db_, raw);
  if (raw == nullptr) return storage_error("no SQL statement in: " + std::string(sql));
  for (const char* end = sql.data() + sql.size(); tail != nullptr && tail < end; ++tail) {
    if (*tail != ' ' && *tail != '\t' && *tail != '\n' && *tail != '\r' && *tail != ';') {
      return storage_error("more than one SQL statement in: " + std::string(sql));
    }
  }
  return statement;
}

core::Result<void> StateStore::put(std::string_view collection, std::string_view key,
                                   const nlohmann::json& value) {
  std::string text;
  try {
    text = value.dump();
  } catch (const nlohmann::json::exception&) {
    return core::Error{Errc::invalid_document, std::string(collection) + "/" + std::string(key) +
                                                   ": a string is not valid UTF-8"};
  }
  TOOLAUTH_ASSIGN_OR_RETURN(auto statement,
                            prepare("INSERT INTO documents (collection, key, value) "
                                    "VALUES (?1, ?2, ?3) ON CONFLICT (collection, key) "
                                    "DO UPDATE SET value = excluded.value"));
  TOOLAUTH_RETURN_IF_ERROR(statement.bind(1, collection));
  TOOLAUTH_RETURN_IF_ERROR(statement.bind(2, key));
  TOOLAUTH_RETURN_IF_ERROR(statement.bind(3, text));
  TOOLAUTH_RETURN_IF_ERROR(statement.step());
  return {};
}

namespace {

core::Result<nlohmann::json> parse_stored(std::string_view collection, std::string_view key,
                                          const std::string& text) {
  auto value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return storage_error("stored value of " + std::string(collection) + "/" + std::string(key) +
                         " is not JSON");
  }
  return value;
}

}  // namespace

core::Result<std::optional<nlohmann::json>> StateStore::get(std::string_view collection,
                                                            std::string_view key) const {
  TOOLAUTH_ASSIGN_OR_RETURN(
      auto statement, prepare("SELECT value FROM documents WHERE collection = ?1 AND key = ?2"));
  TOOLAUTH_RETURN_IF_ERROR(statement.bind(1, collection));
  TOOLAUTH_RETURN_IF_ERROR(statement.bind(2, key));
  TOOLAUTH_ASSIGN_OR_RETURN(const bool found, statement.step());
  if (!found) return std::optional<nlohmann::json>();
  TOOLAUTH_ASSIGN_OR_RETURN(auto value, parse_stored(collection, key, statement.column_text(0)));
  return std::optional<nlohmann::json>(std::move(value));
}

core::Result<bool> StateStore::erase(std::string_view collection, std::string_view key) {
  TOOLAUTH_ASSIGN_OR_RETURN(auto statement,
                            prepare("DELETE FROM documents WHERE collection = ?1 AND key = ?2"));
  TOOLAUTH_RETURN_IF_ERROR(statement.bind(1, collection));
  TOOLAUTH_RETURN_IF_ERROR(statement.bind(2, key));
  TOOLAUTH_RETURN_IF_ERROR(statement.step());
  return sqlite3_changes(db_) > 0;
}

core::Result<std::vector<std::pair<std::string, nlohmann::json>>> StateStore::list(
    std::string_view collection) const {
  TOOLAUTH_ASSIGN_OR_RETURN(
      auto statement,
      prepare("SELECT key, value FROM documents WHERE collection = ?1 ORDER BY key"));
  TOOLAUTH_RETURN_IF_ERROR(statement.bind(1, collection));
  std::vector<std::pair<std::string, nlohmann::json>> out;
  for (;;) {
    TOOLAUTH_ASSIGN_OR_RETURN(const bool row, statement.step());
    if (!row) break;
    auto key = statement.column_text(0);
    TOOLAUTH_ASSIGN_OR_RETURN(auto value, parse_stored(collection, key, statement.column_text(1)));
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

core::Result<void> StateStore::clear(std::string_view collection) {
  TOOLAUTH_ASSIGN_OR_RETURN(auto statement, prepare("DELETE FROM documents WHERE collection = ?1"));
  TOOLAUTH_RETURN_IF_ERROR(statement.bind(1, collection));
  TOOLAUTH_RETURN_IF_ERROR(statement.step());
  return {};
}

core::Result<void> StateStore::transaction(const std::function<core::Result<void>()>& body) {
  const int depth = transaction_depth_;
  std::string begin, commit, rollback;
  if (depth == 0) {
    // IMMEDIATE takes the write lock up front, so a transaction never fails half-way with
    // SQLITE_BUSY when it first writes.
    begin = "BEGIN IMMEDIATE";
    commit = "COMMIT";
    rollback = "ROLLBACK";
  } else {
    const std::string name = "toolauth_" + std::to_string(depth);
    begin = "SAVEPOINT " + name;
    commit = "RELEASE " + name;
    rollback = "ROLLBACK TO " + name + "; RELEASE " + name;
  }
  TOOLAUTH_RETURN_IF_ERROR(exec_internal(begin.c_str()));
  transaction_depth_ = depth + 1;
  auto undo = [&] {
    // Fails only when SQLite already rolled back by itself (e.g. after SQLITE_FULL).
    (void)exec_internal(rollback.c_str());
    transaction_depth_ = depth;
  };
  core::Result<void> outcome;
  try {
    outcome = body();
  } catch (...) {
    undo();
    throw;
  }
  if (!outcome.ok()) {
    undo();
    return outcome;
  }
  if (auto committed = exec_internal(commit.c_str()); !committed.ok()) {
    undo();
    return committed;
  }
  transaction_depth_ = depth;
  return {};
}

core::Result<nlohmann::json> StateStore::export_documents() const {
  TOOLAUTH_ASSIGN_OR_RETURN(
      auto statement,
      prepare("SELECT collection, key, value FROM documents ORDER BY collection, key"));
  nlohmann::json out = nlohmann::json::object();
  for (;;) {
    TOOLAUTH_ASSIGN_OR_RETURN(const bool row, statement.step());
    if (!row) break;
    auto collection = statement.column_text(0);
    auto key = statement.column_text(1);
    TOOLAUTH_ASSIGN_OR_RETURN(auto value, parse_stored(collection, key, statement.column_text(2)));
    out[collection][key] = std::move(value);
  }
  return out;
}

core::Result<void> StateStore::import_documents(const nlohmann::json& documents) {
  // Check the shape before touching anything.
  if (!documents.is_object()) {
    return core::Error{Errc::invalid_document, "expected an object of collections"};
  }
  for (const auto& [collection, members] : documents.items()) {
    if (!members.is_object()) {
      return core::Error{Errc::invalid_document,
                         collection + ": expected an object of documents by key"};
    }
  }
  return transaction([&]() -> core::Result<void> {
    TOOLAUTH_RETURN_IF_ERROR(exec_internal("DELETE FROM documents"));
    for (const auto& [collection, members] : documents.items()) {
      for (const auto& [key, value] : members.items()) {
        TOOLAUTH_RETURN_IF_ERROR(put(collection, key, value));
      }
    }
    return {};
  });
}

}  // namespace toolauth::service
