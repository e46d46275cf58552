#include "toolauth/service/state_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "temp_dir.h"
#include "toolauth/service/error.h"

namespace toolauth::service {
namespace {

using nlohmann::json;
using testing::TempDir;

std::unique_ptr<StateStore> open_or_die(const std::string& file) {
  auto store = StateStore::open(file);
  if (!store.ok()) throw std::runtime_error(store.error().message());
  return std::move(*store);
}

json get_or_die(const StateStore& store, std::string_view collection, std::string_view key) {
  auto value = store.get(collection, key);
  if (!value.ok()) throw std::runtime_error(value.error().message());
  return value->value_or(json("<absent>"));
}

TEST(StateStoreTest, PutGetEraseAndListDocuments) {
  auto store = open_or_die(":memory:");
  ASSERT_TRUE(store->put("sessions", "b", {{"user", "adele"}}).ok());
  ASSERT_TRUE(store->put("sessions", "a", json::array({1, 2})).ok());
  ASSERT_TRUE(store->put("consents", "a", true).ok());
  EXPECT_EQ(get_or_die(*store, "sessions", "b"), (json{{"user", "adele"}}));
  EXPECT_EQ(get_or_die(*store, "consents", "a"), true);
  EXPECT_EQ(get_or_die(*store, "sessions", "missing"), "<absent>");

  ASSERT_TRUE(store->put("sessions", "b", "replaced").ok());
  EXPECT_EQ(get_or_die(*store, "sessions", "b"), "replaced");

  auto listed = store->list("sessions");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].first, "a");
  EXPECT_EQ((*listed)[1], (std::pair<std::string, json>("b", "replaced")));

  EXPECT_EQ(store->erase("sessions", "a").value(), true);
  EXPECT_EQ(store->erase("sessions", "a").value(), false);
  ASSERT_TRUE(store->clear("sessions").ok());
  EXPECT_TRUE(store->list("sessions")->empty());
  EXPECT_EQ(store->list("consents")->size(), 1u);
}

TEST(StateStoreTest, KeysAreBoundNotSpliced) {
  auto store = open_or_die(":memory:");
  const std::string hostile = "x'); DROP TABLE documents; --";
  ASSERT_TRUE(store->put(hostile, hostile, hostile).ok());
  EXPECT_EQ(get_or_die(*store, hostile, hostile), hostile);
  ASSERT_TRUE(store->put("c", "", "empty key").ok());
  EXPECT_EQ(get_or_die(*store, "c", ""), "empty key");
}

TEST(StateStoreTest, RefusesValuesWithInvalidUtf8) {
  auto store = open_or_die(":memory:");
  const auto put = store->put("c", "k", {{"name", std::string("\xff\xfe")}});
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.code(), Errc::invalid_document);
  EXPECT_EQ(get_or_die(*store, "c", "k"), "<absent>");
}

TEST(StateStoreTest, DocumentsSurviveReopeningTheFile) {
  TempDir dir;
  const auto file = dir.file("state.db");
  {
    auto store = open_or_die(file);
    ASSERT_TRUE(store->put("keys", "k1", {{"kid", "abc"}}).ok());
  }
  auto store = open_or_die(file);
  EXPECT_EQ(get_or_die(*store, "keys", "k1"), (json{{"kid", "abc"}}));
  EXPECT_EQ(store->file(), file);
}

TEST(StateStoreTest, ANewFileIsPrivateAndInWalMode) {
  TempDir dir;
  const auto file = dir.file("state.db");
  auto store = open_or_die(file);
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto mode = store->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_EQ(mode->step().value(), true);
  EXPECT_EQ(mode->column_text(0), "wal");
  auto sync = store->prepare("PRAGMA synchronous");
  ASSERT_EQ(sync->step().value(), true);
  EXPECT_EQ(sync->column_int64(0), 2);  // FULL
  auto fk = store->prepare("PRAGMA foreign_keys");
  ASSERT_EQ(fk->step().value(), true);
  EXPECT_EQ(fk->column_int64(0), 1);
}

TEST(StateStoreTest, ANonDatabaseFileGivesStorageError) {
  TempDir dir;
  const auto file = dir.file("garbage.db");
  {
    std::ofstream out(file, std::ios::binary);
    for (int i = 0; i < 512; ++i) out << "this is not an SQLite database ";
  }
  auto store = StateStore::open(file);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.code(), Errc::storage_error);
  EXPECT_EQ(store.error().detail, file + ": file is not a database");
}

