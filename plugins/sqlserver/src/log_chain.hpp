// The log chain planner: which log backups to restore, in which order, from RESTORE
// HEADERONLY rows and the database's redo_start_lsn. A pure function, so every rule in
// reference/persistent-chat-dr.md section 4 is unit-tested without a server.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lsn.hpp"

namespace drkit::sqlserver {

// One row of RESTORE HEADERONLY (the columns the planner needs), plus the file it came from.
struct BackupSetHeader {
  std::string file;        // the path as the server opens it
  int position = 1;        // backup set number within the file (RESTORE ... WITH FILE = n)
  int backup_type = 0;     // 1 full, 2 log, 5 differential
  std::string database_name;
  Lsn first_lsn;
  Lsn last_lsn;            // the LSN of the next record after the set
  Lsn database_backup_lsn;
  std::string first_recovery_fork_id;
  std::string recovery_fork_id;
  bool has_checksums = false;
  bool is_copy_only = false;
  std::string backup_finish_date;
};

// Where the database stands: from sys.master_files (file_id 1) of a RESTORING (or STANDBY)
// database.
struct RedoPoint {
  Lsn redo_start_lsn;
  std::string fork_guid;  // empty: unknown, fork ids are not compared
};

struct ChainGap {
  Lsn needed_lsn;             // the LSN the next log backup must contain
  std::optional<Lsn> next_first_lsn;  // FirstLSN of the first backup beyond the gap
  std::string next_file;      // its file, empty when no backup lies beyond
};

struct ChainPlan {
  std::vector<BackupSetHeader> to_apply;         // in restore order
  std::vector<BackupSetHeader> already_applied;  // LastLSN <= redo point (or covered)
  std::vector<BackupSetHeader> fork_mismatch;    // FirstRecoveryForkID != the database's fork
  std::vector<BackupSetHeader> other;            // not a log backup of this database
  std::vector<BackupSetHeader> beyond_gap;       // log backups that cannot be applied: gap
  std::optional<ChainGap> gap;
  Lsn last_lsn;  // redo_start_lsn after applying to_apply
  // The highest LastLSN among backups beyond the gap (what a recovery now would lose up to).
  std::optional<Lsn> lost_up_to;
};

// Plans the restore of `headers` onto a database of name `database` at `redo`.
// Order is by LSN (FirstLSN, then LastLSN), never by file name. A backup applies when
// FirstLSN <= current < LastLSN (SQL Server's rule); LastLSN <= current means already applied
// (error 4326 if sent); FirstLSN > current is a gap (error 4305 if sent).
ChainPlan plan_log_chain(std::string_view database, const RedoPoint& redo,
                         std::vector<BackupSetHeader> headers);

// Splits a folder listing into candidate log backups and the rest. A candidate ends in
// `extension` (case-insensitive, e.g. ".trn"); copy-job temporaries (".wrk") and everything
// else are returned in `ignored`. Candidates are sorted by name only for stable output.
struct ListingSplit {
  std::vector<std::string> candidates;
  std::vector<std::string> ignored;
};
ListingSplit split_listing(const std::vector<std::string>& names, std::string_view extension);

bool iequals(std::string_view a, std::string_view b);

}  // namespace drkit::sqlserver
