#include "journal_schema.h"

#include <chrono>
#include <stdexcept>

#include <fmt/format.h>
#include <Poco/Data/Statement.h>

#include "journal_time.h"

namespace drkit {

using namespace Poco::Data::Keywords;

const std::vector<JournalMigration>& journal_migrations() {
  // Times are ISO 8601 UTC text (journal_time.h); JSON columns are text; booleans 0/1;
  // statuses are the to_string() names of RunStatus and StepStatus.
  static const std::vector<JournalMigration> kMigrations = {
      {1,
       "runs, attempts, approvals, guard overrides, events, checks",
       {
           R"(CREATE TABLE runs (
                id TEXT PRIMARY KEY,
                manifest_path TEXT NOT NULL,
                manifest_hash TEXT NOT NULL,
                manifest_text TEXT NOT NULL,
                pipeline TEXT NOT NULL,
                environment TEXT NOT NULL,
                lock_key TEXT NOT NULL,
                status TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                pid INTEGER NOT NULL,
                host TEXT NOT NULL,
                user TEXT NOT NULL,
                rto_target_ms INTEGER,
                error TEXT NOT NULL,
                dry_run INTEGER NOT NULL))",
           "CREATE INDEX runs_by_lock_key ON runs (lock_key, status)",
           "CREATE INDEX runs_by_start ON runs (started_at)",
           R"(CREATE TABLE attempts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT NOT NULL REFERENCES runs (id),
                step_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                uses TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                status TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                outputs TEXT NOT NULL,
                error TEXT NOT NULL,
                error_code TEXT NOT NULL,
                retryable INTEGER NOT NULL))",
           "CREATE INDEX attempts_by_run ON attempts (run_id, id)",
           R"(CREATE TABLE approvals (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT NOT NULL REFERENCES runs (id),
                step_id TEXT NOT NULL,
                gate_text TEXT NOT NULL,
                approver TEXT NOT NULL,
                method TEXT NOT NULL,
                approved INTEGER NOT NULL,
                decided_at TEXT NOT NULL))",
           "CREATE INDEX approvals_by_run ON approvals (run_id, id)",
           R"(CREATE TABLE guard_overrides (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT NOT NULL REFERENCES runs (id),
                guard_id TEXT NOT NULL,
                user TEXT NOT NULL,
                reason TEXT NOT NULL,
                at TEXT NOT NULL))",
           "CREATE INDEX guard_overrides_by_run ON guard_overrides (run_id, id)",
           R"(CREATE TABLE events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT NOT NULL,
                time TEXT NOT NULL,
                type TEXT NOT NULL,
                step_id TEXT NOT NULL,
                data TEXT NOT NULL))",
           "CREATE INDEX events_by_run ON events (run_id, id)",
           R"(CREATE TABLE checks (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                manifest_path TEXT NOT NULL,
                manifest_hash TEXT NOT NULL,
                pipeline TEXT NOT NULL,
                environment TEXT NOT NULL,
                at TEXT NOT NULL,
                ok INTEGER NOT NULL))",
           "CREATE INDEX checks_by_target ON checks (manifest_path, pipeline, environment, ok, at)",
       }},
  };
  return kMigrations;
}

namespace {

const char* kCreateSchemaTable =
    "CREATE TABLE IF NOT EXISTS journal_schema ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

int recorded_version(Poco::Data::Session& session) {
  int version = 0;
  session << "SELECT COALESCE(MAX(version), 0) FROM journal_schema", into(version), now;
  return version;
}

// Rolls back unless committed: a migration that fails half-way leaves no trace.
class ImmediateTransaction {
 public:
  explicit ImmediateTransaction(Poco::Data::Session& s) : s_(s) { s_ << "BEGIN IMMEDIATE", now; }
  ~ImmediateTransaction() {
    if (open_) {
      try {
        s_ << "ROLLBACK", now;
      } catch (...) {  // the original exception is the one worth reporting
      }
    }
  }
  void commit() {
    s_ << "COMMIT", now;
    open_ = false;
  }
  ImmediateTransaction(const ImmediateTransaction&) = delete;
  ImmediateTransaction& operator=(const ImmediateTransaction&) = delete;

 private:
  Poco::Data::Session& s_;
  bool open_ = true;
};

}  // namespace

int journal_schema_version(Poco::Data::Session& session) {
  int exists = 0;
  session << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal_schema'",
      into(exists), now;
  return exists ? recorded_version(session) : 0;
}

int migrate_journal(Poco::Data::Session& session, const std::vector<JournalMigration>& migrations) {
  int newest = migrations.empty() ? 0 : migrations.back().version;
  // Cheap check first: an up-to-date journal opens without taking the write lock.
  int current = journal_schema_version(session);
  if (current == newest) return current;

  ImmediateTransaction tx(session);
  session << kCreateSchemaTable, now;
  current = recorded_version(session);  // again, under the lock: another process may have migrated
  if (current > newest) {
    throw std::runtime_error(fmt::format(
        "the journal has schema version {} but this drkit knows versions up to {}: use the newer drkit "
        "that wrote it (or another --state-dir)",
        current, newest));
  }
  tx.commit();

  for (const auto& m : migrations) {
    ImmediateTransaction step(session);
    if (recorded_version(session) >= m.version) continue;  // applied by us or another process
    for (const auto& sql : m.statements) session << sql, now;
    std::string applied_at = to_iso8601(std::chrono::system_clock::now());
    int version = m.version;
    std::string name = m.name;
    session << "INSERT INTO journal_schema (version, name, applied_at) VALUES (?, ?, ?)", use(version), use(name),
        use(applied_at), now;
    session << fmt::format("PRAGMA user_version = {}", m.version), now;
    step.commit();
    current = m.version;
  }
  return current;
}

}  // namespace drkit
