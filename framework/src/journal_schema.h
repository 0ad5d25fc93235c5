// The journal's schema, as an ordered list of migrations.
//
// Version N of the schema is every migration up to N applied in order. A database records
// what it has in the `journal_schema` table (one row per applied migration) and in
// PRAGMA user_version (so the sqlite3 shell shows it). To change the schema, append a
// migration; never edit one that has shipped.
#pragma once

#include <string>
#include <vector>

#include <Poco/Data/Session.h>

namespace drkit {

struct JournalMigration {
  int version = 0;                      // 1, 2, 3... with no gaps
  std::string name;                     // what it does, recorded in journal_schema
  std::vector<std::string> statements;  // one SQL statement each
};

// The migrations this drkit knows; the last one's version is the current schema version.
const std::vector<JournalMigration>& journal_migrations();

// The schema version recorded in the database (0 for a new or empty file).
int journal_schema_version(Poco::Data::Session& session);

// Applies, in one transaction per migration (BEGIN IMMEDIATE, so two processes opening the
// same new journal do not both migrate), every migration newer than the database's version.
// Returns the resulting version. Throws std::runtime_error if the database is newer than
// the newest migration (an older drkit must not write a newer journal), and Poco
// exceptions from SQLite (the failed migration is rolled back whole).
// REQUIRES: `migrations` sorted by version, starting at 1, without gaps.
int migrate_journal(Poco::Data::Session& session, const std::vector<JournalMigration>& migrations);

}  // namespace drkit
