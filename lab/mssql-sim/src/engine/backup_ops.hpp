// Backup and restore operations shared by the T-SQL statements and the Agent's jobs.
#pragma once

#include "engine/backup_file.hpp"

#include <string>
#include <utility>
#include <vector>

namespace mssql_sim {

class Instance;
class Executor;
struct Database;

struct BackupOptions {
    bool init = false;
    bool checksum = false;
    bool copyOnly = false;
    bool compression = false;
    bool norecovery = false;
    std::string name, description;
};

struct BackupOutcome {
    BackupHeader header;
    int position = 1;
    std::int64_t bytes = 0;
};

struct RestoreOptions {
    std::string mode = "RECOVERY";  // RECOVERY | NORECOVERY | STANDBY
    std::string standbyFile;
    bool replace = false;
    bool checksum = false;
    bool noChecksum = false;
    int file = 1;
    bool enableBroker = false;
    bool restrictedUser = false;
    std::vector<std::pair<std::string, std::string>> moves;
};

// Both need the instance lock held; they save the state.
BackupOutcome backupDatabase(Instance& inst, Database& d, const std::string& path, bool isLog, const BackupOptions& o);
void restoreSet(Instance& inst, Executor* ex, const std::string& dbName, const std::string& path, bool isLog,
                const RestoreOptions& o, int exceptSpid);
void applyRecoveryMode(Instance& inst, Database& d, const RestoreOptions& o);

}  // namespace mssql_sim
