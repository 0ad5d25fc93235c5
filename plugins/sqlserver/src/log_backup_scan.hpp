// Finds the log backups in a folder and reads their headers: the listing through the server
// (xp_dirtree, so the folder is read with the server's own rights) or locally (when drkit
// sees the same folder under another path), then RESTORE HEADERONLY per candidate file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/array.hpp>

#include "drkit/context.hpp"
#include "instance.hpp"
#include "log_chain.hpp"

namespace drkit::sqlserver {

struct ScanOptions {
  std::string folder;                        // as the server sees it
  std::optional<std::string> local_folder;  // the same folder as drkit sees it: list locally
  std::string extension = ".trn";
};

struct UnreadableBackup {
  std::string file;
  std::string error;                      // what went wrong (a truncated or half-written file, pitfall 2)
  std::optional<Diagnostic> server_error;  // the server's error, when it refused the file
};

struct ScanResult {
  std::vector<BackupSetHeader> headers;
  std::vector<std::string> ignored;  // .wrk copies in progress and other files
  std::vector<UnreadableBackup> unreadable;
};

std::string dirtree_sql(const std::string& folder);
std::string headeronly_sql(const std::string& path);
// folder + separator + name; the separator follows the folder's style ('\' or '/').
std::string join_server_path(const std::string& folder, const std::string& name);

ScanResult scan_log_backups(Context& ctx, Instance& instance, const ScanOptions& options);

// The planner's input for a database: redo point from sys.master_files, or for a STANDBY
// database (where redo_start_lsn is NULL) sys.database_recovery_status.last_log_backup_lsn.
std::string redo_point_sql(const std::string& database);
std::optional<RedoPoint> read_redo_point(Instance& instance, const std::string& database);

boost::json::array headers_json(const std::vector<BackupSetHeader>& headers);

}  // namespace drkit::sqlserver
