// The simulator's backup file format (documented in docs/lab-mssql-sim.md):
//   "MSSQLSIM-BACKUP1" (16 bytes), then one or more backup sets, each:
//     "SET1" | u32 header length | header (JSON) | u64 payload length | payload | u32 CRC-32
//   The CRC covers header and payload. Little-endian integers. NOINIT appends a set; INIT rewrites.
#pragma once

#include "engine/state.hpp"

#include <boost/describe/class.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mssql_sim {

struct BackupHeader {
    std::string BackupName;
    std::string BackupDescription;
    int BackupType = 1;  // 1 database, 2 log, 5 differential
    bool Compressed = false;
    int Position = 1;
    std::string UserName;
    std::string ServerName;
    std::string DatabaseName;
    std::int64_t DatabaseCreationDate = 0;
    std::int64_t BackupSize = 0;
    std::int64_t FirstLSN = 0;
    std::int64_t LastLSN = 0;
    std::int64_t CheckpointLSN = 0;
    std::int64_t DatabaseBackupLSN = 0;
    std::int64_t BackupStartDate = 0;
    std::int64_t BackupFinishDate = 0;
    std::string MachineName;
    std::string BindingID;
    std::string RecoveryForkID;
    std::string FamilyGUID;
    bool HasBackupChecksums = false;
    bool BeginsLogChain = false;
    bool IsCopyOnly = false;
    bool IsSingleUser = false;
    bool IsReadOnly = false;
    std::string FirstRecoveryForkID;
    std::int64_t ForkPointLSN = 0;
    std::string RecoveryModel;
    std::int64_t DifferentialBaseLSN = 0;
    std::string DifferentialBaseGUID;
    std::string BackupSetGUID;
    // Carried so a restore on another instance recreates the database faithfully.
    std::vector<DbFile> files;
    std::vector<DbUser> users;
    bool brokerEnabled = false;
};
BOOST_DESCRIBE_STRUCT(BackupHeader, (),
                      (BackupName, BackupDescription, BackupType, Compressed, Position, UserName, ServerName,
                       DatabaseName, DatabaseCreationDate, BackupSize, FirstLSN, LastLSN, CheckpointLSN,
                       DatabaseBackupLSN, BackupStartDate, BackupFinishDate, MachineName, BindingID, RecoveryForkID,
                       FamilyGUID, HasBackupChecksums, BeginsLogChain, IsCopyOnly, IsSingleUser, IsReadOnly,
                       FirstRecoveryForkID, ForkPointLSN, RecoveryModel, DifferentialBaseLSN, DifferentialBaseGUID,
                       BackupSetGUID, files, users, brokerEnabled))

struct BackupSetInfo {
    BackupHeader header;
    bool checksumOk = true;  // only computed when verify was requested
};

// Errors are SqlErrors with SQL Server's numbers: 3201 cannot open, 3241 not a backup,
// 3203 truncated, 3189 damaged (checksum mismatch, only when verifying).
class BackupFile {
public:
    // Appends (or, with init, replaces) a set; the payload is `payloadBytes` of generated data.
    static int write(const std::filesystem::path& path, BackupHeader header, std::uint64_t payloadBytes, bool init);
    // Reads all set headers; verify = also read payloads and check CRCs.
    static std::vector<BackupSetInfo> read(const std::filesystem::path& path, bool verify);
};

// A shared lock on a backup file, held by the copy job while it copies the file. write() holds
// the file exclusively for as long as it writes it, as SQL Server holds a backup open without
// sharing; busy() is then true and the caller must leave the file for a later run.
class BackupFileReadLock {
public:
    explicit BackupFileReadLock(const std::filesystem::path& path);
    ~BackupFileReadLock();
    BackupFileReadLock(const BackupFileReadLock&) = delete;
    BackupFileReadLock& operator=(const BackupFileReadLock&) = delete;
    bool busy() const { return busy_; }

private:
    int fd_ = -1;
    bool busy_ = false;
};

}  // namespace mssql_sim
