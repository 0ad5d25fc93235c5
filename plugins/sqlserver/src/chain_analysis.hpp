// Scans a folder and plans the log chain for one database: what apply_log_backups would do,
// shared by that step's plan() and run() and by the log_chain probe.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "log_backup_scan.hpp"
#include "queries.hpp"

namespace drkit::sqlserver {

struct ChainAnalysis {
  DatabaseState state;
  RedoPoint redo;
  ScanResult scan;
  ChainPlan plan;
  // A gap, or log backups of another restore lineage that would extend the chain.
  bool blocked() const { return plan.gap.has_value() || !plan.fork_mismatch.empty(); }
  // One line: "3 to apply (12 already applied), gap after LSN 1200: next backup starts at 1400".
  std::string summary() const;
  // pending, already_applied, gap, expected_data_loss, last_lsn, unreadable, ignored ...
  boost::json::object to_json() const;
};

// Throws StepError (code "sqlserver.not_restoring") when the database is missing or
// recovered: nothing can be applied to it.
// `source_database` is the DatabaseName the backups carry (empty: the same as `database`).
ChainAnalysis analyze_log_chain(Context& ctx, Instance& instance, const std::string& database,
                                const ScanOptions& options, const std::string& source_database = {});

}  // namespace drkit::sqlserver
