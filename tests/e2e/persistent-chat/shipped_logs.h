// The log backups in a lab folder (the share or the copy folder), read from the files
// themselves: the e2e tests compare what the primary shipped with what the backup restored
// without trusting drkit's own account of it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace drkit::test {

struct ShippedLog {
  std::filesystem::path file;
  std::int64_t first_lsn = 0;
  std::int64_t last_lsn = 0;
};

// Complete log backups (BackupType 2) of `database` among the folder's `.trn` files, in LSN
// order. Reads mssql-sim's backup file format (docs/lab-mssql-sim.md, "Backup files"); a file
// shorter than its sets say (a backup cut off by the outage) is not a shipped log and is left out.
std::vector<ShippedLog> shipped_logs(const std::filesystem::path& folder, const std::string& database);

}  // namespace drkit::test
