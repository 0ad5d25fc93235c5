// The migration path: a v0 (empty) database, a database one version behind, a migration
// that fails half-way, and a database newer than this drkit.
#include "journal_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SQLite/Connector.h>

#include "journal.h"
#include "temp_dir.h"

namespace drkit {
namespace {

using namespace Poco::Data::Keywords;
using test_support::TempDir;
using ::testing::HasSubstr;

class JournalSchema : public ::testing::Test {
 protected:
  JournalSchema() { Poco::Data::SQLite::Connector::registerConnector(); }
  Poco::Data::Session session() { return Poco::Data::Session("SQLite", (dir_.path() / "journal.db").string()); }
  int count(Poco::Data::Session& s, const std::string& sql) {
    int n = 0;
    s << sql, into(n), now;
    return n;
  }
  bool has_table(Poco::Data::Session& s, const std::string& name) {
    return count(s, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'") == 1;
  }
  // The shipped migrations plus one more, as the next drkit version would add it.
  static std::vector<JournalMigration> with_v2(std::vector<std::string> v2_statements) {
    auto list = journal_migrations();
    list.push_back({list.back().version + 1, "test: the next schema", std::move(v2_statements)});
    return list;
  }
  TempDir dir_;
};

TEST_F(JournalSchema, EmptyDatabaseIsVersionZeroAndMigratesToCurrent) {
  auto s = session();
  EXPECT_EQ(journal_schema_version(s), 0);
  int current = journal_migrations().back().version;
  EXPECT_EQ(migrate_journal(s, journal_migrations()), current);
  EXPECT_EQ(journal_schema_version(s), current);
  for (const char* table : {"runs", "attempts", "approvals", "guard_overrides", "events", "checks"})
    EXPECT_TRUE(has_table(s, table)) << table;
  // Running it again is a no-op.
  EXPECT_EQ(migrate_journal(s, journal_migrations()), current);
  EXPECT_EQ(count(s, "SELECT COUNT(*) FROM journal_schema"), current);
}

TEST_F(JournalSchema, AnOlderJournalIsMigratedAndKeepsItsData) {
  int v1 = journal_migrations().back().version;
  {
    auto j = Journal::open(dir_.path());
    RunRecord r;
    r.id = "before-upgrade";
    r.started_at = std::chrono::system_clock::now();
    j->create_run(r);
  }
  auto s = session();
  // If the migrations already applied ran again, CREATE TABLE runs would fail.
  int v = migrate_journal(s, with_v2({"ALTER TABLE runs ADD COLUMN ticket TEXT NOT NULL DEFAULT ''",
                                      "CREATE INDEX runs_by_ticket ON runs (ticket)"}));
  EXPECT_EQ(v, v1 + 1);
  EXPECT_EQ(journal_schema_version(s), v1 + 1);
  EXPECT_EQ(count(s, "PRAGMA user_version"), v1 + 1);
  EXPECT_EQ(count(s, "SELECT COUNT(*) FROM runs WHERE id = 'before-upgrade' AND ticket = ''"), 1);
  std::string name;
  s << "SELECT name FROM journal_schema WHERE version = ?", bind(v1 + 1), into(name), now;
  EXPECT_EQ(name, "test: the next schema");
}

TEST_F(JournalSchema, AFailedMigrationLeavesNoTrace) {
  int v1 = journal_migrations().back().version;
  auto s = session();
  migrate_journal(s, journal_migrations());
  EXPECT_ANY_THROW(migrate_journal(s, with_v2({"CREATE TABLE half_done (x INTEGER)", "THIS IS NOT SQL"})));
  EXPECT_EQ(journal_schema_version(s), v1);
  EXPECT_FALSE(has_table(s, "half_done"));
  EXPECT_EQ(count(s, "PRAGMA user_version"), v1);
  // Fixed in the next release, it applies cleanly.
  EXPECT_EQ(migrate_journal(s, with_v2({"CREATE TABLE half_done (x INTEGER)"})), v1 + 1);
  EXPECT_TRUE(has_table(s, "half_done"));
}

TEST_F(JournalSchema, ANewerJournalIsRefusedNotDowngraded) {
  {
    auto s = session();
    migrate_journal(s, with_v2({"CREATE TABLE from_the_future (x INTEGER)"}));
  }
  int v1 = journal_migrations().back().version;
  try {
    Journal::open(dir_.path());
    FAIL() << "an older drkit opened a newer journal";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("journal.db"));
    EXPECT_THAT(e.what(), HasSubstr("schema version " + std::to_string(v1 + 1)));
    EXPECT_THAT(e.what(), HasSubstr("knows versions up to " + std::to_string(v1)));
  }
}

TEST_F(JournalSchema, MigrationsAreNumberedWithoutGaps) {
  const auto& list = journal_migrations();
  ASSERT_FALSE(list.empty());
  for (std::size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(list[i].version, static_cast<int>(i + 1));
    EXPECT_FALSE(list[i].name.empty());
    EXPECT_FALSE(list[i].statements.empty());
  }
}

}  // namespace
}  // namespace drkit