TEST(StateStoreTest, AMissingDirectoryGivesStorageError) {
  TempDir dir;
  auto store = StateStore::open(dir.file("no/such/dir/state.db"));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.code(), Errc::storage_error);
  EXPECT_NE(store.error().detail.find("unable to open database file"), std::string::npos)
      << store.error().detail;
}

TEST(StateStoreTest, AStoredValueThatIsNotJsonGivesStorageError) {
  auto store = open_or_die(":memory:");
  ASSERT_TRUE(store->exec("INSERT INTO documents VALUES ('c', 'k', '{not json')").ok());
  auto value = store->get("c", "k");
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.code(), Errc::storage_error);
  EXPECT_EQ(value.error().detail, "stored value of c/k is not JSON");
  EXPECT_EQ(store->list("c").code(), Errc::storage_error);
  EXPECT_EQ(store->export_documents().code(), Errc::storage_error);
}

TEST(StateStoreTest, TransactionCommitsWhenTheBodySucceeds) {
  auto store = open_or_die(":memory:");
  auto result = store->transaction([&]() -> core::Result<void> {
    EXPECT_TRUE(store->in_transaction());
    TOOLAUTH_RETURN_IF_ERROR(store->put("c", "a", 1));
    return store->put("c", "b", 2);
  });
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_FALSE(store->in_transaction());
  EXPECT_EQ(store->list("c")->size(), 2u);
}

TEST(StateStoreTest, TransactionRollsBackWhenTheBodyFails) {
  auto store = open_or_die(":memory:");
  ASSERT_TRUE(store->put("c", "kept", 0).ok());
  auto result = store->transaction([&]() -> core::Result<void> {
    TOOLAUTH_RETURN_IF_ERROR(store->put("c", "a", 1));
    TOOLAUTH_RETURN_IF_ERROR(store->erase("c", "kept"));
    return core::Error{Errc::not_found, "stop"};
  });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.code(), Errc::not_found);
  EXPECT_EQ(result.error().detail, "stop");
  EXPECT_FALSE(store->in_transaction());
  EXPECT_EQ(get_or_die(*store, "c", "a"), "<absent>");
  EXPECT_EQ(get_or_die(*store, "c", "kept"), 0);
}

TEST(StateStoreTest, TransactionRollsBackAndRethrowsWhenTheBodyThrows) {
  auto store = open_or_die(":memory:");
  EXPECT_THROW((void)store->transaction([&]() -> core::Result<void> {
    (void)store->put("c", "a", 1);
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_FALSE(store->in_transaction());
  EXPECT_EQ(get_or_die(*store, "c", "a"), "<absent>");
  // The store is usable afterwards.
  EXPECT_TRUE(store->transaction([&] { return store->put("c", "b", 2); }).ok());
}

TEST(StateStoreTest, NestedTransactionsJoinTheOuterOne) {
  auto store = open_or_die(":memory:");
  auto result = store->transaction([&]() -> core::Result<void> {
    TOOLAUTH_RETURN_IF_ERROR(store->put("c", "outer", 1));
    TOOLAUTH_RETURN_IF_ERROR(store->transaction([&] { return store->put("c", "inner", 2); }));
    // A failed inner transaction undoes only its own changes; the outer one carries on.
    auto failed = store->transaction([&]() -> core::Result<void> {
      TOOLAUTH_RETURN_IF_ERROR(store->put("c", "undone", 3));
      return core::Error{Errc::invalid_document, "inner failure"};
    });
    EXPECT_EQ(failed.code(), Errc::invalid_document);
    EXPECT_TRUE(store->in_transaction());
    return {};
  });
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(get_or_die(*store, "c", "outer"), 1);
  EXPECT_EQ(get_or_die(*store, "c", "inner"), 2);
  EXPECT_EQ(get_or_die(*store, "c", "undone"), "<absent>");
}

TEST(StateStoreTest, AFailingOuterTransactionUndoesCommittedInnerOnes) {
  auto store = open_or_die(":memory:");
  auto result = store->transaction([&]() -> core::Result<void> {
    TOOLAUTH_RETURN_IF_ERROR(store->transaction([&] { return store->put("c", "inner", 2); }));
    return core::Error{Errc::not_found, "outer failure"};
  });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(get_or_die(*store, "c", "inner"), "<absent>");
}

TEST(StateStoreTest, ExportImportRoundTrip) {
  auto source = open_or_die(":memory:");
  ASSERT_TRUE(source->put("sessions", "s1", {{"user", "adele"}, {"n", 1}}).ok());
  ASSERT_TRUE(source->put("sessions", "s2", nullptr).ok());
  ASSERT_TRUE(source->put("keys", "k", "pem").ok());
  auto exported = source->export_documents();
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(*exported,
            (json{{"keys", {{"k", "pem"}}},
                  {"sessions", {{"s1", {{"user", "adele"}, {"n", 1}}}, {"s2", nullptr}}}}));

  auto target = open_or_die(":memory:");
  ASSERT_TRUE(target->put("stale", "x", 1).ok());
  ASSERT_TRUE(target->import_documents(*exported).ok());
  EXPECT_EQ(target->export_documents().value(), *exported);
  EXPECT_EQ(get_or_die(*target, "stale", "x"), "<absent>");
}

TEST(StateStoreTest, ImportRefusesAWrongShapeAndChangesNothing) {
  auto store = open_or_die(":memory:");
  ASSERT_TRUE(store->put("c", "k", 1).ok());
  auto not_object = store->import_documents(json::array());
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.code(), Errc::invalid_document);
  EXPECT_EQ(not_object.error().detail, "expected an object of collections");
  auto bad_collection = store->import_documents({{"c", {{"k", 2}}}, {"d", 5}});
  ASSERT_FALSE(bad_collection.ok());
  EXPECT_EQ(bad_collection.code(), Errc::invalid_document);
  EXPECT_EQ(bad_collection.error().detail, "d: expected an object of documents by key");
  EXPECT_EQ(get_or_die(*store, "c", "k"), 1);
}

TEST(StateStoreTest, ImportIsAtomicWhenADocumentFailsHalfWay) {
  auto store = open_or_die(":memory:");
  ASSERT_TRUE(store->put("c", "k", 1).ok());
  auto result =
      store->import_documents({{"a", {{"ok", 1}}}, {"b", {{"bad", std::string("\xc3\x28")}}}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.code(), Errc::invalid_document);
  EXPECT_EQ(store->export_documents().value(), (json{{"c", {{"k", 1}}}}));
}

TEST(StateStoreTest, PreparedStatementsForModuleTables) {
  auto store = open_or_die(":memory:");
  ASSERT_TRUE(
      store->exec("CREATE TABLE vault (id TEXT PRIMARY KEY, n INTEGER, blob BLOB, note TEXT)")
          .ok());
  auto insert = store->prepare("INSERT INTO vault VALUES (?1, ?2, ?3, ?4)");
  ASSERT_TRUE(insert.ok()) << insert.error().message();
  const std::vector<std::uint8_t> bytes = {0x00, 0xff, 0x10, 0x00};
  ASSERT_TRUE(insert->bind(1, "row1").ok());
  ASSERT_TRUE(insert->bind(2, std::int64_t{-42}).ok());
  ASSERT_TRUE(insert->bind_blob(3, bytes).ok());
  ASSERT_TRUE(insert->bind_null(4).ok());
  EXPECT_EQ(insert->step().value(), false);
  insert->reset();
  ASSERT_TRUE(insert->bind(1, "row2").ok());
  ASSERT_TRUE(insert->bind(2, 7).ok());
  ASSERT_TRUE(insert->bind_blob(3, {}).ok());
  ASSERT_TRUE(insert->bind(4, std::string_view()).ok());
  EXPECT_EQ(insert->step().value(), false);

  auto select = store->prepare("SELECT id, n, blob, note FROM vault ORDER BY id");
  ASSERT_TRUE(select.ok());
  EXPECT_EQ(select->column_count(), 4);
  ASSERT_EQ(select->step().value(), true);
  EXPECT_EQ(select->column_text(0), "row1");
  EXPECT_EQ(select->column_int64(1), -42);
  EXPECT_EQ(select->column_blob(2), bytes);
  EXPECT_TRUE(select->column_is_null(3));
  ASSERT_EQ(select->step().value(), true);
  EXPECT_EQ(select->column_int64(1), 7);
  EXPECT_TRUE(select->column_blob(2).empty());
  EXPECT_FALSE(select->column_is_null(2));  // an empty blob, not NULL
  EXPECT_FALSE(select->column_is_null(3));  // an empty string, not NULL
  EXPECT_EQ(select->step().value(), false);
}

TEST(StateStoreTest, StatementErrorsCarrySqliteMessages) {
  auto store = open_or_die(":memory:");
  auto bad_sql = store->prepare("SELEC 1");
  ASSERT_FALSE(bad_sql.ok());
  EXPECT_EQ(bad_sql.code(), Errc::storage_error);
  EXPECT_EQ(bad_sql.error().detail, "near \"SELEC\": syntax error");

  auto two = store->prepare("SELECT 1; SELECT 2");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().detail, "more than one SQL statement in: SELECT 1; SELECT 2");
  EXPECT_TRUE(store->prepare("SELECT 1;  ").ok());

  auto statement = store->prepare("SELECT ?1");
  ASSERT_TRUE(statement.ok());
  const auto out_of_range = statement->bind(2, "x");
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_EQ(out_of_range.code(), Errc::storage_error);

  ASSERT_TRUE(store->exec("CREATE TABLE t (id TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(store->exec("INSERT INTO t VALUES ('a')").ok());
  auto duplicate = store->prepare("INSERT INTO t VALUES (?1)");
  ASSERT_TRUE(duplicate->bind(1, "a").ok());
  const auto stepped = duplicate->step();
  ASSERT_FALSE(stepped.ok());
  EXPECT_EQ(stepped.code(), Errc::storage_error);
  EXPECT_EQ(stepped.error().detail,
            "UNIQUE constraint failed: t.id (in: INSERT INTO t VALUES (?1))");

  const auto exec = store->exec("NOT SQL");
  ASSERT_FALSE(exec.ok());
  EXPECT_EQ(exec.code(), Errc::storage_error);
}

TEST(StateStoreTest, ForeignKeysAreEnforced) {
  auto store = open_or_die(":memory:");
  ASSERT_TRUE(store
                  ->exec("CREATE TABLE parent (id TEXT PRIMARY KEY);"
                         "CREATE TABLE child (id TEXT, parent TEXT REFERENCES parent(id));")
                  .ok());
  const auto orphan = store->exec("INSERT INTO child VALUES ('c', 'missing')");
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.code(), Errc::storage_error);
  EXPECT_EQ(orphan.error().detail, "FOREIGN KEY constraint failed");
}

// A process killed with SIGKILL in the middle of a transaction loses nothing it committed,
// and the file opens cleanly afterwards with the open transaction rolled back.
TEST(StateStoreTest, SigkillLosesNothingCommittedAndLeavesTheFileIntact) {
  TempDir dir;
  const auto file = dir.file("state.db");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = StateStore::open(file);
    if (!store.ok()) ::_exit(2);
    for (int i = 0; i < 50; ++i) {
      auto done = (*store)->transaction([&] {
        return (*store)->put("committed", std::to_string(i), {{"i", i}});
      });
      if (!done.ok()) ::_exit(3);
    }
    (void)(*store)->transaction([&]() -> core::Result<void> {
      for (int i = 0; i < 50; ++i) (void)(*store)->put("uncommitted", std::to_string(i), i);
      ::kill(::getpid(), SIGKILL);
      return {};
    });
    ::_exit(4);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  ASSERT_EQ(WTERMSIG(status), SIGKILL);

  auto store = open_or_die(file);
  auto integrity = store->prepare("PRAGMA integrity_check");
  ASSERT_TRUE(integrity.ok());
  ASSERT_EQ(integrity->step().value(), true);
  EXPECT_EQ(integrity->column_text(0), "ok");
  const auto committed = store->list("committed");
  ASSERT_TRUE(committed.ok());
  EXPECT_EQ(committed->size(), 50u);
  EXPECT_EQ(get_or_die(*store, "committed", "49"), (json{{"i", 49}}));
  EXPECT_TRUE(store->list("uncommitted")->empty());
}

}  // namespace
}  // namespace toolauth::service
